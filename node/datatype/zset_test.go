package datatype

import (
	"cmp"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/numconv"
)

type zpair struct {
	m string
	s float64
}

func zcmp(a, b zpair) int {
	if c := cmp.Compare(a.s, b.s); c != 0 && !(a.s == b.s) {
		return c
	}
	return strings.Compare(a.m, b.m)
}

// refZSet is the naive model: a slice kept sorted by (score, member), plus the encoding rule.
type refZSet struct {
	e        []zpair
	skiplist bool
}

func (r *refZSet) find(m string) int {
	return slices.IndexFunc(r.e, func(p zpair) bool { return p.m == m })
}

func (r *refZSet) put(m string, s float64) {
	if i := r.find(m); i >= 0 {
		r.e = slices.Delete(r.e, i, i+1)
	}
	p := zpair{m, s}
	i, _ := slices.BinarySearchFunc(r.e, p, zcmp)
	r.e = slices.Insert(r.e, i, p)
}

func (r *refZSet) add(m string, score float64, flags ZAddFlags, lim Limits) (ZAddResult, error) {
	if math.IsNaN(score) {
		return ZAddResult{}, ErrNaN
	}
	if i := r.find(m); i >= 0 {
		if flags&ZAddNX != 0 {
			return ZAddResult{NoOp: true}, nil
		}
		cur := r.e[i].s
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
			return ZAddResult{Score: score}, nil
		}
		r.put(m, score)
		return ZAddResult{Updated: true, Score: score}, nil
	}
	if flags&ZAddXX != 0 {
		return ZAddResult{NoOp: true}, nil
	}
	if len(r.e)+1 > lim.MaxEntries || len(m) > lim.MaxValue {
		r.skiplist = true
	}
	r.put(m, score)
	return ZAddResult{Added: true, Score: score}, nil
}

func zContents(z *ZSet) []zpair {
	var out []zpair
	z.ForEach(func(m string, s float64) bool { out = append(out, zpair{m, s}); return true })
	return out
}

// checkSkiplist verifies the structure: order, backward links, tail, spans, levels, dict and
// the dense node array.
func checkSkiplist(t *testing.T, z *ZSet) {
	t.Helper()
	if z.length == 0 {
		if len(z.dict) != 0 || len(z.nodes) != 0 || z.first() != nil {
			t.Fatal("empty set with leftovers")
		}
		return
	}
	rank := map[*zNode]int{}
	var prev *zNode
	i := 0
	for x := z.first(); x != nil; x = x.lvl(0).forward {
		i++
		rank[x] = i
		if x.backward != prev {
			t.Fatalf("backward link of %q wrong", x.member)
		}
		if prev != nil && !prev.less(x.score, x.member) {
			t.Fatalf("order: %q(%v) before %q(%v)", prev.member, prev.score, x.member, x.score)
		}
		if z.dict[x.member] != x {
			t.Fatalf("dict does not point at node %q", x.member)
		}
		if x.pos < 0 || int(x.pos) >= len(z.nodes) || z.nodes[x.pos] != x {
			t.Fatalf("node %q not at its slot %d", x.member, x.pos)
		}
		prev = x
	}
	if i != z.length || len(z.dict) != z.length || len(z.nodes) != z.length || z.tail != prev {
		t.Fatalf("length %d, walked %d, dict %d, nodes %d", z.length, i, len(z.dict), len(z.nodes))
	}
	for lv := 0; lv < zslMaxLevel; lv++ {
		if lv >= z.level {
			if z.header.lvl(lv).forward != nil {
				t.Fatalf("level %d above %d in use", lv, z.level)
			}
			continue
		}
		if z.header.lvl(lv).forward == nil && !(lv == 0 && z.length == 0) {
			t.Fatalf("level %d empty but z.level is %d", lv, z.level)
		}
		x := z.header
		for x.lvl(lv).forward != nil {
			f := x.lvl(lv).forward
			if rank[f]-rank[x] != x.lvl(lv).span {
				t.Fatalf("level %d span from rank %d to %d is %d", lv, rank[x], rank[f], x.lvl(lv).span)
			}
			x = f
		}
	}
}

