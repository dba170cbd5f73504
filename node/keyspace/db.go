package keyspace

import (
	"sync/atomic"

	"github.com/rcnode/rcnode/slots"
)

// DB is one numbered database. Every method that takes a key must be called with that key's
// slot lock held (Keyspace.Lock(slots.KeySlot(key))).
type DB struct {
	ks    *Keyspace
	ID    int
	slots [slots.Count]slotTable // by value: one memory read fewer per lookup

	keys     atomic.Int64
	volatile atomic.Int64
	// perSlot mirrors each slot's key count so KEYS, SCAN and RANDOMKEY can skip empty slots
	// without taking their locks.
	perSlot [slots.Count]atomic.Int32
}

type slotTable struct {
	keys    table
	expires map[string]int64 // only volatile keys, as Redis keeps a separate expires dict
}

// table returns slot s's table, or nil when it holds no keys and create is false.
func (db *DB) table(s int, create bool) *slotTable {
	t := &db.slots[s]
	if t.keys.n == 0 && !create {
		return nil
	}
	return t
}

// expired reports whether key in t has passed its expiry, deleting it unless this node is a
// replica (lazy expiry).
func (db *DB) expired(t *slotTable, s int, key []byte) bool {
	if len(t.expires) == 0 || !db.pastExpiry(t, key) { // the first test saves a call per lookup
		return false
	}
	if db.ks.NoExpiry.Load() {
		return true
	}
	db.remove(t, s, key)
	db.ks.expiredKeys.Add(1)
	if db.ks.OnExpire != nil {
		db.ks.OnExpire(db.ID, key)
	}
	return true
}

// pastExpiry reports whether key in t has an expiry time that has passed.
func (db *DB) pastExpiry(t *slotTable, key []byte) bool {
	if len(t.expires) == 0 {
		return false
	}
	when, ok := t.expires[string(key)]
	return ok && when <= db.ks.Clock()
}

// Get returns key's value, or nil when it does not exist (or has expired).
func (db *DB) Get(key []byte) any { return db.GetAt(slotOf(key), key) }

// GetAt is Get for a key whose slot s the caller has already computed.
func (db *DB) GetAt(s int, key []byte) any {
	t := db.table(s, false)
	if t == nil {
		return nil
	}
	v, ok := t.keys.get(key)
	if !ok || db.expired(t, s, key) {
		return nil
	}
	return v
}

// GetRead is Get for read commands: it also counts a keyspace hit or miss.
func (db *DB) GetRead(key []byte) any { return db.GetReadAt(slotOf(key), key) }

// GetReadAt is GetRead for a key of slot s.
func (db *DB) GetReadAt(s int, key []byte) any {
	v := db.GetAt(s, key)
	l := &db.ks.locks[s%LockShards]
	if v == nil {
		l.misses++
	} else {
		l.hits++
	}
	return v
}

// Changed counts n changes to key (for the save schedule and rdb_changes_since_last_save).
func (db *DB) Changed(key []byte, n int64) { db.ChangedAt(slotOf(key), n) }

// ChangedAt counts n changes to a key of slot s.
func (db *DB) ChangedAt(s int, n int64) { db.ks.locks[s%LockShards].dirty += n }

// Exists reports whether key exists.
func (db *DB) Exists(key []byte) bool { return db.Get(key) != nil }

// Holds reports whether key is stored, expired or not, without expiring it (WATCH's checks).
func (db *DB) Holds(key []byte) bool {
	t := db.table(slotOf(key), false)
	if t == nil {
		return false
	}
	_, ok := t.keys.get(key)
	return ok
}

// HasExpired reports whether key is stored with an expiry time that has passed, without
// deleting it (Redis's keyIsExpired).
func (db *DB) HasExpired(key []byte) bool {
	t := db.table(slotOf(key), false)
	return t != nil && db.pastExpiry(t, key)
}

// Set stores v under key and clears any expiry, as SET without KEEPTTL does.
func (db *DB) Set(key []byte, v any) { db.SetAt(slotOf(key), key, v) }

// SetAt is Set for a key of slot s.
func (db *DB) SetAt(s int, key []byte, v any) {
	t := db.table(s, true)
	if !t.keys.set(key, v) {
		db.clearExpire(t, key)
		return
	}
	db.keys.Add(1)
	db.perSlot[s].Add(1)
}

// SetStrAt is SetAt, or SetKeepTTLAt when keepTTL, of a new string value holding a copy of
// val.
func (db *DB) SetStrAt(s int, key, val []byte, keepTTL bool) {
	t := db.table(s, true)
	if keepTTL {
		db.expired(t, s, key) // an expired key's TTL is not kept
	}
	if !t.keys.setStr(key, val) {
		if !keepTTL {
			db.clearExpire(t, key)
		}
		return
	}
	db.keys.Add(1)
	db.perSlot[s].Add(1)
}

// SetKeepTTL stores v under key and keeps its expiry if it has one.
func (db *DB) SetKeepTTL(key []byte, v any) { db.SetKeepTTLAt(slotOf(key), key, v) }

// SetKeepTTLAt is SetKeepTTL for a key of slot s.
func (db *DB) SetKeepTTLAt(s int, key []byte, v any) {
	t := db.table(s, true)
	db.expired(t, s, key) // an expired key's TTL is not kept
	if t.keys.set(key, v) {
		db.keys.Add(1)
		db.perSlot[s].Add(1)
	}
}

// Delete removes key and reports whether it existed.
func (db *DB) Delete(key []byte) bool { return db.DeleteAt(slotOf(key), key) }

// DeleteAt is Delete for a key of slot s.
func (db *DB) DeleteAt(s int, key []byte) bool {
	t := db.table(s, false)
	if t == nil {
		return false
	}
	if _, ok := t.keys.get(key); !ok || db.expired(t, s, key) {
		return false
	}
	db.remove(t, s, key)
	return true
}

