package node

import (
	"math"
	"strconv"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

func init() {
	register("get", cmdGet)
	register("set", cmdSet)
	register("setnx", cmdSetNX)
	register("setex", cmdSetEX)
	register("psetex", cmdPSetEX)
	register("getdel", cmdGetDel)
	register("getset", cmdGetSet)
	register("getex", cmdGetEX)
	register("mget", cmdMGet)
	register("mset", cmdMSet)
	register("msetnx", cmdMSetNX)
	register("incr", func(c *Client, a [][]byte) { incrDecr(c, a[1], 1) })
	register("decr", func(c *Client, a [][]byte) { incrDecr(c, a[1], -1) })
	register("incrby", cmdIncrBy)
	register("decrby", cmdDecrBy)
	register("incrbyfloat", cmdIncrByFloat)
	register("append", cmdAppend)
	register("strlen", cmdStrlen)
	register("getrange", cmdGetRange)
	register("substr", cmdGetRange)
	register("setrange", cmdSetRange)
}

const errStringTooBig = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"

func cmdGet(c *Client, args [][]byte) { replyString(c, args[1]) }

// replyString replies with key's string value, or null when it is missing, as GET does; it
// reports whether there was a string (false also after a WRONGTYPE reply).
func replyString(c *Client, key []byte) bool {
	s, ok := typed[*datatype.Str](c, key, true)
	if !ok {
		return false
	}
	if s == nil {
		c.w.Null()
		return false
	}
	c.w.Bulk(s.B)
	return true
}

// setString stores val under key, whose current value is old (nil when missing), reusing
// the old string's storage when it fits, so a SET over an existing key does not allocate.
// keepTTL keeps the key's expiry.
func (c *Client) setString(key, val []byte, keepTTL bool, old any) {
	if old, ok := old.(*datatype.Str); ok && cap(old.B) >= len(val) && cap(old.B) <= 2*len(val)+64 {
		old.B = append(old.B[:0], val...)
		if !keepTTL {
			c.db.Persist(key)
		}
		return
	}
	c.db.SetStr(key, val, keepTTL)
}

// set option flags, as parseExtendedStringArgumentsOrReply names them.
const (
	setNX = 1 << iota
	setXX
	setGet
	setKeepTTL
	setPersist
	setEX
	setPX
	setEXAT
	setPXAT
)

const expireFlags = setEX | setPX | setEXAT | setPXAT

// parseStringOptions parses SET's (isSet) or GETEX's options from args[from:], with Redis's
// rules for which options exclude which.
func parseStringOptions(args [][]byte, from int, isSet bool) (flags int, expire []byte, ok bool) {
	for j := from; j < len(args); j++ {
		opt := lowerASCII(args[j])
		hasNext := j+1 < len(args)
		switch {
		case opt == "nx" && isSet && flags&setXX == 0:
			flags |= setNX
		case opt == "xx" && isSet && flags&setNX == 0:
			flags |= setXX
		case opt == "get" && isSet:
			flags |= setGet
		case opt == "keepttl" && isSet && flags&(setPersist|expireFlags) == 0:
			flags |= setKeepTTL
		case opt == "persist" && !isSet && flags&(expireFlags|setKeepTTL) == 0:
			flags |= setPersist
		case (opt == "ex" || opt == "px" || opt == "exat" || opt == "pxat") && hasNext &&
			flags&(setKeepTTL|setPersist|expireFlags) == 0:
			flags |= expireOption(opt)
			expire = args[j+1]
			j++
		default:
			return 0, nil, false
		}
	}
	return flags, expire, true
}

func expireOption(opt string) int {
	switch opt {
	case "ex":
		return setEX
	case "px":
		return setPX
	case "exat":
		return setEXAT
	}
	return setPXAT
}

// expireAt turns an EX/PX/EXAT/PXAT argument into an absolute Unix ms time, or replies with
// Redis's error and returns false.
func (c *Client) expireAt(arg []byte, flags int, cmd string) (int64, bool) {
	ms, ok := numconv.ParseInt(arg)
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return 0, false
	}
	seconds := flags&(setEX|setEXAT) != 0
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		c.w.Error("ERR invalid expire time in '" + cmd + "' command")
		return 0, false
	}
	if seconds {
		ms *= 1000
	}
	if flags&(setEX|setPX) != 0 {
		ms += c.srv.ks.Clock()
	}
	if ms <= 0 {
		c.w.Error("ERR invalid expire time in '" + cmd + "' command")
		return 0, false
	}
	return ms, true
}

