package datatype

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// refList is the naive model: a slice, with each operation written the obvious way from
// the Redis command documentation and t_list.c.
type refList []string

func (r refList) index(i int64) (int, bool) {
	if i < 0 {
		i += int64(len(r))
	}
	if i < 0 || i >= int64(len(r)) {
		return 0, false
	}
	return int(i), true
}

func (r *refList) remove(count int64, v string) int {
	removed := 0
	out := refList{}
	if count >= 0 {
		for _, e := range *r {
			if e == v && (count == 0 || int64(removed) < count) {
				removed++
				continue
			}
			out = append(out, e)
		}
	} else {
		toremove := -count // as in lremCommand: LONG_MIN stays negative, never reached
		for i := len(*r) - 1; i >= 0; i-- {
			e := (*r)[i]
			if e == v && int64(removed) != toremove {
				removed++
				continue
			}
			out = append(out, e)
		}
		slices.Reverse(out)
	}
	*r = out
	return removed
}

func (r refList) pos(elem string, rank, count, maxlen int64) []int {
	var out []int
	matches := int64(0)
	n := len(r)
	fromTail := rank < 0
	if fromTail {
		rank = -rank
	}
	for k := 0; k < n; k++ {
		if maxlen > 0 && int64(k) >= maxlen {
			break
		}
		i := k
		if fromTail {
			i = n - 1 - k
		}
		if r[i] == elem {
			matches++
			if matches >= rank {
				out = append(out, i)
				if count < 0 {
					break
				}
				// Redis's test, wrapping like C for rank == LONG_MIN (checked: LPOS
				// RANK -9223372036854775808 COUNT 2 returns every match).
				if count > 0 && matches-rank+1 >= count {
					break
				}
			}
		}
	}
	return out
}

func listContents(l *List) []string {
	var out []string
	l.ForEach(func(v string) bool { out = append(out, strings.Clone(v)); return true })
	return out
}

func checkList(t *testing.T, step int, op string, l *List, ref refList) {
	t.Helper()
	got := listContents(l)
	if l.Len() != len(ref) || !slices.Equal(got, []string(ref)) {
		t.Fatalf("step %d (%s): list %q, reference %q", step, op, got, []string(ref))
	}
	checkChunks(t, fmt.Sprintf("step %d (%s)", step, op), l)
}

// checkChunks checks the packing: no empty chunk, none too big unless it holds one element,
// entries that walk exactly from lo to hi both ways, counts that add up, and no dead ring
// slot keeping a buffer alive.
func checkChunks(t *testing.T, where string, l *List) {
	t.Helper()
	r := &l.chunks
	if len(r.buf)&(len(r.buf)-1) != 0 {
		t.Fatalf("%s: ring capacity %d not a power of two", where, len(r.buf))
	}
	total := 0
	for k := 0; k < r.len(); k++ {
		c := r.at(k)
		if c.n == 0 || (c.used() > listChunkBytes && c.n > 1) {
			t.Fatalf("%s: chunk %d holds %d entries in %d bytes", where, k, c.n, c.used())
		}
		n, p := 0, c.lo
		for ; p < c.hi; n++ {
			_, p = c.entry(p)
		}
		m, e := 0, c.hi
		for ; e > c.lo; m++ {
			e = c.prev(e)
		}
		if n != c.n || m != c.n || p != c.hi || e != c.lo {
			t.Fatalf("%s: chunk %d counts %d entries, walks %d forward to %d and %d back to %d (lo %d hi %d)", where, k, c.n, n, p, m, e, c.lo, c.hi)
		}
		total += c.n
	}
	if total != l.n {
		t.Fatalf("%s: chunks hold %d elements, list says %d", where, total, l.n)
	}
	for i := r.n; i < len(r.buf); i++ {
		if r.buf[r.slot(i)].buf != nil {
			t.Fatalf("%s: dead ring slot %d keeps a buffer", where, i)
		}
	}
}

func TestListAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	vals := []string{"a", "b", "c", "d", ""}
	idx := func() int64 { return int64(r.Intn(30) - 15) }
	defer func(b int) { listChunkBytes = b }(listChunkBytes)
	for round := 0; round < 40; round++ {
		// Odd rounds use tiny chunks, so pushes, edits and trims cross chunk boundaries.
		listChunkBytes = 8192
		if round%2 == 1 {
			listChunkBytes = 24 + r.Intn(40)
		}
		var l List
		var ref refList
		for step := 0; step < 3000; step++ {
			v := vals[r.Intn(len(vals))]
			if r.Intn(25) == 0 {
				v = strings.Repeat(v+"L", 20+r.Intn(200)) // bigger than a tiny chunk
			}
			var op string
			switch k := r.Intn(100); {
			case k < 20:
				op = "pushback " + v
				l.PushBack([]byte(v))
				ref = append(ref, v)
			case k < 40:
				op = "pushfront " + v
				l.PushFront([]byte(v))
				ref = append(refList{v}, ref...)
			case k < 47:
				op = "popfront"
				got, ok := l.PopFront()
				if ok != (len(ref) > 0) || (ok && got != ref[0]) {
					t.Fatalf("PopFront = %q %v", got, ok)
				}
				if ok {
					ref = ref[1:]
				}
			case k < 54:
				op = "popback"
				got, ok := l.PopBack()
				if ok != (len(ref) > 0) || (ok && got != ref[len(ref)-1]) {
					t.Fatalf("PopBack = %q %v", got, ok)
				}
				if ok {
					ref = ref[:len(ref)-1]
				}
			case k < 60:
				i := idx()
				op = fmt.Sprintf("index %d", i)
				got, ok := l.Index(i)
				j, rok := ref.index(i)
				if ok != rok || (ok && got != ref[j]) {
					t.Fatalf("Index(%d) = %q %v", i, got, ok)
				}
			case k < 64:
				i := idx()
				op = fmt.Sprintf("set %d %s", i, v)
				ok := l.Set(i, []byte(v+"x"))
				j, rok := ref.index(i)
				if ok != rok {
					t.Fatalf("Set(%d) = %v", i, ok)
				}
				if ok {
					ref[j] = v + "x"
				}
			case k < 70:
				start, stop := idx(), idx()
				op = fmt.Sprintf("range %d %d", start, stop)
				lo, hi := l.Range(start, stop)
				var got []string
				l.Each(lo, hi, func(s string) bool { got = append(got, strings.Clone(s)); return true })
				var want []string
				// LRANGE as t_list.c computes it.
				s, e, n := start, stop, int64(len(ref))
				if s < 0 {
					s += n
				}
				if e < 0 {
					e += n
				}
				if s < 0 {
					s = 0
				}
				if s <= e && s < n {
					if e >= n {
						e = n - 1
					}
					want = ref[s : e+1]
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s: %q, want %q", op, got, want)
				}
			case k < 76:
				pivot := vals[r.Intn(len(vals))]
				after := r.Intn(2) == 0
				op = fmt.Sprintf("insert %q after=%v %q", pivot, after, v)
				got := l.Insert([]byte(pivot), []byte(v), after)
				i := slices.Index(ref, pivot)
				want := -1
				if i >= 0 {
					if after {
						i++
					}
					ref = slices.Insert(ref, i, v)
					want = len(ref)
				}
				if got != want {
					t.Fatalf("%s = %d, want %d", op, got, want)
				}
			case k < 84:
				count := int64(r.Intn(7) - 3)
				if r.Intn(20) == 0 {
					count = math.MinInt64
				}
				op = fmt.Sprintf("lrem %d %q", count, v)
				got := l.Remove(count, []byte(v))
				if want := ref.remove(count, v); got != want {
					t.Fatalf("%s = %d, want %d", op, got, want)
				}
			case k < 88:
				start, stop := idx(), idx()
				op = fmt.Sprintf("ltrim %d %d", start, stop)
				before := len(ref)
				lo, hi := NormalizeRange(start, stop, len(ref))
				ref = append(refList{}, ref[lo:hi]...)
				if got := l.Trim(start, stop); got != before-len(ref) {
					t.Fatalf("%s removed %d, want %d", op, got, before-len(ref))
				}
			default:
				rank := int64(r.Intn(7) - 3)
				if rank == 0 {
					rank = 1
				}
				if r.Intn(30) == 0 {
					rank = math.MinInt64
				}
				count := int64(r.Intn(5) - 1)
				maxlen := int64(r.Intn(3)) * int64(r.Intn(10))
				op = fmt.Sprintf("lpos %q rank %d count %d maxlen %d", v, rank, count, maxlen)
				got := l.Pos([]byte(v), rank, count, maxlen)
				if want := ref.pos(v, rank, count, maxlen); !slices.Equal(got, want) {
					t.Fatalf("%s = %v, want %v", op, got, want)
				}
			}
			checkList(t, step, op, &l, ref)
		}
	}
}

