package datatype

import (
	"slices"
	"strconv"

	"github.com/rcnode/rcnode/internal/numconv"
)

// Set is a set of byte strings with Redis 7.0's two encodings. While every member is an
// integer in string2ll's canonical form ("12", not "012" or "+12") and there are at most
// set-max-intset-entries of them it is an "intset": a sorted []int64, so SMEMBERS, SSCAN
// and the like list members in numeric order. Adding a non-integer or one member too many
// converts it to a "hashtable" (arbitrary order). Redis 7.0 has no listpack sets.
//
// The zero value is an empty intset.
type Set struct {
	ints []int64          // intset encoding, sorted ascending
	big  *dense[struct{}] // hashtable encoding, non-nil once converted
}

// spopMoveStrategyMul is Redis's SPOP_MOVE_STRATEGY_MUL.
const spopMoveStrategyMul = 5

// maxIntsetEntries is the cap Redis puts on set-max-intset-entries (intset internals).
const maxIntsetEntries = 1 << 30

// Encoding returns "intset" or "hashtable" (OBJECT ENCODING).
func (s *Set) Encoding() string {
	if s.big != nil {
		return EncHashtable
	}
	return EncIntset
}

// Len returns the number of members (SCARD).
func (s *Set) Len() int {
	if s.big != nil {
		return s.big.len()
	}
	return len(s.ints)
}

func (s *Set) convert(hint int) {
	d := newDense[struct{}](max(hint, len(s.ints)))
	for _, v := range s.ints {
		d.add(strconv.FormatInt(v, 10), struct{}{})
	}
	s.big, s.ints = d, nil
}

func (s *Set) addInt(v int64, lim Limits) bool {
	i, found := slices.BinarySearch(s.ints, v)
	if found {
		return false
	}
	s.ints = slices.Insert(s.ints, i, v)
	if len(s.ints) > min(lim.MaxEntries, maxIntsetEntries) {
		s.convert(0)
	}
	return true
}

// Add adds a copy of m and reports whether it was new (SADD, SMOVE).
func (s *Set) Add(m []byte, lim Limits) bool {
	if s.big == nil {
		if v, ok := numconv.ParseInt(m); ok {
			return s.addInt(v, lim)
		}
		s.convert(len(s.ints) + 1)
	}
	if _, ok := s.big.find(m); ok {
		return false
	}
	s.big.add(string(m), struct{}{})
	return true
}

// AddString is Add for a string (members moved from another set: no copy).
func (s *Set) AddString(m string, lim Limits) bool {
	if s.big == nil {
		if v, ok := numconv.ParseIntString(m); ok {
			return s.addInt(v, lim)
		}
		s.convert(len(s.ints) + 1)
	}
	if _, ok := s.big.idx[m]; ok {
		return false
	}
	s.big.add(m, struct{}{})
	return true
}

// Has reports whether m is a member (SISMEMBER).
func (s *Set) Has(m []byte) bool {
	if s.big != nil {
		_, ok := s.big.find(m)
		return ok
	}
	v, ok := numconv.ParseInt(m)
	if !ok {
		return false
	}
	_, found := slices.BinarySearch(s.ints, v)
	return found
}

// Remove deletes m and reports whether it was a member (SREM).
func (s *Set) Remove(m []byte) bool {
	if s.big != nil {
		return s.big.remove(m)
	}
	v, ok := numconv.ParseInt(m)
	if !ok {
		return false
	}
	return s.removeInt(v)
}

func (s *Set) removeInt(v int64) bool {
	i, found := slices.BinarySearch(s.ints, v)
	if !found {
		return false
	}
	s.ints = slices.Delete(s.ints, i, i+1)
	if len(s.ints) == 0 {
		s.ints = nil
	}
	return true
}

// member returns the i-th member in storage order.
func (s *Set) member(i int) string {
	if s.big != nil {
		return s.big.keys[i]
	}
	return strconv.FormatInt(s.ints[i], 10)
}

// ForEach calls fn with every member, in ascending numeric order for an intset, stopping
// when fn returns false. fn must not modify the set.
func (s *Set) ForEach(fn func(m string) bool) {
	for i, n := 0, s.Len(); i < n; i++ {
		if !fn(s.member(i)) {
			return
		}
	}
}

// Random returns a uniformly random member (SRANDMEMBER without count). The set must not
// be empty.
func (s *Set) Random(rnd Rand) string { return s.member(rnd(s.Len())) }

// RandomMembers calls fn with random members as SRANDMEMBER with a count does: count < 0
// picks -count members independently (repeats possible); count >= Len returns the whole set
// in ForEach order; otherwise count distinct members in random order.
func (s *Set) RandomMembers(count int64, rnd Rand, fn func(m string)) {
	n := s.Len()
	switch {
	case n == 0 || count == 0:
	case count < 0:
		for ; count < 0; count++ {
			fn(s.Random(rnd))
		}
	case count >= int64(n):
		s.ForEach(func(m string) bool { fn(m); return true })
	default:
		sampleIndexes(n, int(count), rnd, func(i int) { fn(s.member(i)) })
	}
}

// Pop removes and returns a uniformly random member (SPOP without count).
func (s *Set) Pop(rnd Rand) (string, bool) {
	n := s.Len()
	if n == 0 {
		return "", false
	}
	i := rnd(n)
	if s.big != nil {
		m := s.big.keys[i]
		s.big.removeAt(i)
		return m, true
	}
	v := s.ints[i]
	s.ints = slices.Delete(s.ints, i, i+1)
	if len(s.ints) == 0 {
		s.ints = nil
	}
	return strconv.FormatInt(v, 10), true
}

// PopN removes count random members and calls fn with each (SPOP with a count), returning
// how many it popped. Like Redis: count >= Len pops the whole set, in the order of a fresh
// set built from its members (numeric order when they are all integers and at most
// lim.MaxEntries, whatever the current encoding); when
// few members would remain (remaining*5 <= count) Redis instead draws the survivors into a
// fresh set and replies with the rest, so the survivors get a fresh encoding: an intset
// again if they are all integers and few enough (lim is set-max-intset-entries).
func (s *Set) PopN(count int, rnd Rand, lim Limits, fn func(m string)) int {
	n := s.Len()
	if count <= 0 || n == 0 {
		return 0
	}
	if count >= n {
		// Redis replies through SUNION, which copies the members into a fresh set (an
		// intset if they are all integers and few enough) and iterates that.
		out := s
		if s.big != nil {
			out = &Set{}
			s.ForEach(func(m string) bool { out.AddString(m, lim); return true })
		}
		out.ForEach(func(m string) bool { fn(m); return true })
		*s = Set{}
		return n
	}
	remaining := n - count
	if remaining*spopMoveStrategyMul > count {
		for i := 0; i < count; i++ {
			m, _ := s.Pop(rnd)
			fn(m)
		}
		return count
	}
	var survivors Set
	for i := 0; i < remaining; i++ {
		m, _ := s.Pop(rnd)
		survivors.AddString(m, lim)
	}
	s.ForEach(func(m string) bool { fn(m); return true })
	*s = survivors
	return count
}

// Scan visits members for SSCAN: an intset is returned whole, in order, with cursor 0; a
// hashtable about count members per call with a cursor that guarantees every member present
// throughout is returned at least once.
func (s *Set) Scan(cursor uint64, count int, fn func(m string)) uint64 {
	if s.big != nil {
		return s.big.scan(cursor, count, func(k string, _ struct{}) { fn(k) })
	}
	s.ForEach(func(m string) bool { fn(m); return true })
	return 0
}
