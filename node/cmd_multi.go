package node

import (
	"strings"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
)

// Transactions (MULTI, EXEC, DISCARD), as redis-server 7.0's multi.c runs them.
//
// After MULTI, every command goes through the usual checks (arity, authentication, the
// cluster's key rules) and is queued, answering +QUEUED; one refused while queuing (answered
// with its error) makes EXEC answer EXECABORT. EXEC checks the keys of all the queued
// commands together (one slot, served here), then takes every slot lock, so no other client
// sees or changes the keyspace midway, and runs them in order (administrative commands, and
// Pub/Sub ones in cluster mode, run without the locks: see outsideTransactionLocks). Their
// writes reach replicas together, in MULTI/EXEC when there is more than one. A WATCHed key
// that changed makes EXEC answer a null array instead (watch.go).

func init() {
	register("multi", cmdMulti)
	register("exec", cmdExec)
	register("discard", cmdDiscard)
}

// transaction is a client's MULTI state.
type transaction struct {
	cmds  []queuedCommand
	dirty bool // a command was refused while queuing
	// spec stands for the transaction in the checks at EXEC: EXEC's entry with the flags
	// and MayWait of every queued command.
	spec clientproto.CommandSpec
}

type queuedCommand struct {
	spec *clientproto.CommandSpec
	args [][]byte
}

var execSpec = clientproto.LookupCommandFullName([]byte("exec"))

// runsQueued tells whether the command is queued rather than run: in MULTI, every command
// but the ones that end or manage the transaction, and QUIT and RESET.
func (c *Client) runsQueued(spec *clientproto.CommandSpec) bool {
	if c.tx == nil {
		return false
	}
	switch spec.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return false
	}
	return true
}

// queueCommand adds a command that passed every check to the transaction.
func (c *Client) queueCommand(spec *clientproto.CommandSpec, args [][]byte) {
	kept := make([][]byte, len(args))
	for i, a := range args {
		kept[i] = append([]byte(nil), a...)
	}
	t := c.tx
	t.cmds = append(t.cmds, queuedCommand{spec, kept})
	t.spec.Flags |= spec.Flags
	t.spec.MayWait = t.spec.MayWait || spec.MayWait
	c.queued.Add(1)
	c.w.Simple("QUEUED")
}

func cmdMulti(c *Client, args [][]byte) {
	if c.tx != nil {
		c.w.Error("ERR MULTI calls can not be nested")
		return
	}
	c.tx = &transaction{spec: *execSpec}
	c.queued.Store(1)
	c.asking = c.cmdAsking // ASKING before MULTI lasts until EXEC, as in Redis
	c.w.OK()
}

func cmdDiscard(c *Client, args [][]byte) {
	if c.tx == nil {
		c.w.Error("ERR DISCARD without MULTI")
		return
	}
	c.discardTransaction()
	c.w.OK()
}

// discardTransaction leaves MULTI, and with it an ASKING given before it and every WATCH.
func (c *Client) discardTransaction() {
	c.tx = nil
	c.queued.Store(0)
	c.asking = false
	c.unwatchAll()
}

