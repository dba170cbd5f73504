package node

import (
	"errors"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/rdb"
)

func init() {
	register("dump", cmdDump)
	register("restore", cmdRestore)
	// RESTORE-ASKING is RESTORE with the command table's ASKING flag, which lets MIGRATE's
	// target accept keys of a slot it is still importing (servesSlot).
	register("restore-asking", cmdRestore)
}

// dumpOptions are the encoding settings of DUMP and MIGRATE payloads: Redis's defaults
// (rdbcompression yes, list-max-listpack-size -2), which rcnode does not let CONFIG SET
// change yet.
var dumpOptions = rdb.EncodeOptions{Compress: true}

func cmdDump(c *Client, args [][]byte) {
	v := c.db.GetRead(args[1])
	if v == nil {
		c.w.Null()
		return
	}
	payload, err := rdb.DumpPayload(v, dumpOptions)
	if err != nil {
		c.w.Error("ERR " + err.Error())
		return
	}
	c.w.Bulk(payload)
}

// restoreOptions are RESTORE's optional arguments.
type restoreOptions struct {
	replace, absTTL bool
	// idle and freq are validated only: rcnode keeps no LRU clock or LFU counter (as
	// redis-server under the default noeviction policy ignores the one it does not use).
	idle, freq int64
}

// parseRestoreOptions parses args[4:] as restoreCommand does, replying on error: IDLETIME
// and FREQ exclude each other (a second one is a syntax error).
func parseRestoreOptions(c *Client, args [][]byte) (restoreOptions, bool) {
	o := restoreOptions{idle: -1, freq: -1}
	for j := 4; j < len(args); j++ {
		more := len(args) - j - 1
		switch {
		case argIs(args[j], "replace"):
			o.replace = true
		case argIs(args[j], "absttl"):
			o.absTTL = true
		case argIs(args[j], "idletime") && more >= 1 && o.freq == -1:
			j++
			n, ok := numconv.ParseInt(args[j])
			if !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return o, false
			}
			if n < 0 {
				c.w.Error("ERR Invalid IDLETIME value, must be >= 0")
				return o, false
			}
			o.idle = n
		case argIs(args[j], "freq") && more >= 1 && o.idle == -1:
			j++
			n, ok := numconv.ParseInt(args[j])
			if !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return o, false
			}
			if n < 0 || n > 255 {
				c.w.Error("ERR Invalid FREQ value, must be >= 0 and <= 255")
				return o, false
			}
			o.freq = n
		default:
			c.w.Error(clientproto.ErrSyntax)
			return o, false
		}
	}
	return o, true
}

// cmdRestore is RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f], and
// RESTORE-ASKING, with restoreCommand's checks in its order: options, BUSYKEY, TTL,
// payload footer, payload body.
func cmdRestore(c *Client, args [][]byte) {
	o, ok := parseRestoreOptions(c, args)
	if !ok {
		return
	}
	key := args[1]
	if !o.replace && c.db.Get(key) != nil {
		c.w.Error(clientproto.ErrBusyKey)
		return
	}
	ttl, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	if ttl < 0 {
		c.w.Error("ERR Invalid TTL value, must be >= 0")
		return
	}
	v, err := rdb.DecodeDump(args[3], c.restoreLimits(), false)
	if errors.Is(err, rdb.ErrDumpPayload) {
		c.w.Error("ERR DUMP payload version or checksum are wrong")
		return
	}
	if err != nil {
		// Streams and module values, which rcnode cannot hold, are refused the same way.
		c.w.Error("ERR Bad data format")
		return
	}
	deleted := o.replace && c.db.Delete(key)
	if ttl != 0 && !o.absTTL {
		ttl += c.srv.ks.Clock()
	}
	// A time already past restores nothing, as checkAlreadyExpired does on a master; a
	// replica stores the key and waits for its master's DEL.
	if ttl != 0 && ttl <= c.srv.ks.Clock() && !c.srv.ks.NoExpiry.Load() {
		if deleted {
			c.changed(key, 1)
			c.replicate(cmdDEL, key)
		}
		c.w.OK()
		return
	}
	c.db.Set(key, v)
	if ttl != 0 {
		c.db.SetExpire(key, ttl)
		if !o.absTTL {
			// Replicas get the absolute time, so a late replica does not extend the TTL.
			var ms [20]byte
			rewritten := append([][]byte{args[0], key, appendMs(ms[:], ttl)}, args[3:]...)
			c.replicate(append(rewritten, argABSTTL)...)
		}
	}
	c.changed(key, 1)
	c.w.OK()
}

// argABSTTL is the option Redis appends to a RESTORE it propagates with an absolute TTL.
var argABSTTL = []byte("ABSTTL")

// restoreLimits are the encoding thresholds a restored value gets, from the live settings.
func (c *Client) restoreLimits() rdb.Limits {
	return rdb.Limits{Hash: c.hashLimits(), ZSet: c.zsetLimits(), Set: c.setLimits()}
}