func (db *DB) remove(t *slotTable, s int, key []byte) {
	t.keys.remove(key)
	db.keys.Add(-1)
	db.perSlot[s].Add(-1)
	db.clearExpire(t, key)
}

func (db *DB) clearExpire(t *slotTable, key []byte) bool {
	if len(t.expires) == 0 {
		return false
	}
	if _, ok := t.expires[string(key)]; !ok {
		return false
	}
	delete(t.expires, string(key))
	db.volatile.Add(-1)
	return true
}

// Expire returns key's expiry in Unix ms, or -1 when it has none. The key must exist.
func (db *DB) Expire(key []byte) int64 { return db.ExpireAt(slotOf(key), key) }

// ExpireAt is Expire for a key of slot s.
func (db *DB) ExpireAt(s int, key []byte) int64 {
	t := db.table(s, false)
	if t == nil || len(t.expires) == 0 {
		return -1
	}
	if when, ok := t.expires[string(key)]; ok {
		return when
	}
	return -1
}

// SetExpire sets an existing key's expiry to when (Unix ms).
func (db *DB) SetExpire(key []byte, when int64) { db.SetExpireAt(slotOf(key), key, when) }

// SetExpireAt is SetExpire for a key of slot s.
func (db *DB) SetExpireAt(s int, key []byte, when int64) {
	t := db.table(s, false)
	if t == nil {
		return
	}
	if _, ok := t.keys.get(key); !ok {
		return
	}
	if t.expires == nil {
		t.expires = make(map[string]int64)
	}
	if _, ok := t.expires[string(key)]; !ok {
		db.volatile.Add(1)
	}
	t.expires[string(key)] = when
}

// Persist removes key's expiry and reports whether it had one.
func (db *DB) Persist(key []byte) bool { return db.PersistAt(slotOf(key), key) }

// PersistAt is Persist for a key of slot s.
func (db *DB) PersistAt(s int, key []byte) bool {
	t := db.table(s, false)
	if t == nil {
		return false
	}
	return db.clearExpire(t, key)
}

// Size returns the number of keys (expired keys not yet removed included, as DBSIZE counts).
func (db *DB) Size() int64 { return db.keys.Load() }

// Volatile returns the number of keys with an expiry.
func (db *DB) Volatile() int64 { return db.volatile.Load() }

// CountInSlot returns the number of keys in slot s; it needs no lock.
func (db *DB) CountInSlot(s int) int { return int(db.perSlot[s].Load()) }

// ForEachInSlot calls fn for each key of slot s until fn returns false; the caller holds s's
// lock and fn must not add or remove keys. Expired keys that are still stored are skipped.
func (db *DB) ForEachInSlot(s int, fn func(key string, v any) bool) {
	t := db.table(s, false)
	if t == nil {
		return
	}
	now := db.ks.Clock()
	t.keys.each(func(k string, v any) bool {
		if len(t.expires) > 0 {
			if when, ok := t.expires[k]; ok && when <= now {
				return true
			}
		}
		return fn(k, v)
	})
}

// KeysInSlot returns up to max keys of slot s, including expired keys not removed yet, as
// Redis's CLUSTER GETKEYSINSLOT lists them: redis-cli moves a slot until that list is empty,
// and MIGRATE removes such a key when it finds it expired. The caller holds s's lock.
func (db *DB) KeysInSlot(s, max int) []string {
	t := db.table(s, false)
	if t == nil || max <= 0 {
		return nil
	}
	keys := make([]string, 0, min(max, t.keys.n))
	t.keys.each(func(k string, _ any) bool {
		keys = append(keys, k)
		return len(keys) < max
	})
	return keys
}

// FlushSlot removes every key of slot s; the caller holds s's lock. It returns how many.
func (db *DB) FlushSlot(s int) int {
	t := db.table(s, false)
	if t == nil {
		return 0
	}
	n := t.keys.n
	db.keys.Add(int64(-n))
	db.volatile.Add(int64(-len(t.expires)))
	db.perSlot[s].Store(0)
	db.slots[s] = slotTable{}
	return n
}

// Flush removes every key; the caller holds every lock.
func (db *DB) Flush() int64 {
	n := db.keys.Load()
	for s := range db.slots {
		db.FlushSlot(s)
	}
	return n
}

// SwapContents exchanges the keys of db and other (a database of another keyspace, built
// by a loader): a replica loads its master's snapshot aside and swaps it in at once, so
// clients read the old data until the new data is complete. The caller holds every lock of
// db's keyspace; other must not be in use.
func (db *DB) SwapContents(other *DB) {
	db.slots, other.slots = other.slots, db.slots
	k, v := db.keys.Load(), db.volatile.Load()
	db.keys.Store(other.keys.Load())
	db.volatile.Store(other.volatile.Load())
	other.keys.Store(k)
	other.volatile.Store(v)
	for s := range db.perSlot {
		n := db.perSlot[s].Load()
		db.perSlot[s].Store(other.perSlot[s].Load())
		other.perSlot[s].Store(n)
	}
}

// ForEachWithExpiry is ForEachInSlot that also gives each key's expiry (Unix ms, -1 for
// none), for snapshots.
func (db *DB) ForEachWithExpiry(s int, fn func(key string, v any, expireMs int64) bool) {
	t := db.table(s, false)
	if t == nil {
		return
	}
	now := db.ks.Clock()
	t.keys.each(func(k string, v any) bool {
		when := int64(-1)
		if len(t.expires) > 0 {
			if w, ok := t.expires[k]; ok {
				if w <= now {
					return true
				}
				when = w
			}
		}
		return fn(k, v, when)
	})
}