func randScore(r *rand.Rand) float64 {
	switch r.Intn(12) {
	case 0:
		return math.Inf(1)
	case 1:
		return math.Inf(-1)
	case 2:
		return math.Copysign(0, -1)
	case 3:
		return 0
	default:
		return float64(r.Intn(20)-10) / 2
	}
}

func randScoreRange(r *rand.Rand) ScoreRange {
	return ScoreRange{Min: randScore(r), Max: randScore(r), MinEx: r.Intn(2) == 0, MaxEx: r.Intn(2) == 0}
}

func randLexBound(r *rand.Rand, members []string) numconv.LexBound {
	switch r.Intn(8) {
	case 0:
		return numconv.LexBound{Inf: -1, Exclusive: true}
	case 1:
		return numconv.LexBound{Inf: 1, Exclusive: true}
	}
	v := members[r.Intn(len(members))]
	if r.Intn(3) == 0 {
		v += "0"
	}
	return numconv.LexBound{Value: []byte(v), Exclusive: r.Intn(2) == 0}
}

func inLex(m string, lr LexRange) bool {
	s := lr.spec()
	return s.gteMin(m) && s.lteMax(m)
}

// refLexFirstLast mirrors the listpack algorithms (linear scans).
func refLexFirst(e []zpair, lr LexRange) int {
	s := lr.spec()
	if s.empty() || len(e) == 0 || !s.gteMin(e[len(e)-1].m) || !s.lteMax(e[0].m) {
		return -1
	}
	for i, p := range e {
		if s.gteMin(p.m) {
			if s.lteMax(p.m) {
				return i
			}
			return -1
		}
	}
	return -1
}

func refLexLast(e []zpair, lr LexRange) int {
	s := lr.spec()
	if s.empty() || len(e) == 0 || !s.gteMin(e[len(e)-1].m) || !s.lteMax(e[0].m) {
		return -1
	}
	for i := len(e) - 1; i >= 0; i-- {
		if s.lteMax(e[i].m) {
			if s.gteMin(e[i].m) {
				return i
			}
			return -1
		}
	}
	return -1
}

// refRange emulates genericZrangeby{score,lex}: start at first (or last when reversed),
// skip offset without checks, then take while in range, at most limit.
func refRange(e []zpair, start int, reverse bool, offset, limit int64, ok func(zpair) bool) []zpair {
	if start < 0 || offset < 0 {
		return nil
	}
	step := 1
	if reverse {
		step = -1
	}
	i := start + step*int(min(offset, int64(len(e))+1))
	var out []zpair
	for ; i >= 0 && i < len(e) && limit != 0; i, limit = i+step, limit-1 {
		if !ok(e[i]) {
			break
		}
		out = append(out, e[i])
	}
	return out
}

func TestZSetAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for round := 0; round < 150; round++ {
		lim := Limits{MaxEntries: r.Intn(40), MaxValue: 3 + r.Intn(4)}
		sameScore := round%3 == 0 // lex commands are meaningful when all scores are equal
		nm := 5 + r.Intn(60)
		members := make([]string, nm)
		for i := range members {
			members[i] = fmt.Sprintf("%c%d", 'a'+r.Intn(5), r.Intn(nm))
		}
		var z ZSet
		ref := &refZSet{}
		for step := 0; step < 400; step++ {
			m := members[r.Intn(nm)]
			var op string
			switch k := r.Intn(100); {
			case k < 35:
				score := randScore(r)
				flags := ZAddFlags(0)
				for _, f := range []ZAddFlags{ZAddNX, ZAddXX, ZAddGT, ZAddLT, ZAddIncr} {
					if r.Intn(5) == 0 {
						flags |= f
					}
				}
				if r.Intn(30) == 0 {
					score = math.NaN()
				}
				if sameScore {
					score, flags = 1, flags&^ZAddIncr
				}
				op = fmt.Sprintf("zadd %q %v flags %b", m, score, flags)
				got, err := z.Add([]byte(m), score, flags, lim)
				want, werr := ref.add(m, score, flags, lim)
				if err != werr || got != want {
					t.Fatalf("%s = %+v %v, want %+v %v", op, got, err, want, werr)
				}
			case k < 42:
				op = "zrem " + m
				got := z.Remove([]byte(m))
				i := ref.find(m)
				if got != (i >= 0) {
					t.Fatalf("%s = %v", op, got)
				}
				if i >= 0 {
					ref.e = slices.Delete(ref.e, i, i+1)
				}
			case k < 48:
				op = "zscore/zrank " + m
				i := ref.find(m)
				sc, ok := z.Score([]byte(m))
				rk, rok := z.Rank([]byte(m), false)
				rv, vok := z.Rank([]byte(m), true)
				if ok != (i >= 0) || rok != ok || vok != ok {
					t.Fatalf("%s: found %v %v %v", op, ok, rok, vok)
				}
				if ok && (sc != ref.e[i].s || rk != i || rv != len(ref.e)-1-i) {
					t.Fatalf("%s = %v %d %d, want %v %d %d", op, sc, rk, rv, ref.e[i].s, i, len(ref.e)-1-i)
				}
				if ok {
					if bm, bs := z.ByRank(i); bm != m || bs != sc {
						t.Fatalf("ByRank(%d) = %q %v", i, bm, bs)
					}
				}
			case k < 54:
				start, stop := int64(r.Intn(30)-15), int64(r.Intn(30)-15)
				rev := r.Intn(2) == 0
				op = fmt.Sprintf("zrange %d %d rev=%v", start, stop, rev)
				lo, hi := NormalizeRange(start, stop, z.Len())
				var got []zpair
				z.RangeByRank(lo, hi, rev, func(m string, s float64) { got = append(got, zpair{m, s}) })
				src := slices.Clone(ref.e)
				if rev {
					slices.Reverse(src)
				}
				if want := src[lo:hi]; !slices.Equal(got, want) {
					t.Fatalf("%s = %v, want %v", op, got, want)
				}
			case k < 62:
				sr := randScoreRange(r)
				rev := r.Intn(2) == 0
				offset, limit := int64(0), int64(-1)
				if r.Intn(2) == 0 {
					offset, limit = int64(r.Intn(8)-1), int64(r.Intn(8)-2)
				}
				op = fmt.Sprintf("zrangebyscore %+v rev=%v limit %d %d", sr, rev, offset, limit)
				var got []zpair
				n := z.RangeByScore(sr, rev, offset, limit, func(m string, s float64) { got = append(got, zpair{m, s}) })
				var in []zpair
				for _, p := range ref.e {
					if sr.Contains(p.s) {
						in = append(in, p)
					}
				}
				if rev {
					slices.Reverse(in)
				}
				var want []zpair
				if offset >= 0 && !(offset > 0 && offset >= int64(len(ref.e))) && offset < int64(len(in)) {
					want = in[offset:]
					if limit >= 0 && int64(len(want)) > limit {
						want = want[:limit]
					}
				}
				if n != len(got) || !slices.Equal(got, want) {
					t.Fatalf("%s = %v, want %v", op, got, want)
				}
				if c := z.CountByScore(sr); c != len(in) {
					t.Fatalf("zcount %+v = %d, want %d", sr, c, len(in))
				}
			case k < 70:
				lr := LexRange{Min: randLexBound(r, members), Max: randLexBound(r, members)}
				rev := r.Intn(2) == 0
				offset, limit := int64(0), int64(-1)
				if r.Intn(2) == 0 {
					offset, limit = int64(r.Intn(8)-1), int64(r.Intn(8)-2)
				}
				op = fmt.Sprintf("zrangebylex %+v %+v rev=%v limit %d %d", lr.Min, lr.Max, rev, offset, limit)
				var got []zpair
				z.RangeByLex(lr, rev, offset, limit, func(m string, s float64) { got = append(got, zpair{m, s}) })
				count := z.CountByLex(lr)
				if !sameScore && z.skiplist {
					// Unspecified in Redis (depends on skiplist levels): only sanity. Like
					// Redis, only the far end is checked after the first element.
					s := lr.spec()
					for i, p := range got {
						if (i == 0 && offset == 0 && !inLex(p.m, lr)) || (rev && !s.gteMin(p.m)) || (!rev && !s.lteMax(p.m)) {
							t.Fatalf("%s returned %q out of range", op, p.m)
						}
					}
					break
				}
				var start int
				if rev {
					start = refLexLast(ref.e, lr)
				} else {
					start = refLexFirst(ref.e, lr)
				}
				isIn := func(p zpair) bool {
					s := lr.spec()
					if rev {
						return s.gteMin(p.m)
					}
					return s.lteMax(p.m)
				}
				want := refRange(ref.e, start, rev, offset, limit, isIn)
				if !slices.Equal(got, want) {
					t.Fatalf("%s = %v, want %v (set %v)", op, got, want, ref.e)
				}
				wantCount := len(refRange(ref.e, refLexFirst(ref.e, lr), false, 0, -1, func(p zpair) bool { s := lr.spec(); return s.lteMax(p.m) }))
				if count != wantCount {
					t.Fatalf("zlexcount %+v %+v = %d, want %d", lr.Min, lr.Max, count, wantCount)
				}
			case k < 74:
				start, stop := int64(r.Intn(20)-10), int64(r.Intn(20)-10)
				op = fmt.Sprintf("zremrangebyrank %d %d", start, stop)
				lo, hi := NormalizeRange(start, stop, z.Len())
				if got := z.RemoveRangeByRank(lo, hi); got != hi-lo {
					t.Fatalf("%s = %d, want %d", op, got, hi-lo)
				}
				ref.e = slices.Delete(ref.e, lo, hi)
			case k < 78:
				sr := randScoreRange(r)
				op = fmt.Sprintf("zremrangebyscore %+v", sr)
				before := len(ref.e)
				ref.e = slices.DeleteFunc(ref.e, func(p zpair) bool { return sr.Contains(p.s) })
				if got := z.RemoveRangeByScore(sr); got != before-len(ref.e) {
					t.Fatalf("%s = %d, want %d", op, got, before-len(ref.e))
				}
			case k < 82:
				if !sameScore && z.skiplist {
					break
				}
				lr := LexRange{Min: randLexBound(r, members), Max: randLexBound(r, members)}
				op = fmt.Sprintf("zremrangebylex %+v %+v", lr.Min, lr.Max)
				first := refLexFirst(ref.e, lr)
				del := refRange(ref.e, first, false, 0, -1, func(p zpair) bool { s := lr.spec(); return s.lteMax(p.m) })
				if got := z.RemoveRangeByLex(lr); got != len(del) {
					t.Fatalf("%s = %d, want %d", op, got, len(del))
				}
				if len(del) > 0 {
					ref.e = slices.Delete(ref.e, first, first+len(del))
				}
			case k < 88:
				count := r.Intn(4)
				max := r.Intn(2) == 0
				op = fmt.Sprintf("zpop count %d max=%v", count, max)
				var got []zpair
				fn := func(m string, s float64) { got = append(got, zpair{m, s}) }
				var n int
				var want []zpair
				if max {
					n = z.PopMax(count, fn)
					for i := 0; i < count && len(ref.e) > 0; i++ {
						want = append(want, ref.e[len(ref.e)-1])
						ref.e = ref.e[:len(ref.e)-1]
					}
				} else {
					n = z.PopMin(count, fn)
					for i := 0; i < count && len(ref.e) > 0; i++ {
						want = append(want, ref.e[0])
						ref.e = ref.e[1:]
					}
				}
				if n != len(got) || !slices.Equal(got, want) {
					t.Fatalf("%s = %v, want %v", op, got, want)
				}
			default:
				op = "random"
				if z.Len() > 0 {
					count := int64(r.Intn(z.Len()+2) - 1)
					seen := map[string]bool{}
					var order []string
					z.RandomMembers(count, r.Intn, func(m string, s float64) {
						if i := ref.find(m); i < 0 || ref.e[i].s != s {
							t.Fatalf("random member %q %v not in set", m, s)
						}
						if count > 0 && seen[m] {
							t.Fatalf("repeated %q", m)
						}
						seen[m] = true
						order = append(order, m)
					})
					if count > 0 && len(seen) != min(int(count), z.Len()) {
						t.Fatalf("RandomMembers(%d) gave %d", count, len(seen))
					}
					if count > 0 && count < int64(z.Len()) && !z.skiplist {
						rank := func(m string) int { rk, _ := z.Rank([]byte(m), false); return rk }
						if !slices.IsSortedFunc(order, func(a, b string) int { return rank(a) - rank(b) }) {
							t.Fatalf("listpack sample out of order")
						}
					}
				}
			}
			if z.skiplist != ref.skiplist && len(ref.e) > 0 {
				t.Fatalf("step %d (%s): encoding %s, want skiplist=%v", step, op, z.Encoding(), ref.skiplist)
			}
			ref.skiplist = z.skiplist // an emptied set keeps its flag either way
			if got := zContents(&z); !slices.Equal(got, ref.e) || z.Len() != len(ref.e) {
				t.Fatalf("step %d (%s): %v, want %v", step, op, got, ref.e)
			}
			checkSkiplist(t, &z)
		}
	}
}

