package datatype

import (
	"errors"
	"math"
	"math/bits"
	"math/rand/v2"
	"unsafe"

	"github.com/rcnode/rcnode/internal/numconv"
)

// ZSet is a sorted set: a map from member to skiplist node for O(1) ZSCORE, and a skiplist
// with spans (Redis's zskiplist) ordered by (score, member bytes) for O(log n) ranks, rank
// ranges and score/lex range starts. Equal scores order by member, byte-wise; -0 and 0 are
// the same score.
//
// Redis keeps small sorted sets (at most zset-max-listpack-entries members, none longer
// than zset-max-listpack-value bytes) as a listpack and the rest as a skiplist. The order is
// the same, so here only the reported encoding follows those rules, plus the lex-range
// algorithms, which in Redis scan a listpack linearly but descend a skiplist: the results
// differ only for lex ranges over members with different scores, which Redis leaves
// unspecified, and each encoding reproduces its own algorithm.
//
// The zero value is an empty listpack-encoded sorted set.
type ZSet struct {
	dict     map[string]*zNode
	nodes    []*zNode // every node once, densely, for O(1) random picks and ZSCAN
	header   *zNode
	tail     *zNode
	length   int
	level    int
	skiplist bool
}

const zslMaxLevel = 32 // ZSKIPLIST_MAXLEVEL; levels are drawn with p = 1/4 (ZSKIPLIST_P)

type zLevel struct {
	forward *zNode
	span    int
}

// zNode is a skiplist node. Its levels are not a field: every node is allocated as the
// first field of one of the zNodeN wrappers below, whose array l of at least height levels
// starts right after the node, at byte zLevelsOffset (40), and lvl reaches them there. A
// walk step reads lvl(i).forward of one node and score of the next: with score at byte 32
// next to level 0 (bytes 40-56), a one-level node (3 in 4, allocated 64-byte aligned in
// Go's 64-byte size class) is a single cache line, and low levels of taller nodes mostly
// share a line with the score too, as in Redis's zskiplistNode (levels from byte 24). A
// slice header for the levels, or levels after a 64-byte node, cost a second line per step.
type zNode struct {
	member   string
	pos      int32 // index in ZSet.nodes
	height   int32 // number of levels, 1..zslMaxLevel
	backward *zNode
	score    float64
}

// zLevelsOffset is where the level array follows a zNode in every wrapper.
const zLevelsOffset = unsafe.Sizeof(zNode{})

// lvl returns level i (0 <= i < n.height) of n.
//
// Safe because n is always &w.zNode for a wrapper w allocated by newZNode, whose array l
// starts at zLevelsOffset (checked in the wrappers' declarations) and has at least n.height
// levels: the result points into the same allocated object, at a zLevel of it, so the
// garbage collector sees the typed pointer field it is, and n keeps the whole object alive.
func (n *zNode) lvl(i int) *zLevel {
	return (*zLevel)(unsafe.Add(unsafe.Pointer(n), zLevelsOffset+uintptr(i)*unsafe.Sizeof(zLevel{})))
}

// The wrappers, one allocation per node, the smallest that fits the node's height (3 in 4
// nodes have one level, 15 in 16 at most two). Their sizes (56, 72, 88, ... 552 bytes)
// fall in Go's size classes with little waste.
type (
	zNode1 struct {
		zNode
		l [1]zLevel
	}
	zNode2 struct {
		zNode
		l [2]zLevel
	}
	zNode3 struct {
		zNode
		l [3]zLevel
	}
	zNode4 struct {
		zNode
		l [4]zLevel
	}
	zNode6 struct {
		zNode
		l [6]zLevel
	}
	zNode8 struct {
		zNode
		l [8]zLevel
	}
	zNode12 struct {
		zNode
		l [12]zLevel
	}
	zNode16 struct {
		zNode
		l [16]zLevel
	}
	zNode24 struct {
		zNode
		l [24]zLevel
	}
	zNode32 struct {
		zNode
		l [zslMaxLevel]zLevel
	}
)

