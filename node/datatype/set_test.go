package datatype

import (
	"cmp"
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"testing"

	"github.com/rcnode/rcnode/internal/numconv"
)

// refSet models a Redis set: membership plus the intset/hashtable rules of t_set.c.
type refSet struct {
	m         map[string]bool
	converted bool
}

func (r *refSet) add(v string, lim Limits) bool {
	if r.m[v] {
		return false
	}
	if _, ok := numconv.ParseIntString(v); !ok {
		r.converted = true
	}
	r.m[v] = true
	if len(r.m) > lim.MaxEntries {
		r.converted = true
	}
	return true
}

func (r *refSet) encoding() string {
	if r.converted {
		return EncHashtable
	}
	return EncIntset
}

func setMembers(s *Set) []string {
	var out []string
	s.ForEach(func(m string) bool { out = append(out, m); return true })
	return out
}

func checkSet(t *testing.T, step int, op string, s *Set, ref *refSet) {
	t.Helper()
	got := setMembers(s)
	if s.Encoding() != ref.encoding() || s.Len() != len(ref.m) || len(got) != len(ref.m) {
		t.Fatalf("step %d (%s): encoding %s len %d, want %s %d", step, op, s.Encoding(), s.Len(), ref.encoding(), len(ref.m))
	}
	for _, m := range got {
		if !ref.m[m] {
			t.Fatalf("step %d (%s): unexpected member %q", step, op, m)
		}
	}
	if s.Encoding() == EncIntset {
		if !slices.IsSortedFunc(got, func(a, b string) int {
			x, _ := strconv.ParseInt(a, 10, 64)
			y, _ := strconv.ParseInt(b, 10, 64)
			return cmp.Compare(x, y)
		}) {
			t.Fatalf("step %d (%s): intset members not sorted: %q", step, op, got)
		}
	}
}

func TestSetAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	cands := []string{"0", "1", "-1", "2", "10", "-10", "9223372036854775807", "-9223372036854775808",
		"01", "+1", "-0", " 1", "a", "b", "1.0", "9223372036854775808", ""}
	for i := 0; i < 40; i++ {
		cands = append(cands, strconv.Itoa(r.Intn(100)-50))
	}
	for round := 0; round < 200; round++ {
		lim := Limits{MaxEntries: r.Intn(30)}
		var s Set
		ref := &refSet{m: map[string]bool{}}
		nonInt := r.Intn(4) != 0 // some rounds never leave the intset encoding by type
		for step := 0; step < 300; step++ {
			v := cands[r.Intn(len(cands))]
			if !nonInt {
				v = strconv.Itoa(r.Intn(60) - 30)
			}
			var op string
			switch k := r.Intn(10); {
			case k < 5:
				op = "add " + v
				if got, want := s.Add([]byte(v), lim), ref.add(v, lim); got != want {
					t.Fatalf("%s = %v", op, got)
				}
			case k < 7:
				op = "rem " + v
				got := s.Remove([]byte(v))
				if got != ref.m[v] {
					t.Fatalf("%s = %v", op, got)
				}
				delete(ref.m, v)
			case k < 9:
				op = "has " + v
				if got := s.Has([]byte(v)); got != ref.m[v] {
					t.Fatalf("%s = %v", op, got)
				}
			default:
				count := r.Intn(len(ref.m) + 3)
				op = fmt.Sprint("spop ", count)
				var popped []string
				before := len(ref.m)
				n := s.PopN(count, r.Intn, lim, func(m string) { popped = append(popped, m) })
				if n != min(count, before) || len(popped) != n {
					t.Fatalf("%s popped %d (%d), want %d", op, n, len(popped), min(count, before))
				}
				for _, m := range popped {
					if !ref.m[m] {
						t.Fatalf("%s popped non-member %q", op, m)
					}
					delete(ref.m, m)
				}
				if n > 0 && count >= before {
					*ref = refSet{m: map[string]bool{}}
				} else if n > 0 && (before-n)*spopMoveStrategyMul <= n {
					// Survivors were re-added to a fresh set.
					fresh := &refSet{m: map[string]bool{}}
					for m := range ref.m {
						fresh.add(m, lim)
					}
					*ref = *fresh
				}
			}
			checkSet(t, step, op, &s, ref)
		}
	}
}

