package keyspace

import (
	"hash/maphash"
	"unsafe"

	"github.com/rcnode/rcnode/node/datatype"
)

// table holds one slot's keys: an open-addressing hash table with linear probing whose
// cells hold a key's hash and its entry, and whose entries hold the value and, for keys of
// up to 48 bytes, the key's bytes. A lookup reads a cell and then one entry, where a Go map
// read its header, a group, the key's separately allocated bytes and then the value: those
// dependent cache misses were most of what a GET cost (BENCHMARKS.md).
//
// Deletion shifts the cells behind the removed one back (no tombstones), so a table's
// probe sequences stay as short as its load allows.
type table struct {
	cells []cell // a power of two long, or nil when empty
	n     int
}

type cell struct {
	hash uint64
	e    *entry // nil: empty
}

// entry is one key and its value. key never changes once the entry exists, so strings
// handed out from it stay valid.
type entry struct {
	v   any
	key string
}

// Entries with the key's bytes in the same allocation (key points into b).
type (
	entry16 struct {
		entry
		b [16]byte
	}
	entry32 struct {
		entry
		b [32]byte
	}
	entry48 struct {
		entry
		b [48]byte
	}
)

// Entries of string values with the value's header and the key's and the value's bytes in
// the same allocation, so a GET reads one object after the cell. The array sizes make
// each type fill a malloc size class (96, 112, 128 and 160 bytes).
type (
	strEntry40 struct {
		entry
		s datatype.Str
		b [40]byte
	}
	strEntry56 struct {
		entry
		s datatype.Str
		b [56]byte
	}
	strEntry72 struct {
		entry
		s datatype.Str
		b [72]byte
	}
	strEntry104 struct {
		entry
		s datatype.Str
		b [104]byte
	}
)

const (
	minCells = 8
	// A table grows past 3/4 full: linear probing's probe counts climb fast beyond that.
	maxLoadNum, maxLoadDen = 3, 4
)

var hashSeed = maphash.MakeSeed()

func hashKey(key []byte) uint64 { return maphash.Bytes(hashSeed, key) }

func newEntry(key []byte, v any) *entry {
	var e *entry
	var b []byte
	switch n := len(key); {
	case n <= 16:
		x := new(entry16)
		e, b = &x.entry, x.b[:n]
	case n <= 32:
		x := new(entry32)
		e, b = &x.entry, x.b[:n]
	case n <= 48:
		x := new(entry48)
		e, b = &x.entry, x.b[:n]
	default:
		return &entry{v: v, key: string(key)}
	}
	copy(b, key)
	// The string points into the entry's own array: the entry outlives every use of it.
	e.key = unsafe.String(unsafe.SliceData(b), len(b))
	e.v = v
	return e
}

func newStrEntry(key, val []byte) *entry {
	var e *entry
	var s *datatype.Str
	var b []byte
	switch n := len(key) + len(val); {
	case n <= 40:
		x := new(strEntry40)
		e, s, b = &x.entry, &x.s, x.b[:]
	case n <= 56:
		x := new(strEntry56)
		e, s, b = &x.entry, &x.s, x.b[:]
	case n <= 72:
		x := new(strEntry72)
		e, s, b = &x.entry, &x.s, x.b[:]
	case n <= 104:
		x := new(strEntry104)
		e, s, b = &x.entry, &x.s, x.b[:]
	default:
		return newEntry(key, datatype.NewStr(val))
	}
	k := copy(b, key)
	e.key = unsafe.String(unsafe.SliceData(b), k)
	// The value may grow in place into the rest of the array (APPEND, SETRANGE).
	s.B = append(b[k:k], val...)
	e.v = s
	return e
}

// find returns the index of key's cell, or -1.
func (t *table) find(h uint64, key []byte) int {
	if t.n == 0 {
		return -1
	}
	mask := len(t.cells) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		c := &t.cells[i]
		if c.e == nil {
			return -1
		}
		if c.hash == h && c.e.key == string(key) {
			return i
		}
	}
}

// firstWithHash returns the entry of the first cell in h's probe sequence that holds hash h
// (most likely the key's own entry), or nil.
func (t *table) firstWithHash(h uint64) *entry {
	if t.n == 0 {
		return nil
	}
	mask := len(t.cells) - 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		c := &t.cells[i]
		if c.e == nil || c.hash == h {
			return c.e
		}
	}
}

// get returns key's value.
func (t *table) get(key []byte) (any, bool) {
	if t.n == 0 {
		return nil, false
	}
	if i := t.find(hashKey(key), key); i >= 0 {
		return t.cells[i].e.v, true
	}
	return nil, false
}

// set stores v under key and reports whether the key is new.
func (t *table) set(key []byte, v any) bool {
	h := hashKey(key)
	if i := t.find(h, key); i >= 0 {
		t.cells[i].e.v = v
		return false
	}
	t.insert(h, newEntry(key, v))
	return true
}

// setStr stores a string value holding a copy of val under key and reports whether the key
// is new; a new key's string shares its entry's allocation.
func (t *table) setStr(key, val []byte) bool {
	h := hashKey(key)
	if i := t.find(h, key); i >= 0 {
		t.cells[i].e.v = datatype.NewStr(val)
		return false
	}
	t.insert(h, newStrEntry(key, val))
	return true
}

// insert adds the entry of a key that is not in the table.
func (t *table) insert(h uint64, e *entry) {
	if (t.n+1)*maxLoadDen > len(t.cells)*maxLoadNum {
		t.resize(max(minCells, 2*len(t.cells)))
	}
	t.place(cell{hash: h, e: e})
	t.n++
}

// place puts c in the first free cell of its probe sequence.
func (t *table) place(c cell) {
	mask := len(t.cells) - 1
	i := int(c.hash) & mask
	for t.cells[i].e != nil {
		i = (i + 1) & mask
	}
	t.cells[i] = c
}

// remove deletes key and reports whether it was there.
func (t *table) remove(key []byte) bool {
	i := t.find(hashKey(key), key)
	if i < 0 {
		return false
	}
	mask := len(t.cells) - 1
	// Shift back each following cell of the run whose home is not between the hole and
	// itself, so every key stays reachable from its home without tombstones.
	for j := (i + 1) & mask; t.cells[j].e != nil; j = (j + 1) & mask {
		home := int(t.cells[j].hash) & mask
		if (i < j && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.cells[i] = t.cells[j]
			i = j
		}
	}
	t.cells[i] = cell{}
	t.n--
	switch {
	case t.n == 0:
		t.cells = nil
	case len(t.cells) > minCells && t.n*8 < len(t.cells):
		t.resize(len(t.cells) / 2) // give back the memory of a slot that emptied
	}
	return true
}

func (t *table) resize(size int) {
	old := t.cells
	t.cells = make([]cell, size)
	for _, c := range old {
		if c.e != nil {
			t.place(c)
		}
	}
}

// each calls fn for every key until fn returns false; fn must not add or remove keys.
func (t *table) each(fn func(key string, v any) bool) {
	for i := range t.cells {
		if e := t.cells[i].e; e != nil && !fn(e.key, e.v) {
			return
		}
	}
}
