package datatype

// ring is a deque in a ring buffer whose capacity is a power of two, grown by doubling and
// shrunk by halving when three quarters empty. Pushing and popping at either end are O(1)
// amortized, indexing is O(1), and inserting or removing in the middle moves the shorter
// side. The zero value is empty.
type ring[T any] struct {
	buf  []T // len(buf) is 0 or a power of two
	head int // index in buf of element 0
	n    int
}

const ringMinCap = 4

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) slot(i int) int { return (r.head + i) & (len(r.buf) - 1) }

// at returns element i (0 <= i < len) in place.
func (r *ring[T]) at(i int) *T { return &r.buf[r.slot(i)] }

func (r *ring[T]) front() *T { return &r.buf[r.head] }

func (r *ring[T]) back() *T { return r.at(r.n - 1) }

func (r *ring[T]) resize(c int) {
	nb := make([]T, c)
	if r.n > 0 {
		first := copy(nb, r.buf[r.head:min(r.head+r.n, len(r.buf))])
		copy(nb[first:], r.buf[:r.n-first])
	}
	r.buf, r.head = nb, 0
}

func (r *ring[T]) grow() {
	if r.n == len(r.buf) {
		r.resize(max(ringMinCap, 2*len(r.buf)))
	}
}

func (r *ring[T]) maybeShrink() {
	if r.n == 0 {
		r.buf, r.head = nil, 0
		return
	}
	if len(r.buf) > ringMinCap && r.n <= len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
}

func (r *ring[T]) pushFront(v T) {
	r.grow()
	r.head = (r.head - 1) & (len(r.buf) - 1)
	r.buf[r.head] = v
	r.n++
}

func (r *ring[T]) pushBack(v T) {
	r.grow()
	r.buf[r.slot(r.n)] = v
	r.n++
}

func (r *ring[T]) popFront() {
	var zero T
	r.buf[r.head] = zero // keep nothing alive
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.maybeShrink()
}

func (r *ring[T]) popBack() {
	var zero T
	r.buf[r.slot(r.n-1)] = zero
	r.n--
	r.maybeShrink()
}

// insertAt inserts v so that it becomes element i (0 <= i <= n), moving the shorter side.
func (r *ring[T]) insertAt(i int, v T) {
	r.grow()
	if i < r.n-i {
		r.head = (r.head - 1) & (len(r.buf) - 1)
		for j := 0; j < i; j++ {
			r.buf[r.slot(j)] = r.buf[r.slot(j+1)]
		}
	} else {
		for j := r.n; j > i; j-- {
			r.buf[r.slot(j)] = r.buf[r.slot(j-1)]
		}
	}
	r.buf[r.slot(i)] = v
	r.n++
}

// removeAt deletes element i, moving the shorter side.
func (r *ring[T]) removeAt(i int) {
	if i < r.n-1-i {
		for j := i; j > 0; j-- {
			r.buf[r.slot(j)] = r.buf[r.slot(j-1)]
		}
		r.popFront()
		return
	}
	for j := i; j < r.n-1; j++ {
		r.buf[r.slot(j)] = r.buf[r.slot(j+1)]
	}
	r.popBack()
}
