package node

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/node/keyspace"
)

// handler serves one command. The dispatcher has already checked arity and authentication
// and holds the slot locks of every key the command names; a keyless command that touches
// the keyspace (KEYS, SCAN, FLUSHALL...) takes the locks it needs itself.
type handler func(c *Client, args [][]byte)

// handlers maps a command's full name ("get", "client|list") to its handler. Each file
// registers its commands from init.
var handlers = map[string]handler{}

func register(name string, fn handler) {
	if _, dup := handlers[name]; dup {
		panic("command registered twice: " + name)
	}
	if clientproto.LookupCommandFullName([]byte(name)) == nil {
		panic("command not in the command table: " + name)
	}
	handlers[name] = fn
}

// dispatch is the table execute uses, indexed by the command table entry's Index; it is
// built once, after every file's init has registered its handlers.
var (
	dispatch     []handler
	dispatchOnce sync.Once
)

func buildDispatch() {
	dispatch = make([]handler, clientproto.TableSize())
	names := make([]string, 0, len(handlers))
	for name, fn := range handlers {
		dispatch[clientproto.LookupCommandFullName([]byte(name)).Index] = fn
		names = append(names, name)
	}
	clientproto.SetImplemented(names)
}

// execute runs one command the way redis-server's processCommand does: look it up, check
// arity and authentication, apply the cluster key rules, lock the keys' slots and call it.
func (c *Client) execute(args [][]byte) {
	c.executeSpec(c.commands.lookup(args[0]), args)
}

// commandCache remembers the last command name a client sent and its table entry: a
// pipeline, and most clients, repeat one command, and comparing a few bytes costs less than
// folding the name's case and hashing it into the command table.
type commandCache struct {
	name [16]byte
	n    int
	spec *clientproto.CommandSpec
}

func (cc *commandCache) holds(name []byte) bool {
	return cc.spec != nil && len(name) == cc.n && string(name) == string(cc.name[:cc.n])
}

func (cc *commandCache) lookup(name []byte) *clientproto.CommandSpec {
	if cc.holds(name) {
		return cc.spec
	}
	spec := clientproto.LookupCommand(name)
	if spec != nil && len(name) <= len(cc.name) {
		cc.n = copy(cc.name[:], name)
		cc.spec = spec
	}
	return spec
}

// executeSpec is execute with the command's table entry already looked up (nil: unknown).
func (c *Client) executeSpec(spec *clientproto.CommandSpec, args [][]byte) {
	atomic.AddInt64(&c.cmds, 1)
	c.lastUsed.Store(c.srv.unixTime())
	// ASKING lasts for the one command after it, rejected or not, or after MULTI until the
	// transaction ends (Redis's resetClient).
	asking := c.asking
	c.cmdAsking = asking
	if c.tx == nil {
		c.asking = false
	}
	if spec == nil {
		c.rejectf(clientproto.UnknownCommand(string(args[0]), args[1:]))
		return
	}
	if spec.Subcommands != nil && len(args) >= 2 {
		sub := spec.LookupSub(args[1])
		if sub == nil {
			c.rejectf(clientproto.UnknownSubcommand(string(args[1]), spec.Name))
			return
		}
		spec = sub
	}
	c.lastCmd.Store(&spec.Name)
	if (spec.Arity > 0 && spec.Arity != len(args)) || len(args) < -spec.Arity {
		c.reject(spec, clientproto.WrongArity(spec.Name))
		return
	}
	fn := dispatch[spec.Index]
	if fn == nil {
		c.rejectf(clientproto.UnknownCommand(string(args[0]), args[1:]))
		return
	}
	if spec == debugSpec && !c.debugAllowed() { // refused before it is queued, as Redis does
		c.rejectf(errDebugNotAllowed)
		return
	}
	if !c.authenticated && spec.Flags&clientproto.FlagNoAuth == 0 {
		c.reject(spec, "NOAUTH Authentication required.")
		return
	}

	if spec.Flags&clientproto.FlagBlocking != 0 && c.tx == nil && c.ps == nil {
		// Replies to earlier pipelined commands are not held back by the wait. (A
		// subscriber's go out with its messages once the wait is over.)
		c.flush()
	}
	c.keyPos = clientproto.KeyPositions(spec, args, c.keyPos[:0])
	c.keyPos = shardChannels(spec, args, c.keyPos)
	if !c.admit(spec, args, asking) {
		if c.tx != nil {
			c.tx.dirty = true
		}
		return
	}
	if c.ps != nil && c.refusedWhileSubscribed(spec) {
		c.releaseKeys()
		return
	}
	if c.tx != nil && spec.Flags&clientproto.FlagNoMulti != 0 {
		c.releaseKeys()
		c.rejectf("ERR Command not allowed inside a transaction")
		return
	}
	if c.runsQueued(spec) {
		c.releaseKeys()
		c.queueCommand(spec, args)
		return
	}
	c.call(fn, args)
	if len(c.readyKeys) > 0 {
		c.serveReady()
	}
	c.releaseKeys()
}

// call runs a command's handler, then propagates what it wrote and counts its error replies.
func (c *Client) call(fn handler, args [][]byte) {
	errs := c.w.Errors
	fn(c, args)
	c.propagateCommand(args)
	if c.w.Errors != errs {
		c.srv.stats.errorReplies.Add(c.w.Errors - errs)
	}
}

