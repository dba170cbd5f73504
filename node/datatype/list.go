package datatype

import "unsafe"

// List is a deque of byte strings packed into chunks (see listChunk), as Redis's quicklist
// packs them into listpacks: pushing and popping at either end are O(1) amortized, and
// indexing or editing in the middle walks the chunks from the nearer end, then one chunk
// (at most listChunkBytes) - O(n) in the worst case, like Redis.
//
// The zero value is an empty list.
type List struct {
	chunks ring[listChunk]
	n      int
}

// Encoding returns "quicklist", the only list encoding of Redis 7.0.
func (l *List) Encoding() string { return EncQuicklist }

// Len returns the number of elements.
func (l *List) Len() int { return l.n }

// PushFront inserts a copy of v before the first element (LPUSH).
func (l *List) PushFront(v []byte) {
	sz := entrySize(len(v))
	if l.n == 0 || !l.chunks.front().fits(sz) {
		l.chunks.pushFront(listChunk{})
	}
	l.chunks.front().pushFront(v, sz)
	l.n++
}

// PushBack appends a copy of v after the last element (RPUSH).
func (l *List) PushBack(v []byte) {
	sz := entrySize(len(v))
	if l.n == 0 || !l.chunks.back().fits(sz) {
		l.chunks.pushBack(listChunk{})
	}
	l.chunks.back().pushBack(v, sz)
	l.n++
}

// PushFrontString is PushFront for a string (LMOVE from another list).
func (l *List) PushFrontString(v string) { l.PushFront(unsafe.Slice(unsafe.StringData(v), len(v))) }

// PushBackString is PushBack for a string.
func (l *List) PushBackString(v string) { l.PushBack(unsafe.Slice(unsafe.StringData(v), len(v))) }

// PopFront removes and returns the first element (LPOP).
func (l *List) PopFront() (string, bool) {
	if l.n == 0 {
		return "", false
	}
	c := l.chunks.front()
	v, next := c.entry(c.lo)
	s := string(v)
	c.lo = next
	l.chunkShrank(0)
	return s, true
}

// PopBack removes and returns the last element (RPOP).
func (l *List) PopBack() (string, bool) {
	if l.n == 0 {
		return "", false
	}
	k := l.chunks.len() - 1
	c := l.chunks.at(k)
	p := c.prev(c.hi)
	v, _ := c.entry(p)
	s := string(v)
	c.hi = p
	l.chunkShrank(k)
	return s, true
}

