package node

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/slots"
)

// Blocking pops (BLPOP and the rest, cmd_blocking.go), as redis-server 7.0's blocked.c
// serves them. A client that finds nothing to pop waits in the registry under each of its
// keys. The command that creates one of those keys serves the waiters itself, first
// blocked first, after it has run and before it lets go of the key's lock: so a waiter
// gets the element before any other client can take it, and its pop reaches replicas
// right after that command, as in Redis. A waiter's goroutine only sleeps until it has
// been served, times out, or must give up (its connection closed, its slot moved away,
// this node became a replica).

// blockKind is the type of value a waiter pops from.
type blockKind int

const (
	blockList blockKind = iota
	blockZSet
)

// waiter is one blocked client.
type waiter struct {
	c    *Client
	db   int
	keys []dbKey
	kind blockKind
	// shards are the lock shards of the keys and of BLMOVE's destination; dstShard is the
	// destination's, -1 without one.
	shards   []int
	dstShard int
	// serve pops from key, whose value v is of the waiter's kind, for the waiter, and
	// writes its reply, as the waiter's own command would have. It runs on the goroutine of
	// the command that made key ready, which holds key's lock.
	serve func(key []byte, v any)
	done  chan struct{} // closed once served or dropped
	// served: its reply is written; dropped: its client had left when a value came. Both
	// are guarded by the registry's mutex.
	served, dropped bool
}

// blockRegistry is every blocked client of the node, by key, in the order they blocked.
type blockRegistry struct {
	waiting atomic.Int64 // blocked clients: writers skip the registry while it is 0
	mu      sync.Mutex
	keys    map[dbKey][]*waiter
}

// blockedCheckEvery is how often a waiter checks that it should still wait.
const blockedCheckEvery = 100 * time.Millisecond

// parseBlockTimeout reads a blocking command's timeout in seconds (a float), as Redis's
// getTimeoutFromObjectOrReply does: 0 waits for ever.
func (c *Client) parseBlockTimeout(arg []byte) (time.Duration, bool) {
	secs, ok := numconv.ParseFloat(arg)
	if !ok || math.IsNaN(secs) {
		c.w.Error("ERR timeout is not a float or out of range")
		return 0, false
	}
	ms := math.Ceil(secs * 1000)
	// Redis casts the milliseconds to a long long: past its range (inf included) the cast
	// gives a negative number.
	if ms < 0 || ms >= math.MaxInt64 {
		c.w.Error("ERR timeout is negative")
		return 0, false
	}
	if ms > float64(math.MaxInt64/int64(time.Millisecond)) {
		return 0, true // centuries: no deadline at all
	}
	return time.Duration(ms) * time.Millisecond, true
}

// block makes c wait for one of keys to receive a value of kind, for at most timeout (0:
// no limit). The command's locks are held on entry, so no writer can create a key between
// the command finding them all empty and c waiting in the registry; block releases them.
// Once c is in the registry a writer may serve it at any time, writing its reply and
// propagation: the earlier replies were flushed before the command (executeSpec), and the
// deletions of expired keys the command found go to replicas now.
func (c *Client) block(keys [][]byte, dst []byte, kind blockKind, timeout time.Duration, serve func(key []byte, v any)) {
	if c.prop.n > 0 && !c.isMaster {
		c.sendPropagation(nil, false)
	}
	wt := &waiter{c: c, db: c.db.ID, kind: kind, serve: serve, done: make(chan struct{}), dstShard: -1}
	for _, k := range keys {
		wt.keys = append(wt.keys, dbKey{c.db.ID, string(k)})
		wt.shards = insertSorted(wt.shards, keyspace.ShardOf(slots.KeySlot(k)))
	}
	if dst != nil {
		wt.dstShard = keyspace.ShardOf(slots.KeySlot(dst))
		wt.shards = insertSorted(wt.shards, wt.dstShard)
	}
	r := &c.srv.blocking
	r.mu.Lock()
	if r.keys == nil {
		r.keys = make(map[dbKey][]*waiter)
	}
	for _, k := range wt.keys {
		if ws := r.keys[k]; len(ws) == 0 || ws[len(ws)-1] != wt { // BLPOP k k waits once
			r.keys[k] = append(ws, wt)
		}
	}
	r.waiting.Add(1)
	r.mu.Unlock()
	c.blocked.Store(true)
	defer c.blocked.Store(false)
	slot := slots.KeySlot(keys[0])
	c.releaseKeys()

	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	check := time.NewTicker(blockedCheckEvery)
	defer check.Stop()
	for {
		select {
		case <-wt.done:
			return
		case <-deadline:
			if r.cancel(wt) {
				c.w.NullArray()
			}
			return
		case <-check.C:
			if c.gone() {
				r.cancel(wt)
				return
			}
			if msg := c.blockedMustEnd(slot); msg != "" {
				if r.cancel(wt) {
					c.w.Error(msg) // counted once, by the dispatcher
				}
				return
			}
			if c.serveSelf(wt) {
				return
			}
		case <-c.srv.shutdownCh:
			r.cancel(wt)
			return
		}
	}
}

