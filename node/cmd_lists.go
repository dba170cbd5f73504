package node

import (
	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// The list commands of Redis 7.0's t_list.c (the blocking ones are in cmd_blocking.go). Each
// handler parses its arguments, looks its keys up and checks their types in the same order
// Redis does, because that order decides which error a bad command gets.

func init() {
	register("lpush", func(c *Client, a [][]byte) { pushGeneric(c, a, true, false) })
	register("rpush", func(c *Client, a [][]byte) { pushGeneric(c, a, false, false) })
	register("lpushx", func(c *Client, a [][]byte) { pushGeneric(c, a, true, true) })
	register("rpushx", func(c *Client, a [][]byte) { pushGeneric(c, a, false, true) })
	register("lpop", func(c *Client, a [][]byte) { popGeneric(c, a, true) })
	register("rpop", func(c *Client, a [][]byte) { popGeneric(c, a, false) })
	register("llen", replyLen[*datatype.List])
	register("lindex", cmdLIndex)
	register("lset", cmdLSet)
	register("lrange", cmdLRange)
	register("ltrim", cmdLTrim)
	register("lrem", cmdLRem)
	register("linsert", cmdLInsert)
	register("lpos", cmdLPos)
	register("lmove", cmdLMove)
	register("rpoplpush", func(c *Client, a [][]byte) { lmoveGeneric(c, a[1], a[2], false, true) })
	register("lmpop", cmdLMPop)
}

// Error texts t_list.c passes to getRangeLongFromObjectOrReply and friends: Redis replies
// with the same message whether the argument is not an integer or out of range.
const (
	errLPosRankZero    = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	errLPosCountNeg    = "ERR COUNT can't be negative"
	errLPosMaxlenNeg   = "ERR MAXLEN can't be negative"
	errLMPopNumkeys    = "ERR numkeys should be greater than 0"
	errLMPopCountRange = "ERR count should be greater than 0"
)

// cloneList deep-copies a list for COPY.
func cloneList(l *datatype.List) *datatype.List { return l.Clone() }

// parseLong is getLongFromObjectOrReply: on failure it replies msg (or the generic
// not-an-integer error when msg is empty).
func (c *Client) parseLong(arg []byte, msg string) (int64, bool) {
	v, ok := numconv.ParseInt(arg)
	if !ok {
		if msg == "" {
			msg = clientproto.ErrNotInteger
		}
		c.w.Error(msg)
	}
	return v, ok
}

// parseMinLong is getRangeLongFromObjectOrReply with max LONG_MAX: one message for both a
// non-integer and a value below lo.
func (c *Client) parseMinLong(arg []byte, lo int64, msg string) (int64, bool) {
	v, ok := numconv.ParseInt(arg)
	if !ok || v < lo {
		c.w.Error(msg)
		return 0, false
	}
	return v, true
}

// listGone deletes key when the list l has become empty: Redis never keeps an empty list.
func (c *Client) listGone(key []byte, l *datatype.List) {
	if l.Len() == 0 {
		c.db.Delete(key)
	}
}

// LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]
func pushGeneric(c *Client, args [][]byte, head, xx bool) {
	key := args[1]
	l, ok := typed[*datatype.List](c, key, false)
	if !ok {
		return
	}
	if l == nil {
		if xx {
			c.w.Int(0)
			return
		}
		l = &datatype.List{}
		c.db.Set(key, l)
	}
	for _, e := range args[2:] {
		if head {
			l.PushFront(e)
		} else {
			l.PushBack(e)
		}
	}
	c.changed(key, int64(len(args)-2))
	c.w.Int(int64(l.Len()))
}

// popEnd removes and returns the element at the head (or tail) of the non-empty list l.
func popEnd(l *datatype.List, head bool) string {
	if head {
		v, _ := l.PopFront()
		return v
	}
	v, _ := l.PopBack()
	return v
}

// popN removes up to count elements from one end of l and replies with them as an array,
// in the order they were popped (RPOP's from the tail backwards). It returns how many.
func popN(c *Client, l *datatype.List, head bool, count int64) int64 {
	n := min(count, int64(l.Len()))
	c.w.Array(int(n))
	for i := int64(0); i < n; i++ {
		c.w.BulkString(popEnd(l, head))
	}
	return n
}

// LPOP/RPOP key [count]
func popGeneric(c *Client, args [][]byte, head bool) {
	if len(args) > 3 {
		c.w.Error(clientproto.WrongArity(string(args[0])))
		return
	}
	hasCount := len(args) == 3
	var count int64
	if hasCount {
		var ok bool
		if count, ok = c.parseMinLong(args[2], 0, clientproto.ErrNotPositive); !ok {
			return
		}
	}
	key := args[1]
	l, ok := typed[*datatype.List](c, key, false)
	if !ok {
		return
	}
	if l == nil {
		if hasCount {
			c.w.NullArray()
		} else {
			c.w.Null()
		}
		return
	}
	if !hasCount {
		c.w.BulkString(popEnd(l, head))
		count = 1
	} else if count == 0 {
		c.w.Array(0)
		return
	} else {
		count = popN(c, l, head, count)
	}
	c.listGone(key, l)
	c.changed(key, count)
}

// LINDEX key index: the key is looked up before the index is parsed.
func cmdLIndex(c *Client, args [][]byte) {
	l, ok := typed[*datatype.List](c, args[1], true)
	if !ok {
		return
	}
	if l == nil {
		c.w.Null()
		return
	}
	i, ok := c.parseLong(args[2], "")
	if !ok {
		return
	}
	if v, ok := l.Index(i); ok {
		c.w.BulkString(v)
	} else {
		c.w.Null()
	}
}

// LSET key index element
func cmdLSet(c *Client, args [][]byte) {
	key := args[1]
	l, ok := typed[*datatype.List](c, key, false)
	if !ok {
		return
	}
	if l == nil {
		c.w.Error(clientproto.ErrNoSuchKey)
		return
	}
	i, ok := c.parseLong(args[2], "")
	if !ok {
		return
	}
	if !l.Set(i, args[3]) {
		c.w.Error(clientproto.ErrIndexRange)
		return
	}
	c.changed(key, 1)
	c.w.OK()
}

// LRANGE key start stop: the indexes are parsed before the key is looked up.
func cmdLRange(c *Client, args [][]byte) {
	start, ok := c.parseLong(args[2], "")
	if !ok {
		return
	}
	stop, ok := c.parseLong(args[3], "")
	if !ok {
		return
	}
	l, ok := typed[*datatype.List](c, args[1], true)
	if !ok {
		return
	}
	if l == nil {
		c.w.Array(0)
		return
	}
	lo, hi := l.Range(start, stop)
	c.w.Array(hi - lo)
	l.Each(lo, hi, func(v string) bool {
		c.w.BulkString(v)
		return true
	})
}

// LTRIM key start stop
func cmdLTrim(c *Client, args [][]byte) {
	start, ok := c.parseLong(args[2], "")
	if !ok {
		return
	}
	stop, ok := c.parseLong(args[3], "")
	if !ok {
		return
	}
	key := args[1]
	l, ok := typed[*datatype.List](c, key, false)
	if !ok {
		return
	}
	if l != nil {
		removed := l.Trim(start, stop)
		c.listGone(key, l)
		// Redis adds the removed count to dirty; a trim that removes nothing is not
		// propagated, but still counts as a change for WATCH.
		if removed > 0 {
			c.changed(key, int64(removed))
		} else {
			c.srv.touchKey(c.db.ID, key)
		}
	}
	c.w.OK()
}

// LREM key count element
func cmdLRem(c *Client, args [][]byte) {
	count, ok := c.parseLong(args[2], "")
	if !ok {
		return
	}
	key := args[1]
	l, ok := typed[*datatype.List](c, key, false)
	if !ok {
		return
	}
	if l == nil {
		c.w.Int(0)
		return
	}
	removed := l.Remove(count, args[3])
	c.listGone(key, l)
	if removed > 0 {
		c.changed(key, int64(removed))
	}
	c.w.Int(int64(removed))
}

// LINSERT key BEFORE|AFTER pivot element: the position word is checked first.
func cmdLInsert(c *Client, args [][]byte) {
	var after bool
	switch {
	case argIs(args[2], "after"):
		after = true
	case argIs(args[2], "before"):
	default:
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	key := args[1]
	l, ok := typed[*datatype.List](c, key, false)
	if !ok {
		return
	}
	if l == nil {
		c.w.Int(0)
		return
	}
	n := l.Insert(args[3], args[4], after)
	if n < 0 {
		c.w.Int(-1)
		return
	}
	c.changed(key, 1)
	c.w.Int(int64(n))
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: options are parsed (later
// ones overriding earlier ones) before the key is looked up.
func cmdLPos(c *Client, args [][]byte) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for j := 3; j < len(args); j++ {
		more := j+1 < len(args)
		var ok bool
		switch {
		case more && argIs(args[j], "rank"):
			j++
			if rank, ok = c.parseLong(args[j], ""); !ok {
				return
			}
			if rank == 0 {
				c.w.Error(errLPosRankZero)
				return
			}
		case more && argIs(args[j], "count"):
			j++
			if count, ok = c.parseMinLong(args[j], 0, errLPosCountNeg); !ok {
				return
			}
		case more && argIs(args[j], "maxlen"):
			j++
			if maxlen, ok = c.parseMinLong(args[j], 0, errLPosMaxlenNeg); !ok {
				return
			}
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	l, ok := typed[*datatype.List](c, args[1], true)
	if !ok {
		return
	}
	var found []int
	if l != nil {
		found = l.Pos(args[2], rank, count, maxlen)
	}
	if count >= 0 {
		c.w.Array(len(found))
		for _, i := range found {
			c.w.Int(int64(i))
		}
		return
	}
	if len(found) == 0 {
		c.w.Null()
		return
	}
	c.w.Int(int64(found[0]))
}

// listSide parses LEFT/RIGHT (getListPositionFromObjectOrReply): head is true for LEFT.
func listSide(c *Client, arg []byte) (head, ok bool) { return oneOfTwo(c, arg, "left", "right") }

// oneOfTwo parses an option that is one of two words (lower case here, any case in arg):
// first is true for the first; anything else is a syntax error.
func oneOfTwo(c *Client, arg []byte, first, second string) (isFirst, ok bool) {
	switch {
	case argIs(arg, first):
		return true, true
	case argIs(arg, second):
		return false, true
	}
	c.w.Error(clientproto.ErrSyntax)
	return false, false
}

// moveSides parses [B]LMOVE's two LEFT|RIGHT arguments, args[3] and args[4].
func moveSides(c *Client, args [][]byte) (fromHead, toHead, ok bool) {
	if fromHead, ok = listSide(c, args[3]); ok {
		toHead, ok = listSide(c, args[4])
	}
	return fromHead, toHead, ok
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
func cmdLMove(c *Client, args [][]byte) {
	from, to, ok := moveSides(c, args)
	if !ok {
		return
	}
	lmoveGeneric(c, args[1], args[2], from, to)
}

// lmoveGeneric pops from one end of src and pushes onto one end of dst. The source is
// checked first: a missing source replies nil without looking at the destination's type.
// When src and dst are the same key the element moves within the one list (rotation).
func lmoveGeneric(c *Client, src, dst []byte, fromHead, toHead bool) {
	sl, ok := typed[*datatype.List](c, src, false)
	if !ok {
		return
	}
	if sl == nil || sl.Len() == 0 {
		c.w.Null()
		return
	}
	dl, ok := typed[*datatype.List](c, dst, false)
	if !ok {
		return
	}
	v := popEnd(sl, fromHead)
	if dl == nil {
		dl = &datatype.List{}
		c.db.Set(dst, dl)
	}
	if toHead {
		dl.PushFrontString(v)
	} else {
		dl.PushBackString(v)
	}
	c.w.BulkString(v)
	c.listGone(src, sl)
	c.changed(src, 1)
	c.srv.touchKey(c.db.ID, dst) // one change in the save count, as in Redis, but two keys
	c.readied(c.db.ID, dst)
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first key that holds
// a non-empty list and replies [key, [elements]], or a null array when none does. A key of
// another type stops the search with WRONGTYPE.
func cmdLMPop(c *Client, args [][]byte) {
	keys, head, count, ok := parseMPop(c, args, 1, listSide)
	if !ok {
		return
	}
	key, l, ok := firstNonEmpty[*datatype.List](c, keys)
	switch {
	case !ok:
	case key == nil:
		c.w.NullArray()
	default:
		replyListPop(c, key, l, head, count)
	}
}
