package node

import (
	"math"
	"sort"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/glob"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// The set commands of Redis 7.0's t_set.c. Where Redis replies with the members of a set it
// builds (SUNION, SDIFF, SPOP of the whole set) or iterates (SMEMBERS, SINTER), the reply
// order is that set's iteration order: numeric for an intset, which the scripts check exactly.

func init() {
	register("sadd", cmdSAdd)
	register("srem", func(c *Client, a [][]byte) { removeMembers(c, a, (*datatype.Set).Remove) })
	register("smove", cmdSMove)
	register("sismember", cmdSIsMember)
	register("smismember", cmdSMIsMember)
	register("scard", replyLen[*datatype.Set])
	register("spop", cmdSPop)
	register("srandmember", cmdSRandMember)
	register("smembers", func(c *Client, a [][]byte) { sinterGeneric(c, a[1:], nil, false, 0) })
	register("sinter", func(c *Client, a [][]byte) { sinterGeneric(c, a[1:], nil, false, 0) })
	register("sinterstore", func(c *Client, a [][]byte) { sinterGeneric(c, a[2:], a[1], false, 0) })
	register("sintercard", cmdSInterCard)
	register("sunion", func(c *Client, a [][]byte) { sunionDiffGeneric(c, a[1:], nil, false) })
	register("sunionstore", func(c *Client, a [][]byte) { sunionDiffGeneric(c, a[2:], a[1], false) })
	register("sdiff", func(c *Client, a [][]byte) { sunionDiffGeneric(c, a[1:], nil, true) })
	register("sdiffstore", func(c *Client, a [][]byte) { sunionDiffGeneric(c, a[2:], a[1], true) })
	register("sscan", cmdSScan)
}

func cmdSAdd(c *Client, args [][]byte) {
	s, ok := typed[*datatype.Set](c, args[1], false)
	if !ok {
		return
	}
	if s == nil {
		// An empty Set is an intset; the first non-integer member converts it, which is what
		// setTypeCreate decides from the first member.
		s = &datatype.Set{}
		c.db.Set(args[1], s)
	}
	lim := c.setLimits()
	var added int64
	for _, m := range args[2:] {
		if s.Add(m, lim) {
			added++
		}
	}
	if added > 0 {
		c.changed(args[1], added)
	}
	c.w.Int(added)
}

func cmdSMove(c *Client, args [][]byte) {
	srcKey, dstKey, m := args[1], args[2], args[3]
	srcV := c.db.Get(srcKey)
	dstV := c.db.Get(dstKey)
	// A missing source replies 0 before any type check, even of the destination.
	if srcV == nil {
		c.w.Int(0)
		return
	}
	src, ok := srcV.(*datatype.Set)
	if !ok {
		c.w.Error(clientproto.ErrWrongType)
		return
	}
	dst, ok := dstV.(*datatype.Set)
	if dstV != nil && !ok {
		c.w.Error(clientproto.ErrWrongType)
		return
	}
	if src == dst {
		if src.Has(m) {
			c.w.Int(1)
		} else {
			c.w.Int(0)
		}
		return
	}
	if !src.Remove(m) {
		c.w.Int(0)
		return
	}
	if src.Len() == 0 {
		c.db.Delete(srcKey)
	}
	if dst == nil {
		dst = &datatype.Set{}
		c.db.Set(dstKey, dst)
	}
	c.changed(srcKey, 1)
	if dst.Add(m, c.setLimits()) {
		c.changed(dstKey, 1)
	}
	c.w.Int(1)
}

func cmdSIsMember(c *Client, args [][]byte) {
	s, ok := typed[*datatype.Set](c, args[1], true)
	if !ok {
		return
	}
	if s != nil && s.Has(args[2]) {
		c.w.Int(1)
	} else {
		c.w.Int(0)
	}
}

func cmdSMIsMember(c *Client, args [][]byte) {
	s, ok := typed[*datatype.Set](c, args[1], true)
	if !ok {
		return
	}
	c.w.Array(len(args) - 2)
	for _, m := range args[2:] {
		if s != nil && s.Has(m) {
			c.w.Int(1)
		} else {
			c.w.Int(0)
		}
	}
}

func cmdSPop(c *Client, args [][]byte) {
	if len(args) == 3 {
		spopWithCount(c, args)
		return
	}
	if len(args) > 3 {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	s, ok := typed[*datatype.Set](c, args[1], false)
	if !ok {
		return
	}
	if s == nil {
		c.w.Null()
		return
	}
	m, _ := s.Pop(random)
	c.w.BulkString(m)
	if s.Len() == 0 {
		c.db.Delete(args[1])
	}
	c.changed(args[1], 1)
	// Replicas remove the member this pop chose.
	c.replicate(cmdSREM, args[1], []byte(m))
}

func spopWithCount(c *Client, args [][]byte) {
	count, ok := numconv.ParseInt(args[2])
	if !ok || count < 0 {
		c.w.Error(clientproto.ErrNotPositive)
		return
	}
	s, ok := typed[*datatype.Set](c, args[1], false)
	if !ok {
		return
	}
	if s == nil || count == 0 {
		c.w.Set(0)
		return
	}
	n := int64(s.Len())
	if count >= n {
		count = n
		// Redis replies to this case through SUNION, whose read lookup counts a keyspace hit.
		c.lookupRead(args[1])
	}
	c.w.Set(int(count))
	// Replicas get one SREM per member this pop chose (in a MULTI), or a DEL when the whole
	// set goes, as Redis sends them.
	whole := count == n
	s.PopN(int(count), random, c.setLimits(), func(m string) {
		c.w.BulkString(m)
		if !whole {
			c.replicate(cmdSREM, args[1], []byte(m))
		}
	})
	if s.Len() == 0 {
		c.db.Delete(args[1])
	}
	c.changed(args[1], count)
	if whole {
		c.replicate(cmdDEL, args[1])
	}
}

func cmdSRandMember(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	if len(args) == 3 {
		count, ok := parseRandCount(c, args[2])
		if !ok {
			return
		}
		srandmemberWithCount(c, args[1], count)
		return
	}
	s, ok := typed[*datatype.Set](c, args[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.w.Null()
		return
	}
	c.w.BulkString(s.Random(random))
}

func srandmemberWithCount(c *Client, key []byte, count int64) {
	s, ok := typed[*datatype.Set](c, key, true)
	if !ok {
		return
	}
	if s == nil || count == 0 {
		c.w.Array(0)
		return
	}
	// A negative count (or 1) picks independently, repeats allowed; otherwise distinct
	// members, at most the whole set. Always an array, even in RESP3.
	if count < 0 || count == 1 {
		n := count
		if n < 0 {
			n = -n
		}
		c.w.Array(int(n))
		for ; n > 0; n-- {
			c.w.BulkString(s.Random(random))
		}
		return
	}
	c.w.Array(int(min(count, int64(s.Len()))))
	s.RandomMembers(count, random, func(m string) { c.w.BulkString(m) })
}

// lookupSets fetches the sets named by keys for SINTER/SUNION/SDIFF and friends: a missing
// key is a nil set. It replies WRONGTYPE and returns false if any key holds another type
// (every key is checked, missing ones included, before anything is computed).
func lookupSets(c *Client, keys [][]byte) ([]*datatype.Set, bool) {
	sets := make([]*datatype.Set, len(keys))
	for i, k := range keys {
		s, ok := typed[*datatype.Set](c, k, true)
		if !ok {
			return nil, false
		}
		sets[i] = s
	}
	return sets, true
}

// storeSetResult stores a computed set at dst for the *STORE commands (replacing whatever dst
// held, TTL included) and replies its size; an empty result deletes dst instead.
func storeSetResult(c *Client, dst []byte, res *datatype.Set) {
	if res.Len() > 0 {
		c.db.Set(dst, res)
		c.changed(dst, 1)
		c.w.Int(int64(res.Len()))
		return
	}
	if c.db.Delete(dst) {
		c.changed(dst, 1)
	}
	c.w.Int(0)
}

// sinterGeneric serves SMEMBERS, SINTER, SINTERSTORE (dst != nil) and SINTERCARD
// (cardOnly, stopping at limit when limit > 0).
func sinterGeneric(c *Client, keys [][]byte, dst []byte, cardOnly bool, limit int64) {
	sets, ok := lookupSets(c, keys)
	if !ok {
		return
	}
	for _, s := range sets {
		if s == nil {
			// Intersecting with an empty set is empty.
			switch {
			case dst != nil:
				if c.db.Delete(dst) {
					c.changed(dst, 1)
				}
				c.w.Int(0)
			case cardOnly:
				c.w.Int(0)
			default:
				c.w.Set(0)
			}
			return
		}
	}
	if dst == nil && !cardOnly && len(sets) == 1 {
		// SMEMBERS, or SINTER of one key: the set itself.
		c.w.Set(sets[0].Len())
		sets[0].ForEach(func(m string) bool { c.w.BulkString(m); return true })
		return
	}
	// Iterate the smallest set and probe the others (a stable sort, like the qsort Redis
	// gets from glibc, keeps the first-named of equal-sized sets first).
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].Len() < sets[j].Len() })
	var (
		res   *datatype.Set
		out   []string
		card  int64
		lim   datatype.Limits
		first = sets[0]
	)
	if dst != nil {
		res = &datatype.Set{}
		lim = c.setLimits()
	}
	first.ForEach(func(m string) bool {
		b := stringBytes(m)
		for _, s := range sets[1:] {
			if s != first && !s.Has(b) {
				return true
			}
		}
		switch {
		case cardOnly:
			card++
			return limit == 0 || card < limit
		case dst != nil:
			res.AddString(m, lim)
		default:
			out = append(out, m)
		}
		return true
	})
	switch {
	case cardOnly:
		c.w.Int(card)
	case dst != nil:
		storeSetResult(c, dst, res)
	default:
		c.w.Set(len(out))
		for _, m := range out {
			c.w.BulkString(m)
		}
	}
}