// cancel takes wt out of the registry; false means it was served meanwhile (and its reply
// written).
func (r *blockRegistry) cancel(wt *waiter) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if wt.served || wt.dropped {
		return false
	}
	r.remove(wt)
	return true
}

func (r *blockRegistry) remove(wt *waiter) {
	for _, k := range wt.keys {
		removeFromList(r.keys, k, wt)
	}
	r.waiting.Add(-1)
}

// blockedMustEnd says why a waiter must stop waiting, as Redis's
// clusterRedirectBlockedClientIfNeeded and its unblocking of clients when a master becomes
// a replica: the error to reply, or "" to go on waiting.
func (c *Client) blockedMustEnd(slot int) string {
	if c.srv.repl.isReplica.Load() {
		return "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"
	}
	if !c.srv.opts.ClusterEnabled {
		return ""
	}
	r := c.srv.routing.Load()
	if r == nil {
		return ""
	}
	if !r.OK {
		return clientproto.ErrClusterDown
	}
	owner := int(r.Owner[slot])
	switch {
	case owner < 0:
		return clientproto.ErrClusterDownUnbound
	case owner != r.Myself && r.Importing[slot] < 0:
		return c.redirection("MOVED ", slot, r.Nodes[owner])
	}
	return ""
}

// gone reports whether the client's connection is over: killed, or closed or reset by its
// peer, even with commands still unread after the blocking one (Redis would have read them,
// and the close, into its query buffer). Redis drops a blocked client as soon as it
// disconnects; one served after that would lose what it popped.
func (c *Client) gone() bool {
	if c.killed.Load() {
		return true
	}
	c.connMu.Lock()
	defer c.connMu.Unlock()
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	closed := false
	if err := rc.Control(func(fd uintptr) { closed = peerHungUp(int(fd)) }); err != nil {
		return true
	}
	return closed
}

// readied notes that the running command wrote key: once it has run, the clients blocked
// on the key may be served.
func (c *Client) readied(db int, key []byte) {
	if c.srv.blocking.waiting.Load() == 0 {
		return
	}
	for _, k := range c.readyKeys {
		if k.db == db && k.key == string(key) {
			return
		}
	}
	c.readyKeys = append(c.readyKeys, dbKey{db, string(key)})
}

// serveReady serves the clients blocked on the keys the command just run wrote, first
// blocked first, for as long as each key holds a value of the kind they wait for. The
// command still holds those keys' locks.
func (c *Client) serveReady() {
	if c.srv.repl.isReplica.Load() {
		// A replica's data is its master's: its waiters are about to be told to go (a
		// replica applying its master's push must not pop for them).
		c.readyKeys = c.readyKeys[:0]
		return
	}
	var taken []int // BLMOVE destinations' shards locked here, held until the end
	defer func() {
		for i := len(taken) - 1; i >= 0; i-- {
			c.srv.shardOwner[taken[i]] = nil
			c.srv.ks.UnlockShard(taken[i])
		}
	}()
	for len(c.readyKeys) > 0 {
		k := c.readyKeys[0]
		c.readyKeys = c.readyKeys[1:]
		if c.holdsShard(keyspace.ShardOf(slots.KeySlotString(k.key)), taken) {
			c.serveKey(k, &taken)
		}
	}
	c.readyKeys = c.readyKeys[:0]
}

