package node

import (
	"math"
	"strconv"
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
	keys []watchKey
	kind blockKind
	// shards are the lock shards of the keys and of BLMOVE's destination; dstShard is the
	// destination's, -1 without one.
	shards   []int
	dstShard int
	// serve pops from key, whose value v is of the waiter's kind, for the waiter, and
	// writes its reply, as the waiter's own command would have. It runs on the goroutine of
	// the command that made key ready, which holds key's lock.
	serve  func(key []byte, v any)
	done   chan struct{} // closed once served
	served bool          // guarded by the registry's mutex
}

// blockRegistry is every blocked client of the node, by key, in the order they blocked.
type blockRegistry struct {
	waiting atomic.Int64 // blocked clients: writers skip the registry while it is 0
	mu      sync.Mutex
	keys    map[watchKey][]*waiter
}

// blockedCheckEvery is how often a waiter checks that it should still wait.
const blockedCheckEvery = 100 * time.Millisecond

// parseBlockTimeout reads a blocking command's timeout in seconds (a float), as Redis's
// getTimeoutFromObjectOrReply does: 0 waits for ever.
func (c *Client) parseBlockTimeout(arg []byte) (time.Duration, bool) {
	secs, ok := numconv.ParseFloat(arg)
	if !ok || math.IsNaN(secs) || math.IsInf(secs, 0) {
		c.w.Error("ERR timeout is not a float or out of range")
		return 0, false
	}
	ms := math.Ceil(secs * 1000)
	if ms < 0 {
		c.w.Error("ERR timeout is negative")
		return 0, false
	}
	if ms > float64(math.MaxInt64/int64(time.Millisecond)) {
		ms = float64(math.MaxInt64 / int64(time.Millisecond)) // longer than any wait
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
		wt.keys = append(wt.keys, watchKey{c.db.ID, string(k)})
		wt.shards = insertSorted(wt.shards, keyspace.ShardOf(slots.KeySlot(k)))
	}
	if dst != nil {
		wt.dstShard = keyspace.ShardOf(slots.KeySlot(dst))
		wt.shards = insertSorted(wt.shards, wt.dstShard)
	}
	r := &c.srv.blocking
	r.mu.Lock()
	if r.keys == nil {
		r.keys = make(map[watchKey][]*waiter)
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
			if c.peerClosed() {
				r.cancel(wt)
				return
			}
			if msg := c.blockedMustEnd(slot); msg != "" {
				if r.cancel(wt) {
					c.rejectf(msg)
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
	if wt.served {
		return false
	}
	r.remove(wt)
	return true
}

func (r *blockRegistry) remove(wt *waiter) {
	for _, k := range wt.keys {
		ws := r.keys[k]
		for i, o := range ws {
			if o == wt {
				ws = append(ws[:i:i], ws[i+1:]...) // a copy: serveReady may be ranging over ws
				break
			}
		}
		if len(ws) == 0 {
			delete(r.keys, k)
		} else {
			r.keys[k] = ws
		}
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
		n := r.Nodes[owner]
		endpoint := preferredEndpoint(n.IP, n.Hostname, c.srv.Settings().ClusterPreferredEndpointType)
		return "MOVED " + strconv.Itoa(slot) + " " + endpoint + ":" + strconv.Itoa(n.Port)
	}
	return ""
}

// peerClosed reports whether the client's connection was closed by its peer: Redis drops a
// blocked client as soon as it disconnects, and one served after that would lose what it
// popped.
func (c *Client) peerClosed() bool {
	c.connMu.Lock()
	nc := c.nc
	c.connMu.Unlock()
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	closed := false
	var b [1]byte
	if err := rc.Control(func(fd uintptr) {
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		closed = n == 0 && err == nil
	}); err != nil {
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
	c.readyKeys = append(c.readyKeys, watchKey{db, string(key)})
}

// serveReady serves the clients blocked on the keys the command just run wrote, first
// blocked first, for as long as each key holds a value of the kind they wait for. The
// command still holds those keys' locks.
func (c *Client) serveReady() {
	r := &c.srv.blocking
	if c.srv.repl.isReplica.Load() {
		// A replica's data is its master's: its waiters are about to be told to go (a
		// replica applying its master's push must not pop for them).
		c.readyKeys = c.readyKeys[:0]
		return
	}
	for len(c.readyKeys) > 0 {
		k := c.readyKeys[0]
		c.readyKeys = c.readyKeys[1:]
		r.mu.Lock()
		for _, wt := range r.keys[k] {
			if wt.dstShard >= 0 && !c.holdsShard(wt.dstShard) {
				continue // BLMOVE to a key of a shard this command does not hold: serveSelf
			}
			if !c.serveWaiter(wt, []byte(k.key)) {
				break
			}
		}
		r.mu.Unlock()
	}
	c.readyKeys = c.readyKeys[:0]
}

// holdsShard reports whether the running command holds lock shard sh.
func (c *Client) holdsShard(sh int) bool {
	if c.allLocked {
		return true
	}
	if !c.locked {
		return false
	}
	for _, h := range c.shards {
		if h == sh {
			return true
		}
	}
	return false
}

// serveWaiter serves waiter wt from key if it holds a value of wt's kind, under the
// registry's mutex, with the locks of key and of BLMOVE's destination held by c (the writer,
// or wt's own client). The keys the pop finds expired go out with it, and the keys it writes
// (BLMOVE's destination) are served next, as in Redis.
func (c *Client) serveWaiter(wt *waiter, key []byte) bool {
	v := c.srv.ks.DBs[wt.db].Get(key)
	if !holdsKind(v, wt.kind) {
		return false
	}
	rc := wt.c
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
	return true
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
	r := &c.srv.blocking
	r.mu.Lock()
	served := wt.served
	for _, k := range wt.keys {
		if served {
			break
		}
		served = c.serveWaiter(wt, []byte(k.key))
	}
	r.mu.Unlock()
	if len(c.readyKeys) > 0 {
		c.serveReady()
	}
	return served
}
