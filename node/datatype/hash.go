package datatype

// Hash is a field→value map with Redis 7.0's two encodings. While it has at most
// hash-max-listpack-entries fields and no field or value longer than
// hash-max-listpack-value bytes it is a "listpack": a slice of pairs in insertion order
// with linear lookup, and HGETALL/HKEYS/HVALS/HSCAN/HRANDFIELD observe that order (HSET of
// an existing field updates it in place, HDEL keeps the others' order). Past either limit
// it converts, for good, to a "hashtable" whose order is arbitrary.
//
// The zero value is an empty listpack hash.
type Hash struct {
	small []hashPair
	big   *dense[string] // non-nil once converted
}

type hashPair struct{ field, value string }

// Encoding returns "listpack" or "hashtable" (OBJECT ENCODING).
func (h *Hash) Encoding() string {
	if h.big != nil {
		return EncHashtable
	}
	return EncListpack
}

// Len returns the number of fields (HLEN).
func (h *Hash) Len() int {
	if h.big != nil {
		return h.big.len()
	}
	return len(h.small)
}

func (h *Hash) findSmall(field []byte) int {
	for i := range h.small {
		if h.small[i].field == string(field) {
			return i
		}
	}
	return -1
}

// Get returns the value of field (HGET).
func (h *Hash) Get(field []byte) (string, bool) {
	if h.big != nil {
		if i, ok := h.big.find(field); ok {
			return h.big.vals[i], true
		}
		return "", false
	}
	if i := h.findSmall(field); i >= 0 {
		return h.small[i].value, true
	}
	return "", false
}

// Exists reports whether field is set (HEXISTS).
func (h *Hash) Exists(field []byte) bool {
	_, ok := h.Get(field)
	return ok
}

// StrLen returns the length of field's value, 0 when absent (HSTRLEN).
func (h *Hash) StrLen(field []byte) int {
	v, _ := h.Get(field)
	return len(v)
}

func (h *Hash) convert() {
	d := newDense[string](len(h.small))
	for _, p := range h.small {
		d.add(p.field, p.value)
	}
	h.big, h.small = d, nil
}

// ConvertIfLong converts a listpack hash to a hashtable when any of args is longer than
// lim.MaxValue: Redis's hashTypeTryConversion, which HSET and HMSET run over all their
// field and value arguments before writing anything (so the order of the pairs does not
// matter), and HSETNX over its field and value once it knows the field is new.
func (h *Hash) ConvertIfLong(lim Limits, args ...[]byte) {
	if h.big != nil {
		return
	}
	for _, a := range args {
		if len(a) > lim.MaxValue {
			h.convert()
			return
		}
	}
}

// Set sets field to a copy of value and reports whether the field is new (HSET, HINCRBY,
// HINCRBYFLOAT). A listpack hash converts when field or value is longer than lim.MaxValue,
// or when the new field count exceeds lim.MaxEntries.
func (h *Hash) Set(field, value []byte, lim Limits) (isNew bool) {
	if h.big == nil && (len(field) > lim.MaxValue || len(value) > lim.MaxValue) {
		h.convert()
	}
	if h.big != nil {
		if i, ok := h.big.find(field); ok {
			h.big.vals[i] = string(value)
			return false
		}
		h.big.add(string(field), string(value))
		return true
	}
	if i := h.findSmall(field); i >= 0 {
		h.small[i].value = string(value)
		return false
	}
	h.small = append(h.small, hashPair{string(field), string(value)})
	if len(h.small) > lim.MaxEntries {
		h.convert()
	}
	return true
}

// Delete removes field and reports whether it was there (HDEL).
func (h *Hash) Delete(field []byte) bool {
	if h.big != nil {
		return h.big.remove(field)
	}
	i := h.findSmall(field)
	if i < 0 {
		return false
	}
	copy(h.small[i:], h.small[i+1:])
	h.small[len(h.small)-1] = hashPair{}
	h.small = h.small[:len(h.small)-1]
	if len(h.small) == 0 {
		h.small = nil
	}
	return true
}

// ForEach calls fn with every field and value, in insertion order for a listpack hash,
// stopping when fn returns false. fn must not modify the hash.
func (h *Hash) ForEach(fn func(field, value string) bool) {
	if h.big != nil {
		for i, k := range h.big.keys {
			if !fn(k, h.big.vals[i]) {
				return
			}
		}
		return
	}
	for _, p := range h.small {
		if !fn(p.field, p.value) {
			return
		}
	}
}

// Random returns a uniformly random field and its value (HRANDFIELD without count). The
// hash must not be empty.
func (h *Hash) Random(rnd Rand) (field, value string) {
	if h.big != nil {
		i := rnd(h.big.len())
		return h.big.keys[i], h.big.vals[i]
	}
	p := h.small[rnd(len(h.small))]
	return p.field, p.value
}

// RandomFields calls fn with random fields as HRANDFIELD with a count does: count < 0 picks
// -count fields independently (repeats possible); count >= Len returns the whole hash in
// ForEach order; otherwise count distinct fields, in listpack order for a listpack hash
// (Redis samples those in order) and in random order for a hashtable.
func (h *Hash) RandomFields(count int64, rnd Rand, fn func(field, value string)) {
	n := h.Len()
	switch {
	case n == 0 || count == 0:
	case count < 0:
		for ; count < 0; count++ {
			fn(h.Random(rnd))
		}
	case count >= int64(n):
		h.ForEach(func(f, v string) bool { fn(f, v); return true })
	case h.big != nil:
		h.big.sample(int(count), rnd, fn)
	default:
		// Selection sampling (Knuth's algorithm S): each field is taken with probability
		// needed/remaining, which yields a uniform subset in order.
		need := int(count)
		for i, p := range h.small {
			if rnd(n-i) < need {
				fn(p.field, p.value)
				need--
				if need == 0 {
					return
				}
			}
		}
	}
}

// Scan visits fields for HSCAN: a listpack hash is returned whole, in order, with cursor 0;
// a hashtable about count entries per call with a cursor that guarantees every field
// present throughout is returned at least once.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value string)) uint64 {
	if h.big != nil {
		return h.big.scan(cursor, count, fn)
	}
	for _, p := range h.small {
		fn(p.field, p.value)
	}
	return 0
}
