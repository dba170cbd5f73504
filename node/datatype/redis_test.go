package datatype

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/internal/testutil"
)

// These tests run random command scripts against a real redis-server and the types here,
// replying the way the commands do, and compare the replies (and OBJECT ENCODING) wherever
// Redis's answer is deterministic.

func ints(v []int) []any {
	out := make([]any, len(v))
	for i, n := range v {
		out[i] = int64(n)
	}
	return out
}

func compare(t *testing.T, step int, cmd []any, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("step %d %q: ours %#v, redis %#v", step, cmd, got, want)
	}
}

func TestListAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	r := rand.New(rand.NewSource(21))
	var l List
	vals := []string{"a", "b", "c", "d"}
	for step := 0; step < 3000; step++ {
		v := vals[r.Intn(len(vals))]
		i := int64(r.Intn(16) - 8)
		j := int64(r.Intn(16) - 8)
		var cmd []any
		var got any
		switch k := r.Intn(11); k {
		case 0, 1:
			cmd = []any{"RPUSH", "l", v}
			l.PushBack([]byte(v))
			got = int64(l.Len())
		case 2:
			cmd = []any{"LPUSH", "l", v}
			l.PushFront([]byte(v))
			got = int64(l.Len())
		case 3:
			cmd = []any{"LPOP", "l"}
			if s, ok := l.PopFront(); ok {
				got = s
			}
		case 4:
			cmd = []any{"LINDEX", "l", i}
			if s, ok := l.Index(i); ok {
				got = s
			}
		case 5:
			cmd = []any{"LRANGE", "l", i, j}
			lo, hi := l.Range(i, j)
			out := []any{}
			l.Each(lo, hi, func(s string) bool { out = append(out, strings.Clone(s)); return true })
			got = out
		case 6:
			after := r.Intn(2) == 0
			where := "BEFORE"
			if after {
				where = "AFTER"
			}
			p := vals[r.Intn(len(vals))]
			cmd = []any{"LINSERT", "l", where, p, v}
			got = int64(0)
			if l.Len() > 0 {
				got = int64(l.Insert([]byte(p), []byte(v), after))
			}
		case 7:
			cmd = []any{"LREM", "l", i / 3, v}
			got = int64(l.Remove(i/3, []byte(v)))
		case 8:
			if r.Intn(4) != 0 {
				continue // trims empty the list too fast
			}
			cmd = []any{"LTRIM", "l", i, j + 8}
			l.Trim(i, j+8)
			got = "OK"
		case 9:
			rank := i
			if rank == 0 {
				rank = 1
			}
			count := int64(r.Intn(4) - 1)
			maxlen := int64(r.Intn(2) * r.Intn(8))
			cmd = []any{"LPOS", "l", v, "RANK", rank, "MAXLEN", maxlen}
			if count >= 0 {
				cmd = append(cmd, "COUNT", count)
			}
			pos := l.Pos([]byte(v), rank, count, maxlen)
			if count >= 0 {
				got = ints(pos)
			} else if len(pos) > 0 {
				got = int64(pos[0])
			}
		case 10:
			cmd = []any{"LSET", "l", i, v}
			if l.Len() == 0 {
				got = "ERR no such key"
			} else if l.Set(i, []byte(v)) {
				got = "OK"
			} else {
				got = "ERR index out of range"
			}
		}
		want, err := o.Do(cmd...)
		if err != nil {
			want = err.Error()
		}
		compare(t, step, cmd, got, want)
	}
}

func TestHashAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	r := rand.New(rand.NewSource(22))
	lim := Limits{MaxEntries: 8, MaxValue: 6}
	o.Do("CONFIG", "SET", "hash-max-listpack-entries", lim.MaxEntries, "hash-max-listpack-value", lim.MaxValue)
	for round := 0; round < 30; round++ {
		o.Do("DEL", "h")
		var h Hash
		for step := 0; step < 200; step++ {
			f := fmt.Sprint("f", r.Intn(12))
			v := strings.Repeat("v", r.Intn(8))
			var cmd []any
			var got any
			switch r.Intn(7) {
			case 6:
				// With count >= HLEN the reply is the whole hash, in HGETALL order.
				cnt := h.Len() + r.Intn(3)
				if h.Len() == 0 {
					continue
				}
				cmd = []any{"HRANDFIELD", "h", cnt, "WITHVALUES"}
				out := []any{}
				h.RandomFields(int64(cnt), r.Intn, func(f, v string) { out = append(out, f, v) })
				got = out
			case 0, 1:
				cmd = []any{"HSET", "h", f, v}
				h.ConvertIfLong(lim, []byte(f), []byte(v))
				got = int64(0)
				if h.Set([]byte(f), []byte(v), lim) {
					got = int64(1)
				}
			case 2:
				cmd = []any{"HSETNX", "h", f, v}
				got = int64(0)
				if !h.Exists([]byte(f)) {
					h.ConvertIfLong(lim, []byte(f), []byte(v))
					h.Set([]byte(f), []byte(v), lim)
					got = int64(1)
				}
			case 3:
				cmd = []any{"HDEL", "h", f}
				got = int64(0)
				if h.Delete([]byte(f)) {
					got = int64(1)
				}
				if h.Len() == 0 {
					h = Hash{} // the key is deleted
				}
			case 4:
				cmd = []any{"HGETALL", "h"}
				out := []any{}
				h.ForEach(func(f, v string) bool { out = append(out, f, v); return true })
				got = out
			case 5:
				cmd = []any{"OBJECT", "ENCODING", "h"}
				if h.Len() > 0 {
					got = h.Encoding()
				}
			}
			want, err := o.Do(cmd...)
			if err != nil {
				t.Fatal(err)
			}
			if (cmd[0] == "HGETALL" || cmd[0] == "HRANDFIELD") && h.Encoding() == EncHashtable {
				got, want = sortPairs(got.([]any)), sortPairs(want.([]any))
			}
			compare(t, step, cmd, got, want)
		}
	}
}

