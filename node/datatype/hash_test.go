package datatype

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// refHash models a Redis hash: ordered pairs plus the encoding rules of t_hash.c.
type refHash struct {
	pairs     [][2]string
	converted bool
}

func (r *refHash) find(f string) int {
	for i, p := range r.pairs {
		if p[0] == f {
			return i
		}
	}
	return -1
}

func hashPairs(h *Hash) [][2]string {
	var out [][2]string
	h.ForEach(func(f, v string) bool { out = append(out, [2]string{f, v}); return true })
	return out
}

func sortedPairs(p [][2]string) [][2]string {
	q := slices.Clone(p)
	slices.SortFunc(q, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return q
}

func TestHashAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for round := 0; round < 60; round++ {
		lim := Limits{MaxEntries: r.Intn(20), MaxValue: 4 + r.Intn(8)}
		var h Hash
		var ref refHash
		nfields := 5 + r.Intn(40)
		for step := 0; step < 800; step++ {
			f := fmt.Sprint("f", r.Intn(nfields))
			v := strings.Repeat("v", r.Intn(lim.MaxValue+2))
			var op string
			switch k := r.Intn(10); {
			case k < 5:
				op = "set " + f + " " + v
				isNew := h.Set([]byte(f), []byte(v), lim)
				if !ref.converted && (len(f) > lim.MaxValue || len(v) > lim.MaxValue) {
					ref.converted = true
				}
				i := ref.find(f)
				if i >= 0 {
					ref.pairs[i][1] = v
				} else {
					ref.pairs = append(ref.pairs, [2]string{f, v})
				}
				if len(ref.pairs) > lim.MaxEntries {
					ref.converted = true
				}
				if isNew != (i < 0) {
					t.Fatalf("%s: isNew %v", op, isNew)
				}
			case k < 6:
				op = "convertiflong " + v
				h.ConvertIfLong(lim, []byte(f), []byte(v))
				if len(v) > lim.MaxValue || len(f) > lim.MaxValue {
					ref.converted = true
				}
			case k < 8:
				op = "del " + f
				ok := h.Delete([]byte(f))
				i := ref.find(f)
				if ok != (i >= 0) {
					t.Fatalf("%s = %v", op, ok)
				}
				if i >= 0 {
					ref.pairs = slices.Delete(ref.pairs, i, i+1)
				}
			default:
				op = "get " + f
				got, ok := h.Get([]byte(f))
				i := ref.find(f)
				if ok != (i >= 0) || (ok && got != ref.pairs[i][1]) {
					t.Fatalf("%s = %q %v", op, got, ok)
				}
				if h.Exists([]byte(f)) != ok || h.StrLen([]byte(f)) != len(got) {
					t.Fatalf("%s: Exists/StrLen disagree", op)
				}
			}
			wantEnc := EncListpack
			if ref.converted {
				wantEnc = EncHashtable
			}
			if h.Encoding() != wantEnc || h.Len() != len(ref.pairs) {
				t.Fatalf("step %d (%s): encoding %s len %d, want %s %d", step, op, h.Encoding(), h.Len(), wantEnc, len(ref.pairs))
			}
			got := hashPairs(&h)
			if ref.converted {
				if !slices.Equal(sortedPairs(got), sortedPairs(ref.pairs)) {
					t.Fatalf("step %d (%s): %q, want %q", step, op, got, ref.pairs)
				}
			} else if !slices.Equal(got, ref.pairs) {
				t.Fatalf("step %d (%s): listpack order %q, want %q", step, op, got, ref.pairs)
			}
		}
	}
}

