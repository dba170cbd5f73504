package node

import (
	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/slots"
)

// clientDB is a client's selected database with a small slot cache in front of it. A
// command names its key several times over (the dispatcher's lock, the lookup, the store,
// the expiry, the change count); the CRC16 behind the slot is computed once. Two more entries
// hold the keys of the next pipelined commands, whose slots the prefetches computed.
type clientDB struct {
	*keyspace.DB
	last  slotMemo
	ahead [2]slotMemo
	turn  int // the ahead entry to fill next
}

// slotMemo is one key and its slot. It is keyed on the bytes, not on where they live, so it
// can never give a stale answer.
type slotMemo struct {
	key  [64]byte
	n    int // -1: empty
	slot int
}

func (m *slotMemo) holds(key []byte) bool {
	return len(key) == m.n && string(key) == string(m.key[:m.n])
}

func (m *slotMemo) remember(key []byte, s int) {
	if len(key) <= len(m.key) {
		m.n = copy(m.key[:], key)
		m.slot = s
	}
}

func (d *clientDB) use(db *keyspace.DB) {
	d.DB = db
	d.last.n, d.ahead[0].n, d.ahead[1].n = -1, -1, -1
}

func (d *clientDB) cachedSlot(key []byte) (int, bool) {
	switch {
	case d.last.holds(key):
		return d.last.slot, true
	case d.ahead[0].holds(key):
		return d.ahead[0].slot, true
	case d.ahead[1].holds(key):
		return d.ahead[1].slot, true
	}
	return 0, false
}

// slotOf returns key's slot, from the cache when key is the one seen last or prefetched.
func (d *clientDB) slotOf(key []byte) int {
	if s, ok := d.cachedSlot(key); ok {
		return s
	}
	s := slots.KeySlot(key)
	d.last.remember(key, s)
	return s
}

// slotAhead is slotOf for a key of a command still to come: it keeps the running command's
// entry.
func (d *clientDB) slotAhead(key []byte) int {
	if s, ok := d.cachedSlot(key); ok {
		return s
	}
	s := slots.KeySlot(key)
	d.ahead[d.turn].remember(key, s)
	d.turn ^= 1
	return s
}

func (d *clientDB) prefetchCell(key []byte)  { d.DB.PrefetchCell(d.slotAhead(key), key) }
func (d *clientDB) prefetchEntry(key []byte) { d.DB.PrefetchEntry(d.slotAhead(key), key) }

func (d *clientDB) Get(key []byte) any     { return d.DB.GetAt(d.slotOf(key), key) }
func (d *clientDB) GetRead(key []byte) any { return d.DB.GetReadAt(d.slotOf(key), key) }
func (d *clientDB) Exists(key []byte) bool { return d.Get(key) != nil }
func (d *clientDB) Set(key []byte, v any)  { d.DB.SetAt(d.slotOf(key), key, v) }
func (d *clientDB) SetStr(key, val []byte, keepTTL bool) {
	d.DB.SetStrAt(d.slotOf(key), key, val, keepTTL)
}
func (d *clientDB) SetKeepTTL(key []byte, v any) {
	d.DB.SetKeepTTLAt(d.slotOf(key), key, v)
}
func (d *clientDB) Delete(key []byte) bool  { return d.DB.DeleteAt(d.slotOf(key), key) }
func (d *clientDB) Expire(key []byte) int64 { return d.DB.ExpireAt(d.slotOf(key), key) }
func (d *clientDB) SetExpire(key []byte, when int64) {
	d.DB.SetExpireAt(d.slotOf(key), key, when)
}
func (d *clientDB) Persist(key []byte) bool     { return d.DB.PersistAt(d.slotOf(key), key) }
func (d *clientDB) Changed(key []byte, n int64) { d.DB.ChangedAt(d.slotOf(key), n) }