// serveKey serves the waiters of ready key k, first blocked first, while it holds a value:
// waiters of another kind are passed over, as in Redis. A BLMOVE waiter whose destination's
// lock is held elsewhere is passed over too (locks are only ever waited for in order): it
// serves itself at its next check. taken collects the destination shards it locks.
func (c *Client) serveKey(k dbKey, taken *[]int) {
	r := &c.srv.blocking
	r.mu.Lock()
	defer r.mu.Unlock()
	db := c.srv.ks.DBs[k.db]
	key := []byte(k.key)
	for _, wt := range r.keys[k] {
		v := db.Get(key)
		if v == nil {
			break
		}
		if !holdsKind(v, wt.kind) {
			continue
		}
		if sh := wt.dstShard; sh >= 0 && !c.holdsShard(sh, *taken) {
			if !c.srv.ks.TryLockShard(sh) {
				continue
			}
			c.srv.shardOwner[sh] = c
			*taken = append(*taken, sh)
		}
		c.serveWaiter(wt, key, v)
	}
}

// holdsShard reports whether the running command holds lock shard sh, among its own locks
// or the shards serveReady took on the way.
func (c *Client) holdsShard(sh int, taken []int) bool {
	return c.allLocked || (c.locked && slices.Contains(c.shards, sh)) || slices.Contains(taken, sh)
}

// serveWaiter serves waiter wt from key if it holds a value of wt's kind, under the
// registry's mutex, with the locks of key and of BLMOVE's destination held by c (the writer,
// or wt's own client). The keys the pop finds expired go out with it, and the keys it writes
// (BLMOVE's destination) are served next, as in Redis.
func (c *Client) serveWaiter(wt *waiter, key []byte, v any) {
	rc := wt.c
	if rc != c && rc.gone() {
		// It left without its goroutine noticing yet: what it would pop stays.
		wt.dropped = true
		c.srv.blocking.remove(wt)
		close(wt.done)
		return
	}
	shards := []int{keyspace.ShardOf(slots.KeySlot(key))}
	if wt.dstShard >= 0 {
		shards = append(shards, wt.dstShard)
	}
	for _, sh := range shards {
		c.srv.shardOwner[sh] = rc // expired keys the pop finds are rc's to propagate
	}
	wt.serve(key, v)
	// Its pop reaches replicas right after the command that made it possible; its
	// goroutine, once awake, has nothing left to propagate.
	rc.propagateCommand(nil)
	for _, sh := range shards {
		c.srv.shardOwner[sh] = c
	}
	if rc != c {
		c.readyKeys = append(c.readyKeys, rc.readyKeys...)
		rc.readyKeys = rc.readyKeys[:0]
	}
	wt.served = true
	c.srv.blocking.remove(wt)
	close(wt.done)
}

// serveSelf is a waiter serving itself, from the first of its keys that holds a value of its
// kind: the writer that made it ready could not (it did not hold BLMOVE's destination).
func (c *Client) serveSelf(wt *waiter) bool {
	// It takes its keys' locks as its command did (the command holds none while it waits).
	c.shards = append(c.shards[:0], wt.shards...)
	for _, sh := range c.shards {
		c.srv.ks.LockShard(sh)
		c.srv.shardOwner[sh] = c
	}
	c.locked = true
	defer c.unlockKeys()
	if !c.servesAll(wt) {
		return false // the next check replies with the redirection
	}
	r := &c.srv.blocking
	r.mu.Lock()
	done := wt.served || wt.dropped
	for _, k := range wt.keys {
		if done {
			break
		}
		key := []byte(k.key)
		if v := c.srv.ks.DBs[wt.db].Get(key); holdsKind(v, wt.kind) {
			c.serveWaiter(wt, key, v)
			done = true
		}
	}
	r.mu.Unlock()
	if len(c.readyKeys) > 0 {
		c.serveReady()
	}
	return done
}

// servesAll reports whether, with wt's locks held, this node may pop for it: it still
// serves the keys' slot, and writes are not held for a failover.
func (c *Client) servesAll(wt *waiter) bool {
	if !c.srv.opts.ClusterEnabled {
		return true
	}
	r := c.srv.routing.Load()
	if r == nil {
		return true
	}
	slot := slots.KeySlotString(wt.keys[0].key)
	return r.OK && int(r.Owner[slot]) == r.Myself && r.WritesPausedUntil == 0
}
