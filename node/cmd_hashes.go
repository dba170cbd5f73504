package node

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/glob"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// The hash commands of Redis 7.0's t_hash.c: replies, error strings, the order in which
// arguments are checked, and which changes count towards the dirty counter follow it.

func init() {
	register("hset", func(c *Client, a [][]byte) { hsetGeneric(c, a, "hset") })
	register("hmset", func(c *Client, a [][]byte) { hsetGeneric(c, a, "hmset") })
	register("hsetnx", cmdHSetNX)
	register("hget", cmdHGet)
	register("hmget", cmdHMGet)
	register("hdel", func(c *Client, a [][]byte) { removeMembers(c, a, (*datatype.Hash).Delete) })
	register("hlen", replyLen[*datatype.Hash])
	register("hstrlen", cmdHStrLen)
	register("hexists", cmdHExists)
	register("hkeys", func(c *Client, a [][]byte) { hgetallGeneric(c, a[1], true, false) })
	register("hvals", func(c *Client, a [][]byte) { hgetallGeneric(c, a[1], false, true) })
	register("hgetall", func(c *Client, a [][]byte) { hgetallGeneric(c, a[1], true, true) })
	register("hincrby", cmdHIncrBy)
	register("hincrbyfloat", cmdHIncrByFloat)
	register("hrandfield", cmdHRandField)
	register("hscan", cmdHScan)
}

// Error replies of the hash and set commands that no other file shares.
const (
	errHashNotInteger = "ERR hash value is not an integer"
	errHashNotFloat   = "ERR hash value is not a float"
	errIncrNaNOrInf   = "ERR value is NaN or Infinity"
	errOutOfRange     = "ERR value is out of range"
	errCountRangeLong = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)

// hashForWrite returns key's hash for a write command that creates it when missing (Redis's
// hashTypeLookupWriteOrCreate), or nil after replying WRONGTYPE.
func hashForWrite(c *Client, key []byte) *datatype.Hash {
	h, ok := typed[*datatype.Hash](c, key, false)
	if !ok {
		return nil
	}
	if h == nil {
		h = &datatype.Hash{}
		c.db.Set(key, h)
	}
	return h
}

// hsetGeneric serves HSET (replies the number of new fields) and HMSET (replies OK).
func hsetGeneric(c *Client, args [][]byte, name string) {
	if len(args)%2 == 1 {
		c.w.Error(clientproto.WrongArity(name))
		return
	}
	h := hashForWrite(c, args[1])
	if h == nil {
		return
	}
	lim := c.hashLimits()
	// Like hashTypeTryConversion: a long field or value anywhere converts before writing.
	h.ConvertIfLong(lim, args[2:]...)
	var created int64
	for i := 2; i < len(args); i += 2 {
		if h.Set(args[i], args[i+1], lim) {
			created++
		}
	}
	if name == "hset" {
		c.w.Int(created)
	} else {
		c.w.OK()
	}
	c.changed(args[1], int64(len(args)-2)/2)
}

func cmdHSetNX(c *Client, args [][]byte) {
	h, ok := typed[*datatype.Hash](c, args[1], false)
	if !ok {
		return
	}
	if h != nil && h.Exists(args[2]) {
		c.w.Int(0)
		return
	}
	if h == nil {
		h = &datatype.Hash{}
		c.db.Set(args[1], h)
	}
	h.Set(args[2], args[3], c.hashLimits())
	c.w.Int(1)
	c.changed(args[1], 1)
}

