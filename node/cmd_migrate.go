package node

import (
	"strconv"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/migrate"
	"github.com/rcnode/rcnode/node/rdb"
)

func init() { register("migrate", cmdMigrate) }

// migrateArgs is a parsed MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw]
// [AUTH2 user pw] [KEYS key...].
type migrateArgs struct {
	host, port    string
	db            int64
	timeout       time.Duration
	copy, replace bool
	auth          bool
	user, pass    []byte
	keys          [][]byte
}

// parseMigrate parses MIGRATE's arguments in migrateCommand's order (options, then the
// timeout, then the database), replying on error.
func parseMigrate(c *Client, args [][]byte) (migrateArgs, bool) {
	m := migrateArgs{host: string(args[1]), port: string(args[2]), keys: args[3:4]}
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case argIs(args[j], "copy"):
			m.copy = true
		case argIs(args[j], "replace"):
			m.replace = true
		case argIs(args[j], "auth"):
			if more < 1 {
				c.w.Error(clientproto.ErrSyntax)
				return m, false
			}
			j++
			m.auth, m.user, m.pass = true, nil, args[j]
		case argIs(args[j], "auth2"):
			if more < 2 {
				c.w.Error(clientproto.ErrSyntax)
				return m, false
			}
			m.auth, m.user, m.pass = true, args[j+1], args[j+2]
			j += 2
		case argIs(args[j], "keys"):
			if len(args[3]) != 0 {
				c.w.Error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
				return m, false
			}
			m.keys = args[j+1:]
			j = len(args) // every remaining argument is a key
		default:
			c.w.Error(clientproto.ErrSyntax)
			return m, false
		}
	}
	timeout, ok := numconv.ParseInt(args[5])
	if ok {
		m.db, ok = numconv.ParseInt(args[4])
	}
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return m, false
	}
	if timeout <= 0 {
		timeout = 1000
	}
	m.timeout = time.Duration(timeout) * time.Millisecond
	return m, true
}

// migrateBatch is what a MIGRATE sends: the keys that still exist, their values as they were
// serialized, and the RESTORE commands carrying them.
type migrateBatch struct {
	keys   [][]byte
	values []any // compared before deleting: a key replaced meanwhile is not deleted
	slots  []int
	cmds   []byte
}

// cmdMigrate moves keys to another node as Redis's migrateCommand does, with one departure:
// Redis blocks its only thread for the whole transfer, and rcnode does not hold the slot
// locks while it waits for the network. It serializes the keys under their locks, marks them
// in flight (writes to them wait; reads and every other key go on), releases the locks,
// sends the RESTOREs and reads the replies, then takes the locks again to delete the keys the
// target acknowledged. So a large value, or a slow target, stalls only writers of the keys
// being moved, and no write can slip between what the target received and the deletion.
func cmdMigrate(c *Client, args [][]byte) {
	m, ok := parseMigrate(c, args)
	if !ok {
		return
	}
	batch := c.collectMigrateBatch(&m)
	if len(batch.keys) == 0 {
		// Often a key expired meanwhile: not an error (Redis says so too).
		c.w.Simple("NOKEY")
		return
	}
	flights := &c.srv.migration.inFlight
	f := flights.begin(c.db.ID, batch.keys, batch.slots)
	// Deferred so that even a bug cannot leave writers of these keys waiting for good; it
	// runs before the dispatcher releases the locks.
	defer flights.end(f)
	var res migrate.Result
	c.withoutKeyLocks(func() {
		res = c.srv.targetConns().Transfer(&migrate.Request{
			Host: m.host, Port: m.port, Timeout: m.timeout, DB: m.db,
			Auth: m.auth, User: m.user, Password: m.pass,
			Commands: batch.cmds, NumCommands: len(batch.keys),
		})
	})
	if !m.copy {
		c.deleteMigrated(&batch, res.Acked)
	}
	replyMigrateResult(c, res)
}

