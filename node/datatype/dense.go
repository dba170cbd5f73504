package datatype

// dense is the "hashtable" encoding shared by Hash and Set: a map from key to its index in
// a dense array of keys (and values). The key string in the map and in the array share one
// copy of the bytes. Deleting moves the last entry into the hole, so the array stays dense,
// which gives O(1) uniformly random picks (HRANDFIELD, SRANDMEMBER, SPOP) and a SCAN cursor
// with Redis's guarantee (see scan).
type dense[V any] struct {
	keys []string
	vals []V
	idx  map[string]int
}

func newDense[V any](hint int) *dense[V] {
	return &dense[V]{
		keys: make([]string, 0, hint),
		vals: make([]V, 0, hint),
		idx:  make(map[string]int, hint),
	}
}

func (d *dense[V]) len() int { return len(d.keys) }

func (d *dense[V]) find(k []byte) (int, bool) {
	i, ok := d.idx[string(k)]
	return i, ok
}

// add appends a key that must not be present.
func (d *dense[V]) add(k string, v V) {
	d.idx[k] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

func (d *dense[V]) removeAt(i int) {
	last := len(d.keys) - 1
	delete(d.idx, d.keys[i])
	if i != last {
		d.keys[i], d.vals[i] = d.keys[last], d.vals[last]
		d.idx[d.keys[i]] = i
	}
	var zero V
	d.keys[last], d.vals[last] = "", zero
	d.keys, d.vals = d.keys[:last], d.vals[:last]
	// Give memory back after mass deletions.
	if c := cap(d.keys); c > 64 && len(d.keys) < c/4 {
		d.keys = append(make([]string, 0, c/2), d.keys...)
		d.vals = append(make([]V, 0, c/2), d.vals...)
	}
}

func (d *dense[V]) remove(k []byte) bool {
	i, ok := d.idx[string(k)]
	if ok {
		d.removeAt(i)
	}
	return ok
}

// scan visits entries for a SCAN-family command. The cursor is the number of array slots
// not yet visited, counted from the start of the array (0 on the first call means "all of
// them"); slots are visited from the highest down, about count per call, and the returned
// cursor is 0 when done.
//
// This keeps Redis's SCAN guarantee: an entry present for the whole iteration is returned
// at least once. Deleting moves the last entry, which is in the visited part or is itself
// unvisited, into the hole; so unvisited entries only ever move to lower, still unvisited,
// slots. New entries are appended in the visited part (Redis may or may not return those).
// An entry can be returned twice if it is moved from the visited part into an unvisited
// hole, which SCAN allows.
func (d *dense[V]) scan(cursor uint64, count int, fn func(k string, v V)) uint64 {
	c := uint64(len(d.keys))
	if cursor != 0 && cursor < c {
		c = cursor
	}
	if count < 1 {
		count = 1
	}
	for ; c > 0 && count > 0; count-- {
		c--
		fn(d.keys[c], d.vals[c])
	}
	return c
}

// sample calls fn with count distinct random entries (count <= len), in random order.
func (d *dense[V]) sample(count int, rnd Rand, fn func(k string, v V)) {
	sampleIndexes(len(d.keys), count, rnd, func(i int) { fn(d.keys[i], d.vals[i]) })
}

// sampleIndexes calls fn with count distinct uniformly random indexes in [0, n), in random
// order: rejection sampling when count is small next to n, else a partial Fisher-Yates
// shuffle.
func sampleIndexes(n, count int, rnd Rand, fn func(i int)) {
	count = min(count, n)
	if count*4 < n {
		seen := make(map[int]struct{}, count)
		for len(seen) < count {
			i := rnd(n)
			if _, dup := seen[i]; dup {
				continue
			}
			seen[i] = struct{}{}
			fn(i)
		}
		return
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	for i := 0; i < count; i++ {
		j := i + rnd(n-i)
		perm[i], perm[j] = perm[j], perm[i]
		fn(perm[i])
	}
}
