package node

import (
	"github.com/rcnode/rcnode/clientproto"
	"strconv"

	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/slots"
)

// How writes reach the replication stream (DESIGN principle 4: one ordered stream).
//
// A command that changed the keyspace (c.changed, or c.wrote set) is propagated by the
// dispatcher with its own arguments, right after the handler returns and before the slot
// locks are released, so two writes to one slot enter the stream in the order they were
// applied, and a snapshot taken under every lock sees exactly the writes before its offset.
// A handler whose command must reach replicas in another form (a relative expiry made
// absolute, a float increment as the resulting value, a random pop as the members it
// removed) calls c.replicate with the command to send instead; called several times, the
// commands go out together in MULTI/EXEC, as Redis's alsoPropagate does. A handler that
// takes its own locks (FLUSHALL) calls c.propagateNow before releasing them. Code that
// changes keys outside any command holds their slot locks and calls s.propagate.
//
// Nothing is encoded while the stream is inactive (a master that never had a replica), so
// the hot path then costs one atomic load.

// propagation is what the running command propagates besides or instead of its
// arguments, in order: keys it found expired (as DELs) and the commands a handler asked for.
type propagation struct {
	buf      []byte // the commands in RESP
	n        int    // how many
	replaced bool   // a handler replaced the command's own arguments (c.replicate)
}

// Redis's shared command names for rewritten commands, upper case as it sends them.
var (
	cmdDEL       = []byte("DEL")
	cmdSET       = []byte("SET")
	cmdHSET      = []byte("HSET")
	cmdSREM      = []byte("SREM")
	cmdPEXPIREAT = []byte("PEXPIREAT")
	cmdPERSIST   = []byte("PERSIST")
	cmdLPOP      = []byte("LPOP")
	cmdRPOP      = []byte("RPOP")
	cmdLMOVE     = []byte("LMOVE")
	cmdRPOPLPUSH = []byte("RPOPLPUSH")
	argLeft      = []byte("left") // Redis propagates list ends in lower case
	argRight     = []byte("right")
	cmdZPOPMIN   = []byte("ZPOPMIN")
	cmdZPOPMAX   = []byte("ZPOPMAX")
	argPXAT      = []byte("PXAT")
	argKEEPTTL   = []byte("KEEPTTL")
	cmdMULTI     = []byte("*1\r\n$5\r\nMULTI\r\n")
	cmdEXEC      = []byte("*1\r\n$4\r\nEXEC\r\n")
	cmdPING      = []byte("*1\r\n$4\r\nping\r\n")
	cmdGETACK    = []byte("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n")
)

// replicate makes the running command propagate args instead of its own arguments. The
// caller holds the slot locks of the keys args names (every handler does).
func (c *Client) replicate(args ...[]byte) {
	if !c.srv.repl.stream.Active() || c.isMaster || c.srv.repl.isReplica.Load() {
		return
	}
	p := &c.prop
	p.buf = clientproto.AppendCommand(p.buf, args...)
	p.n++
	p.replaced = true
}

// appendMs formats a Unix-ms time for a rewritten command, in the caller's buffer.
func appendMs(buf []byte, ms int64) []byte { return strconv.AppendInt(buf[:0], ms, 10) }

// propagateCommand is the dispatcher's step after a handler: it sends what the command
// propagates, if it wrote anything, while the command still holds its slot locks.
func (c *Client) propagateCommand(args [][]byte) {
	if c.isMaster {
		c.proxyMasterCommand()
		return
	}
	if !c.wrote && c.prop.n == 0 {
		return
	}
	c.sendPropagation(args, c.wrote && !c.prop.replaced)
}

// propagateNow sends the running command's propagation at once, for handlers that hold
// locks of their own (FLUSHALL); the dispatcher then has nothing left to send.
func (c *Client) propagateNow(args [][]byte) {
	if c.isMaster {
		c.proxyMasterCommand()
		return
	}
	c.sendPropagation(args, !c.prop.replaced)
}

// sendPropagation appends the command's propagation to the stream: what was collected, then
// its own arguments when own is set, in MULTI/EXEC when that makes more than one command
// (Redis's propagatePendingCommands), so a replica applies them together.
func (c *Client) sendPropagation(args [][]byte, own bool) {
	st := c.srv.repl.stream
	// A replica's stream is its master's, byte for byte: writes a writable replica
	// (replica-read-only no) takes stay local, as in Redis.
	if st.Active() && !c.srv.repl.isReplica.Load() {
		p := &c.prop
		if c.exec != nil { // inside EXEC: sent with the rest of the transaction
			c.exec.add(c.db.ID, p, args, own)
			c.resetPropagation()
			return
		}
		ops := p.n
		if own {
			ops++
		}
		st.Lock()
		st.Select(c.db.ID)
		if ops > 1 {
			st.Raw(cmdMULTI)
		}
		st.Raw(p.buf)
		if own {
			st.Command(args)
		}
		if ops > 1 {
			st.Raw(cmdEXEC)
		}
		c.woff = st.Unlock()
	}
	c.resetPropagation()
}

func (c *Client) resetPropagation() {
	c.wrote = false
	c.prop.n = 0
	c.prop.replaced = false
	if cap(c.prop.buf) > writeBufferKeep {
		c.prop.buf = nil
	} else {
		c.prop.buf = c.prop.buf[:0]
	}
}

// propagate appends one command, in database db, to the replication stream. The caller holds
// the slot locks of every key it names, so the command takes its place in the stream in the
// order the change happened. It returns the stream offset after it (0 when no stream runs).
func (s *Server) propagate(db int, args ...[]byte) int64 {
	st := s.repl.stream
	if !st.Active() || s.repl.isReplica.Load() {
		return 0
	}
	st.Lock()
	st.Select(db)
	st.Command(args)
	return st.Unlock()
}

// expired is the keyspace's OnExpire hook, called under the key's lock for a key deleted
// because its time passed: it is a change for the clients watching it, and reaches
// replicas as a DEL.
func (s *Server) expired(db int, key []byte) {
	s.touchKey(db, key)
	s.propagateExpired(db, key)
}

// propagateExpired sends a key deleted because its time passed to replicas as a DEL. One
// found by a command goes out with that command's own propagation, before it and in one
// MULTI/EXEC with it, as Redis sends it; the command is found through the owner of the key's
// lock shard. One found by the active expire cycle goes out alone.
func (s *Server) propagateExpired(db int, key []byte) {
	if !s.repl.stream.Active() || s.repl.isReplica.Load() {
		return
	}
	if c := s.shardOwner[keyspace.ShardOf(slots.KeySlot(key))]; c != nil && c.db.ID == db && !c.isMaster {
		p := &c.prop
		p.buf = clientproto.AppendCommand(p.buf, cmdDEL, key)
		p.n++
		return
	}
	s.propagate(db, cmdDEL, key)
}
