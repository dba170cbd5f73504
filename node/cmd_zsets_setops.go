package node

import (
	"math"
	"sort"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (zunionInterDiffGenericCommand).
// Sets are valid inputs: every member counts with score 1.

func init() {
	register("zunionstore", func(c *Client, a [][]byte) { zsetOp(c, a, a[1], 2, zopUnion, false) })
	register("zinterstore", func(c *Client, a [][]byte) { zsetOp(c, a, a[1], 2, zopInter, false) })
	register("zdiffstore", func(c *Client, a [][]byte) { zsetOp(c, a, a[1], 2, zopDiff, false) })
	register("zunion", func(c *Client, a [][]byte) { zsetOp(c, a, nil, 1, zopUnion, false) })
	register("zinter", func(c *Client, a [][]byte) { zsetOp(c, a, nil, 1, zopInter, false) })
	register("zintercard", func(c *Client, a [][]byte) { zsetOp(c, a, nil, 1, zopInter, true) })
	register("zdiff", func(c *Client, a [][]byte) { zsetOp(c, a, nil, 1, zopDiff, false) })
}

type zsetOpKind uint8

const (
	zopUnion zsetOpKind = iota
	zopInter
	zopDiff
)

type zaggregate uint8

const (
	zaggSum zaggregate = iota
	zaggMin
	zaggMax
)

// zopSrc is one input of a set operation: a sorted set, a set (scores 1) or nothing.
type zopSrc struct {
	v      any // the stored value, to spot the same key given twice
	z      *datatype.ZSet
	s      *datatype.Set
	weight float64
}

func (o *zopSrc) len() int {
	switch {
	case o.z != nil:
		return o.z.Len()
	case o.s != nil:
		return o.s.Len()
	}
	return 0
}

func (o *zopSrc) find(m string) (float64, bool) {
	switch {
	case o.z != nil:
		return o.z.ScoreOf(m)
	case o.s != nil:
		if o.s.Has([]byte(m)) {
			return 1, true
		}
	}
	return 0, false
}

// forEach visits every member until fn returns false.
func (o *zopSrc) forEach(fn func(m string, s float64) bool) {
	switch {
	case o.z != nil:
		o.z.ForEach(fn)
	case o.s != nil:
		o.s.ForEach(func(m string) bool { return fn(m, 1) })
	}
}

// zaggregateInto is zunionInterAggregate: a sum that is NaN (inf + -inf) becomes 0; MIN and
// MAX keep the target when the value is NaN (the comparison is false).
func zaggregateInto(target *float64, v float64, agg zaggregate) {
	switch agg {
	case zaggSum:
		*target += v
		if math.IsNaN(*target) {
			*target = 0
		}
	case zaggMin:
		if v < *target {
			*target = v
		}
	case zaggMax:
		if v > *target {
			*target = v
		}
	}
}

// zsetOp runs a set operation: numkeys is at args[numkeysIdx], dst is the destination of the
// STORE forms (nil otherwise), cardOnly is ZINTERCARD.
func zsetOp(c *Client, args [][]byte, dst []byte, numkeysIdx int, op zsetOpKind, cardOnly bool) {
	setnum, ok := numconv.ParseInt(args[numkeysIdx])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	if setnum < 1 {
		c.w.Error("ERR at least 1 input key is needed for '" + clientproto.LookupCommand(args[0]).Name + "' command")
		return
	}
	if setnum > int64(len(args)-(numkeysIdx+1)) {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	n := int(setnum)
	srcs := make([]zopSrc, n)
	j := numkeysIdx + 1
	for i := 0; i < n; i, j = i+1, j+1 {
		srcs[i].weight = 1
		switch v := c.db.GetRead(args[j]).(type) {
		case nil:
		case *datatype.ZSet:
			srcs[i].v, srcs[i].z = v, v
		case *datatype.Set:
			srcs[i].v, srcs[i].s = v, v
		default:
			c.w.Error(clientproto.ErrWrongType)
			return
		}
	}

	agg := zaggSum
	withScores := false
	limit := int64(0)
	for remaining := len(args) - j; remaining > 0; remaining = len(args) - j {
		a := args[j]
		switch {
		case op != zopDiff && !cardOnly && remaining >= n+1 && argIs(a, "weights"):
			j++
			for i := 0; i < n; i, j = i+1, j+1 {
				w, ok := numconv.ParseScore(args[j])
				if !ok {
					c.w.Error("ERR weight value is not a float")
					return
				}
				srcs[i].weight = w
			}
		case op != zopDiff && !cardOnly && remaining >= 2 && argIs(a, "aggregate"):
			switch b := args[j+1]; {
			case argIs(b, "sum"):
				agg = zaggSum
			case argIs(b, "min"):
				agg = zaggMin
			case argIs(b, "max"):
				agg = zaggMax
			default:
				c.w.Error(clientproto.ErrSyntax)
				return
			}
			j += 2
		case dst == nil && !cardOnly && argIs(a, "withscores"):
			withScores = true
			j++
		case cardOnly && remaining >= 2 && argIs(a, "limit"):
			l, ok := numconv.ParseInt(args[j+1])
			if !ok || l < 0 {
				c.w.Error("ERR LIMIT can't be negative")
				return
			}
			limit = l
			j += 2
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}

	if op != zopDiff {
		// Smallest input first; glibc's qsort (a merge sort) keeps equal sizes in order,
		// which fixes the order in which scores are aggregated.
		sort.SliceStable(srcs, func(a, b int) bool { return srcs[a].len() < srcs[b].len() })
	}

	var result []zpair
	var cardinality int64
	switch op {
	case zopInter:
		if srcs[0].len() == 0 {
			break
		}
		first := &srcs[0]
		first.forEach(func(m string, s float64) bool {
			score := first.weight * s
			if math.IsNaN(score) {
				score = 0
			}
			k := 1
			for ; k < n; k++ {
				var v float64
				if srcs[k].v == first.v {
					v = s * srcs[k].weight
				} else if found, ok := srcs[k].find(m); ok {
					v = found * srcs[k].weight
				} else {
					break
				}
				zaggregateInto(&score, v, agg)
			}
			if k < n {
				return true
			}
			if cardOnly {
				cardinality++
				return limit == 0 || cardinality < limit
			}
			result = append(result, zpair{m, score})
			return true
		})
	case zopUnion:
		index := make(map[string]int)
		for i := range srcs {
			src := &srcs[i]
			src.forEach(func(m string, s float64) bool {
				score := src.weight * s
				if math.IsNaN(score) {
					score = 0
				}
				if at, ok := index[m]; ok {
					zaggregateInto(&result[at].s, score, agg)
				} else {
					index[m] = len(result)
					result = append(result, zpair{m, score})
				}
				return true
			})
		}
	case zopDiff:
		if srcs[0].len() == 0 {
			break
		}
		for k := 1; k < n; k++ {
			if srcs[k].v == srcs[0].v {
				// The first key given again: nothing is left.
				goto done
			}
		}
		srcs[0].forEach(func(m string, s float64) bool {
			for k := 1; k < n; k++ {
				if _, ok := srcs[k].find(m); ok {
					return true
				}
			}
			result = append(result, zpair{m, s})
			return true
		})
	}
done:
	if cardOnly {
		c.w.Int(cardinality)
		return
	}
	sort.Slice(result, func(a, b int) bool {
		if result[a].s != result[b].s {
			return result[a].s < result[b].s
		}
		return result[a].m < result[b].m
	})
	if dst == nil {
		c.zreplyPairs(result, withScores)
		return
	}
	if len(result) == 0 {
		c.zstoreResult(dst, nil)
		return
	}
	// Redis builds the result as a skiplist and converts it to a listpack if it is small.
	z := &datatype.ZSet{}
	z.UseSkiplist()
	for _, it := range result {
		z.InsertAbsent(it.m, it.s)
	}
	z.ConvertToListpackIfNeeded(c.zsetLimits())
	z.NormalizeListpackZeros()
	c.zstoreResult(dst, z)
}
