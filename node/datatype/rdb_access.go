package datatype

import "strconv"

// What the RDB codec (node/rdb) needs beyond the commands' API: the raw members of an
// intset to write one, and ways to rebuild values exactly as Redis 7.0 loads them (which
// keeps some encodings that the commands' incremental rules would convert).

// IntsetMembers returns an intset-encoded set's members, ascending, and true; nil and false
// for a hashtable. The slice belongs to the set and must not be modified.
func (s *Set) IntsetMembers() ([]int64, bool) {
	if s.big != nil {
		return nil, false
	}
	return s.ints, true
}

// AddInt is Add for an integer member, without formatting and parsing it.
func (s *Set) AddInt(v int64, lim Limits) bool {
	if s.big == nil {
		return s.addInt(v, lim)
	}
	return s.AddString(strconv.FormatInt(v, 10), lim)
}

// ConvertToHashtable converts a listpack hash to a hashtable for good, as Redis's loader
// does with a listpack of more than hash-max-listpack-entries fields.
func (h *Hash) ConvertToHashtable() {
	if h.big == nil {
		h.convert()
	}
}

// SetString is Set for a field and value that are already strings: they are stored without
// copying. The conversion rules are Set's.
func (h *Hash) SetString(field, value string, lim Limits) (isNew bool) {
	if h.big == nil && (len(field) > lim.MaxValue || len(value) > lim.MaxValue) {
		h.convert()
	}
	if h.big != nil {
		if i, ok := h.big.idx[field]; ok {
			h.big.vals[i] = value
			return false
		}
		h.big.add(field, value)
		return true
	}
	for i := range h.small {
		if h.small[i].field == field {
			h.small[i].value = value
			return false
		}
	}
	h.small = append(h.small, hashPair{field, value})
	if len(h.small) > lim.MaxEntries {
		h.convert()
	}
	return true
}