func cmdSInterCard(c *Client, args [][]byte) {
	numkeys, ok := numconv.ParseInt(args[1])
	if !ok || numkeys < 1 {
		c.w.Error("ERR numkeys should be greater than 0")
		return
	}
	if numkeys > int64(len(args)-2) {
		c.w.Error("ERR Number of keys can't be greater than number of args")
		return
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(args); j++ {
		if argIs(args[j], "limit") && j+1 < len(args) {
			j++
			var ok bool
			if limit, ok = numconv.ParseInt(args[j]); !ok || limit < 0 {
				c.w.Error("ERR LIMIT can't be negative")
				return
			}
			continue
		}
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	sinterGeneric(c, args[2:2+numkeys], nil, true, limit)
}

// sunionDiffGeneric serves SUNION, SUNIONSTORE, SDIFF and SDIFFSTORE. The result is built in
// a fresh set (an intset while it can be one), whose iteration order is the reply's.
func sunionDiffGeneric(c *Client, keys [][]byte, dst []byte, diff bool) {
	sets, ok := lookupSets(c, keys)
	if !ok {
		return
	}
	lim := c.setLimits()
	res := &datatype.Set{}
	if !diff {
		for _, s := range sets {
			if s == nil {
				continue
			}
			s.ForEach(func(m string) bool { res.AddString(m, lim); return true })
		}
	} else if first := sets[0]; first != nil {
		same := false
		for _, s := range sets[1:] {
			if s == first {
				same = true // a key subtracted from itself: empty
			}
		}
		// Redis picks one of two algorithms by estimated work, and the choice is visible:
		// the first adds only the surviving members to the result, the second adds all of
		// the first set and removes the others', so its result keeps whatever encoding the
		// whole first set forced (a hashtable stays one, and its order is not numeric).
		var oneWork, twoWork int64
		for _, s := range sets {
			if s != nil {
				oneWork += int64(first.Len())
				twoWork += int64(s.Len())
			}
		}
		switch {
		case same:
		case oneWork/2 <= twoWork:
			first.ForEach(func(m string) bool {
				b := stringBytes(m)
				for _, s := range sets[1:] {
					if s != nil && s.Has(b) {
						return true
					}
				}
				res.AddString(m, lim)
				return true
			})
		default:
			first.ForEach(func(m string) bool { res.AddString(m, lim); return true })
			for _, s := range sets[1:] {
				if s == nil {
					continue
				}
				if res.Len() == 0 {
					break
				}
				s.ForEach(func(m string) bool { res.Remove(stringBytes(m)); return true })
			}
		}
	}
	if dst != nil {
		storeSetResult(c, dst, res)
		return
	}
	c.w.Set(res.Len())
	res.ForEach(func(m string) bool { c.w.BulkString(m); return true })
}

func cmdSScan(c *Client, args [][]byte) {
	s, cursor, pattern, count, ok := scanKey[*datatype.Set](c, args)
	if !ok {
		return
	}
	var items []string
	next := s.Scan(cursor, count, func(m string) {
		if pattern == nil || glob.MatchString(pattern, m, false) {
			items = append(items, m)
		}
	})
	writeScanReply(c, next, items)
}

// cloneSet deep-copies a set for COPY, keeping its encoding even when the limits have
// changed since it was built, or when a hashtable set holds only integers.
func cloneSet(s *datatype.Set) *datatype.Set {
	dup := &datatype.Set{}
	noLimit := datatype.Limits{MaxEntries: math.MaxInt}
	if s.Encoding() == datatype.EncHashtable {
		// "" is not an integer: adding it converts the empty copy, and it stays a hashtable.
		dup.AddString("", noLimit)
		dup.Remove(nil)
	}
	s.ForEach(func(m string) bool { dup.AddString(m, noLimit); return true })
	return dup
}
