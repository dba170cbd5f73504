package keyspace

import "unsafe"

// prefetchCell starts loading the first cell a lookup of hash h in t reads, in assembly:
// it must neither fault on a table that another goroutine is resizing nor count as a data
// race, and Go has no prefetch instruction.
//
//go:noescape
func prefetchCell(t *table, h uint64)

// prefetchLines starts loading the two cache lines from p on.
//
//go:noescape
func prefetchLines(p unsafe.Pointer)

// The assembly's view of a table: the cells slice first, 16-byte cells.
var (
	_ = [1]struct{}{}[unsafe.Offsetof(table{}.cells)]
	_ = [1]struct{}{}[unsafe.Sizeof(cell{})-16]
)