// Compile-time checks that every wrapper's levels start at zLevelsOffset, where lvl looks:
// any other offset indexes past the one-element array (or overflows uintptr).
var (
	_ = [1]struct{}{}[unsafe.Offsetof(zNode1{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode2{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode3{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode4{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode6{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode8{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode12{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode16{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode24{}.l)-zLevelsOffset]
	_ = [1]struct{}{}[unsafe.Offsetof(zNode32{}.l)-zLevelsOffset]
)

func newZNode(level int, score float64, member string) *zNode {
	var n *zNode
	switch {
	case level <= 1:
		level = 1
		n = &(&zNode1{}).zNode
	case level == 2:
		n = &(&zNode2{}).zNode
	case level == 3:
		n = &(&zNode3{}).zNode
	case level == 4:
		n = &(&zNode4{}).zNode
	case level <= 6:
		n = &(&zNode6{}).zNode
	case level <= 8:
		n = &(&zNode8{}).zNode
	case level <= 12:
		n = &(&zNode12{}).zNode
	case level <= 16:
		n = &(&zNode16{}).zNode
	case level <= 24:
		n = &(&zNode24{}).zNode
	default:
		level = zslMaxLevel
		n = &(&zNode32{}).zNode
	}
	n.member, n.score, n.height = member, score, int32(level)
	return n
}

// randomLevel returns 1 + the number of trailing zero bit pairs of a random word: level k+1
// with probability (1/4)^k, capped at 32. Not injected: levels change performance only
// (and the unspecified mixed-score lex results of the skiplist encoding).
func randomLevel() int {
	return 1 + bits.TrailingZeros64(rand.Uint64()|1<<63)/2
}

func (z *ZSet) init() {
	if z.header == nil {
		z.header = newZNode(zslMaxLevel, 0, "")
		z.level = 1
		z.dict = make(map[string]*zNode)
	}
}

// less reports whether node n sorts before (score, member).
func (n *zNode) less(score float64, member string) bool {
	return n.score < score || (n.score == score && n.member < member)
}

func (z *ZSet) insert(score float64, member string) *zNode {
	x := newZNode(randomLevel(), score, member)
	z.link(x)
	return x
}

// link inserts node x (its score, member and levels set; its links are overwritten) at its
// place in the skiplist.
func (z *ZSet) link(node *zNode) {
	var w zWalk
	w.score, w.member = node.score, node.member
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		if i != z.level-1 {
			w.rank[i] = w.rank[i+1]
		}
		for f := x.lvl(i).forward; f != nil && f.less(w.score, w.member); f = x.lvl(i).forward {
			w.rank[i] += x.lvl(i).span
			x = f
		}
		w.update[i] = x
	}
	z.linkAt(node, &w)
}

// zWalk is where a walk to (score, member) left each level: the rightmost node before it,
// and that node's rank (the header's is 0).
type zWalk struct {
	score  float64
	member string
	update [zslMaxLevel]*zNode
	rank   [zslMaxLevel]int
}

// walkBoth walks to a's and b's places at once. The two walks' loads are independent, so
// the CPU overlaps one walk's cache misses with the other's: on a set larger than the caches
// that is most of a walk's time.
func (z *ZSet) walkBoth(a, b *zWalk) {
	xa, xb := z.header, z.header
	ra, rb := 0, 0
	for i := z.level - 1; i >= 0; i-- {
		for {
			fa, fb := xa.lvl(i).forward, xb.lvl(i).forward
			stepA := fa != nil && fa.less(a.score, a.member)
			stepB := fb != nil && fb.less(b.score, b.member)
			if stepA {
				ra += xa.lvl(i).span
				xa = fa
			}
			if stepB {
				rb += xb.lvl(i).span
				xb = fb
			}
			if !stepA && !stepB {
				break
			}
		}
		a.update[i], a.rank[i] = xa, ra
		b.update[i], b.rank[i] = xb, rb
	}
}

// linkAt links node where walk w, to node's score and member, found its place.
func (z *ZSet) linkAt(node *zNode, w *zWalk) {
	update, rank := &w.update, &w.rank
	lvl := int(node.height)
	if lvl > z.level {
		for i := z.level; i < lvl; i++ {
			rank[i] = 0
			update[i] = z.header
			update[i].lvl(i).span = z.length
		}
		z.level = lvl
	}
	x := node
	for i := 0; i < lvl; i++ {
		x.lvl(i).forward = update[i].lvl(i).forward
		update[i].lvl(i).forward = x
		x.lvl(i).span = update[i].lvl(i).span - (rank[0] - rank[i])
		update[i].lvl(i).span = rank[0] - rank[i] + 1
	}
	for i := lvl; i < z.level; i++ {
		update[i].lvl(i).span++
	}
	x.backward = nil
	if update[0] != z.header {
		x.backward = update[0]
	}
	if f := x.lvl(0).forward; f != nil {
		f.backward = x
	} else {
		z.tail = x
	}
	z.length++
}

// updateFor fills update with the rightmost node before (score, member) at every level.
func (z *ZSet) updateFor(score float64, member string, update *[zslMaxLevel]*zNode) {
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lvl(i).forward; f != nil && f.less(score, member); f = x.lvl(i).forward {
			x = f
		}
		update[i] = x
	}
}

func (z *ZSet) unlink(x *zNode, update *[zslMaxLevel]*zNode) {
	for i := 0; i < z.level; i++ {
		if update[i].lvl(i).forward == x {
			update[i].lvl(i).span += x.lvl(i).span - 1
			update[i].lvl(i).forward = x.lvl(i).forward
		} else {
			update[i].lvl(i).span--
		}
	}
	if f := x.lvl(0).forward; f != nil {
		f.backward = x.backward
	} else {
		z.tail = x.backward
	}
	for z.level > 1 && z.header.lvl(z.level-1).forward == nil {
		z.level--
	}
	z.length--
}

func (z *ZSet) deleteNode(x *zNode) {
	var update [zslMaxLevel]*zNode
	z.updateFor(x.score, x.member, &update)
	z.unlink(x, &update)
	z.forget(x)
	z.maybeRelease()
}

// forget removes an unlinked node from the dict and the dense node array (moving the last
// node into its slot).
func (z *ZSet) forget(x *zNode) {
	delete(z.dict, x.member)
	last := len(z.nodes) - 1
	if int(x.pos) != last {
		m := z.nodes[last]
		z.nodes[x.pos] = m
		m.pos = x.pos
	}
	z.nodes[last] = nil
	z.nodes = z.nodes[:last]
	if c := cap(z.nodes); c > 64 && len(z.nodes) < c/4 {
		z.nodes = append(make([]*zNode, 0, c/2), z.nodes...)
	}
}

func (z *ZSet) maybeRelease() {
	if z.length == 0 {
		skiplist := z.skiplist
		*z = ZSet{skiplist: skiplist}
	}
}

// rankOf returns the 1-based rank of node n.
func (z *ZSet) rankOf(n *zNode) int {
	rank := 0
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lvl(i).forward; f != nil && (f.score < n.score || (f.score == n.score && f.member <= n.member)); f = x.lvl(i).forward {
			rank += x.lvl(i).span
			x = f
		}
		if x == n {
			return rank
		}
	}
	return 0 // not reached for a member of the set
}

// byRank returns the node of 1-based rank r (1 <= r <= length).
func (z *ZSet) byRank(r int) *zNode {
	traversed := 0
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for x.lvl(i).forward != nil && traversed+x.lvl(i).span <= r {
			traversed += x.lvl(i).span
			x = x.lvl(i).forward
		}
		if traversed == r {
			return x
		}
	}
	return nil
}

func (z *ZSet) first() *zNode {
	if z.header == nil {
		return nil
	}
	return z.header.lvl(0).forward
}

// Encoding returns "listpack" or "skiplist" (OBJECT ENCODING).
func (z *ZSet) Encoding() string {
	if z.skiplist {
		return EncSkiplist
	}
	return EncListpack
}

// UseSkiplist makes the set report the skiplist encoding, as Redis's createZsetObject does
// for ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE results and for ZRANGESTORE results longer than
// zset-max-listpack-entries.
func (z *ZSet) UseSkiplist() { z.skiplist = true }

// ConvertToListpackIfNeeded reports the listpack encoding again when the set is small
// enough (zsetConvertToListpackIfNeeded, run on the result of ZUNIONSTORE and friends):
// at most lim.MaxEntries members, none longer than lim.MaxValue.
func (z *ZSet) ConvertToListpackIfNeeded(lim Limits) {
	if !z.skiplist || z.length > lim.MaxEntries {
		return
	}
	for x := z.first(); x != nil; x = x.lvl(0).forward {
		if len(x.member) > lim.MaxValue {
			return
		}
	}
	z.skiplist = false
	for x := z.first(); x != nil; x = x.lvl(0).forward {
		x.score = z.stored(x.score) // -0 does not survive the listpack
	}
}

// Len returns the number of members (ZCARD).
func (z *ZSet) Len() int { return z.length }

// Score returns member's score (ZSCORE).
func (z *ZSet) Score(member []byte) (float64, bool) {
	if n, ok := z.dict[string(member)]; ok {
		return n.score, true
	}
	return 0, false
}

// ZAddFlags are ZADD's options. CH only changes what the command replies, so it is not
// here: the reply counts Added (plus Updated with CH).
type ZAddFlags uint8

const (
	ZAddNX   ZAddFlags = 1 << iota // only add new members
	ZAddXX                         // only update existing members
	ZAddGT                         // only update when the new score is greater
	ZAddLT                         // only update when the new score is less
	ZAddIncr                       // add score to the current one (ZINCRBY, ZADD INCR)
)

// ZAddResult says what Add did.
type ZAddResult struct {
	Added   bool    // the member is new
	Updated bool    // an existing member's score changed
	NoOp    bool    // NX, XX, GT or LT prevented the operation (ZADD INCR then replies nil)
	Score   float64 // the member's score afterwards (when not NoOp)
}

// ErrNaN is returned when the score, or the score after INCR, is NaN. The message is the
// text of Redis's error reply without the "ERR " prefix.
var ErrNaN = errors.New("resulting score is not a number (NaN)")

// Add adds member with score, or updates it, with ZADD's semantics (zsetAdd): NX and XX
// decide between adding and updating, INCR adds score to the current score, and GT/LT
// then keep the update only if the (incremented) score is greater/less than the current
// one; new members are always added whatever GT/LT say. Setting an equal score (0 vs -0
// included) is not an update and keeps the stored score. Adding a member to a listpack set
// converts it to a skiplist when the count would exceed lim.MaxEntries or the member is
// longer than lim.MaxValue. A listpack set stores -0 as 0 (ZSCORE then says "0"), a
// skiplist keeps it.
func (z *ZSet) Add(member []byte, score float64, flags ZAddFlags, lim Limits) (ZAddResult, error) {
	if math.IsNaN(score) {
		return ZAddResult{}, ErrNaN
	}
	if n, ok := z.dict[string(member)]; ok {
		if flags&ZAddNX != 0 {
			return ZAddResult{NoOp: true}, nil
		}
		cur := n.score
		if flags&ZAddIncr != 0 {
			score += cur
			if math.IsNaN(score) {
				return ZAddResult{}, ErrNaN
			}
		}
		if (flags&ZAddLT != 0 && score >= cur) || (flags&ZAddGT != 0 && score <= cur) {
			return ZAddResult{NoOp: true}, nil
		}
		if score == cur {
			return ZAddResult{Score: score}, nil // 0 vs -0: the stored score stays
		}
		z.updateScore(n, z.stored(score))
		return ZAddResult{Updated: true, Score: score}, nil
	}
	if flags&ZAddXX != 0 {
		return ZAddResult{NoOp: true}, nil
	}
	if !z.skiplist && (z.length+1 > lim.MaxEntries || len(member) > lim.MaxValue) {
		z.skiplist = true
	}
	z.init()
	m := string(member)
	n := z.insert(z.stored(score), m)
	n.pos = int32(len(z.nodes))
	z.nodes = append(z.nodes, n)
	z.dict[m] = n
	return ZAddResult{Added: true, Score: score}, nil
}

// stored is the score as the encoding keeps it: a listpack stores integral scores as
// integers (zzlInsertAt, double2ll), so -0 becomes 0 there. The reply to ZINCRBY/ZADD INCR
// still shows the computed -0, as in Redis.
func (z *ZSet) stored(score float64) float64 {
	if score == 0 && !z.skiplist {
		return 0
	}
	return score
}

// updateScore moves node n to newScore, in place when its neighbours allow (Redis's
// zslUpdateScore), else by unlinking and re-inserting.
func (z *ZSet) updateScore(n *zNode, newScore float64) {
	if (n.backward == nil || n.backward.score < newScore) &&
		(n.lvl(0).forward == nil || n.lvl(0).forward.score > newScore) {
		n.score = newScore
		return
	}
	// Re-link the same node (keeping its height) rather than allocate a new one as Redis's
	// zslUpdateScore does: the dict entry and ZSCAN's slot stay valid, and nothing is freed.
	// Both places are found in one walk, before n moves: where n is (to unlink it) and where
	// it goes. The second walk saw n, so its result is made to be without n: n as the node
	// before the new place becomes n's own predecessor, and ranks after n drop by one.
	var from, to zWalk
	from.score, from.member = n.score, n.member
	to.score, to.member = newScore, n.member
	z.walkBoth(&from, &to)
	nRank := from.rank[0] + 1
	for i := 0; i < z.level; i++ {
		if to.update[i] == n {
			to.update[i], to.rank[i] = from.update[i], from.rank[i]
		} else if to.rank[i] > nRank {
			to.rank[i]--
		}
	}
	z.unlink(n, &from.update)
	n.score = newScore
	z.linkAt(n, &to)
}

// Remove deletes member and reports whether it was there (ZREM).
func (z *ZSet) Remove(member []byte) bool {
	n, ok := z.dict[string(member)]
	if !ok {
		return false
	}
	z.deleteNode(n)
	return true
}

// Rank returns member's 0-based rank, from the lowest score, or from the highest when
// reverse is true (ZRANK, ZREVRANK).
func (z *ZSet) Rank(member []byte, reverse bool) (int, bool) {
	n, ok := z.dict[string(member)]
	if !ok {
		return 0, false
	}
	r := z.rankOf(n) - 1
	if reverse {
		r = z.length - 1 - r
	}
	return r, true
}

// ByRank returns the member and score at 0-based rank r (0 <= r < Len).
func (z *ZSet) ByRank(r int) (member string, score float64) {
	n := z.byRank(r + 1)
	return n.member, n.score
}

// ForEach calls fn with every member and score in order, stopping when fn returns false.
// fn must not modify the set.
func (z *ZSet) ForEach(fn func(member string, score float64) bool) {
	for x := z.first(); x != nil; x = x.lvl(0).forward {
		if !fn(x.member, x.score) {
			return
		}
	}
}

// RangeByRank calls fn with the members of 0-based ranks lo..hi-1, as NormalizeRange
// returns them for ZRANGE start stop; with reverse, ranks count from the highest score
// (ZREVRANGE, ZRANGE REV) and members come highest first.
func (z *ZSet) RangeByRank(lo, hi int, reverse bool, fn func(member string, score float64)) {
	lo, hi = max(lo, 0), min(hi, z.length)
	if lo >= hi {
		return
	}
	if reverse {
		for x, k := z.byRank(z.length-lo), hi-lo; k > 0; x, k = x.backward, k-1 {
			fn(x.member, x.score)
		}
		return
	}
	for x, k := z.byRank(lo+1), hi-lo; k > 0; x, k = x.lvl(0).forward, k-1 {
		fn(x.member, x.score)
	}
}

// ScoreRange is a ZRANGEBYSCORE-style interval (from numconv.ParseRangeBound).
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r *ScoreRange) gteMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

func (r *ScoreRange) lteMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

// Contains reports whether v is inside the range.
func (r ScoreRange) Contains(v float64) bool { return r.gteMin(v) && r.lteMax(v) }

func (r *ScoreRange) empty() bool {
	return r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

// inRange is zslIsInRange: the range is not empty and overlaps the set's scores.
func (z *ZSet) inRange(r *ScoreRange) bool {
	if r.empty() || z.length == 0 {
		return false
	}
	return r.gteMin(z.tail.score) && r.lteMax(z.first().score)
}

func (z *ZSet) firstInRange(r *ScoreRange) *zNode {
	if !z.inRange(r) {
		return nil
	}
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lvl(i).forward; f != nil && !r.gteMin(f.score); f = x.lvl(i).forward {
			x = f
		}
	}
	x = x.lvl(0).forward
	if !r.lteMax(x.score) {
		return nil
	}
	return x
}

func (z *ZSet) lastInRange(r *ScoreRange) *zNode {
	if !z.inRange(r) {
		return nil
	}
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lvl(i).forward; f != nil && r.lteMax(f.score); f = x.lvl(i).forward {
			x = f
		}
	}
	if !r.gteMin(x.score) {
		return nil
	}
	return x
}

// RangeByScore calls fn with the members whose score is in r, lowest first, or highest
// first with reverse (ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGE BYSCORE), after skipping
// offset of them and stopping after limit (limit < 0: no limit; offset < 0: nothing), and
// returns how many it emitted.
func (z *ZSet) RangeByScore(r ScoreRange, reverse bool, offset, limit int64, fn func(member string, score float64)) int {
	if offset < 0 || (offset > 0 && offset >= int64(z.length)) {
		return 0
	}
	var x *zNode
	if reverse {
		x = z.lastInRange(&r)
	} else {
		x = z.firstInRange(&r)
	}
	x = skip(x, offset, reverse)
	n := 0
	for ; x != nil && limit != 0; limit-- {
		if (reverse && !r.gteMin(x.score)) || (!reverse && !r.lteMax(x.score)) {
			break
		}
		fn(x.member, x.score)
		n++
		x = next(x, reverse)
	}
	return n
}

func next(x *zNode, reverse bool) *zNode {
	if reverse {
		return x.backward
	}
	return x.lvl(0).forward
}

// skip moves offset nodes on without checking any range (as Redis's LIMIT does).
func skip(x *zNode, offset int64, reverse bool) *zNode {
	for ; x != nil && offset > 0; offset-- {
		x = next(x, reverse)
	}
	return x
}

// CountByScore returns how many scores are in r (ZCOUNT).
func (z *ZSet) CountByScore(r ScoreRange) int {
	f := z.firstInRange(&r)
	if f == nil {
		return 0
	}
	count := z.length - (z.rankOf(f) - 1)
	if l := z.lastInRange(&r); l != nil {
		count -= z.length - z.rankOf(l)
	}
	return count
}

// LexRange is a ZRANGEBYLEX-style interval (from numconv.ParseLexBound).
type LexRange struct {
	Min, Max numconv.LexBound
}

// lexSpec is a LexRange with its bounds copied into strings once.
type lexSpec struct {
	minInf, maxInf int8
	min, max       string
	minEx, maxEx   bool
}

func (r *LexRange) spec() lexSpec {
	return lexSpec{
		minInf: r.Min.Inf, maxInf: r.Max.Inf,
		min: string(r.Min.Value), max: string(r.Max.Value),
		minEx: r.Min.Exclusive, maxEx: r.Max.Exclusive,
	}
}

// cmpBound compares a member with a bound as Redis's sdscmplex does: "-" is below and "+"
// above every member.
func cmpBound(v string, inf int8, b string) int {
	switch {
	case inf < 0:
		return 1
	case inf > 0:
		return -1
	case v < b:
		return -1
	case v > b:
		return 1
	}
	return 0
}

func (s *lexSpec) gteMin(v string) bool {
	c := cmpBound(v, s.minInf, s.min)
	if s.minEx {
		return c > 0
	}
	return c >= 0
}

func (s *lexSpec) lteMax(v string) bool {
	c := cmpBound(v, s.maxInf, s.max)
	if s.maxEx {
		return c < 0
	}
	return c <= 0
}

func (s *lexSpec) empty() bool {
	var c int
	switch {
	case s.minInf != 0 && s.minInf == s.maxInf:
		c = 0 // the same shared object
	case s.minInf < 0 || s.maxInf > 0:
		c = -1
	case s.minInf > 0 || s.maxInf < 0:
		c = 1
	case s.min < s.max:
		c = -1
	case s.min > s.max:
		c = 1
	}
	return c > 0 || (c == 0 && (s.minEx || s.maxEx))
}

// inLexRange is zslIsInLexRange / zzlIsInLexRange.
func (z *ZSet) inLexRange(s *lexSpec) bool {
	if s.empty() || z.length == 0 {
		return false
	}
	return s.gteMin(z.tail.member) && s.lteMax(z.first().member)
}

func (z *ZSet) firstInLexRange(s *lexSpec) *zNode {
	if !z.inLexRange(s) {
		return nil
	}
	var x *zNode
	if !z.skiplist {
		// zzlFirstInLexRange: the first member >= min, scanning from the head.
		for x = z.first(); x != nil && !s.gteMin(x.member); x = x.lvl(0).forward {
		}
		if x == nil {
			return nil
		}
	} else {
		x = z.header
		for i := z.level - 1; i >= 0; i-- {
			for f := x.lvl(i).forward; f != nil && !s.gteMin(f.member); f = x.lvl(i).forward {
				x = f
			}
		}
		x = x.lvl(0).forward
	}
	if !s.lteMax(x.member) {
		return nil
	}
	return x
}

func (z *ZSet) lastInLexRange(s *lexSpec) *zNode {
	if !z.inLexRange(s) {
		return nil
	}
	var x *zNode
	if !z.skiplist {
		// zzlLastInLexRange: the last member <= max, scanning from the tail.
		for x = z.tail; x != nil && !s.lteMax(x.member); x = x.backward {
		}
		if x == nil {
			return nil
		}
	} else {
		x = z.header
		for i := z.level - 1; i >= 0; i-- {
			for f := x.lvl(i).forward; f != nil && s.lteMax(f.member); f = x.lvl(i).forward {
				x = f
			}
		}
	}
	if !s.gteMin(x.member) {
		return nil
	}
	return x
}

// RangeByLex calls fn with the members in r, in order or reversed (ZRANGEBYLEX,
// ZREVRANGEBYLEX, ZRANGE BYLEX), with LIMIT offset and limit as RangeByScore, and returns how
// many it emitted. Meaningful when all scores are equal, as in Redis.
func (z *ZSet) RangeByLex(r LexRange, reverse bool, offset, limit int64, fn func(member string, score float64)) int {
	if offset < 0 {
		return 0
	}
	s := r.spec()
	var x *zNode
	if reverse {
		x = z.lastInLexRange(&s)
	} else {
		x = z.firstInLexRange(&s)
	}
	x = skip(x, offset, reverse)
	n := 0
	for ; x != nil && limit != 0; limit-- {
		if (reverse && !s.gteMin(x.member)) || (!reverse && !s.lteMax(x.member)) {
			break
		}
		fn(x.member, x.score)
		n++
		x = next(x, reverse)
	}
	return n
}

// CountByLex returns how many members are in r (ZLEXCOUNT).
func (z *ZSet) CountByLex(r LexRange) int {
	s := r.spec()
	f := z.firstInLexRange(&s)
	if f == nil {
		return 0
	}
	if !z.skiplist {
		n := 0
		for ; f != nil && s.lteMax(f.member); f = f.lvl(0).forward {
			n++
		}
		return n
	}
	count := z.length - (z.rankOf(f) - 1)
	if l := z.lastInLexRange(&s); l != nil {
		count -= z.length - z.rankOf(l)
	}
	return count
}

// deleteFrom unlinks nodes starting at the successor of update[0] while keep says so, and
// returns how many it deleted.
func (z *ZSet) deleteFrom(update *[zslMaxLevel]*zNode, more func(x *zNode) bool) int {
	removed := 0
	x := update[0].lvl(0).forward
	for x != nil && more(x) {
		nx := x.lvl(0).forward
		z.unlink(x, update)
		z.forget(x)
		removed++
		x = nx
	}
	z.maybeRelease()
	return removed
}

// RemoveRangeByRank deletes the members of 0-based ranks lo..hi-1 (ZREMRANGEBYRANK, with
// NormalizeRange) and returns how many it deleted.
func (z *ZSet) RemoveRangeByRank(lo, hi int) int {
	lo, hi = max(lo, 0), min(hi, z.length)
	if lo >= hi {
		return 0
	}
	var update [zslMaxLevel]*zNode
	traversed := 0
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for x.lvl(i).forward != nil && traversed+x.lvl(i).span <= lo {
			traversed += x.lvl(i).span
			x = x.lvl(i).forward
		}
		update[i] = x
	}
	k := hi - lo
	return z.deleteFrom(&update, func(*zNode) bool { k--; return k >= 0 })
}

// RemoveRangeByScore deletes the members whose score is in r (ZREMRANGEBYSCORE) and returns
// how many it deleted.
func (z *ZSet) RemoveRangeByScore(r ScoreRange) int {
	if z.length == 0 {
		return 0
	}
	var update [zslMaxLevel]*zNode
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lvl(i).forward; f != nil && !r.gteMin(f.score); f = x.lvl(i).forward {
			x = f
		}
		update[i] = x
	}
	return z.deleteFrom(&update, func(x *zNode) bool { return r.lteMax(x.score) })
}

