package node

import (
	"sync"
	"sync/atomic"

	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/node/migrate"
)

// migrationState is the server's side of MIGRATE: the cached target connections and the keys
// being sent right now. Its zero value is ready to use.
type migrationState struct {
	connsOnce sync.Once
	conns     *migrate.Cache

	inFlight keysInFlight
}

// targetConns returns the connection cache, starting its idle sweep on first use; the sweep
// ends, closing every cached connection, when the server shuts down.
func (s *Server) targetConns() *migrate.Cache {
	m := &s.migration
	m.connsOnce.Do(func() {
		m.conns = migrate.NewCache()
		go m.conns.Run(s.shutdownCh)
	})
	return m.conns
}

// keysInFlight are the keys a MIGRATE has serialized and is sending without holding their
// slot locks. Until the target has answered and the acknowledged keys are deleted, a command
// that would write one of them waits (see writeWaitsForMigrate): the value the target
// receives stays the value the source has, and no key is deleted from the source after a
// write the target never saw.
//
// Each lock shard has its own map, read and changed only under that shard's lock, so the
// check costs a command one atomic load while no MIGRATE is sending and never contends.
type keysInFlight struct {
	count   atomic.Int64
	byShard [keyspace.LockShards]map[flightKey]*flight
}

type flightKey struct {
	db  int
	key string
}

// flight is one MIGRATE's batch of keys; done is closed once they are settled.
type flight struct {
	done chan struct{}
	keys []flightEntry
}

type flightEntry struct {
	shard int
	key   flightKey
}

// begin registers keys (of db, in slots) as in flight; the caller holds their slot locks.
// A key named twice is registered once.
func (k *keysInFlight) begin(db int, keys [][]byte, slots []int) *flight {
	f := &flight{done: make(chan struct{}), keys: make([]flightEntry, 0, len(keys))}
	for i, key := range keys {
		sh := keyspace.ShardOf(slots[i])
		fk := flightKey{db, string(key)}
		m := k.byShard[sh]
		if m == nil {
			m = make(map[flightKey]*flight)
			k.byShard[sh] = m
		}
		if _, dup := m[fk]; dup {
			continue
		}
		m[fk] = f
		f.keys = append(f.keys, flightEntry{sh, fk})
	}
	k.count.Add(int64(len(f.keys)))
	return f
}

// end unregisters f's keys and wakes the commands waiting for them; the caller holds the
// keys' slot locks again.
func (k *keysInFlight) end(f *flight) {
	for _, e := range f.keys {
		delete(k.byShard[e.shard], e.key)
	}
	k.count.Add(-int64(len(f.keys)))
	close(f.done)
}

// find returns the flight key (of db, in slot) belongs to, or nil; the caller holds the
// slot's lock.
func (k *keysInFlight) find(db, slot int, key []byte) *flight {
	m := k.byShard[keyspace.ShardOf(slot)]
	if len(m) == 0 {
		return nil
	}
	return m[flightKey{db, string(key)}]
}

// writeWaitsForMigrate is the dispatcher's check, with the command's slot locks held: it
// returns the flight a write command must wait for because one of its keys is being
// migrated, or nil. Reads go ahead: the value does not change until the flight ends.
func (c *Client) writeWaitsForMigrate(write bool, args [][]byte) *flight {
	inFlight := &c.srv.migration.inFlight
	if !write || inFlight.count.Load() == 0 {
		return nil
	}
	for _, p := range c.keyPos {
		if f := inFlight.find(c.db.ID, c.db.slotOf(args[p]), args[p]); f != nil {
			return f
		}
	}
	return nil
}