// TestZSetMoves moves members of a skiplist set by steps of every size, forward and back:
// the new place found in the same walk as the old one is often next to the moved node
// itself, which the walk's result must then leave out.
func TestZSetMoves(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var z ZSet
	z.UseSkiplist()
	const n = 300
	for i := 0; i < n; i++ {
		z.Add([]byte(fmt.Sprint("m", i)), float64(r.Intn(n)), 0, DefaultZSetLimits)
	}
	for step := 0; step < 3000; step++ {
		m := []byte(fmt.Sprint("m", r.Intn(n)))
		cur, _ := z.Score(m)
		delta := []float64{0.5, 1, 2, 5, 40, float64(n)}[r.Intn(6)]
		if r.Intn(2) == 0 {
			delta = -delta
		}
		z.Add(m, cur+delta, 0, DefaultZSetLimits)
		checkSkiplist(t, &z)
		if rk, _ := z.Rank(m, false); func() bool { got, _ := z.ByRank(rk); return got != string(m) }() {
			t.Fatalf("step %d: %s moved by %v has rank %d, which is another member", step, m, delta, rk)
		}
	}
}

func TestZSetZeroScores(t *testing.T) {
	negZero := math.Copysign(0, -1)
	// A skiplist keeps -0; ZADD 0 over it is not an update and keeps it.
	var z ZSet
	z.UseSkiplist()
	z.Add([]byte("a"), negZero, 0, DefaultZSetLimits)
	res, _ := z.Add([]byte("a"), 0, 0, DefaultZSetLimits)
	if res.Updated || res.Added {
		t.Fatalf("0 over -0 is an update: %+v", res)
	}
	if s, _ := z.Score([]byte("a")); !math.Signbit(s) {
		t.Fatal("skiplist: stored -0 replaced by 0")
	}
	z.Add([]byte("b"), 0, 0, DefaultZSetLimits)
	if got := zContents(&z); got[0].m != "a" || got[1].m != "b" {
		t.Fatalf("-0 and 0 must order by member: %v", got)
	}
	// A listpack stores -0 as the integer 0, but ZINCRBY replies the computed -0.
	var y ZSet
	res, _ = y.Add([]byte("a"), negZero, ZAddIncr, DefaultZSetLimits)
	if !math.Signbit(res.Score) {
		t.Fatal("ZINCRBY -0 should reply -0")
	}
	if s, _ := y.Score([]byte("a")); math.Signbit(s) {
		t.Fatal("listpack kept -0")
	}
	if _, err := z.Add([]byte("c"), math.Inf(1), 0, DefaultZSetLimits); err != nil {
		t.Fatal(err)
	}
	if _, err := z.Add([]byte("c"), math.Inf(-1), ZAddIncr, DefaultZSetLimits); err != ErrNaN {
		t.Fatalf("inf + -inf: %v", err)
	}
}

