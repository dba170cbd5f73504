package node

import (
	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// The sorted set range commands: ZRANGE and its older forms, ZRANGESTORE, ZCOUNT,
// ZLEXCOUNT and ZREMRANGEBY*.

func init() {
	register("zrange", func(c *Client, a [][]byte) { zrangeGeneric(c, a, 1, false, zrAuto, zdirAuto) })
	register("zrangestore", func(c *Client, a [][]byte) { zrangeGeneric(c, a, 2, true, zrAuto, zdirAuto) })
	register("zrevrange", func(c *Client, a [][]byte) { zrangeGeneric(c, a, 1, false, zrRank, zdirReverse) })
	register("zrangebyscore", func(c *Client, a [][]byte) { zrangeGeneric(c, a, 1, false, zrScore, zdirForward) })
	register("zrevrangebyscore", func(c *Client, a [][]byte) { zrangeGeneric(c, a, 1, false, zrScore, zdirReverse) })
	register("zrangebylex", func(c *Client, a [][]byte) { zrangeGeneric(c, a, 1, false, zrLex, zdirForward) })
	register("zrevrangebylex", func(c *Client, a [][]byte) { zrangeGeneric(c, a, 1, false, zrLex, zdirReverse) })
	register("zcount", cmdZCount)
	register("zlexcount", cmdZLexCount)
	register("zremrangebyrank", func(c *Client, a [][]byte) { zremrangeGeneric(c, a, zrRank) })
	register("zremrangebyscore", func(c *Client, a [][]byte) { zremrangeGeneric(c, a, zrScore) })
	register("zremrangebylex", func(c *Client, a [][]byte) { zremrangeGeneric(c, a, zrLex) })
}

type zrangeType uint8

const (
	zrAuto zrangeType = iota
	zrRank
	zrScore
	zrLex
)

type zrangeDir uint8

const (
	zdirAuto zrangeDir = iota
	zdirForward
	zdirReverse
)

// zparseScoreRange is zslParseRange.
func zparseScoreRange(min, max []byte) (datatype.ScoreRange, bool) {
	var r datatype.ScoreRange
	var ok bool
	if r.Min, r.MinEx, ok = numconv.ParseRangeBound(min); !ok {
		return r, false
	}
	if r.Max, r.MaxEx, ok = numconv.ParseRangeBound(max); !ok {
		return r, false
	}
	return r, true
}

// zparseLexRange is zslParseLexRange.
func zparseLexRange(min, max []byte) (datatype.LexRange, bool) {
	var r datatype.LexRange
	var ok bool
	if r.Min, ok = numconv.ParseLexBound(min); !ok {
		return r, false
	}
	if r.Max, ok = numconv.ParseLexBound(max); !ok {
		return r, false
	}
	return r, true
}

// zrangeGeneric is zrangeGenericCommand: ZRANGE <src> <min> <max> [BYSCORE|BYLEX] [REV]
// [WITHSCORES] [LIMIT offset count], the older commands with the range type and direction
// preset, and ZRANGESTORE (store: the result goes to args[1]).
func zrangeGeneric(c *Client, args [][]byte, argStart int, store bool, rtype zrangeType, dir zrangeDir) {
	key := args[argStart]
	minIdx, maxIdx := argStart+1, argStart+2
	withScores := false
	offset, limit := int64(0), int64(-1)

	for j := argStart + 3; j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case !store && argIs(a, "withscores"):
			withScores = true
		case argIs(a, "limit") && left >= 2:
			var ok bool
			if offset, ok = numconv.ParseInt(args[j+1]); !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return
			}
			if limit, ok = numconv.ParseInt(args[j+2]); !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return
			}
			j += 2
		case dir == zdirAuto && argIs(a, "rev"):
			dir = zdirReverse
		case rtype == zrAuto && argIs(a, "bylex"):
			rtype = zrLex
		case rtype == zrAuto && argIs(a, "byscore"):
			rtype = zrScore
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	if dir == zdirAuto {
		dir = zdirForward
	}
	if rtype == zrAuto {
		rtype = zrRank
	}
	if limit != -1 && rtype == zrRank {
		c.w.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
		return
	}
	if withScores && rtype == zrLex {
		c.w.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
		return
	}
	reverse := dir == zdirReverse
	if reverse && rtype != zrRank {
		// The range is given as max, min.
		minIdx, maxIdx = maxIdx, minIdx
	}

	var start, end int64
	var srange datatype.ScoreRange
	var lrange datatype.LexRange
	switch rtype {
	case zrRank:
		var ok bool
		if start, ok = numconv.ParseInt(args[minIdx]); !ok {
			c.w.Error(clientproto.ErrNotInteger)
			return
		}
		if end, ok = numconv.ParseInt(args[maxIdx]); !ok {
			c.w.Error(clientproto.ErrNotInteger)
			return
		}
	case zrScore:
		var ok bool
		if srange, ok = zparseScoreRange(args[minIdx], args[maxIdx]); !ok {
			c.w.Error(errZNotFloatRange)
			return
		}
	case zrLex:
		var ok bool
		if lrange, ok = zparseLexRange(args[minIdx], args[maxIdx]); !ok {
			c.w.Error(errZNotLexRange)
			return
		}
	}

	z, ok := typed[*datatype.ZSet](c, key, true)
	if !ok {
		return
	}
	if z == nil {
		if store {
			c.zstoreResult(args[1], nil)
		} else {
			c.w.Array(0)
		}
		return
	}

	if store {
		lim := c.zsetLimits()
		dst := &datatype.ZSet{}
		add := func(m string, s float64) { dst.AddStringExact(m, s, lim) }
		switch rtype {
		case zrRank:
			lo, hi := datatype.NormalizeRange(start, end, z.Len())
			if hi-lo > lim.MaxEntries {
				// zrangeResultBeginStore knows the length and creates a skiplist.
				dst.UseSkiplist()
			}
			z.RangeByRank(lo, hi, reverse, add)
		case zrScore:
			z.RangeByScore(srange, reverse, offset, limit, add)
		case zrLex:
			z.RangeByLex(lrange, reverse, offset, limit, add)
		}
		c.zstoreResult(args[1], dst)
		return
	}

	if rtype == zrRank {
		lo, hi := datatype.NormalizeRange(start, end, z.Len())
		c.zreplyHeader(hi-lo, withScores)
		z.RangeByRank(lo, hi, reverse, func(m string, s float64) { c.zreplyItem(m, s, withScores) })
		return
	}
	items := getZPairs()
	collect := func(m string, s float64) { *items = append(*items, zpair{m, s}) }
	if rtype == zrScore {
		z.RangeByScore(srange, reverse, offset, limit, collect)
	} else {
		z.RangeByLex(lrange, reverse, offset, limit, collect)
	}
	c.zreplyPairs(*items, withScores)
	putZPairs(items)
}