func cmdExec(c *Client, args [][]byte) {
	t := c.tx
	if t == nil {
		c.w.Error("ERR EXEC without MULTI")
		return
	}
	c.tx = nil
	// Redis checks the keys' slots before it looks at errors while queuing, and those before
	// the watched keys.
	if !c.admitTransaction(t, c.cmdAsking) {
		c.discardTransaction()
		return
	}
	watchFailed := c.watchFailed()
	c.discardTransaction()
	if t.dirty {
		c.unlockEverything()
		c.w.Error("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	if watchFailed {
		c.unlockEverything()
		c.w.NullArray()
		return
	}
	c.exec = &execPropagation{}
	defer c.endTransaction()
	c.w.Array(len(t.cmds))
	for _, q := range t.cmds {
		c.runQueued(t, q)
	}
}

// admitTransaction takes every slot lock for EXEC and applies the cluster rules to the keys
// of all the queued commands at once, as Redis's getNodeByQuery does for EXEC. It reports
// false, with the reply written and no lock held, when the transaction must not run here.
// What would have to wait (a key on its way to another node, writes paused) is waited for
// with no lock held, then everything is checked again.
func (c *Client) admitTransaction(t *transaction, asking bool) bool {
	for {
		c.lockEverything()
		wait, ok := c.checkTransaction(t, asking)
		if ok && wait == nil {
			return true
		}
		c.unlockEverything()
		if !ok {
			return false
		}
		wait()
	}
}

// checkTransaction is admit's rules for the transaction's keys, with every lock held.
func (c *Client) checkTransaction(t *transaction, asking bool) (wait func(), ok bool) {
	args := [][]byte{[]byte("exec")}
	c.keyPos = c.keyPos[:0]
	for _, q := range t.cmds {
		pos := clientproto.KeyPositions(q.spec, q.args, nil)
		for _, p := range shardChannels(q.spec, q.args, pos) {
			c.keyPos = append(c.keyPos, len(args))
			args = append(args, q.args[p])
		}
	}
	var route *gossip.Routing
	if c.srv.opts.ClusterEnabled {
		route = c.srv.routing.Load()
	}
	slot := -1
	if len(c.keyPos) > 0 {
		if slot, ok = c.lockKeys(args, route); !ok { // every lock is held: only the checks
			return nil, false
		}
		if f := c.writeWaitsForMigrate(t.spec.Flags&clientproto.FlagWrite != 0, args); f != nil {
			return func() { <-f.done }, true
		}
	}
	if route != nil && slot >= 0 && !c.servesSlot(&t.spec, args, route, slot, asking) {
		return nil, false
	}
	if c.replicaRefusesWrite(&t.spec) {
		return nil, false
	}
	if route != nil && writesPaused(&t.spec, route) {
		return c.awaitWritesResumed, true
	}
	return nil, true
}

// runQueued runs one queued command inside EXEC: its checks were made when it was queued,
// and the transaction holds every lock.
func (c *Client) runQueued(t *transaction, q queuedCommand) {
	if c.outsideTransactionLocks(q.spec) {
		// What ran so far reaches replicas before another client can write.
		c.exec.send(c)
		c.exec = &execPropagation{}
		c.unlockEverything()
		defer c.relock(t)
	}
	c.lastCmd.Store(&q.spec.Name)
	c.keyPos = clientproto.KeyPositions(q.spec, q.args, c.keyPos[:0])
	c.call(dispatch[q.spec.Index], q.args)
}

// outsideTransactionLocks tells the commands EXEC runs with its locks released: those that
// may wait for the cluster bus's loop, which takes slot locks itself when the cluster drops
// a slot's keys (CLUSTER subcommands, CONFIG SET, and PUBLISH in cluster mode), or that
// take every lock themselves (BGSAVE, DEBUG). None of them reads or writes keys; they are
// the one point where another client's command may run between a transaction's commands,
// so what the transaction wrote before goes to replicas first.
func (c *Client) outsideTransactionLocks(spec *clientproto.CommandSpec) bool {
	if !c.srv.opts.ClusterEnabled {
		return spec.Flags&clientproto.FlagAdmin != 0 // PUBLISH does not reach the bus
	}
	return spec.Flags&(clientproto.FlagAdmin|clientproto.FlagPubsub) != 0 || strings.HasPrefix(spec.Name, "cluster|")
}

// relock takes every lock again after a command that ran without them, once writes are not
// paused (a manual failover may have started meanwhile). A change of slot owners meanwhile
// is not checked again: the rest of the transaction runs as queued.
func (c *Client) relock(t *transaction) {
	for {
		c.lockEverything()
		r := c.srv.routing.Load()
		if r == nil || !writesPaused(&t.spec, r) {
			return
		}
		c.unlockEverything()
		c.awaitWritesResumed()
	}
}

// lockEverything takes every slot lock for the transaction, as the owner of every shard, so
// a DEL for an expired key one of its commands finds goes out with the transaction's writes.
func (c *Client) lockEverything() {
	c.srv.ks.LockAll()
	c.allLocked = true
	for i := range c.srv.shardOwner {
		c.srv.shardOwner[i] = c
	}
}

func (c *Client) unlockEverything() {
	if c.prop.n > 0 && !c.isMaster { // expired keys found by checks that then failed
		c.sendPropagation(nil, false)
	}
	for i := range c.srv.shardOwner {
		c.srv.shardOwner[i] = nil
	}
	c.allLocked = false
	c.srv.ks.UnlockAll()
}

// endTransaction sends the transaction's writes to the replication stream and releases
// every lock (also when a command panicked).
func (c *Client) endTransaction() {
	if e := c.exec; e != nil {
		c.exec = nil
		e.send(c)
	}
	if len(c.readyKeys) > 0 {
		c.serveReady() // after the whole transaction, as in Redis
	}
	c.asking = false // an ASKING queued in the transaction does not outlive EXEC
	c.unlockEverything()
}

// execPropagation collects what the commands of a transaction propagate, to be sent as one
// block once they have all run.
type execPropagation struct {
	buf  []byte
	ops  int
	dbs  []int // the database of each part
	ends []int // where each part ends in buf
}

func (e *execPropagation) add(db int, p *propagation, args [][]byte, own bool) {
	if n := len(e.dbs); n == 0 || e.dbs[n-1] != db {
		e.dbs = append(e.dbs, db)
		e.ends = append(e.ends, len(e.buf))
	}
	e.buf = append(e.buf, p.buf...)
	e.ops += p.n
	if own {
		e.buf = clientproto.AppendCommand(e.buf, args...)
		e.ops++
	}
	e.ends[len(e.ends)-1] = len(e.buf)
}

// send appends the transaction's writes to the stream: in MULTI/EXEC when there are more
// than one, with a SELECT inside wherever the database changes, as Redis does.
func (e *execPropagation) send(c *Client) {
	if e.ops == 0 {
		return
	}
	st := c.srv.repl.stream
	st.Lock()
	if e.ops > 1 {
		st.Raw(cmdMULTI)
	}
	from := 0
	for i, db := range e.dbs {
		st.Select(db)
		st.Raw(e.buf[from:e.ends[i]])
		from = e.ends[i]
	}
	if e.ops > 1 {
		st.Raw(cmdEXEC)
	}
	c.woff = st.Unlock()
}