func TestZSetEncoding(t *testing.T) {
	var z ZSet
	for i := 0; i < 128; i++ {
		z.Add([]byte(fmt.Sprint(i)), float64(i), 0, DefaultZSetLimits)
	}
	if z.Encoding() != EncListpack {
		t.Fatal("128 members should be a listpack")
	}
	z.Add([]byte("x"), 0, 0, DefaultZSetLimits)
	if z.Encoding() != EncSkiplist {
		t.Fatal("129 members should be a skiplist")
	}
	z.PopMin(100, func(string, float64) {})
	if z.Encoding() != EncSkiplist {
		t.Fatal("conversion must be irreversible")
	}
	z.ConvertToListpackIfNeeded(DefaultZSetLimits)
	if z.Encoding() != EncListpack {
		t.Fatal("ConvertToListpackIfNeeded")
	}
	var y ZSet
	y.Add([]byte(strings.Repeat("m", 65)), 1, 0, DefaultZSetLimits)
	if y.Encoding() != EncSkiplist {
		t.Fatal("65-byte member should make a skiplist")
	}
}

func TestZSetScanGuarantee(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	var z ZSet
	for i := 0; i < 2000; i++ {
		z.Add([]byte(fmt.Sprint("m", i)), float64(r.Intn(100)), 0, DefaultZSetLimits)
	}
	stable := map[string]bool{}
	z.ForEach(func(m string, _ float64) bool { stable[m] = true; return true })
	seen := map[string]bool{}
	cursor := uint64(0)
	for {
		cursor = z.Scan(cursor, 10, func(m string, _ float64) { seen[m] = true })
		// Churn: score changes (which move nodes), deletions, additions.
		z.Add([]byte(fmt.Sprint("m", r.Intn(2000))), float64(r.Intn(100)), ZAddIncr, DefaultZSetLimits)
		if m := fmt.Sprint("m", r.Intn(2000)); z.Remove([]byte(m)) {
			delete(stable, m)
		}
		z.Add([]byte(fmt.Sprint("n", r.Int())), float64(r.Intn(100)), 0, DefaultZSetLimits)
		if cursor == 0 {
			break
		}
	}
	for m := range stable {
		if !seen[m] {
			t.Fatalf("member %q present throughout was not returned", m)
		}
	}
	checkSkiplist(t, &z)
}

