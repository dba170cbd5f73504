package node

import (
	"math"
	"strconv"
	"sync"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/glob"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// Sorted set commands (t_zset.c). This file holds the single-member commands, the pops,
// ZRANDMEMBER and ZSCAN; cmd_zsets_range.go the range commands; cmd_zsets_setops.go
// ZUNION/ZINTER/ZDIFF and their STORE and CARD forms.

func init() {
	register("zadd", func(c *Client, a [][]byte) { zaddGeneric(c, a, 0) })
	register("zincrby", func(c *Client, a [][]byte) { zaddGeneric(c, a, datatype.ZAddIncr) })
	register("zrem", func(c *Client, a [][]byte) { removeMembers(c, a, (*datatype.ZSet).Remove) })
	register("zcard", replyLen[*datatype.ZSet])
	register("zscore", cmdZScore)
	register("zmscore", cmdZMScore)
	register("zrank", func(c *Client, a [][]byte) { zrankGeneric(c, a, false) })
	register("zrevrank", func(c *Client, a [][]byte) { zrankGeneric(c, a, true) })
	register("zpopmin", func(c *Client, a [][]byte) { zpopMinMax(c, a, false) })
	register("zpopmax", func(c *Client, a [][]byte) { zpopMinMax(c, a, true) })
	register("zmpop", cmdZMPop)
	register("zrandmember", cmdZRandMember)
	register("zscan", cmdZScan)
}

const (
	errZNaN           = "ERR resulting score is not a number (NaN)"
	errZNotFloatRange = "ERR min or max is not a float"
	errZNotLexRange   = "ERR min or max not valid string range item"
)

// cloneZSet deep-copies a sorted set for COPY, keeping its encoding.
func cloneZSet(z *datatype.ZSet) *datatype.ZSet { return z.Dup() }

// zpair is one member and its score in a reply being assembled.
type zpair struct {
	m string
	s float64
}

// zpairPool recycles the scratch slices of replies whose length is known only at the end.
var zpairPool = sync.Pool{New: func() any { s := make([]zpair, 0, 64); return &s }}

func getZPairs() *[]zpair { return zpairPool.Get().(*[]zpair) }

func putZPairs(p *[]zpair) {
	if cap(*p) > 4096 {
		return
	}
	clear(*p)
	*p = (*p)[:0]
	zpairPool.Put(p)
}

// zreplyHeader writes the array header of a reply of n members, WITHSCORES or not: a flat
// array of 2n in RESP2, an array of n [member, score] pairs in RESP3.
func (c *Client) zreplyHeader(n int, withScores bool) {
	if withScores && c.w.Proto < 3 {
		c.w.Array(2 * n)
		return
	}
	c.w.Array(n)
}

// zreplyItem writes one member of such a reply.
func (c *Client) zreplyItem(m string, s float64, withScores bool) {
	if !withScores {
		c.w.BulkString(m)
		return
	}
	if c.w.Proto >= 3 {
		c.w.Array(2)
	}
	c.w.BulkString(m)
	c.w.Double(s)
}

func (c *Client) zreplyPairs(items []zpair, withScores bool) {
	c.zreplyHeader(len(items), withScores)
	for _, it := range items {
		c.zreplyItem(it.m, it.s, withScores)
	}
}

// zaddGeneric is ZADD and ZINCRBY (zaddGenericCommand): ZINCRBY is ZADD with INCR preset, and
// it parses options from the same position, so "ZINCRBY key nx member" is a syntax error.
func zaddGeneric(c *Client, args [][]byte, flags datatype.ZAddFlags) {
	key := args[1]
	ch := false
	idx := 2
options:
	for ; idx < len(args); idx++ {
		a := args[idx]
		switch {
		case argIs(a, "nx"):
			flags |= datatype.ZAddNX
		case argIs(a, "xx"):
			flags |= datatype.ZAddXX
		case argIs(a, "ch"):
			ch = true
		case argIs(a, "incr"):
			flags |= datatype.ZAddIncr
		case argIs(a, "gt"):
			flags |= datatype.ZAddGT
		case argIs(a, "lt"):
			flags |= datatype.ZAddLT
		default:
			break options
		}
	}
	incr := flags&datatype.ZAddIncr != 0
	nx := flags&datatype.ZAddNX != 0
	xx := flags&datatype.ZAddXX != 0
	gt := flags&datatype.ZAddGT != 0
	lt := flags&datatype.ZAddLT != 0

	elements := len(args) - idx
	if elements%2 != 0 || elements == 0 {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	elements /= 2
	if nx && xx {
		c.w.Error("ERR XX and NX options at the same time are not compatible")
		return
	}
	if (gt && nx) || (lt && nx) || (gt && lt) {
		c.w.Error("ERR GT, LT, and/or NX options at the same time are not compatible")
		return
	}
	if incr && elements > 1 {
		c.w.Error("ERR INCR option supports a single increment-element pair")
		return
	}
	// Every score is parsed before anything changes: the command runs fully or not at all.
	var buf [8]float64
	scores := buf[:0]
	if elements > len(buf) {
		scores = make([]float64, 0, elements)
	}
	for j := 0; j < elements; j++ {
		s, ok := numconv.ParseScore(args[idx+2*j])
		if !ok {
			c.w.Error(clientproto.ErrNotFloat)
			return
		}
		scores = append(scores, s)
	}

	z, ok := typed[*datatype.ZSet](c, key, false)
	if !ok {
		return
	}
	added, updated, processed := 0, 0, 0
	var score float64
	if z != nil || !xx {
		if z == nil {
			z = &datatype.ZSet{}
			c.db.Set(key, z)
		}
		lim := c.zsetLimits()
		for j := 0; j < elements; j++ {
			res, err := z.AddExact(args[idx+2*j+1], scores[j], flags, lim)
			if err != nil {
				c.w.Error(errZNaN)
				if z.Len() == 0 {
					c.db.Delete(key)
				}
				return
			}
			if res.Added {
				added++
			}
			if res.Updated {
				updated++
			}
			if !res.NoOp {
				processed++
				score = res.Score
			}
		}
		if added+updated > 0 {
			c.changed(key, int64(added+updated))
		}
	}
	switch {
	case incr && processed > 0:
		c.w.Double(score)
	case incr:
		c.w.Null()
	case ch:
		c.w.Int(int64(added + updated))
	default:
		c.w.Int(int64(added))
	}
}

func cmdZScore(c *Client, args [][]byte) {
	z, ok := typed[*datatype.ZSet](c, args[1], true)
	if !ok {
		return
	}
	if z == nil {
		c.w.Null()
		return
	}
	if s, found := z.Score(args[2]); found {
		c.w.Double(s)
	} else {
		c.w.Null()
	}
}

func cmdZMScore(c *Client, args [][]byte) {
	z, ok := typed[*datatype.ZSet](c, args[1], true)
	if !ok {
		return
	}
	c.w.Array(len(args) - 2)
	for _, m := range args[2:] {
		if z == nil {
			c.w.Null()
			continue
		}
		if s, found := z.Score(m); found {
			c.w.Double(s)
		} else {
			c.w.Null()
		}
	}
}

func zrankGeneric(c *Client, args [][]byte, reverse bool) {
	z, ok := typed[*datatype.ZSet](c, args[1], true)
	if !ok {
		return
	}
	if z == nil {
		c.w.Null()
		return
	}
	if r, found := z.Rank(args[2], reverse); found {
		c.w.Int(int64(r))
	} else {
		c.w.Null()
	}
}

// zpop removes up to count members from the low or high end of the sorted set at key and
// writes them (genericZpopCommand's element loop), deleting the key when it empties.
// nested writes each member as a [member, score] array.
func (c *Client) zpop(key []byte, z *datatype.ZSet, count int, max, nested bool) {
	emit := func(m string, s float64) {
		if nested {
			c.w.Array(2)
		}
		c.w.BulkString(m)
		c.w.Double(s)
	}
	var n int
	if max {
		n = z.PopMax(count, emit)
	} else {
		n = z.PopMin(count, emit)
	}
	if z.Len() == 0 {
		c.db.Delete(key)
	}
	if n > 0 {
		c.changed(key, int64(n))
	}
}

// ZPOPMIN/ZPOPMAX key [count]: a flat array in RESP2, and in RESP3 too without a count;
// [member, score] pairs in RESP3 with a count.
func zpopMinMax(c *Client, args [][]byte, max bool) {
	if len(args) > 3 {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	count := int64(-1)
	if len(args) == 3 {
		n, ok := numconv.ParseInt(args[2])
		if !ok || n < 0 {
			c.w.Error(clientproto.ErrNotPositive)
			return
		}
		count = n
	}
	nested := c.w.Proto >= 3 && count != -1
	z, ok := typed[*datatype.ZSet](c, args[1], false)
	if !ok {
		return
	}
	if z == nil || count == 0 {
		c.w.Array(0)
		return
	}
	if count == -1 {
		count = 1
	}
	n := int(min(count, int64(z.Len())))
	if nested {
		c.w.Array(n)
	} else {
		c.w.Array(2 * n)
	}
	c.zpop(args[1], z, n, max, nested)
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
func cmdZMPop(c *Client, args [][]byte) {
	keys, max, count, ok := parseMPop(c, args, 1, zsetSide)
	if !ok {
		return
	}
	key, z, ok := firstNonEmpty[*datatype.ZSet](c, keys)
	switch {
	case !ok:
	case key == nil:
		c.w.NullArray()
	default:
		replyZSetPop(c, key, z, max, count)
	}
}

// ZRANDMEMBER key [count [WITHSCORES]]
func cmdZRandMember(c *Client, args [][]byte) {
	if len(args) < 3 {
		z, ok := typed[*datatype.ZSet](c, args[1], true)
		if !ok {
			return
		}
		if z == nil {
			c.w.Null()
			return
		}
		m, _ := z.Random(random)
		c.w.BulkString(m)
		return
	}
	l, withScores, ok := parseRandWithArgs(c, args, "withscores")
	if !ok {
		return
	}
	z, ok := typed[*datatype.ZSet](c, args[1], true)
	if !ok {
		return
	}
	if z == nil || l == 0 {
		c.w.Array(0)
		return
	}
	size := int64(z.Len())
	switch {
	case l < 0 || l == 1:
		// Independent picks, repeats allowed.
		count := l
		if count < 0 {
			count = -count
		}
		c.zreplyHeader(int(count), withScores)
		for ; count > 0; count-- {
			m, s := z.Random(random)
			c.zreplyItem(m, s, withScores)
		}
	case l >= size:
		// The whole set, as Redis's zuiNext iterates it: from the highest score down.
		c.zreplyHeader(int(size), withScores)
		z.ForEachReverse(func(m string, s float64) bool {
			c.zreplyItem(m, s, withScores)
			return true
		})
	default:
		c.zreplyHeader(int(l), withScores)
		z.RandomMembers(l, random, func(m string, s float64) { c.zreplyItem(m, s, withScores) })
	}
}

// ZSCAN key cursor [MATCH pattern] [COUNT count], with each score formatted as the encoding
// holds it.
func cmdZScan(c *Client, args [][]byte) {
	z, cursor, pattern, count, ok := scanKey[*datatype.ZSet](c, args)
	if !ok {
		return
	}
	items := getZPairs()
	defer putZPairs(items)
	listpack := z.Encoding() == datatype.EncListpack
	next := z.Scan(cursor, count, func(m string, s float64) {
		if pattern == nil || glob.MatchString(pattern, m, false) {
			*items = append(*items, zpair{m, s})
		}
	})
	c.w.Array(2)
	var tmp [40]byte
	c.w.Bulk(strconv.AppendUint(tmp[:0], next, 10))
	c.w.Array(2 * len(*items))
	for _, it := range *items {
		c.w.BulkString(it.m)
		c.w.Bulk(zscanScore(tmp[:0], it.s, listpack))
	}
}

// zscanScore formats a score as ZSCAN shows it: a listpack holds the score as d2string
// wrote it (an integer when the double is one within ±2^62, else %.17g); a skiplist's
// score is printed with %.17Lg (createStringObjectFromLongDouble).
func zscanScore(dst []byte, s float64, listpack bool) []byte {
	if listpack && s >= -float64(math.MaxInt64/2) && s <= float64(math.MaxInt64/2) && s == math.Trunc(s) {
		return strconv.AppendInt(dst, int64(s), 10)
	}
	return clientproto.AppendDouble(dst, s)
}
