package node

import (
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/gcpace"
	"github.com/rcnode/rcnode/internal/numconv"
)

func init() {
	register("time", cmdTime)
	register("dbsize", cmdDBSize)
	register("flushall", cmdFlushAll)
	register("flushdb", cmdFlushDB)
	register("debug", cmdDebug)
	register("shutdown", cmdShutdown)
	register("lastsave", cmdLastSave)
}

func cmdTime(c *Client, args [][]byte) {
	now := time.Now()
	c.w.Array(2)
	c.w.BulkInt(now.Unix())
	c.w.BulkInt(int64(now.Nanosecond() / 1000))
}

func cmdDBSize(c *Client, args [][]byte) { c.w.Int(c.db.Size()) }

// flushMode validates FLUSHALL/FLUSHDB's optional ASYNC|SYNC argument.
func flushMode(c *Client, args [][]byte) bool {
	if len(args) > 2 {
		c.w.Error(clientproto.ErrSyntax)
		return false
	}
	if len(args) == 2 && !argIs(args[1], "async") && !argIs(args[1], "sync") {
		c.w.Error(clientproto.ErrSyntax)
		return false
	}
	return true
}

// cmdFlushAll and cmdFlushDB propagate even when there was nothing to delete, as Redis
// forces them to: the replica may hold keys its master does not.
func cmdFlushAll(c *Client, args [][]byte) {
	if !flushMode(c, args) {
		return
	}
	c.lockAll()
	var n int64
	for _, db := range c.srv.ks.DBs {
		c.srv.touchDB(db.ID)
		n += db.Flush()
	}
	c.propagateNow(args)
	c.unlockAll()
	c.srv.ks.AddDirty(n + 1)
	releaseFlushed(n)
	c.w.OK()
}

// releaseFlushed has the memory of n flushed keys handed back to the OS soon, as
// redis-server's allocator does: nothing would make Go's collector look for it.
func releaseFlushed(n int64) {
	if n > 0 {
		gcpace.Release()
	}
}

func cmdFlushDB(c *Client, args [][]byte) {
	if !flushMode(c, args) {
		return
	}
	c.lockAll()
	c.srv.touchDB(c.db.ID)
	n := c.db.Flush()
	c.propagateNow(args)
	c.unlockAll()
	c.srv.ks.AddDirty(n + 1)
	releaseFlushed(n)
	c.w.OK()
}

// lockAll takes every slot lock for a command that touches the whole keyspace, unless the
// command runs inside a transaction (EXEC, or a MULTI from our master), which holds them
// already.
func (c *Client) lockAll() {
	if !c.allLocked {
		c.srv.ks.LockAll()
	}
}

func (c *Client) unlockAll() {
	if !c.allLocked {
		c.srv.ks.UnlockAll()
	}
}

// lockSlot takes slot s's lock for a handler that walks the keyspace itself, unless the
// command runs in a transaction that holds every lock already.
func (c *Client) lockSlot(s int) {
	if !c.allLocked {
		c.srv.ks.Lock(s)
	}
}

func (c *Client) unlockSlot(s int) {
	if !c.allLocked {
		c.srv.ks.Unlock(s)
	}
}

var debugSpec = clientproto.LookupCommandFullName([]byte("debug"))

const errDebugNotAllowed = `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`

// debugAllowed applies enable-debug-command, which the dispatcher checks before DEBUG runs
// or is queued.
func (c *Client) debugAllowed() bool {
	mode := c.srv.Settings().EnableDebugCommand
	return mode == "yes" || (mode == "local" && c.loopback)
}

func cmdDebug(c *Client, args [][]byte) {
	sub := lowerASCII(args[1])
	switch {
	case sub == "sleep" && len(args) == 3:
		secs, ok := numconv.ParseFloat(args[2])
		if !ok {
			c.w.Error(clientproto.ErrNotFloat)
			return
		}
		// redis-server sleeps on its only thread, so nothing else runs meanwhile; holding
		// every slot lock gives clients of the keyspace the same stall.
		c.lockAll()
		time.Sleep(time.Duration(secs * float64(time.Second)))
		c.unlockAll()
		c.w.OK()
	case sub == "set-active-expire" && len(args) == 3:
		// C's atoi: the leading number, 0 when there is none; any non-zero turns it on.
		c.srv.noActiveExpire.Store(atoi(args[2]) == 0)
		c.w.OK()
	case sub == "help":
		lines := []string{
			"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"SLEEP <seconds>",
			"    Stop the server for <seconds>. Decimals allowed.",
			"SET-ACTIVE-EXPIRE <0|1>",
			"    Setting it to 0 disables expiring keys in background when they are not accessed (otherwise the Redis behavior). Setting it to 1 reenables back the default.",
			"HELP",
			"    Print this help.",
		}
		c.w.Array(len(lines))
		for _, l := range lines {
			c.w.Simple(l)
		}
	default:
		c.w.Error("ERR unknown subcommand '" + string(args[1]) + "'. Try DEBUG HELP.")
	}
}

// cmdShutdown is SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: it saves dump.rdb first when
// save points are configured (or SAVE is given), and stays up, replying an error, when that
// save fails without FORCE.
func cmdShutdown(c *Client, args [][]byte) {
	var save, nosave, force, abort, other bool
	for _, a := range args[1:] {
		switch lowerASCII(a) {
		case "nosave":
			nosave = true
		case "save":
			save = true
		case "now":
			other = true
		case "force":
			force = true
		case "abort":
			abort = true
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	if (abort && (save || nosave || force || other)) || (save && nosave) {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	if abort {
		c.w.Error("ERR No shutdown in progress.")
		return
	}
	if err := c.srv.shutdownSave(save, nosave, force); err != nil {
		c.w.Error("ERR Errors trying to SHUTDOWN. Check logs.")
		return
	}
	// redis-server sends no reply: the connection simply closes.
	c.closeAfter = true
	go c.srv.Shutdown()
}

func cmdLastSave(c *Client, args [][]byte) { c.w.Int(c.srv.lastSave.Load()) }

// atoi reads a number the way C's atoi does: leading spaces, a sign, then digits up to the
// first other byte; 0 when there are none.
func atoi(b []byte) int64 {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] >= '\t' && b[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}