// reject is rejectf for a command whose table entry is known: EXEC refused this way discards
// the transaction and says why, as Redis's execCommandAbort does.
func (c *Client) reject(spec *clientproto.CommandSpec, msg string) {
	if spec != execSpec {
		c.rejectf(msg)
		return
	}
	c.discardTransaction()
	c.rejectf("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR "))
}

// rejectf replies with an error that stops a command before it runs.
func (c *Client) rejectf(msg string) {
	if c.tx != nil {
		c.tx.dirty = true // EXEC will answer EXECABORT
	}
	c.srv.stats.errorReplies.Add(1)
	c.w.Error(msg)
}

// admit takes the slot locks of the command's keys and applies the cluster rules: it
// reports false, with the reply written and no lock held, when this node must not run the
// command. In cluster mode one routing snapshot decides for the whole command, and it must
// still be the current one once the locks are held: a change of slot owners that touches
// keys (FLUSHSLOTS, a slot lost to another node) is published before its keys are dealt
// with, so a command deciding on the current snapshot under the slot's lock cannot write a
// key that is gone the moment after.
func (c *Client) admit(spec *clientproto.CommandSpec, args [][]byte, asking bool) bool {
	if c.isMaster {
		// Our master's stream is applied as it comes: its keys are ours by definition.
		if len(c.keyPos) > 0 {
			c.lockKeys(args, nil)
		}
		return true
	}
	for {
		var route *gossip.Routing
		if c.srv.opts.ClusterEnabled {
			route = c.srv.routing.Load()
		}
		slot := -1
		if len(c.keyPos) > 0 {
			var ok bool
			if slot, ok = c.lockKeys(args, route); !ok {
				return false
			}
			if f := c.writeWaitsForMigrate(spec.Flags&clientproto.FlagWrite != 0, args); f != nil {
				// Its key is on the way to another node: once it is there (and gone from
				// here) or the move failed, route afresh.
				c.releaseKeys()
				<-f.done
				continue
			}
		}
		if route == nil {
			if c.replicaRefusesWrite(spec) {
				c.releaseKeys()
				return false
			}
			return true
		}
		if slot >= 0 {
			if c.srv.routing.Load() != route {
				c.releaseKeys() // the cluster changed while the locks were awaited
				continue
			}
			if !c.servesSlot(spec, args, route, slot, asking) {
				c.releaseKeys()
				return false
			}
		}
		if c.replicaRefusesWrite(spec) {
			c.releaseKeys()
			return false
		}
		if !writesPaused(spec, route) {
			return true
		}
		// The slot has most likely moved by the time writes resume: route afresh.
		c.releaseKeys()
		c.awaitWritesResumed()
	}
}

// lockKeys takes the slot locks of the keys at c.keyPos in ascending shard order (so two
// commands locking several shards cannot deadlock) and returns their slot. In cluster mode
// every key must hash to one slot, otherwise it replies CROSSSLOT and reports false; with a
// routing snapshot, an unassigned slot is refused too.
func (c *Client) lockKeys(args [][]byte, route *gossip.Routing) (slot int, ok bool) {
	c.shards = c.shards[:0]
	firstSlot := -1
	for _, p := range c.keyPos {
		s := c.db.slotOf(args[p])
		if firstSlot < 0 {
			firstSlot = s
			// Redis looks at the first key's owner before it compares the other keys' slots.
			if route != nil && route.Owner[s] < 0 {
				c.rejectf(clientproto.ErrClusterDownUnbound)
				return 0, false
			}
		} else if s != firstSlot && c.srv.opts.ClusterEnabled && !c.isMaster {
			c.rejectf(clientproto.ErrCrossSlot)
			return 0, false
		}
		c.shards = insertSorted(c.shards, keyspace.ShardOf(s))
	}
	if c.allLocked {
		return firstSlot, true
	}
	for _, sh := range c.shards {
		c.srv.ks.LockShard(sh)
		c.srv.shardOwner[sh] = c
	}
	c.locked = true
	return firstSlot, true
}

// releaseKeys releases the slot locks the command holds, if any.
func (c *Client) releaseKeys() {
	if c.locked {
		c.unlockKeys()
	}
}

// unlockKeys releases the command's slot locks. Keys it found expired while it held them
// reach replicas first (a refused command, or MIGRATE letting go of its locks during the
// transfer): once the locks are free, another command may write those keys.
func (c *Client) unlockKeys() {
	if c.prop.n > 0 && !c.isMaster {
		c.sendPropagation(nil, false)
	}
	c.locked = false
	for i := len(c.shards) - 1; i >= 0; i-- {
		c.srv.shardOwner[c.shards[i]] = nil
		c.srv.ks.UnlockShard(c.shards[i])
	}
}

// insertSorted adds v to the ascending set xs unless it is already there.
func insertSorted(xs []int, v int) []int {
	i := len(xs)
	for i > 0 && xs[i-1] > v {
		i--
	}
	if i > 0 && xs[i-1] == v {
		return xs
	}
	xs = append(xs, 0)
	copy(xs[i+1:], xs[i:])
	xs[i] = v
	return xs
}