func cmdSet(c *Client, args [][]byte) {
	flags, expire, ok := parseStringOptions(args, 3, true)
	if !ok {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	setGeneric(c, flags, args[1], args[2], expire, "set", false)
	if c.wrote && flags&setGet != 0 && expire == nil {
		// Replicas get the SET without its GET (an expiry rewrites the whole command).
		c.replicateWithoutGet(args)
	}
}

// replicateWithoutGet propagates SET's arguments without the GET options, as Redis does.
func (c *Client) replicateWithoutGet(args [][]byte) {
	var buf [8][]byte
	out := append(buf[:0], args[:3]...)
	for _, a := range args[3:] {
		if !argIs(a, "get") {
			out = append(out, a)
		}
	}
	c.replicate(out...)
}

// setGeneric is SET with its options; nxReplyInt makes SETNX reply 1/0.
func setGeneric(c *Client, flags int, key, val, expire []byte, cmd string, nxReplyInt bool) {
	var when int64
	if expire != nil {
		var ok bool
		if when, ok = c.expireAt(expire, flags, cmd); !ok {
			return
		}
	}
	old := c.db.Get(key)
	if flags&setGet != 0 {
		switch s := old.(type) {
		case nil:
			c.w.Null()
		case *datatype.Str:
			c.w.Bulk(s.B)
		default:
			c.w.Error(clientproto.ErrWrongType)
			return
		}
	}
	if (flags&setNX != 0 && old != nil) || (flags&setXX != 0 && old == nil) {
		if nxReplyInt {
			c.w.Int(0)
		} else if flags&setGet == 0 {
			c.w.Null()
		}
		return
	}
	c.setString(key, val, flags&setKeepTTL != 0, old)
	c.changed(key, 1)
	if expire != nil {
		c.db.SetExpire(key, when)
		// Replicas get the absolute time, whichever form was given (SETEX and PSETEX too).
		var ms [20]byte
		c.replicate(cmdSET, key, val, argPXAT, appendMs(ms[:], when))
	}
	switch {
	case nxReplyInt:
		c.w.Int(1)
	case flags&setGet == 0:
		c.w.OK()
	}
}

func cmdSetNX(c *Client, args [][]byte) { setGeneric(c, setNX, args[1], args[2], nil, "setnx", true) }

func cmdSetEX(c *Client, args [][]byte) {
	setGeneric(c, setEX, args[1], args[3], args[2], "setex", false)
}

func cmdPSetEX(c *Client, args [][]byte) {
	setGeneric(c, setPX, args[1], args[3], args[2], "psetex", false)
}

// GETSET key value is SET key value GET, and reaches replicas as that SET.
func cmdGetSet(c *Client, args [][]byte) {
	setGeneric(c, setGet, args[1], args[2], nil, "getset", false)
	if c.wrote {
		c.replicate(cmdSET, args[1], args[2])
	}
}

func cmdGetDel(c *Client, args [][]byte) {
	if replyString(c, args[1]) {
		c.db.Delete(args[1])
		c.changed(args[1], 1)
		c.replicate(cmdDEL, args[1])
	}
}

func cmdGetEX(c *Client, args [][]byte) {
	flags, expire, ok := parseStringOptions(args, 2, false)
	if !ok {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	var when int64
	if expire != nil {
		if when, ok = c.expireAt(expire, flags, "getex"); !ok {
			return
		}
	}
	if !replyString(c, args[1]) {
		return
	}
	// GETEX never reaches replicas as such: it is a DEL, a PEXPIREAT or a PERSIST.
	switch {
	case expire != nil && when <= c.srv.ks.Clock():
		// An expiry already in the past deletes the key, as Redis's GETEX does.
		c.db.Delete(args[1])
		c.changed(args[1], 1)
		c.replicate(cmdDEL, args[1])
	case expire != nil:
		c.db.SetExpire(args[1], when)
		c.changed(args[1], 1)
		var ms [20]byte
		c.replicate(cmdPEXPIREAT, args[1], appendMs(ms[:], when))
	case flags&setPersist != 0:
		if c.db.Persist(args[1]) {
			c.changed(args[1], 1)
			c.replicate(cmdPERSIST, args[1])
		}
	}
}

func cmdMGet(c *Client, args [][]byte) {
	c.w.Array(len(args) - 1)
	for _, key := range args[1:] {
		if s, ok := c.lookupRead(key).(*datatype.Str); ok {
			c.w.Bulk(s.B)
		} else {
			c.w.Null()
		}
	}
}

func cmdMSet(c *Client, args [][]byte) {
	if msetGeneric(c, args, false) {
		c.w.OK()
	}
}

func cmdMSetNX(c *Client, args [][]byte) {
	if msetGeneric(c, args, true) {
		c.w.Int(1)
	} else if len(args)%2 == 1 {
		c.w.Int(0)
	}
}

// msetGeneric stores MSET's key/value pairs; with nx it stores nothing when any key exists.
// It reports whether it stored them (after replying the arity error for an odd pair count).
func msetGeneric(c *Client, args [][]byte, nx bool) bool {
	if len(args)%2 == 0 {
		c.w.Error(clientproto.WrongArity(lowerASCII(args[0])))
		return false
	}
	for i := 1; nx && i < len(args); i += 2 {
		if c.db.Exists(args[i]) {
			return false
		}
	}
	for i := 1; i < len(args); i += 2 {
		c.setString(args[i], args[i+1], false, c.db.Get(args[i]))
		c.changed(args[i], 1)
	}
	return true
}

// incrDecr adds delta to the integer stored at key, keeping its TTL.
func incrDecr(c *Client, key []byte, delta int64) {
	s, ok := typed[*datatype.Str](c, key, false)
	if !ok {
		return
	}
	var cur int64
	if s != nil {
		if cur, ok = numconv.ParseInt(s.B); !ok {
			c.w.Error(clientproto.ErrNotInteger)
			return
		}
	}
	if (delta < 0 && cur < 0 && delta < math.MinInt64-cur) || (delta > 0 && cur > 0 && delta > math.MaxInt64-cur) {
		c.w.Error(clientproto.ErrOverflow)
		return
	}
	cur += delta
	if s != nil {
		s.B = strconv.AppendInt(s.B[:0], cur, 10)
	} else {
		var tmp [20]byte
		c.db.SetStr(key, strconv.AppendInt(tmp[:0], cur, 10), false)
	}
	c.changed(key, 1)
	c.w.Int(cur)
}

func cmdIncrBy(c *Client, args [][]byte) {
	d, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	incrDecr(c, args[1], d)
}

func cmdDecrBy(c *Client, args [][]byte) {
	d, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	if d == math.MinInt64 {
		c.w.Error("ERR decrement would overflow")
		return
	}
	incrDecr(c, args[1], -d)
}

func cmdIncrByFloat(c *Client, args [][]byte) {
	s, ok := typed[*datatype.Str](c, args[1], false)
	if !ok {
		return
	}
	var cur numconv.LongDouble
	if s != nil {
		if cur, ok = numconv.ParseLongDouble(s.B); !ok {
			c.w.Error(clientproto.ErrNotFloat)
			return
		}
	}
	incr, ok := numconv.ParseLongDouble(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotFloat)
		return
	}
	// Redis computes in long double; so do we, so the stored text matches byte for byte.
	cur = cur.Add(incr)
	if cur.IsNaN() || cur.IsInf() {
		c.w.Error("ERR increment would produce NaN or Infinity")
		return
	}
	var tmp [64]byte
	out := cur.AppendHuman(tmp[:0])
	if s != nil {
		s.B = append(s.B[:0], out...)
	} else {
		c.db.SetStr(args[1], out, false)
	}
	c.changed(args[1], 1)
	// Replicas get the result, never the float arithmetic again.
	c.replicate(cmdSET, args[1], out, argKEEPTTL)
	c.w.Bulk(out)
}

func cmdAppend(c *Client, args [][]byte) {
	s, ok := typed[*datatype.Str](c, args[1], false)
	if !ok {
		return
	}
	if s == nil {
		c.db.SetStr(args[1], args[2], false)
		c.changed(args[1], 1)
		c.w.Int(int64(len(args[2])))
		return
	}
	if int64(len(s.B)+len(args[2])) > c.srv.Settings().ProtoMaxBulkLen {
		c.w.Error(errStringTooBig)
		return
	}
	s.B = append(s.B, args[2]...)
	c.changed(args[1], 1)
	c.w.Int(int64(len(s.B)))
}

func cmdStrlen(c *Client, args [][]byte) {
	s, ok := typed[*datatype.Str](c, args[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.w.Int(0)
		return
	}
	c.w.Int(int64(len(s.B)))
}

func cmdGetRange(c *Client, args [][]byte) {
	start, ok1 := numconv.ParseInt(args[2])
	end, ok2 := numconv.ParseInt(args[3])
	if !ok1 || !ok2 {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	s, ok := typed[*datatype.Str](c, args[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.w.BulkString("")
		return
	}
	n := int64(len(s.B))
	// Same clamping as Redis's getrangeCommand.
	if start < 0 && end < 0 && start > end {
		c.w.BulkString("")
		return
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		c.w.BulkString("")
		return
	}
	c.w.Bulk(s.B[start : end+1])
}

func cmdSetRange(c *Client, args [][]byte) {
	offset, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	if offset < 0 {
		c.w.Error("ERR offset is out of range")
		return
	}
	val := args[3]
	s, ok := typed[*datatype.Str](c, args[1], false)
	if !ok {
		return
	}
	cur := 0
	if s != nil {
		cur = len(s.B)
	}
	if len(val) == 0 {
		c.w.Int(int64(cur))
		return
	}
	if offset+int64(len(val)) > c.srv.Settings().ProtoMaxBulkLen {
		c.w.Error(errStringTooBig)
		return
	}
	if s == nil {
		s = &datatype.Str{}
		c.db.Set(args[1], s)
	}
	end := int(offset) + len(val)
	if end > len(s.B) {
		s.B = append(s.B, make([]byte, end-len(s.B))...)
	}
	copy(s.B[offset:], val)
	c.changed(args[1], 1)
	c.w.Int(int64(len(s.B)))
}
