package datatype

import (
	"slices"
	"testing"
)

func TestRDBAccessors(t *testing.T) {
	var s Set
	for _, v := range []int64{5, -3, 9} {
		s.AddInt(v, DefaultSetLimits)
	}
	if m, ok := s.IntsetMembers(); !ok || !slices.Equal(m, []int64{-3, 5, 9}) {
		t.Fatalf("IntsetMembers = %v %v", m, ok)
	}
	s.AddString("x", DefaultSetLimits)
	if s.AddInt(5, DefaultSetLimits) || !s.AddInt(6, DefaultSetLimits) || s.Len() != 5 {
		t.Fatalf("AddInt on a hashtable: len %d", s.Len())
	}
	if _, ok := s.IntsetMembers(); ok {
		t.Fatal("hashtable reported as intset")
	}

	var h Hash
	lim := Limits{MaxEntries: 2, MaxValue: 4}
	if !h.SetString("a", "1", lim) || h.SetString("a", "2", lim) || h.Encoding() != EncListpack {
		t.Fatal("SetString on a listpack")
	}
	h.SetString("b", "1", lim)
	h.SetString("c", "1", lim)
	if h.Encoding() != EncHashtable || h.Len() != 3 {
		t.Fatalf("SetString past MaxEntries: %s %d", h.Encoding(), h.Len())
	}
	var h2 Hash
	h2.SetString("f", "long value", Limits{MaxEntries: 10, MaxValue: 100})
	h2.ConvertToHashtable()
	if v, _ := h2.Get([]byte("f")); h2.Encoding() != EncHashtable || v != "long value" {
		t.Fatal("ConvertToHashtable")
	}
}