func TestHashRandomAndScan(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, n := range []int{1, 5, 100, 1000} {
		var h Hash
		for i := 0; i < n; i++ {
			h.Set([]byte(fmt.Sprint("field", i)), []byte(fmt.Sprint(i)), DefaultHashLimits)
		}
		all := hashPairs(&h)
		// Distinct sampling: no repeats, right count, in order while listpack.
		for _, count := range []int64{1, 2, int64(n) / 2, int64(n) - 1, int64(n), int64(n) + 5} {
			var got [][2]string
			h.RandomFields(count, r.Intn, func(f, v string) { got = append(got, [2]string{f, v}) })
			want := min(int(count), n)
			if count <= 0 {
				want = 0
			}
			if len(got) != want {
				t.Fatalf("n=%d count=%d: %d fields", n, count, len(got))
			}
			seen := map[string]bool{}
			for _, p := range got {
				if seen[p[0]] {
					t.Fatalf("n=%d count=%d: repeated %q", n, count, p[0])
				}
				seen[p[0]] = true
				if v, _ := h.Get([]byte(p[0])); v != p[1] {
					t.Fatalf("wrong value for %q", p[0])
				}
			}
			if h.Encoding() == EncListpack {
				pos := func(f string) int { return slices.IndexFunc(all, func(p [2]string) bool { return p[0] == f }) }
				if !slices.IsSortedFunc(got, func(a, b [2]string) int { return pos(a[0]) - pos(b[0]) }) {
					t.Fatalf("listpack sample out of order: %q", got)
				}
			}
		}
		var rep int
		h.RandomFields(-3*int64(n), r.Intn, func(f, v string) { rep++ })
		if rep != 3*n {
			t.Fatalf("negative count gave %d", rep)
		}
		// Uniformity, roughly: every field shows up over many single picks.
		if n <= 100 {
			hits := map[string]int{}
			for i := 0; i < 200*n; i++ {
				f, _ := h.Random(r.Intn)
				hits[f]++
			}
			for _, p := range all {
				if c := hits[p[0]]; c < 100 || c > 300 {
					t.Fatalf("field %q picked %d times out of %d (n=%d)", p[0], c, 200*n, n)
				}
			}
		}
	}
}

// TestHashScanGuarantee deletes and adds fields during HSCAN-style iteration and checks that
// every field present throughout is returned.
func TestHashScanGuarantee(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for round := 0; round < 50; round++ {
		var h Hash
		n := 200 + r.Intn(500)
		for i := 0; i < n; i++ {
			h.Set([]byte(fmt.Sprint("f", i)), []byte("v"), DefaultHashLimits)
		}
		stable := map[string]bool{}
		for i := 0; i < n; i++ {
			stable[fmt.Sprint("f", i)] = true
		}
		seen := map[string]bool{}
		cursor := uint64(0)
		next := n
		for iter := 0; ; iter++ {
			cursor = h.Scan(cursor, 1+r.Intn(20), func(f, _ string) { seen[f] = true })
			// Churn: delete some random fields, add new ones.
			for k := r.Intn(10); k > 0; k-- {
				f := fmt.Sprint("f", r.Intn(n))
				if h.Delete([]byte(f)) {
					delete(stable, f)
				}
			}
			for k := r.Intn(10); k > 0; k-- {
				h.Set([]byte(fmt.Sprint("f", next)), []byte("v"), DefaultHashLimits)
				next++
			}
			if cursor == 0 {
				break
			}
			if iter > 10*n {
				t.Fatal("scan does not terminate")
			}
		}
		for f := range stable {
			if !seen[f] {
				t.Fatalf("round %d: field %q present throughout was not returned", round, f)
			}
		}
	}
}

func BenchmarkHashSmallSetGet(b *testing.B) {
	var h Hash
	fields := make([][]byte, 100)
	for i := range fields {
		fields[i] = []byte(fmt.Sprint("field:", i))
		h.Set(fields[i], []byte("value"), DefaultHashLimits)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Get(fields[i%100])
	}
}

func BenchmarkHashBigSet(b *testing.B) {
	fields := make([][]byte, 1<<16)
	for i := range fields {
		fields[i] = []byte(fmt.Sprint("field:", i))
	}
	var h Hash
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Set(fields[i&(1<<16-1)], []byte("value"), DefaultHashLimits)
	}
}