func TestListShrinks(t *testing.T) {
	var l List
	for i := 0; i < 100000; i++ {
		l.PushBack([]byte("x"))
	}
	for i := 0; i < 99990; i++ {
		l.PopFront()
	}
	if l.chunks.len() != 1 || len(l.chunks.buf) > 64 {
		t.Fatalf("%d chunks in a ring of %d after popping to 10 elements", l.chunks.len(), len(l.chunks.buf))
	}
	for l.Len() > 0 {
		l.PopBack()
	}
	if l.chunks.buf != nil {
		t.Fatal("empty list keeps its chunks")
	}
}

// TestListEntrySizes packs elements whose lengths straddle every varint boundary and walks
// them back in both directions.
func TestListEntrySizes(t *testing.T) {
	var l List
	var ref refList
	for _, n := range []int{0, 1, 125, 126, 127, 128, 129, 16380, 16381, 16383, 16384, 16385, 2097150, 2097152} {
		v := strings.Repeat("v", n)
		l.PushBackString(v)
		l.PushFrontString(v)
		ref = append(append(refList{v}, ref...), v)
		checkList(t, n, "push", &l, ref)
	}
	for i := range ref {
		if got, _ := l.Index(int64(i)); got != ref[i] {
			t.Fatalf("Index(%d) has %d bytes, want %d", i, len(got), len(ref[i]))
		}
	}
}

func TestListPacksSmallElements(t *testing.T) {
	var l List
	for i := 0; i < 1_000_000; i++ {
		l.PushFront([]byte("xxx"))
	}
	bytes := 0
	for k := 0; k < l.chunks.len(); k++ {
		bytes += len(l.chunks.at(k).buf)
	}
	// An element of 3 bytes packs into 5; chunks are filled to listChunkBytes.
	if per := float64(bytes) / float64(l.Len()); per > 5.1 {
		t.Fatalf("%.2f bytes per 3-byte element in %d chunks", per, l.chunks.len())
	}
}

func BenchmarkListPushPop(b *testing.B) {
	v := []byte("0123456789")
	var l List
	for i := 0; i < 1000; i++ {
		l.PushBack(v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.PushFrontString("0123456789")
		l.PopBack()
	}
}

func BenchmarkListIndex(b *testing.B) {
	var l List
	for i := 0; i < 1_000_000; i++ {
		l.PushBackString("v")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Index(int64(i % 1_000_000))
	}
}

// TestListMergesAfterMiddleDeletes deletes three of every four elements from the middle of
// a list one by one (LREM count 1): the chunks they leave half empty are joined.
func TestListMergesAfterMiddleDeletes(t *testing.T) {
	defer func(b int) { listChunkBytes = b }(listChunkBytes)
	listChunkBytes = 64
	var l List
	var ref refList
	for i := 0; i < 4000; i++ {
		v := fmt.Sprintf("%04d", i)
		l.PushBackString(v)
		ref = append(ref, v)
	}
	before := l.chunks.len()
	var kept refList
	for i, v := range ref {
		if i%4 != 0 && i > 0 && i < len(ref)-1 {
			if l.Remove(1, []byte(v)) != 1 {
				t.Fatalf("LREM %s found nothing", v)
			}
			continue
		}
		kept = append(kept, v)
	}
	checkList(t, 0, "lrem", &l, kept)
	used := 0
	for k := 0; k < l.chunks.len(); k++ {
		used += l.chunks.at(k).used()
	}
	// Chunks are joined while two neighbours fit in 3/4 of listChunkBytes, so on average
	// they stay over 3/8 full.
	if fill := float64(used) / float64(l.chunks.len()*listChunkBytes); fill < 0.375 {
		t.Fatalf("%d chunks (from %d) are %.0f%% full on average", l.chunks.len(), before, 100*fill)
	}
}