func sortPairs(v []any) []any {
	var p [][2]string
	for i := 0; i+1 < len(v); i += 2 {
		p = append(p, [2]string{v[i].(string), v[i+1].(string)})
	}
	slices.SortFunc(p, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	out := []any{}
	for _, x := range p {
		out = append(out, x[0], x[1])
	}
	return out
}

func TestSetAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	r := rand.New(rand.NewSource(23))
	lim := Limits{MaxEntries: 10}
	o.Do("CONFIG", "SET", "set-max-intset-entries", lim.MaxEntries)
	cands := []string{"x", "01", "-0", "+5", "9223372036854775808"}
	for round := 0; round < 40; round++ {
		o.Do("DEL", "s")
		var s Set
		for step := 0; step < 150; step++ {
			m := strconv.Itoa(r.Intn(30) - 10)
			if r.Intn(15) == 0 {
				m = cands[r.Intn(len(cands))]
			}
			var cmd []any
			var got any
			switch r.Intn(6) {
			case 0, 1:
				cmd = []any{"SADD", "s", m}
				got = int64(0)
				if s.Add([]byte(m), lim) {
					got = int64(1)
				}
			case 2:
				cmd = []any{"SREM", "s", m}
				got = int64(0)
				if s.Remove([]byte(m)) {
					got = int64(1)
				}
			case 3:
				// SPOP's reply is random; compare the resulting size and encoding below.
				count := r.Intn(s.Len() + 2)
				cmd = []any{"SPOP", "s", count}
				popped := map[string]bool{}
				s.PopN(count, r.Intn, lim, func(m string) { popped[m] = true })
				want, err := o.Do(cmd...)
				if err != nil {
					t.Fatal(err)
				}
				if len(want.([]any)) != len(popped) {
					t.Fatalf("SPOP %d: redis popped %d, ours %d", count, len(want.([]any)), len(popped))
				}
				// Make both sides hold the same members again: ours popped different ones.
				o.Do("DEL", "s")
				var members []any
				s.ForEach(func(m string) bool { members = append(members, m); return true })
				rebuilt := Set{}
				if len(members) > 0 {
					o.Do(append([]any{"SADD", "s"}, members...)...)
					for _, m := range members {
						rebuilt.Add([]byte(m.(string)), lim)
					}
					if s.Encoding() == EncHashtable && rebuilt.Encoding() == EncIntset {
						// Recreate the hashtable encoding on both sides.
						o.Do("SADD", "s", "tmp")
						o.Do("SREM", "s", "tmp")
						rebuilt.Add([]byte("tmp"), lim)
						rebuilt.Remove([]byte("tmp"))
					}
				}
				s = rebuilt
				continue
			case 4:
				cmd = []any{"SMEMBERS", "s"}
				out := []any{}
				s.ForEach(func(m string) bool { out = append(out, m); return true })
				got = out
				if r.Intn(2) == 0 && s.Len() > 0 {
					// With count >= SCARD the reply is the whole set, sorted for an intset.
					cnt := s.Len() + r.Intn(3)
					cmd = []any{"SRANDMEMBER", "s", cnt}
					out = []any{}
					s.RandomMembers(int64(cnt), r.Intn, func(m string) { out = append(out, m) })
					got = out
				}
			case 5:
				cmd = []any{"OBJECT", "ENCODING", "s"}
				if s.Len() > 0 {
					got = s.Encoding()
				}
			}
			if s.Len() == 0 {
				s = Set{}
			}
			want, err := o.Do(cmd...)
			if err != nil {
				t.Fatal(err)
			}
			if (cmd[0] == "SMEMBERS" || cmd[0] == "SRANDMEMBER") && s.Encoding() == EncHashtable {
				slices.SortFunc(got.([]any), func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
				slices.SortFunc(want.([]any), func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
			}
			compare(t, step, cmd, got, want)
		}
	}
}

// TestSetPopEncodingAgainstRedis checks the encoding SPOP leaves behind when it rebuilds the
// survivors (remaining*5 <= count): a hashtable of integers becomes an intset again.
func TestSetPopEncodingAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	var s Set
	args := []any{"SADD", "s", "x"}
	s.Add([]byte("x"), DefaultSetLimits)
	for i := 0; i < 100; i++ {
		args = append(args, i)
		s.Add([]byte(strconv.Itoa(i)), DefaultSetLimits)
	}
	o.Do(args...)
	o.Do("SREM", "s", "x")
	s.Remove([]byte("x"))
	o.Do("SPOP", "s", 95)
	s.PopN(95, rand.New(rand.NewSource(1)).Intn, DefaultSetLimits, func(string) {})
	enc, _ := o.Do("OBJECT", "ENCODING", "s")
	if enc != s.Encoding() || s.Encoding() != EncIntset {
		t.Fatalf("after SPOP 95 of 100: ours %s, redis %v", s.Encoding(), enc)
	}
}

func fmtScore(f float64) string {
	// Redis replies %.17g; parse both sides back to compare exactly.
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func normScores(v any) any {
	a, ok := v.([]any)
	if !ok {
		if s, ok := v.(string); ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return fmtScore(f)
			}
		}
		return v
	}
	out := make([]any, len(a))
	for i, x := range a {
		out[i] = normScores(x)
	}
	return out
}

func TestZSetAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	r := rand.New(rand.NewSource(24))
	lim := Limits{MaxEntries: 16, MaxValue: 5}
	o.Do("CONFIG", "SET", "zset-max-listpack-entries", lim.MaxEntries, "zset-max-listpack-value", lim.MaxValue)
	scoreStr := []string{"0", "-0", "1", "1.5", "-2", "inf", "-inf", "3"}
	lexb := []string{"-", "+", "[a", "(a", "[b3", "(c", "[c5", "(d2", "[e", "(zz", "[", "("}
	rangeb := []string{"-inf", "+inf", "0", "(0", "1", "(1.5", "-2", "(3", "5", "(-inf"}
	for round := 0; round < 40; round++ {
		o.Do("DEL", "z")
		var z ZSet
		sameScore := round%2 == 0
		for step := 0; step < 200; step++ {
			m := fmt.Sprintf("%c%d", 'a'+r.Intn(5), r.Intn(6))
			if r.Intn(20) == 0 {
				m += "long"
			}
			var cmd []any
			var got any
			switch r.Intn(10) {
			case 0, 1, 2:
				sc := scoreStr[r.Intn(len(scoreStr))]
				if sameScore {
					sc = "1"
				}
				var flags ZAddFlags
				cmd = []any{"ZADD", "z"}
				for _, f := range []struct {
					name string
					flag ZAddFlags
				}{{"NX", ZAddNX}, {"XX", ZAddXX}, {"GT", ZAddGT}, {"LT", ZAddLT}} {
					if r.Intn(6) == 0 {
						cmd = append(cmd, f.name)
						flags |= f.flag
					}
				}
				if flags&ZAddNX != 0 && flags&(ZAddXX|ZAddGT|ZAddLT) != 0 {
					continue // syntax errors are the command layer's business
				}
				if flags&ZAddGT != 0 && flags&ZAddLT != 0 {
					continue
				}
				ch := r.Intn(2) == 0
				if ch {
					cmd = append(cmd, "CH")
				}
				incr := !sameScore && r.Intn(4) == 0
				if incr {
					cmd = append(cmd, "INCR")
					flags |= ZAddIncr
				}
				cmd = append(cmd, sc, m)
				score, _ := numconv.ParseScore([]byte(sc))
				res, err := z.Add([]byte(m), score, flags, lim)
				switch {
				case err != nil:
					got = "ERR " + err.Error()
				case incr && res.NoOp:
					got = nil
				case incr:
					got = fmtScore(res.Score)
				case res.Added || (ch && res.Updated):
					got = int64(1)
				default:
					got = int64(0)
				}
			case 3:
				cmd = []any{"ZREM", "z", m}
				got = int64(0)
				if z.Remove([]byte(m)) {
					got = int64(1)
				}
			case 4:
				i, j := int64(r.Intn(10)-5), int64(r.Intn(10)-5)
				cmd = []any{"ZRANGE", "z", i, j, "WITHSCORES"}
				out := []any{}
				lo, hi := NormalizeRange(i, j, z.Len())
				z.RangeByRank(lo, hi, false, func(m string, s float64) { out = append(out, m, fmtScore(s)) })
				got = out
			case 5:
				min, max := rangeb[r.Intn(len(rangeb))], rangeb[r.Intn(len(rangeb))]
				off, cnt := int64(r.Intn(4)-1), int64(r.Intn(5)-1)
				rev := r.Intn(2) == 0
				name := "ZRANGEBYSCORE"
				lo, hi := min, max
				if rev {
					name, lo, hi = "ZREVRANGEBYSCORE", max, min
				}
				cmd = []any{name, "z", lo, hi, "WITHSCORES", "LIMIT", off, cnt}
				mn, mnx, _ := numconv.ParseRangeBound([]byte(min))
				mx, mxx, _ := numconv.ParseRangeBound([]byte(max))
				out := []any{}
				z.RangeByScore(ScoreRange{mn, mx, mnx, mxx}, rev, off, cnt, func(m string, s float64) { out = append(out, m, fmtScore(s)) })
				got = out
			case 6:
				min, max := lexb[r.Intn(len(lexb))], lexb[r.Intn(len(lexb))]
				off, cnt := int64(r.Intn(4)-1), int64(r.Intn(5)-1)
				rev := r.Intn(2) == 0
				name := "ZRANGEBYLEX"
				lo, hi := min, max
				if rev {
					name, lo, hi = "ZREVRANGEBYLEX", max, min
				}
				cmd = []any{name, "z", lo, hi, "LIMIT", off, cnt}
				mnb, _ := numconv.ParseLexBound([]byte(min))
				mxb, _ := numconv.ParseLexBound([]byte(max))
				out := []any{}
				z.RangeByLex(LexRange{mnb, mxb}, rev, off, cnt, func(m string, _ float64) { out = append(out, m) })
				got = out
				if !sameScore && z.Encoding() == EncSkiplist {
					o.Do(cmd...)
					continue // unspecified: depends on skiplist levels
				}
			case 7:
				min, max := lexb[r.Intn(len(lexb))], lexb[r.Intn(len(lexb))]
				mnb, _ := numconv.ParseLexBound([]byte(min))
				mxb, _ := numconv.ParseLexBound([]byte(max))
				if !sameScore && z.Encoding() == EncSkiplist {
					continue
				}
				if r.Intn(2) == 0 {
					cmd = []any{"ZLEXCOUNT", "z", min, max}
					got = int64(z.CountByLex(LexRange{mnb, mxb}))
				} else {
					cmd = []any{"ZREMRANGEBYLEX", "z", min, max}
					got = int64(z.RemoveRangeByLex(LexRange{mnb, mxb}))
				}
			case 8:
				if r.Intn(2) == 0 {
					min, max := rangeb[r.Intn(len(rangeb))], rangeb[r.Intn(len(rangeb))]
					mn, mnx, _ := numconv.ParseRangeBound([]byte(min))
					mx, mxx, _ := numconv.ParseRangeBound([]byte(max))
					if r.Intn(2) == 0 {
						cmd = []any{"ZCOUNT", "z", min, max}
						got = int64(z.CountByScore(ScoreRange{mn, mx, mnx, mxx}))
					} else {
						cmd = []any{"ZREMRANGEBYSCORE", "z", min, max}
						got = int64(z.RemoveRangeByScore(ScoreRange{mn, mx, mnx, mxx}))
					}
				} else {
					cnt := r.Intn(3)
					out := []any{}
					fn := func(m string, s float64) { out = append(out, m, fmtScore(s)) }
					if r.Intn(2) == 0 {
						cmd = []any{"ZPOPMIN", "z", cnt}
						z.PopMin(cnt, fn)
					} else {
						cmd = []any{"ZPOPMAX", "z", cnt}
						z.PopMax(cnt, fn)
					}
					got = out
				}
			case 9:
				switch r.Intn(7) {
				case 0:
					cmd = []any{"OBJECT", "ENCODING", "z"}
					if z.Len() > 0 {
						got = z.Encoding()
					}
				case 1:
					cmd = []any{"ZRANK", "z", m}
					if rk, ok := z.Rank([]byte(m), false); ok {
						got = int64(rk)
					}
				case 2:
					cmd = []any{"ZREVRANK", "z", m}
					if rk, ok := z.Rank([]byte(m), true); ok {
						got = int64(rk)
					}
				case 3:
					cmd = []any{"ZSCORE", "z", m}
					if sc, ok := z.Score([]byte(m)); ok {
						got = fmtScore(sc)
					}
				case 4:
					i, j := int64(r.Intn(10)-5), int64(r.Intn(10)-5)
					cmd = []any{"ZREVRANGE", "z", i, j, "WITHSCORES"}
					out := []any{}
					lo, hi := NormalizeRange(i, j, z.Len())
					z.RangeByRank(lo, hi, true, func(m string, s float64) { out = append(out, m, fmtScore(s)) })
					got = out
				case 5:
					i, j := int64(r.Intn(10)-5), int64(r.Intn(10)-5)
					cmd = []any{"ZREMRANGEBYRANK", "z", i, j}
					lo, hi := NormalizeRange(i, j, z.Len())
					got = int64(z.RemoveRangeByRank(lo, hi))
				case 6:
					// With count >= ZCARD the reply is the whole set, in order.
					cnt := z.Len() + r.Intn(3)
					cmd = []any{"ZRANDMEMBER", "z", cnt, "WITHSCORES"}
					out := []any{}
					z.RandomMembers(int64(cnt), r.Intn, func(m string, s float64) { out = append(out, m, fmtScore(s)) })
					got = out
					if cnt == 0 || z.Len() == 0 {
						continue
					}
				}
			}
			want, err := o.Do(cmd...)
			if err != nil {
				want = err.Error()
			}
			if z.Len() == 0 {
				z = ZSet{} // Redis deletes the key
			}
			compare(t, step, cmd, normScores(got), normScores(want))
		}
	}
	_ = math.Inf
}
