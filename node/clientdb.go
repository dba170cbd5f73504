package node

import (
	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/slots"
)

// clientDB is a client's selected database with a one-key slot cache in front of it. A
// command names its key several times over (the dispatcher's lock, the lookup, the store,
// the expiry, the change count); the CRC16 behind the slot is computed once. A second entry
// holds the key of the next pipelined command, whose slot prefetchNext computed.
type clientDB struct {
	*keyspace.DB
	last, next slotMemo
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
	d.last.n, d.next.n = -1, -1
}

// slotOf returns key's slot, from the cache when key is the one seen last or prefetched.
func (d *clientDB) slotOf(key []byte) int {
	if d.last.holds(key) {
		return d.last.slot
	}
	if d.next.holds(key) {
		return d.next.slot
	}
	s := slots.KeySlot(key)
	d.last.remember(key, s)
	return s
}

// prefetch starts loading what a lookup of key will read first (keyspace.DB.Prefetch).
func (d *clientDB) prefetch(key []byte) {
	s := slots.KeySlot(key)
	d.next.remember(key, s)
	d.DB.Prefetch(s, key)
}

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
