package keyspace

import "unsafe"

// Prefetching lets a pipeline's next keys travel from memory while the current command
// runs: a lookup of a random key among many misses the cache on the slot's table header,
// then its cell, then its entry, each load waiting for the one before. These calls are
// hints only: they change nothing, and a wrong guess costs a wasted line.

// PrefetchCell starts loading the table cell a lookup of key in slot s reads first. It
// takes no lock: it reads only the slot's table header, and a racing resize merely aims the
// prefetch at a useless line.
func (db *DB) PrefetchCell(s int, key []byte) { prefetchCell(&db.slots[s].keys, hashKey(key)) }

// PrefetchEntry starts loading the entry a lookup of key in slot s would find, which takes
// reading its cell: best done once a PrefetchCell brought that in. It reads the cell under
// the slot's lock, and gives up when another holder has it rather than wait.
func (db *DB) PrefetchEntry(s int, key []byte) {
	l := &db.ks.locks[s%LockShards]
	if !l.TryLock() {
		return
	}
	e := db.slots[s].keys.firstWithHash(hashKey(key))
	l.Unlock()
	if e != nil {
		prefetchLines(unsafe.Pointer(e))
	}
}