// BenchmarkZAdd1M measures ZADD of 1M random members into one sorted set (as
// redis-benchmark's ZADD test does, but in one key).
func BenchmarkZAdd1M(b *testing.B) {
	const n = 1_000_000
	r := rand.New(rand.NewSource(1))
	members := make([][]byte, n)
	scores := make([]float64, n)
	for i := range members {
		members[i] = []byte(fmt.Sprint("member:", r.Int63()))
		scores[i] = r.Float64() * 1e6
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var z ZSet
		for j := 0; j < n; j++ {
			z.Add(members[j], scores[j], 0, DefaultZSetLimits)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/zadd")
}

func BenchmarkZRank(b *testing.B) {
	const n = 1_000_000
	r := rand.New(rand.NewSource(1))
	var z ZSet
	members := make([][]byte, n)
	for i := range members {
		members[i] = []byte(fmt.Sprint("member:", i))
		z.Add(members[i], r.Float64(), 0, DefaultZSetLimits)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z.Rank(members[i%n], false)
	}
}

func BenchmarkZRangeByScore(b *testing.B) {
	const n = 100_000
	var z ZSet
	for i := 0; i < n; i++ {
		z.Add([]byte(fmt.Sprint("member:", i)), float64(i), 0, DefaultZSetLimits)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lo := float64(i % (n - 10))
		z.RangeByScore(ScoreRange{Min: lo, Max: lo + 10}, false, 0, -1, func(string, float64) {})
	}
}

// BenchmarkZAddRandom100k is redis-benchmark's ZADD test (`ZADD myzset __rand_int__
// element:__rand_int__` with -r 100000) on a set already holding its 100k members: almost
// every op moves an existing member to a random score, i.e. two skiplist walks (unlink and
// re-link) over a set far larger than the CPU caches.
func BenchmarkZAddRandom100k(b *testing.B) {
	const n = 100_000
	const ops = 1 << 16
	r := rand.New(rand.NewSource(1))
	var z ZSet
	for i := 0; i < n; i++ {
		z.Add([]byte(fmt.Sprintf("element:%012d", i)), float64(r.Intn(n)), 0, DefaultZSetLimits)
	}
	members := make([][]byte, ops)
	scores := make([]float64, ops)
	for i := range members {
		members[i] = []byte(fmt.Sprintf("element:%012d", r.Intn(n)))
		scores[i] = float64(r.Intn(n))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z.Add(members[i&(ops-1)], scores[i&(ops-1)], 0, DefaultZSetLimits)
	}
}
