package datatype

import "math"

// Sorted set operations the ZSET commands need beyond zset.go: copies, building result sets
// from members that are already strings, and Redis's listpack rule for negative zero.

// Dup returns a deep copy of z with the same encoding (COPY; Redis's zsetDup). Members are
// immutable strings and are shared.
func (z *ZSet) Dup() *ZSet {
	d := &ZSet{skiplist: z.skiplist}
	for x := z.first(); x != nil; x = x.lvl(0).forward {
		d.InsertAbsent(x.member, x.score)
	}
	return d
}

// InsertAbsent adds a member that is not in z, without copying it and without changing the
// encoding (callers building a result set pick the encoding with UseSkiplist and
// ConvertToListpackIfNeeded, or with AddExact's rules). The score must not be NaN.
func (z *ZSet) InsertAbsent(member string, score float64) {
	z.init()
	n := z.insert(score, member)
	n.pos = int32(len(z.nodes))
	z.nodes = append(z.nodes, n)
	z.dict[member] = n
}

// AddExact is Add followed by Redis's listpack rule for negative zero: a listpack stores a
// score that is an integer as an integer (zzlInsertAt's double2ll), so -0 written into a
// listpack-encoded set reads back as 0, while a skiplist keeps -0. The returned result keeps
// the computed score (ZINCRBY replies "-0" even though the listpack stores 0).
func (z *ZSet) AddExact(member []byte, score float64, flags ZAddFlags, lim Limits) (ZAddResult, error) {
	res, err := z.Add(member, score, flags, lim)
	if err == nil && !z.skiplist && (res.Added || res.Updated) && res.Score == 0 && math.Signbit(res.Score) {
		if n, ok := z.dict[string(member)]; ok {
			n.score = 0
		}
	}
	return res, err
}

// AddStringExact is AddExact for a member that is already a string (ZRANGESTORE results),
// stored without copying.
func (z *ZSet) AddStringExact(member string, score float64, lim Limits) {
	if _, ok := z.dict[member]; ok || math.IsNaN(score) {
		return
	}
	if !z.skiplist && (z.length+1 > lim.MaxEntries || len(member) > lim.MaxValue) {
		z.skiplist = true
	}
	if !z.skiplist && score == 0 {
		score = 0 // listpack: -0 is stored as the integer 0
	}
	z.InsertAbsent(member, score)
}

// NormalizeListpackZeros turns every -0 score into 0 when z is listpack-encoded, as a
// conversion to a listpack does (zsetConvertToListpackIfNeeded after ZUNIONSTORE and friends).
func (z *ZSet) NormalizeListpackZeros() {
	if z.skiplist {
		return
	}
	for x := z.first(); x != nil; x = x.lvl(0).forward {
		if x.score == 0 {
			x.score = 0
		}
	}
}

// ForEachReverse calls fn with every member and score from the highest to the lowest,
// stopping when fn returns false (Redis iterates sorted sets this way for ZRANDMEMBER's
// whole-set reply). fn must not modify the set.
func (z *ZSet) ForEachReverse(fn func(member string, score float64) bool) {
	for x := z.tail; x != nil; x = x.backward {
		if !fn(x.member, x.score) {
			return
		}
	}
}

// ScoreOf is Score for a member that is already a string.
func (z *ZSet) ScoreOf(member string) (float64, bool) {
	if n, ok := z.dict[member]; ok {
		return n.score, true
	}
	return 0, false
}
