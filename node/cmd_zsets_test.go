package node

import (
	"math"
	"testing"

	"github.com/rcnode/rcnode/node/datatype"
)

func TestZScanScore(t *testing.T) {
	cases := []struct {
		s        float64
		listpack bool
		want     string
	}{
		{3, true, "3"},
		{3, false, "3"},
		{1e17, true, "100000000000000000"},
		{1e17, false, "1e+17"},
		{4611686018427387904, true, "4611686018427387904"}, // (double)(LLONG_MAX/2) is 2^62
		{1e19, true, "1e+19"},
		{2.5, true, "2.5"},
		{0.1, false, "0.10000000000000001"},
		{math.Inf(1), true, "inf"},
		{math.Inf(-1), false, "-inf"},
	}
	for _, c := range cases {
		if got := string(zscanScore(nil, c.s, c.listpack)); got != c.want {
			t.Errorf("zscanScore(%v, %v) = %q, want %q", c.s, c.listpack, got, c.want)
		}
	}
}

func TestCloneZSet(t *testing.T) {
	lim := datatype.DefaultZSetLimits
	z := &datatype.ZSet{}
	for i, m := range []string{"c", "a", "b"} {
		z.Add([]byte(m), float64(i), 0, lim)
	}
	d := cloneZSet(z)
	z.Remove([]byte("a"))
	z.Add([]byte("b"), 10, 0, lim)
	if d.Len() != 3 || d.Encoding() != z.Encoding() {
		t.Fatalf("clone: len %d encoding %s", d.Len(), d.Encoding())
	}
	var got []string
	d.ForEach(func(m string, s float64) bool { got = append(got, m); return true })
	if len(got) != 3 || got[0] != "c" || got[1] != "a" || got[2] != "b" {
		t.Fatalf("clone order %v", got)
	}
	if s, _ := d.Score([]byte("b")); s != 2 {
		t.Fatalf("clone score of b = %v", s)
	}

	big := &datatype.ZSet{}
	big.UseSkiplist()
	big.Add([]byte("x"), math.Copysign(0, -1), 0, lim)
	if c := cloneZSet(big); c.Encoding() != datatype.EncSkiplist {
		t.Fatalf("clone of a skiplist is %s", c.Encoding())
	} else if s, _ := c.Score([]byte("x")); !math.Signbit(s) {
		t.Fatal("clone lost -0 of a skiplist")
	}
}

func TestZSetAddExactNegativeZero(t *testing.T) {
	lim := datatype.DefaultZSetLimits
	z := &datatype.ZSet{}
	res, err := z.AddExact([]byte("a"), math.Copysign(0, -1), datatype.ZAddIncr, lim)
	if err != nil || !math.Signbit(res.Score) {
		t.Fatalf("AddExact result %+v %v: the reply keeps -0", res, err)
	}
	if s, _ := z.Score([]byte("a")); math.Signbit(s) {
		t.Fatal("a listpack stores -0 as 0")
	}
}