func cmdHGet(c *Client, args [][]byte) {
	h, ok := typed[*datatype.Hash](c, args[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.w.Null()
		return
	}
	if v, found := h.Get(args[2]); found {
		c.w.BulkString(v)
	} else {
		c.w.Null()
	}
}

func cmdHMGet(c *Client, args [][]byte) {
	h, ok := typed[*datatype.Hash](c, args[1], true)
	if !ok {
		return
	}
	c.w.Array(len(args) - 2)
	for _, f := range args[2:] {
		if h == nil {
			c.w.Null()
			continue
		}
		if v, found := h.Get(f); found {
			c.w.BulkString(v)
		} else {
			c.w.Null()
		}
	}
}

func cmdHStrLen(c *Client, args [][]byte) {
	h, ok := typed[*datatype.Hash](c, args[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.w.Int(0)
		return
	}
	c.w.Int(int64(h.StrLen(args[2])))
}

func cmdHExists(c *Client, args [][]byte) {
	h, ok := typed[*datatype.Hash](c, args[1], true)
	if !ok {
		return
	}
	if h != nil && h.Exists(args[2]) {
		c.w.Int(1)
	} else {
		c.w.Int(0)
	}
}

// hgetallGeneric serves HKEYS, HVALS and HGETALL. HGETALL replies with a map (RESP3), the
// other two with a flat array, as genericHgetallCommand does.
func hgetallGeneric(c *Client, key []byte, fields, values bool) {
	h, ok := typed[*datatype.Hash](c, key, true)
	if !ok {
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if fields && values {
		c.w.Map(n)
	} else {
		c.w.Array(n)
	}
	if h == nil {
		return
	}
	h.ForEach(func(f, v string) bool {
		if fields {
			c.w.BulkString(f)
		}
		if values {
			c.w.BulkString(v)
		}
		return true
	})
}

func cmdHIncrBy(c *Client, args [][]byte) {
	incr, ok := numconv.ParseInt(args[3])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	h, ok := typed[*datatype.Hash](c, args[1], false)
	if !ok {
		return
	}
	var cur int64
	if h != nil {
		if v, found := h.Get(args[2]); found {
			if cur, ok = numconv.ParseIntString(v); !ok {
				c.w.Error(errHashNotInteger)
				return
			}
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) || (incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		c.w.Error(clientproto.ErrOverflow)
		return
	}
	cur += incr
	if h == nil {
		h = &datatype.Hash{}
		c.db.Set(args[1], h)
	}
	var tmp [24]byte
	h.Set(args[2], strconv.AppendInt(tmp[:0], cur, 10), c.hashLimits())
	c.w.Int(cur)
	c.changed(args[1], 1)
}

func cmdHIncrByFloat(c *Client, args [][]byte) {
	incr, ok := numconv.ParseLongDouble(args[3])
	if !ok {
		c.w.Error(clientproto.ErrNotFloat)
		return
	}
	if incr.IsNaN() || incr.IsInf() {
		c.w.Error(errIncrNaNOrInf)
		return
	}
	h, ok := typed[*datatype.Hash](c, args[1], false)
	if !ok {
		return
	}
	var cur numconv.LongDouble
	if h != nil {
		if v, found := h.Get(args[2]); found {
			if cur, ok = numconv.ParseLongDoubleString(v); !ok {
				c.w.Error(errHashNotFloat)
				return
			}
		}
	}
	// Redis computes in long double; so do we, so the stored text matches byte for byte.
	cur = cur.Add(incr)
	if cur.IsNaN() || cur.IsInf() {
		c.w.Error(clientproto.ErrNaNOrInf)
		return
	}
	if h == nil {
		h = &datatype.Hash{}
		c.db.Set(args[1], h)
	}
	var tmp [64]byte
	out := cur.AppendHuman(tmp[:0])
	h.Set(args[2], out, c.hashLimits())
	c.w.Bulk(out)
	// Replicas get HSET key field <out>, as Redis rewrites it, so they never redo the float
	// arithmetic.
	c.changed(args[1], 1)
	c.replicate(cmdHSET, args[1], args[2], out)
}

// parseRandCount parses the count of HRANDFIELD, SRANDMEMBER and ZRANDMEMBER: a long in
// [-LONG_MAX, LONG_MAX] (getRangeLongFromObjectOrReply).
func parseRandCount(c *Client, arg []byte) (int64, bool) {
	n, ok := numconv.ParseInt(arg)
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return 0, false
	}
	if n == math.MinInt64 {
		c.w.Error(errCountRangeLong)
		return 0, false
	}
	return n, true
}

// parseRandWithArgs parses the "count [WITHVALUES|WITHSCORES]" arguments of HRANDFIELD and
// ZRANDMEMBER (args[2:], the count present) in Redis's order: the count, then the syntax,
// then, with the flag, a range that leaves room for twice as many replies.
func parseRandWithArgs(c *Client, args [][]byte, with string) (count int64, withFlag, ok bool) {
	count, ok = parseRandCount(c, args[2])
	if !ok {
		return 0, false, false
	}
	if len(args) > 4 || (len(args) == 4 && !argIs(args[3], with)) {
		c.w.Error(clientproto.ErrSyntax)
		return 0, false, false
	}
	if len(args) == 4 {
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			c.w.Error(errOutOfRange)
			return 0, false, false
		}
		return count, true, true
	}
	return count, false, true
}

func cmdHRandField(c *Client, args [][]byte) {
	if len(args) >= 3 {
		count, withValues, ok := parseRandWithArgs(c, args, "withvalues")
		if !ok {
			return
		}
		hrandfieldWithCount(c, args[1], count, withValues)
		return
	}
	h, ok := typed[*datatype.Hash](c, args[1], true)
	if !ok {
		return
	}
	if h == nil {
		c.w.Null()
		return
	}
	f, _ := h.Random(random)
	c.w.BulkString(f)
}

func hrandfieldWithCount(c *Client, key []byte, count int64, withValues bool) {
	h, ok := typed[*datatype.Hash](c, key, true)
	if !ok {
		return
	}
	if h == nil || count == 0 {
		c.w.Array(0)
		return
	}
	resp3 := c.w.Proto >= 3
	// RESP3 nests each field/value pair in an array of two; RESP2 replies with a flat array.
	header := func(n int64) {
		if withValues && !resp3 {
			c.w.Array(int(2 * n))
		} else {
			c.w.Array(int(n))
		}
	}
	emit := func(f, v string) {
		if withValues && resp3 {
			c.w.Array(2)
		}
		c.w.BulkString(f)
		if withValues {
			c.w.BulkString(v)
		}
	}
	// A negative count (or 1) picks independently, repeats allowed; otherwise distinct
	// fields, at most the whole hash.
	if count < 0 || count == 1 {
		n := count
		if n < 0 {
			n = -n
		}
		header(n)
		for ; n > 0; n-- {
			emit(h.Random(random))
		}
		return
	}
	header(min(count, int64(h.Len())))
	h.RandomFields(count, random, emit)
}

func cmdHScan(c *Client, args [][]byte) {
	h, cursor, pattern, count, ok := scanKey[*datatype.Hash](c, args)
	if !ok {
		return
	}
	var items []string
	next := h.Scan(cursor, count, func(f, v string) {
		if pattern == nil || glob.MatchString(pattern, f, false) {
			items = append(items, f, v)
		}
	})
	writeScanReply(c, next, items)
}

// cloneHash deep-copies a hash for COPY, keeping its encoding even when the limits have
// changed since it was built (Redis duplicates the listpack or the dict as it is).
func cloneHash(h *datatype.Hash) *datatype.Hash {
	dup := &datatype.Hash{}
	if h.Encoding() == datatype.EncHashtable {
		// Any argument is "too long" for a negative MaxValue: this converts the empty copy.
		dup.ConvertIfLong(datatype.Limits{MaxValue: -1}, nil)
	}
	noLimit := datatype.Limits{MaxEntries: math.MaxInt, MaxValue: math.MaxInt}
	h.ForEach(func(f, v string) bool {
		dup.Set(stringBytes(f), stringBytes(v), noLimit)
		return true
	})
	return dup
}

// stringBytes views s as a byte slice without copying, for the datatype methods that take an
// argument as []byte and only read it (lookups) or copy it (stores). Never write to it.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
