package node

import (
	"math"
	"math/rand/v2"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/glob"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/slots"
)

func init() {
	register("del", cmdDel)
	register("unlink", cmdDel)
	register("exists", cmdExists)
	register("touch", cmdExists)
	register("type", cmdType)
	register("expire", func(c *Client, a [][]byte) { expireGeneric(c, a, 0, true) })
	register("pexpire", func(c *Client, a [][]byte) { expireGeneric(c, a, 0, false) })
	register("expireat", func(c *Client, a [][]byte) { expireGeneric(c, a, -1, true) })
	register("pexpireat", func(c *Client, a [][]byte) { expireGeneric(c, a, -1, false) })
	register("ttl", func(c *Client, a [][]byte) { ttlGeneric(c, a[1], false, false) })
	register("pttl", func(c *Client, a [][]byte) { ttlGeneric(c, a[1], true, false) })
	register("expiretime", func(c *Client, a [][]byte) { ttlGeneric(c, a[1], false, true) })
	register("pexpiretime", func(c *Client, a [][]byte) { ttlGeneric(c, a[1], true, true) })
	register("persist", cmdPersist)
	register("rename", func(c *Client, a [][]byte) { renameGeneric(c, a, false) })
	register("renamenx", func(c *Client, a [][]byte) { renameGeneric(c, a, true) })
	register("keys", cmdKeys)
	register("scan", cmdScan)
	register("randomkey", cmdRandomKey)
	register("copy", cmdCopy)
}

func cmdDel(c *Client, args [][]byte) {
	var n int64
	for _, key := range args[1:] {
		if c.db.Delete(key) {
			c.changed(key, 1)
			n++
		}
	}
	c.w.Int(n)
}

// cmdExists serves EXISTS and TOUCH: both count the named keys that exist, repeats included.
func cmdExists(c *Client, args [][]byte) {
	var n int64
	for _, key := range args[1:] {
		if c.db.Get(key) != nil {
			n++
		}
	}
	c.w.Int(n)
}

func cmdType(c *Client, args [][]byte) {
	c.w.Simple(typeName(c.db.Get(args[1])))
}

// expireGeneric serves EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT. base 0 means relative to now,
// -1 absolute.
func expireGeneric(c *Client, args [][]byte, base int64, seconds bool) {
	const (
		nx = 1 << iota
		xx
		gt
		lt
	)
	flag := 0
	for _, a := range args[3:] {
		switch lowerASCII(a) {
		case "nx":
			flag |= nx
		case "xx":
			flag |= xx
		case "gt":
			flag |= gt
		case "lt":
			flag |= lt
		default:
			c.w.Error("ERR Unsupported option " + string(a))
			return
		}
	}
	if flag&nx != 0 && flag&(xx|gt|lt) != 0 {
		c.w.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
		return
	}
	if flag&gt != 0 && flag&lt != 0 {
		c.w.Error("ERR GT and LT options at the same time are not compatible")
		return
	}
	when, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	cmd := lowerASCII(args[0])
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.w.Error("ERR invalid expire time in '" + cmd + "' command")
			return
		}
		when *= 1000
	}
	if base == 0 {
		base = c.srv.ks.Clock()
	} else {
		base = 0
	}
	if when > math.MaxInt64-base {
		c.w.Error("ERR invalid expire time in '" + cmd + "' command")
		return
	}
	when += base
	key := args[1]
	if c.db.Get(key) == nil {
		c.w.Int(0)
		return
	}
	cur := c.db.Expire(key)
	if (flag&nx != 0 && cur != -1) || (flag&xx != 0 && cur == -1) ||
		(flag&gt != 0 && (when <= cur || cur == -1)) || (flag&lt != 0 && cur != -1 && when >= cur) {
		c.w.Int(0)
		return
	}
	if when <= c.srv.ks.Clock() && !c.srv.ks.NoExpiry.Load() {
		// A time already past deletes the key at once, as checkAlreadyExpired does.
		c.db.Delete(key)
		c.changed(key, 1)
		c.replicate(cmdDEL, key)
	} else {
		c.db.SetExpire(key, when)
		c.changed(key, 1)
		if !argIs(args[0], "pexpireat") {
			// Replicas get the absolute time in ms, with the options as given.
			var ms [20]byte
			var buf [8][]byte
			c.replicate(append(append(buf[:0], cmdPEXPIREAT, key, appendMs(ms[:], when)), args[3:]...)...)
		}
	}
	c.w.Int(1)
}

func ttlGeneric(c *Client, key []byte, ms, absolute bool) {
	if c.lookupRead(key) == nil {
		c.w.Int(-2)
		return
	}
	when := c.db.Expire(key)
	if when == -1 {
		c.w.Int(-1)
		return
	}
	if absolute {
		if !ms {
			when /= 1000
		}
		c.w.Int(when)
		return
	}
	ttl := when - c.srv.ks.Clock()
	if ttl < 0 {
		ttl = 0
	}
	if !ms {
		ttl = (ttl + 500) / 1000
	}
	c.w.Int(ttl)
}