// RemoveRangeByLex deletes the members in r (ZREMRANGEBYLEX) and returns how many it
// deleted.
func (z *ZSet) RemoveRangeByLex(r LexRange) int {
	if z.length == 0 {
		return 0
	}
	s := r.spec()
	var update [zslMaxLevel]*zNode
	if !z.skiplist {
		// zzlDeleteRangeByLex starts at zzlFirstInLexRange.
		f := z.firstInLexRange(&s)
		if f == nil {
			return 0
		}
		z.updateFor(f.score, f.member, &update)
	} else {
		// zslDeleteRangeByLex descends without the range pre-check.
		x := z.header
		for i := z.level - 1; i >= 0; i-- {
			for f := x.lvl(i).forward; f != nil && !s.gteMin(f.member); f = x.lvl(i).forward {
				x = f
			}
			update[i] = x
		}
	}
	return z.deleteFrom(&update, func(x *zNode) bool { return s.lteMax(x.member) })
}

// PopMin removes up to count members with the lowest scores, calling fn with each, lowest
// first (ZPOPMIN, BZPOPMIN, ZMPOP MIN), and returns how many it removed.
func (z *ZSet) PopMin(count int, fn func(member string, score float64)) int {
	n := 0
	for ; n < count && z.length > 0; n++ {
		x := z.first()
		fn(x.member, x.score)
		z.deleteNode(x)
	}
	return n
}

