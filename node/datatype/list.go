package datatype

// List is a deque of byte strings: a ring buffer whose capacity is a power of two, grown by
// doubling and shrunk by halving when three quarters empty. Pushing and popping at either
// end are O(1) amortized, indexing is O(1), and inserting or removing in the middle moves
// the shorter side. Each element costs its string header (16 bytes) plus its bytes: there
// is no per-element node.
//
// The zero value is an empty list.
type List struct {
	buf  []string // len(buf) is 0 or a power of two
	head int      // index in buf of element 0
	n    int
}

const listMinCap = 8

// Encoding returns "quicklist", the only list encoding of Redis 7.0.
func (l *List) Encoding() string { return EncQuicklist }

// Len returns the number of elements.
func (l *List) Len() int { return l.n }

func (l *List) slot(i int) int { return (l.head + i) & (len(l.buf) - 1) }

func (l *List) at(i int) string { return l.buf[l.slot(i)] }

func (l *List) resize(c int) {
	nb := make([]string, c)
	if l.n > 0 {
		first := copy(nb, l.buf[l.head:min(l.head+l.n, len(l.buf))])
		copy(nb[first:], l.buf[:l.n-first])
	}
	l.buf, l.head = nb, 0
}

func (l *List) grow() {
	if l.n == len(l.buf) {
		l.resize(max(listMinCap, 2*len(l.buf)))
	}
}

func (l *List) maybeShrink() {
	if l.n == 0 {
		l.buf, l.head = nil, 0
		return
	}
	if len(l.buf) > listMinCap && l.n <= len(l.buf)/4 {
		l.resize(len(l.buf) / 2)
	}
}

// PushFront inserts a copy of v before the first element (LPUSH).
func (l *List) PushFront(v []byte) { l.PushFrontString(string(v)) }

// PushBack appends a copy of v after the last element (RPUSH).
func (l *List) PushBack(v []byte) { l.PushBackString(string(v)) }

// PushFrontString is PushFront for a string (LMOVE from another list: no copy).
func (l *List) PushFrontString(v string) {
	l.grow()
	l.head = (l.head - 1) & (len(l.buf) - 1)
	l.buf[l.head] = v
	l.n++
}

// PushBackString is PushBack for a string.
func (l *List) PushBackString(v string) {
	l.grow()
	l.buf[l.slot(l.n)] = v
	l.n++
}

// PopFront removes and returns the first element (LPOP).
func (l *List) PopFront() (string, bool) {
	if l.n == 0 {
		return "", false
	}
	v := l.buf[l.head]
	l.buf[l.head] = ""
	l.head = (l.head + 1) & (len(l.buf) - 1)
	l.n--
	l.maybeShrink()
	return v, true
}

// PopBack removes and returns the last element (RPOP).
func (l *List) PopBack() (string, bool) {
	if l.n == 0 {
		return "", false
	}
	s := l.slot(l.n - 1)
	v := l.buf[s]
	l.buf[s] = ""
	l.n--
	l.maybeShrink()
	return v, true
}

// index converts a possibly negative LINDEX/LSET index; ok is false when out of range.
func (l *List) index(i int64) (int, bool) {
	if i < 0 {
		i += int64(l.n)
	}
	if i < 0 || i >= int64(l.n) {
		return 0, false
	}
	return int(i), true
}

// Index returns the element at index i; negative indexes count from the end (-1 is the
// last). ok is false when i is out of range (LINDEX replies nil).
func (l *List) Index(i int64) (string, bool) {
	j, ok := l.index(i)
	if !ok {
		return "", false
	}
	return l.at(j), true
}

// Set replaces the element at index i (negative from the end) with a copy of v. It returns
// false when i is out of range (LSET: "ERR index out of range").
func (l *List) Set(i int64, v []byte) bool {
	j, ok := l.index(i)
	if !ok {
		return false
	}
	l.buf[l.slot(j)] = string(v)
	return true
}

// Range normalizes LRANGE start and stop (inclusive, negative from the end) into the
// half-open span [lo, hi) of indexes to reply with; lo == hi when empty.
func (l *List) Range(start, stop int64) (lo, hi int) { return NormalizeRange(start, stop, l.n) }

// Each calls fn with the elements at indexes lo..hi-1 in order, stopping early when fn
// returns false. Indexes are clamped to the list.
func (l *List) Each(lo, hi int, fn func(v string) bool) {
	lo, hi = max(lo, 0), min(hi, l.n)
	for i := lo; i < hi; i++ {
		if !fn(l.at(i)) {
			return
		}
	}
}

// ForEach calls fn with every element from first to last, stopping when fn returns false.
func (l *List) ForEach(fn func(v string) bool) { l.Each(0, l.n, fn) }