func cmdPersist(c *Client, args [][]byte) {
	if c.db.Get(args[1]) == nil || !c.db.Persist(args[1]) {
		c.w.Int(0)
		return
	}
	c.changed(args[1], 1)
	c.w.Int(1)
}

func renameGeneric(c *Client, args [][]byte, nx bool) {
	src, dst := args[1], args[2]
	v := c.db.Get(src)
	if v == nil {
		c.w.Error(clientproto.ErrNoSuchKey)
		return
	}
	if string(src) == string(dst) {
		if nx {
			c.w.Int(0)
		} else {
			c.w.OK()
		}
		return
	}
	if c.db.Get(dst) != nil {
		if nx {
			c.w.Int(0)
			return
		}
		c.db.Delete(dst)
	}
	when := c.db.Expire(src)
	c.db.Delete(src)
	c.db.Set(dst, v)
	if when != -1 {
		c.db.SetExpire(dst, when)
	}
	c.changed(src, 1)
	c.changed(dst, 1)
	if nx {
		c.w.Int(1)
	} else {
		c.w.OK()
	}
}

// keysOfSlot collects the keys of slot s in db that match pattern (nil matches all).
func keysOfSlot(c *Client, db *keyspace.DB, s int, pattern []byte, typ string, out []string) []string {
	c.lockSlot(s)
	db.ForEachInSlot(s, func(key string, v any) bool {
		if (pattern == nil || glob.Match(pattern, []byte(key), false)) && (typ == "" || typeName(v) == typ) {
			out = append(out, key)
		}
		return true
	})
	c.unlockSlot(s)
	return out
}

func cmdKeys(c *Client, args [][]byte) {
	pattern := args[1]
	if string(pattern) == "*" {
		pattern = nil
	}
	var keys []string
	for s := 0; s < slots.Count; s++ {
		if c.db.CountInSlot(s) > 0 {
			keys = keysOfSlot(c, c.db.DB, s, pattern, "", keys)
		}
	}
	c.w.Array(len(keys))
	for _, k := range keys {
		c.w.BulkString(k)
	}
}

// cmdScan walks the database slot by slot: the cursor is the next slot to visit, so every
// key present for the whole scan is returned, and a slot's keys come back together.
func cmdScan(c *Client, args [][]byte) {
	cursor, ok := scanCursor(c, args[1])
	if !ok {
		return
	}
	pattern, count, typ, ok := scanOptions(c, args[2:], true)
	if !ok {
		return
	}
	var keys []string
	s := int(min(cursor, slots.Count))
	for ; s < slots.Count && len(keys) < count; s++ {
		if c.db.CountInSlot(s) > 0 {
			keys = keysOfSlot(c, c.db.DB, s, pattern, typ, keys)
		}
	}
	if s >= slots.Count {
		s = 0
	}
	writeScanReply(c, uint64(s), keys)
}

func cmdRandomKey(c *Client, args [][]byte) {
	if c.db.Size() == 0 {
		c.w.Null()
		return
	}
	start := rand.IntN(slots.Count)
	for i := 0; i < slots.Count; i++ {
		s := (start + i) % slots.Count
		if c.db.CountInSlot(s) == 0 {
			continue
		}
		var found string
		got := false
		c.lockSlot(s)
		skip := rand.IntN(c.db.CountInSlot(s) + 1)
		c.db.ForEachInSlot(s, func(key string, _ any) bool {
			found, got = key, true
			skip--
			return skip > 0
		})
		c.unlockSlot(s)
		if got {
			c.w.BulkString(found)
			return
		}
	}
	c.w.Null()
}

func cmdCopy(c *Client, args [][]byte) {
	dstDB := c.db.DB
	replace := false
	for i := 3; i < len(args); i++ {
		switch opt := lowerASCII(args[i]); {
		case opt == "replace":
			replace = true
		case opt == "db" && i+1 < len(args):
			db, ok := c.dbArg(args[i+1], "ERR Copying to another database is not allowed in cluster mode")
			if !ok {
				return
			}
			dstDB = db
			i++
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	src, dst := args[1], args[2]
	if dstDB == c.db.DB && string(src) == string(dst) {
		c.w.Error("ERR source and destination objects are the same")
		return
	}
	v := c.db.Get(src)
	if v == nil {
		c.w.Int(0)
		return
	}
	dup := cloneValue(v)
	if dstDB.Get(dst) != nil {
		if !replace {
			c.w.Int(0)
			return
		}
		dstDB.Delete(dst)
	}
	dstDB.Set(dst, dup)
	if when := c.db.Expire(src); when != -1 {
		dstDB.SetExpire(dst, when)
	}
	dstDB.Changed(dst, 1)
	c.wrote = true
	c.srv.touchKey(dstDB.ID, dst)
	c.readied(dstDB.ID, dst)
	c.w.Int(1)
}