// chunkShrank accounts for one element taken out of chunk k, dropping the chunk if empty.
func (l *List) chunkShrank(k int) {
	l.n--
	c := l.chunks.at(k)
	if c.n--; c.n == 0 {
		l.chunks.removeAt(k)
	}
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

// locate returns the chunk holding element i (0 <= i < n) and where the element's entry
// starts, walking from the nearer end of the list.
func (l *List) locate(i int) (k, p int) {
	if i < l.n/2 {
		for k = 0; ; k++ {
			c := l.chunks.at(k)
			if i < c.n {
				return k, c.offset(i)
			}
			i -= c.n
		}
	}
	back := l.n - 1 - i // counted from the tail
	for k = l.chunks.len() - 1; ; k-- {
		c := l.chunks.at(k)
		if back < c.n {
			return k, c.offset(c.n - 1 - back)
		}
		back -= c.n
	}
}

// shared is b as a string without a copy, for the callbacks of Each and eachBackward.
func shared(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Index returns the element at index i; negative indexes count from the end (-1 is the
// last). ok is false when i is out of range (LINDEX replies nil).
func (l *List) Index(i int64) (string, bool) {
	j, ok := l.index(i)
	if !ok {
		return "", false
	}
	k, p := l.locate(j)
	v, _ := l.chunks.at(k).entry(p)
	return string(v), true
}

// Set replaces the element at index i (negative from the end) with a copy of v. It returns
// false when i is out of range (LSET: "ERR index out of range").
func (l *List) Set(i int64, v []byte) bool {
	j, ok := l.index(i)
	if !ok {
		return false
	}
	k, p := l.locate(j)
	_, next := l.chunks.at(k).entry(p)
	l.rewrite(k, p, next, v, 0)
	return true
}

// rewrite replaces chunk k's entries in [from, to) by v, or by nothing when dn (the change
// in its element count) is -1, then splits the chunk if it outgrew listChunkBytes or drops
// it if empty. The chunk gets a new buffer: strings Each handed out keep their bytes.
func (l *List) rewrite(k, from, to int, v []byte, dn int) {
	c := l.chunks.at(k)
	sz := 0
	if dn >= 0 {
		sz = entrySize(len(v))
	}
	head, tail := from-c.lo, c.hi-to
	nb := make([]byte, head+sz+tail)
	copy(nb, c.buf[c.lo:from])
	if dn >= 0 {
		putEntry(nb[head:], v)
	}
	copy(nb[head+sz:], c.buf[to:c.hi])
	c.buf, c.lo, c.hi = nb, 0, len(nb)
	c.n += dn
	l.n += dn
	switch {
	case c.n == 0:
		l.chunks.removeAt(k)
	case c.used() > listChunkBytes && c.n > 1:
		l.split(k)
	case sz < to-from: // it shrank
		l.mergeSmall(k)
	}
}

// mergeSmall joins chunk k, which just shrank, with its smaller neighbour when the two fit
// in three quarters of listChunkBytes, as quicklist merges nodes after a deletion: without
// it, deleting in the middle of a list leaves it spread thin over many small chunks. The
// quarter left over keeps an insert into the joined chunk from splitting it at once.
func (l *List) mergeSmall(k int) {
	c := l.chunks.at(k)
	j := -1
	for _, nb := range [2]int{k - 1, k + 1} {
		if nb >= 0 && nb < l.chunks.len() && (j < 0 || l.chunks.at(nb).used() < l.chunks.at(j).used()) {
			j = nb
		}
	}
	if j < 0 || c.used()+l.chunks.at(j).used() > listChunkBytes*3/4 {
		return
	}
	first, second := l.chunks.at(min(k, j)), l.chunks.at(max(k, j))
	nb := make([]byte, 0, first.used()+second.used())
	nb = append(append(nb, first.buf[first.lo:first.hi]...), second.buf[second.lo:second.hi]...)
	*first = listChunk{buf: nb, lo: 0, hi: len(nb), n: first.n + second.n}
	l.chunks.removeAt(max(k, j))
}

// split cuts chunk k in two halves of about equal size, and those again while one is too big
// (an element bigger than listChunkBytes ends up in a chunk of its own).
func (l *List) split(k int) {
	c := l.chunks.at(k)
	p, j := c.lo, 0
	for j == 0 || (p-c.lo < c.used()/2 && j < c.n-1) {
		_, p = c.entry(p)
		j++
	}
	first, second := chunkOf(c.buf, c.lo, p, j), chunkOf(c.buf, p, c.hi, c.n-j)
	*c = first
	l.chunks.insertAt(k+1, second)
	for _, i := range [2]int{k + 1, k} { // the second first: splitting k moves it
		if c := l.chunks.at(i); c.used() > listChunkBytes && c.n > 1 {
			l.split(i)
		}
	}
}

// Range normalizes LRANGE start and stop (inclusive, negative from the end) into the
// half-open span [lo, hi) of indexes to reply with; lo == hi when empty.
func (l *List) Range(start, stop int64) (lo, hi int) { return NormalizeRange(start, stop, l.n) }

// Each calls fn with the elements at indexes lo..hi-1 in order, stopping early when fn
// returns false. Indexes are clamped to the list. The string fn gets shares the list's
// memory: it is valid until the list next changes, so fn copies what it keeps.
func (l *List) Each(lo, hi int, fn func(v string) bool) {
	lo, hi = max(lo, 0), min(hi, l.n)
	if lo >= hi {
		return
	}
	k, p := l.locate(lo)
	for left := hi - lo; left > 0; k++ {
		c := l.chunks.at(k)
		if p < 0 {
			p = c.lo
		}
		for ; p < c.hi && left > 0; left-- {
			v, next := c.entry(p)
			if !fn(shared(v)) {
				return
			}
			p = next
		}
		p = -1
	}
}

// ForEach calls fn with every element from first to last, stopping when fn returns false;
// as for Each, fn copies the strings it keeps.
func (l *List) ForEach(fn func(v string) bool) { l.Each(0, l.n, fn) }

// eachBackward calls fn with each element's index and value from last to first, stopping
// when fn returns false; fn copies the strings it keeps.
func (l *List) eachBackward(fn func(i int, v string) bool) {
	i := l.n - 1
	for k := l.chunks.len() - 1; k >= 0; k-- {
		c := l.chunks.at(k)
		for e := c.hi; e > c.lo; i-- {
			p := c.prev(e)
			v, _ := c.entry(p)
			if !fn(i, shared(v)) {
				return
			}
			e = p
		}
	}
}

// insertAt inserts v so that it becomes element i (0 <= i <= n).
func (l *List) insertAt(i int, v []byte) {
	switch i {
	case 0:
		l.PushFront(v)
	case l.n:
		l.PushBack(v)
	default:
		k, p := l.locate(i)
		l.rewrite(k, p, p, v, 1)
	}
}

// Insert puts a copy of v before (or after, when after is true) the first element equal to
// pivot, and returns the new length, or -1 when pivot is not in the list (LINSERT).
func (l *List) Insert(pivot, v []byte, after bool) int {
	at := -1
	i := 0
	l.ForEach(func(e string) bool {
		if e == string(pivot) {
			at = i
			return false
		}
		i++
		return true
	})
	if at < 0 {
		return -1
	}
	if after {
		at++
	}
	l.insertAt(at, v)
	return l.n
}

// removeAt deletes element i (0 <= i < n).
func (l *List) removeAt(i int) {
	switch i {
	case 0:
		l.PopFront()
	case l.n - 1:
		l.PopBack()
	default:
		k, p := l.locate(i)
		_, next := l.chunks.at(k).entry(p)
		l.rewrite(k, p, next, nil, -1)
	}
}

// Remove deletes elements equal to v and returns how many it deleted (LREM): the first
// count of them from the head when count > 0, the last -count from the tail when count < 0,
// all of them when count == 0.
func (l *List) Remove(count int64, v []byte) int {
	if count == 1 || count == -1 {
		at := l.Pos(v, count, -1, 0)
		if len(at) == 0 {
			return 0
		}
		l.removeAt(at[0])
		return 1
	}
	// Every match from index from on goes, up to limit of them.
	from, limit := 0, l.n
	if count > 0 {
		limit = int(min(count, int64(l.n)))
	}
	if count < 0 {
		want := uint64(-count) // -MinInt64 wraps to itself, more than any list holds
		found := uint64(0)
		from = l.n
		l.eachBackward(func(i int, e string) bool {
			if e == string(v) {
				found++
				from = i
			}
			return found < want
		})
	}
	var kept List
	removed, i := 0, 0
	l.ForEach(func(e string) bool {
		if i >= from && removed < limit && e == string(v) {
			removed++
		} else {
			kept.PushBackString(e)
		}
		i++
		return true
	})
	if removed > 0 {
		*l = kept
	}
	return removed
}

// Trim keeps only the elements in the inclusive range start..stop (negative from the end)
// and returns how many it deleted (LTRIM). An empty range empties the list.
func (l *List) Trim(start, stop int64) int {
	lo, hi := NormalizeRange(start, stop, l.n)
	removed := l.n - (hi - lo)
	tail := l.n - hi
	l.dropFront(lo)
	l.dropBack(tail)
	return removed
}

// dropFront deletes the first k elements, whole chunks at a time where it can.
func (l *List) dropFront(k int) {
	for k > 0 {
		c := l.chunks.front()
		if c.n <= k {
			k -= c.n
			l.n -= c.n
			l.chunks.popFront()
			continue
		}
		for ; k > 0; k-- {
			_, c.lo = c.entry(c.lo)
			c.n--
			l.n--
		}
	}
}

// dropBack deletes the last k elements, whole chunks at a time where it can.
func (l *List) dropBack(k int) {
	for k > 0 {
		c := l.chunks.back()
		if c.n <= k {
			k -= c.n
			l.n -= c.n
			l.chunks.popBack()
			continue
		}
		for ; k > 0; k-- {
			c.hi = c.prev(c.hi)
			c.n--
			l.n--
		}
	}
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
	matches, seen := int64(0), int64(0)
	visit := func(i int, e string) bool {
		if maxlen > 0 && seen >= maxlen {
			return false
		}
		seen++
		if e != string(elem) {
			return true
		}
		matches++
		if matches < rank {
			return true
		}
		out = append(out, i)
		return !(count < 0 || (count > 0 && matches-rank+1 >= count))
	}
	if fromTail {
		l.eachBackward(visit)
		return out
	}
	i := 0
	l.ForEach(func(e string) bool {
		ok := visit(i, e)
		i++
		return ok
	})
	return out
}