func TestSetPopAllOrder(t *testing.T) {
	// SPOP with count >= SCARD replies through SUNION's fresh set: sorted when every member
	// is an integer, even for a hashtable-encoded set.
	var s Set
	s.Add([]byte("x"), DefaultSetLimits)
	for _, v := range []string{"30", "-5", "7", "100"} {
		s.Add([]byte(v), DefaultSetLimits)
	}
	s.Remove([]byte("x"))
	if s.Encoding() != EncHashtable {
		t.Fatal("expected hashtable")
	}
	var got []string
	s.PopN(10, rand.New(rand.NewSource(1)).Intn, DefaultSetLimits, func(m string) { got = append(got, m) })
	if !slices.Equal(got, []string{"-5", "7", "30", "100"}) {
		t.Fatalf("SPOP all = %q", got)
	}
	if s.Len() != 0 {
		t.Fatal("set not empty")
	}
}

func TestSetRandomMembers(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for _, mk := range []func(i int) string{strconv.Itoa, func(i int) string { return fmt.Sprint("m", i) }} {
		for _, n := range []int{1, 3, 50, 600} {
			var s Set
			for i := 0; i < n; i++ {
				s.Add([]byte(mk(i)), DefaultSetLimits)
			}
			for _, count := range []int64{1, 2, int64(n) / 3, int64(n) - 1, int64(n), int64(n) * 2} {
				seen := map[string]bool{}
				s.RandomMembers(count, r.Intn, func(m string) {
					if seen[m] || !s.Has([]byte(m)) {
						t.Fatalf("n=%d count=%d: bad or repeated member %q", n, count, m)
					}
					seen[m] = true
				})
				if len(seen) != min(int(count), n) {
					t.Fatalf("n=%d count=%d: %d members", n, count, len(seen))
				}
			}
			k := 0
			s.RandomMembers(-5, r.Intn, func(m string) { k++ })
			if k != 5 {
				t.Fatalf("negative count gave %d", k)
			}
		}
	}
}

func TestSetScanGuarantee(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	var s Set
	for i := 0; i < 1000; i++ {
		s.Add([]byte(fmt.Sprint("m", i)), DefaultSetLimits)
	}
	stable := map[string]bool{}
	s.ForEach(func(m string) bool { stable[m] = true; return true })
	seen := map[string]bool{}
	cursor := uint64(0)
	for {
		cursor = s.Scan(cursor, 10, func(m string) { seen[m] = true })
		if m, ok := s.Pop(r.Intn); ok {
			delete(stable, m)
		}
		s.Add([]byte(fmt.Sprint("n", r.Int())), DefaultSetLimits)
		if cursor == 0 {
			break
		}
	}
	for m := range stable {
		if !seen[m] {
			t.Fatalf("member %q present throughout was not returned", m)
		}
	}
}

func BenchmarkSetAddIntset(b *testing.B) {
	vals := make([][]byte, 512)
	for i := range vals {
		vals[i] = []byte(strconv.Itoa(i * 7))
	}
	b.ReportAllocs()
	var s Set
	for i := 0; i < b.N; i++ {
		if i%512 == 0 {
			s = Set{}
		}
		s.Add(vals[i%512], DefaultSetLimits)
	}
}

func BenchmarkSetAddHashtable(b *testing.B) {
	vals := make([][]byte, 1<<16)
	for i := range vals {
		vals[i] = []byte(fmt.Sprint("member:", i))
	}
	var s Set
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Add(vals[i&(1<<16-1)], DefaultSetLimits)
	}
}