// PopMax removes up to count members with the highest scores, calling fn with each, highest
// first (ZPOPMAX, BZPOPMAX, ZMPOP MAX), and returns how many it removed.
func (z *ZSet) PopMax(count int, fn func(member string, score float64)) int {
	n := 0
	for ; n < count && z.length > 0; n++ {
		x := z.tail
		fn(x.member, x.score)
		z.deleteNode(x)
	}
	return n
}

// Random returns a uniformly random member and its score (ZRANDMEMBER without count). The
// set must not be empty.
func (z *ZSet) Random(rnd Rand) (member string, score float64) {
	x := z.nodes[rnd(len(z.nodes))]
	return x.member, x.score
}

// RandomMembers calls fn with random members as ZRANDMEMBER with a count does: count < 0
// picks -count members independently (repeats possible); count >= Len returns the whole
// set from the highest score down (Redis walks it from the tail); otherwise count distinct
// members, in order for a listpack set (Redis samples those in order) and in random order
// for a skiplist.
func (z *ZSet) RandomMembers(count int64, rnd Rand, fn func(member string, score float64)) {
	n := z.length
	switch {
	case n == 0 || count == 0:
	case count < 0:
		for ; count < 0; count++ {
			fn(z.Random(rnd))
		}
	case count >= int64(n):
		// Redis walks the set with zuiInitIterator, which starts at the tail.
		for x := z.tail; x != nil; x = x.backward {
			fn(x.member, x.score)
		}
	case !z.skiplist:
		need := int(count)
		i := 0
		for x := z.first(); x != nil && need > 0; x, i = x.lvl(0).forward, i+1 {
			if rnd(n-i) < need {
				fn(x.member, x.score)
				need--
			}
		}
	default:
		sampleIndexes(n, int(count), rnd, func(i int) { fn(z.nodes[i].member, z.nodes[i].score) })
	}
}

// Scan visits members for ZSCAN: a listpack set is returned whole, in order, with cursor 0;
// a skiplist set about count members per call, in no particular order, with a cursor that
// guarantees every member present throughout (even if its score changes) is returned at
// least once.
func (z *ZSet) Scan(cursor uint64, count int, fn func(member string, score float64)) uint64 {
	if !z.skiplist {
		z.ForEach(func(m string, s float64) bool { fn(m, s); return true })
		return 0
	}
	c := uint64(len(z.nodes))
	if cursor != 0 && cursor < c {
		c = cursor
	}
	for count = max(count, 1); c > 0 && count > 0; count-- {
		c--
		fn(z.nodes[c].member, z.nodes[c].score)
	}
	return c
}
