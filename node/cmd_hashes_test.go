package node

import (
	"fmt"
	"math"
	"testing"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/node/datatype"
)

func TestScanCursorLikeStrtoul(t *testing.T) {
	cases := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"", 0, true},
		{"42", 42, true},
		{"123", 123, true},
		{"+7", 7, true},
		{"-0", 0, true},
		{"-1", math.MaxUint64, true},
		{"-18446744073709551615", 1, true},
		{"18446744073709551615", math.MaxUint64, true},
		{"18446744073709551616", 0, false},
		{"-18446744073709551616", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"+", 0, false},
		{"-", 0, false},
		{"0x1", 0, false},
		{"0x10", 0, false},
		{"1.0", 0, false},
		{"abc", 0, false},
		{"5\x00junk", 5, true},
		{"\x00", 0, true},
	}
	for _, tc := range cases {
		c := &Client{w: clientproto.NewWriter(64)}
		got, ok := scanCursor(c, []byte(tc.in))
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("scanCursor(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if !ok && string(c.w.Bytes()) != "-ERR invalid cursor\r\n" {
			t.Errorf("scanCursor(%q) replied %q", tc.in, c.w.Bytes())
		}
	}
}

func hashPairs(h *datatype.Hash) []string {
	var out []string
	h.ForEach(func(f, v string) bool { out = append(out, f, v); return true })
	return out
}

func TestCloneHashKeepsEncodingAndOrder(t *testing.T) {
	lim := datatype.DefaultHashLimits
	small := &datatype.Hash{}
	for i := 0; i < 10; i++ {
		small.Set([]byte(fmt.Sprint("f", i)), []byte(fmt.Sprint("v", i)), lim)
	}
	dup := cloneHash(small)
	if dup.Encoding() != datatype.EncListpack || fmt.Sprint(hashPairs(dup)) != fmt.Sprint(hashPairs(small)) {
		t.Fatalf("listpack clone: %s %v", dup.Encoding(), hashPairs(dup))
	}
	dup.Set([]byte("f0"), []byte("changed"), lim)
	if v, _ := small.Get([]byte("f0")); v != "v0" {
		t.Fatalf("clone shares storage with the original: %q", v)
	}

	// A hashtable that shrank back to a few fields stays a hashtable when copied.
	big := &datatype.Hash{}
	for i := 0; i < lim.MaxEntries+100; i++ {
		big.Set([]byte(fmt.Sprint("f", i)), []byte(fmt.Sprint("v", i)), lim)
	}
	for i := 3; i < lim.MaxEntries+100; i++ {
		big.Delete([]byte(fmt.Sprint("f", i)))
	}
	dup = cloneHash(big)
	if dup.Encoding() != datatype.EncHashtable || dup.Len() != 3 {
		t.Fatalf("hashtable clone: %s len %d", dup.Encoding(), dup.Len())
	}
	for i := 0; i < 3; i++ {
		if v, ok := dup.Get([]byte(fmt.Sprint("f", i))); !ok || v != fmt.Sprint("v", i) {
			t.Fatalf("hashtable clone lost f%d: %q %v", i, v, ok)
		}
	}

	// A listpack built under larger limits than today's is copied as a listpack.
	wide := &datatype.Hash{}
	for i := 0; i < 300; i++ {
		wide.Set([]byte(fmt.Sprint("f", i)), []byte("v"), datatype.Limits{MaxEntries: 1000, MaxValue: 64})
	}
	if dup = cloneHash(wide); dup.Encoding() != datatype.EncListpack || dup.Len() != 300 {
		t.Fatalf("wide listpack clone: %s len %d", dup.Encoding(), dup.Len())
	}
}