// collectMigrateBatch looks the keys up (a missing or expired key is skipped, as Redis's
// lookupKeyRead and TTL check skip it) and encodes a RESTORE for each, with the TTL left.
func (c *Client) collectMigrateBatch(m *migrateArgs) migrateBatch {
	var b migrateBatch
	restore := []byte("RESTORE")
	if c.srv.opts.ClusterEnabled {
		restore = []byte("RESTORE-ASKING")
	}
	now := c.srv.ks.Clock()
	var num [20]byte
	for _, key := range m.keys {
		v := c.db.GetRead(key)
		if v == nil {
			continue
		}
		var ttl int64
		if at := c.db.Expire(key); at != -1 {
			if ttl = at - now; ttl < 0 {
				continue
			}
			ttl = max(ttl, 1) // 0 would mean no expiry
		}
		payload, err := rdb.DumpPayload(v, dumpOptions)
		if err != nil {
			continue // not a type rcnode stores; cannot happen
		}
		argc := byte('4')
		if m.replace {
			argc = '5'
		}
		b.cmds = append(b.cmds, '*', argc, '\r', '\n')
		b.cmds = clientproto.AppendBulk(b.cmds, restore)
		b.cmds = clientproto.AppendBulk(b.cmds, key)
		b.cmds = clientproto.AppendBulk(b.cmds, strconv.AppendInt(num[:0], ttl, 10))
		b.cmds = clientproto.AppendBulk(b.cmds, payload)
		if m.replace {
			b.cmds = clientproto.AppendBulk(b.cmds, []byte("REPLACE"))
		}
		b.keys = append(b.keys, key)
		b.values = append(b.values, v)
		b.slots = append(b.slots, c.db.slotOf(key))
	}
	return b
}

// deleteMigrated deletes the keys the target acknowledged, with their slot locks held. The
// value is compared with the one sent: writes waited for the flight, but the slot may have
// been flushed (lost to the target meanwhile) or the key may have expired, and then there
// is nothing of ours left to delete.
func (c *Client) deleteMigrated(b *migrateBatch, acked []bool) {
	var deleted [][]byte
	for i, key := range b.keys {
		if i >= len(acked) || !acked[i] {
			continue
		}
		if v := c.db.Get(key); v == nil || v != b.values[i] {
			continue
		}
		c.db.Delete(key)
		c.changed(key, 1)
		deleted = append(deleted, key)
	}
	if len(deleted) > 0 {
		c.propagateMigratedDeletes(deleted)
	}
}

// propagateMigratedDeletes is the one place MIGRATE's deletions reach replicas: Redis
// rewrites a MIGRATE without COPY into "DEL <acknowledged keys>" for its replication stream
// and never propagates the MIGRATE itself, which is why cmdMigrate does not mark the client
// as having written. The dispatcher sends it while the keys' slot locks are still held.
func (c *Client) propagateMigratedDeletes(keys [][]byte) {
	c.replicate(append([][]byte{cmdDEL}, keys...)...)
}

// withoutKeyLocks runs fn with the command's slot locks released, and takes them again, in
// the same order, before it returns.
func (c *Client) withoutKeyLocks(fn func()) {
	if c.allLocked { // inside EXEC, which keeps every lock to the end, as Redis blocks
		fn()
		return
	}
	c.unlockKeys()
	defer func() {
		for _, sh := range c.shards {
			c.srv.ks.LockShard(sh)
		}
		c.locked = true
	}()
	fn()
}

// replyMigrateResult replies as migrateCommand does: an I/O failure first, then the first
// error the target replied, otherwise +OK.
func replyMigrateResult(c *Client, res migrate.Result) {
	switch {
	case res.Failure == migrate.FailConnect:
		c.w.Error("IOERR error or timeout connecting to the client") // sic, Redis's text
	case res.Failure == migrate.FailWrite:
		c.w.Error("IOERR error or timeout writing to target instance")
	case res.Failure == migrate.FailRead:
		c.w.Error("IOERR error or timeout reading to target instance")
	case res.TargetError != "":
		c.w.Error("ERR Target instance replied with error: " + res.TargetError)
	default:
		c.w.OK()
	}
}
