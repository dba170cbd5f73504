package node

import (
	"slices"
	"sync"
	"sync/atomic"
)

// WATCH and UNWATCH: optimistic locking for MULTI/EXEC, as redis-server 7.0's multi.c does
// it. A write to a watched key (by any client, the watcher included), its deletion when its
// time passes, or a flush of its database while it exists makes the watcher's next EXEC
// answer a null array instead of running; so does a watched key that has expired by then.
// A key that had already expired when it was watched counts as changed only once it is
// written again, not when its deletion catches up with it.
//
// Writers touch the registry under their key's slot lock, so a WATCH (which holds the same
// lock) sees a write either before it or after it, never half-way.

func init() {
	register("watch", cmdWatch)
	register("unwatch", cmdUnwatch)
}

// dbKey names a key of one database: what WATCH watches and a blocked client waits on.
type dbKey struct {
	db  int
	key string
}

// watcher is one client watching one key.
type watcher struct {
	c       *Client
	key     dbKey
	expired bool // the key had expired (but was still stored) when it was watched
}

// watchRegistry is every watched key of the node.
type watchRegistry struct {
	// pairs counts the (client, key) pairs watched: writers skip the registry while it is 0.
	pairs atomic.Int64
	mu    sync.Mutex
	keys  map[dbKey][]*watcher // in the order the clients watched the key
}

// clientWatch is a client's side of the registry. keys is guarded by the registry's mutex;
// dirty is set under it too, and read without it when nothing is watched.
type clientWatch struct {
	keys  []*watcher
	dirty atomic.Bool // a watched key changed: EXEC will not run (Redis's CLIENT_DIRTY_CAS)
}

func cmdWatch(c *Client, args [][]byte) {
	if c.tx != nil {
		c.w.Error("ERR WATCH inside MULTI is not allowed")
		return
	}
	r := &c.srv.watches
	r.mu.Lock()
	if !c.watch.dirty.Load() { // a dirty client has nothing left to watch for
		for _, k := range args[1:] {
			r.add(c, k)
		}
	}
	r.mu.Unlock()
	c.w.OK()
}

func cmdUnwatch(c *Client, args [][]byte) {
	c.unwatchAll()
	c.w.OK()
}

// add makes c watch key in its current database, unless it does already.
func (r *watchRegistry) add(c *Client, key []byte) {
	k := dbKey{c.db.ID, string(key)}
	for _, w := range c.watch.keys {
		if w.key == k {
			return
		}
	}
	w := &watcher{c: c, key: k, expired: c.db.HasExpired(key)}
	if r.keys == nil {
		r.keys = make(map[dbKey][]*watcher)
	}
	r.keys[k] = append(r.keys[k], w)
	c.watch.keys = append(c.watch.keys, w)
	r.pairs.Add(1)
}

// removeClient drops every key c watches.
func (r *watchRegistry) removeClient(c *Client) {
	for _, w := range c.watch.keys {
		removeFromList(r.keys, w.key, w)
		r.pairs.Add(-1)
	}
	c.watch.keys = nil
}

// removeFromList removes v from the list m[k], and the list once empty. The list is copied,
// not changed in place: the caller's loop may be ranging over it (touchKey, serveKey).
func removeFromList[K comparable, V comparable](m map[K][]V, k K, v V) {
	vs := m[k]
	if i := slices.Index(vs, v); i >= 0 {
		vs = append(vs[:i:i], vs[i+1:]...)
	}
	if len(vs) == 0 {
		delete(m, k)
	} else {
		m[k] = vs
	}
}

// unwatchAll drops every key c watches and its dirty mark, as a transaction's end does.
func (c *Client) unwatchAll() {
	r := &c.srv.watches
	if r.pairs.Load() == 0 && !c.watch.dirty.Load() {
		return
	}
	r.mu.Lock()
	r.removeClient(c)
	c.watch.dirty.Store(false)
	r.mu.Unlock()
}

// watchFailed reports whether EXEC must not run: a watched key changed, or has expired
// since it was watched. Every slot lock is held.
func (c *Client) watchFailed() bool {
	r := &c.srv.watches
	if r.pairs.Load() == 0 {
		return c.watch.dirty.Load()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.watch.dirty.Load() {
		return true
	}
	for _, w := range c.watch.keys {
		if !w.expired && c.srv.ks.DBs[w.key.db].HasExpired([]byte(w.key.key)) {
			return true
		}
	}
	return false
}

// touchKey tells the watchers of key in database db that it changed (Redis's
// touchWatchedKey), under the key's slot lock, after the change.
func (s *Server) touchKey(db int, key []byte) {
	r := &s.watches
	if r.pairs.Load() == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var dirty []*Client
	for _, w := range r.keys[dbKey{db, string(key)}] {
		if w.expired {
			if !s.ks.DBs[db].Holds(key) {
				w.expired = false // its deletion caught up: no change as far as WATCH goes
				continue
			}
			// Redis 7.0 stops at the first watcher of an expired key that is written to,
			// leaving the later watchers of the key untouched.
			break
		}
		dirty = append(dirty, w.c)
	}
	for _, c := range dirty {
		c.watch.dirty.Store(true)
		r.removeClient(c) // nothing it watches matters any more
	}
}

// touchDB tells the watchers of database db's keys that the database is about to be
// emptied (FLUSHDB, FLUSHALL, a full resynchronization): those whose key exists are dirty
// (Redis's touchAllWatchedKeysInDb). Every slot lock is held.
func (s *Server) touchDB(db int) {
	r := &s.watches
	if r.pairs.Load() == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	d := s.ks.DBs[db]
	for k, ws := range r.keys {
		if k.db != db || !d.Holds([]byte(k.key)) {
			continue
		}
		for _, w := range ws {
			if w.expired {
				w.expired = false // deleted with the rest: no change as far as WATCH goes
				continue
			}
			w.c.watch.dirty.Store(true)
		}
	}
}
