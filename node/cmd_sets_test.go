package node

import (
	"fmt"
	"testing"

	"github.com/rcnode/rcnode/node/datatype"
)

func setMembers(s *datatype.Set) []string {
	var out []string
	s.ForEach(func(m string) bool { out = append(out, m); return true })
	return out
}

func TestCloneSetKeepsEncoding(t *testing.T) {
	lim := datatype.DefaultSetLimits
	ints := &datatype.Set{}
	for _, m := range []string{"5", "-3", "100", "0"} {
		ints.Add([]byte(m), lim)
	}
	dup := cloneSet(ints)
	if dup.Encoding() != datatype.EncIntset || fmt.Sprint(setMembers(dup)) != "[-3 0 5 100]" {
		t.Fatalf("intset clone: %s %v", dup.Encoding(), setMembers(dup))
	}
	dup.Add([]byte("7"), lim)
	if ints.Len() != 4 {
		t.Fatalf("clone shares storage with the original")
	}

	// A hashtable holding only integers (its non-integer member removed) stays a hashtable.
	ht := &datatype.Set{}
	for _, m := range []string{"1", "2", "x", "3"} {
		ht.Add([]byte(m), lim)
	}
	ht.Remove([]byte("x"))
	dup = cloneSet(ht)
	if dup.Encoding() != datatype.EncHashtable || dup.Len() != 3 {
		t.Fatalf("hashtable clone: %s %v", dup.Encoding(), setMembers(dup))
	}
	for _, m := range []string{"1", "2", "3"} {
		if !dup.Has([]byte(m)) {
			t.Fatalf("hashtable clone lost %s", m)
		}
	}
	if dup.Has([]byte("")) || dup.Has([]byte("x")) {
		t.Fatalf("hashtable clone has extra members: %v", setMembers(dup))
	}

	// The empty string is a member like any other.
	withEmpty := &datatype.Set{}
	withEmpty.Add([]byte(""), lim)
	withEmpty.Add([]byte("a"), lim)
	if dup = cloneSet(withEmpty); dup.Len() != 2 || !dup.Has(nil) {
		t.Fatalf("clone lost the empty member: %v", setMembers(dup))
	}

	// An intset built under a larger limit than today's is copied as an intset.
	wide := &datatype.Set{}
	for i := 0; i < 1000; i++ {
		wide.Add([]byte(fmt.Sprint(i)), datatype.Limits{MaxEntries: 2000})
	}
	if dup = cloneSet(wide); dup.Encoding() != datatype.EncIntset || dup.Len() != 1000 {
		t.Fatalf("wide intset clone: %s len %d", dup.Encoding(), dup.Len())
	}
}
