package keyspace

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcnode/rcnode/slots"
)

// LockShards is how many locks guard the slots; slot s is guarded by lock s % LockShards.
const LockShards = 256

type lockShard struct {
	sync.Mutex
	// keyspace_hits/misses and changes, counted under the lock so cores never contend on them
	hits, misses, dirty int64
	_                   [32]byte
}

// Keyspace is every database of one node.
type Keyspace struct {
	DBs   []*DB
	locks [LockShards]lockShard

	// Clock returns the current time in Unix milliseconds; tests replace it.
	Clock func() int64
	// OnExpire is called, under the key's lock, for every key removed because its time passed
	// (the replication stream propagates it as a DEL).
	OnExpire func(db int, key []byte)
	// NoExpiry, when set (on replicas), makes expired keys invisible without deleting them:
	// a replica waits for its master's DEL as Redis replicas do.
	NoExpiry atomic.Bool

	expiredKeys atomic.Int64
	dirty       atomic.Int64
}

// New returns an empty keyspace of n databases.
func New(n int) *Keyspace {
	ks := &Keyspace{Clock: func() int64 { return time.Now().UnixMilli() }}
	ks.DBs = make([]*DB, n)
	for i := range ks.DBs {
		ks.DBs[i] = &DB{ks: ks, ID: i}
	}
	return ks
}

// Lock takes the lock of slot s.
func (ks *Keyspace) Lock(s int) { ks.locks[s%LockShards].Lock() }

// Unlock releases the lock of slot s.
func (ks *Keyspace) Unlock(s int) { ks.locks[s%LockShards].Unlock() }

// LockShard and UnlockShard take and release lock shard i (0 <= i < LockShards).
func (ks *Keyspace) LockShard(i int)   { ks.locks[i].Lock() }
func (ks *Keyspace) UnlockShard(i int) { ks.locks[i].Unlock() }

// TryLockShard takes lock shard i if it is free, for a holder of other shards that must not
// wait for it out of order.
func (ks *Keyspace) TryLockShard(i int) bool { return ks.locks[i].TryLock() }

// LockAll takes every lock, in order, for commands that touch the whole keyspace.
func (ks *Keyspace) LockAll() {
	for i := range ks.locks {
		ks.locks[i].Lock()
	}
}

// UnlockAll releases every lock.
func (ks *Keyspace) UnlockAll() {
	for i := range ks.locks {
		ks.locks[i].Unlock()
	}
}

// ShardOf returns the lock shard of slot s.
func ShardOf(s int) int { return s % LockShards }

// Stats are the keyspace counters INFO stats reports.
type Stats struct {
	Hits, Misses, ExpiredKeys int64
}

// Stats sums the counters; it takes each lock shard briefly.
func (ks *Keyspace) Stats() Stats {
	var st Stats
	for i := range ks.locks {
		l := &ks.locks[i]
		l.Lock()
		st.Hits += l.hits
		st.Misses += l.misses
		l.Unlock()
	}
	st.ExpiredKeys = ks.expiredKeys.Load()
	return st
}

// ResetStats zeroes the counters (CONFIG RESETSTAT).
func (ks *Keyspace) ResetStats() {
	for i := range ks.locks {
		l := &ks.locks[i]
		l.Lock()
		l.hits, l.misses = 0, 0
		l.Unlock()
	}
	ks.expiredKeys.Store(0)
}

// AddDirty counts n changes for the save schedule and INFO's rdb_changes_since_last_save.
func (ks *Keyspace) AddDirty(n int64) { ks.dirty.Add(n) }

// Dirty returns the number of changes counted since the last ResetDirty.
func (ks *Keyspace) Dirty() int64 {
	n := ks.dirty.Load()
	for i := range ks.locks {
		l := &ks.locks[i]
		l.Lock()
		n += l.dirty
		l.Unlock()
	}
	return n
}

// DirtyLocked is Dirty for a caller that holds every lock (a snapshot).
func (ks *Keyspace) DirtyLocked() int64 {
	n := ks.dirty.Load()
	for i := range ks.locks {
		n += ks.locks[i].dirty
	}
	return n
}

// ResetDirty subtracts n (the dirty count a snapshot captured) from the counter.
func (ks *Keyspace) ResetDirty(n int64) { ks.dirty.Add(-n) }

// KeyCount sums the keys of every database.
func (ks *Keyspace) KeyCount() int64 {
	var n int64
	for _, db := range ks.DBs {
		n += db.Size()
	}
	return n
}

// slotOf is a helper so callers can pass keys without computing slots themselves.
func slotOf(key []byte) int { return slots.KeySlot(key) }