// insertAt inserts v so that it becomes element i (0 <= i <= n), moving the shorter side.
func (l *List) insertAt(i int, v string) {
	l.grow()
	if i < l.n-i {
		// Move elements 0..i-1 one slot towards the front.
		l.head = (l.head - 1) & (len(l.buf) - 1)
		for j := 0; j < i; j++ {
			l.buf[l.slot(j)] = l.buf[l.slot(j+1)]
		}
	} else {
		for j := l.n; j > i; j-- {
			l.buf[l.slot(j)] = l.buf[l.slot(j-1)]
		}
	}
	l.buf[l.slot(i)] = v
	l.n++
}

// Insert puts a copy of v before (or after, when after is true) the first element equal to
// pivot, and returns the new length, or -1 when pivot is not in the list (LINSERT).
func (l *List) Insert(pivot, v []byte, after bool) int {
	for i := 0; i < l.n; i++ {
		if l.at(i) == string(pivot) {
			if after {
				i++
			}
			l.insertAt(i, string(v))
			return l.n
		}
	}
	return -1
}

// Remove deletes elements equal to v and returns how many it deleted (LREM): the first
// count of them from the head when count > 0, the last -count from the tail when count < 0,
// all of them when count == 0.
func (l *List) Remove(count int64, v []byte) int {
	switch count {
	case 1:
		for i := 0; i < l.n; i++ {
			if l.at(i) == string(v) {
				l.removeAt(i)
				return 1
			}
		}
		return 0
	case -1:
		for i := l.n - 1; i >= 0; i-- {
			if l.at(i) == string(v) {
				l.removeAt(i)
				return 1
			}
		}
		return 0
	}
	limit := uint64(count)
	if count < 0 {
		limit = -limit
	}
	removed := 0
	if count >= 0 {
		// Compact towards the head.
		w := 0
		for r := 0; r < l.n; r++ {
			e := l.at(r)
			if (count == 0 || uint64(removed) < limit) && e == string(v) {
				removed++
				continue
			}
			if w != r {
				l.buf[l.slot(w)] = e
			}
			w++
		}
		for j := l.n - removed; j < l.n; j++ {
			l.buf[l.slot(j)] = ""
		}
	} else {
		// Compact towards the tail.
		w := l.n - 1
		for r := l.n - 1; r >= 0; r-- {
			e := l.at(r)
			if uint64(removed) < limit && e == string(v) {
				removed++
				continue
			}
			if w != r {
				l.buf[l.slot(w)] = e
			}
			w--
		}
		for j := 0; j < removed; j++ {
			l.buf[l.slot(j)] = ""
		}
		if removed < l.n {
			l.head = l.slot(removed)
		}
	}
	l.n -= removed
	l.maybeShrink()
	return removed
}

// removeAt deletes element i, moving the shorter side.
func (l *List) removeAt(i int) {
	if i < l.n-1-i {
		for j := i; j > 0; j-- {
			l.buf[l.slot(j)] = l.buf[l.slot(j-1)]
		}
		l.buf[l.head] = ""
		l.head = l.slot(1)
	} else {
		for j := i; j < l.n-1; j++ {
			l.buf[l.slot(j)] = l.buf[l.slot(j+1)]
		}
		l.buf[l.slot(l.n-1)] = ""
	}
	l.n--
	l.maybeShrink()
}

// Trim keeps only the elements in the inclusive range start..stop (negative from the end)
// and returns how many it deleted (LTRIM). An empty range empties the list.
func (l *List) Trim(start, stop int64) int {
	lo, hi := NormalizeRange(start, stop, l.n)
	removed := l.n - (hi - lo)
	for j := 0; j < lo; j++ {
		l.buf[l.slot(j)] = ""
	}
	for j := hi; j < l.n; j++ {
		l.buf[l.slot(j)] = ""
	}
	if hi > lo {
		l.head = l.slot(lo)
	}
	l.n = hi - lo
	l.maybeShrink()
	return removed
}

// Pos returns the indexes of elements equal to elem, as LPOS does. rank (non-zero) picks
// the first match to report: 1 is the first from the head, 2 the second, -1 the first from
// the tail and so on. count < 0 means the COUNT option was not given: at most one index is
// returned. count == 0 returns every match from rank on, count > 0 at most count. maxlen > 0
// examines only that many elements (from the head, or from the tail for a negative rank).
// Indexes are always counted from the head.
func (l *List) Pos(elem []byte, rank, count, maxlen int64) []int {
	fromTail := rank < 0
	if fromTail {
		rank = -rank // -MinInt64 wraps to itself: every match qualifies, as in Redis
	}
	var out []int
	matches := int64(0)
	for k := 0; k < l.n && (maxlen == 0 || int64(k) < maxlen); k++ {
		i := k
		if fromTail {
			i = l.n - 1 - k
		}
		if l.at(i) != string(elem) {
			continue
		}
		matches++
		if matches < rank {
			continue
		}
		out = append(out, i)
		if count < 0 || (count > 0 && matches-rank+1 >= count) {
			break
		}
	}
	return out
}