// zstoreResult stores the result of a *STORE command at dst and replies with its size; an
// empty (or nil) result deletes dst instead and replies 0.
func (c *Client) zstoreResult(dst []byte, z *datatype.ZSet) {
	if z == nil || z.Len() == 0 {
		c.w.Int(0)
		if c.db.Delete(dst) {
			c.changed(dst, 1)
		}
		return
	}
	c.db.Set(dst, z)
	c.changed(dst, 1)
	c.w.Int(int64(z.Len()))
}

func cmdZCount(c *Client, args [][]byte) {
	r, ok := zparseScoreRange(args[2], args[3])
	if !ok {
		c.w.Error(errZNotFloatRange)
		return
	}
	z, ok := typed[*datatype.ZSet](c, args[1], true)
	if !ok {
		return
	}
	if z == nil {
		c.w.Int(0)
		return
	}
	c.w.Int(int64(z.CountByScore(r)))
}

func cmdZLexCount(c *Client, args [][]byte) {
	r, ok := zparseLexRange(args[2], args[3])
	if !ok {
		c.w.Error(errZNotLexRange)
		return
	}
	z, ok := typed[*datatype.ZSet](c, args[1], true)
	if !ok {
		return
	}
	if z == nil {
		c.w.Int(0)
		return
	}
	c.w.Int(int64(z.CountByLex(r)))
}

// zremrangeGeneric is ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX.
func zremrangeGeneric(c *Client, args [][]byte, rtype zrangeType) {
	key := args[1]
	var start, end int64
	var srange datatype.ScoreRange
	var lrange datatype.LexRange
	var ok bool
	switch rtype {
	case zrRank:
		if start, ok = numconv.ParseInt(args[2]); ok {
			end, ok = numconv.ParseInt(args[3])
		}
		if !ok {
			c.w.Error(clientproto.ErrNotInteger)
			return
		}
	case zrScore:
		if srange, ok = zparseScoreRange(args[2], args[3]); !ok {
			c.w.Error(errZNotFloatRange)
			return
		}
	case zrLex:
		if lrange, ok = zparseLexRange(args[2], args[3]); !ok {
			c.w.Error(errZNotLexRange)
			return
		}
	}
	z, ok := typed[*datatype.ZSet](c, key, false)
	if !ok {
		return
	}
	if z == nil {
		c.w.Int(0)
		return
	}
	var deleted int
	switch rtype {
	case zrRank:
		lo, hi := datatype.NormalizeRange(start, end, z.Len())
		if lo == hi {
			c.w.Int(0)
			return
		}
		deleted = z.RemoveRangeByRank(lo, hi)
	case zrScore:
		deleted = z.RemoveRangeByScore(srange)
	case zrLex:
		deleted = z.RemoveRangeByLex(lrange)
	}
	if z.Len() == 0 {
		c.db.Delete(key)
	}
	if deleted > 0 {
		c.changed(key, int64(deleted))
	}
	c.w.Int(int64(deleted))
}
