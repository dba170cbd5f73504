package node

import (
	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/slots"
)

// clientDB is a client's selected database with a one-key slot cache in front of it. A
// command names its key several times over (the dispatcher's lock, the lookup, the store,
// the expiry, the change count); the CRC16 behind the slot is computed once.
type clientDB struct {
	*keyspace.DB
	cacheKey  [64]byte
	cacheLen  int // -1: empty
	cacheSlot int
}

func (d *clientDB) use(db *keyspace.DB) {
	d.DB = db
	d.cacheLen = -1
}

// slotOf returns key's slot, from the cache when key is the one seen last. The cache is
// keyed on the bytes, not on where they live, so it can never give a stale answer.
func (d *clientDB) slotOf(key []byte) int {
	if len(key) == d.cacheLen && string(key) == string(d.cacheKey[:d.cacheLen]) {
		return d.cacheSlot
	}
	s := slots.KeySlot(key)
	d.remember(key, s)
	return s
}

func (d *clientDB) remember(key []byte, s int) {
	if len(key) <= len(d.cacheKey) {
		d.cacheLen = copy(d.cacheKey[:], key)
		d.cacheSlot = s
	}
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
