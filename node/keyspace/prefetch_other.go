//go:build !amd64

package keyspace

import "unsafe"

// Where there is no assembly for them, the prefetches do nothing.

func prefetchCell(*table, uint64)  {}
func prefetchLines(unsafe.Pointer) {}
