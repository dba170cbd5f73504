package sdsargs

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		err  error
	}{
		{"", []string{}, nil},
		{"  \t ", []string{}, nil},
		{"set a b", []string{"set", "a", "b"}, nil},
		{`"a b" 'c d'`, []string{"a b", "c d"}, nil},
		{`"\x41\n\t\\\"z"`, []string{"A\n\t\\\"z"}, nil},
		{`"\xZZ"`, []string{"xZZ"}, nil},
		{`'it\'s'`, []string{"it's"}, nil},
		{`'a\nb'`, []string{`a\nb`}, nil},
		{`""`, []string{""}, nil},
		{"a\vb", []string{"a\vb"}, nil},
		{"a\x00 b c", []string{"a"}, nil},
		{`"abc`, nil, ErrUnbalanced},
		{`'abc`, nil, ErrUnbalanced},
		{`"a"b`, nil, ErrClosingQuote},
		{`'a'b`, nil, ErrClosingQuote},
		{`a"b c"`, []string{"ab c"}, nil},
	} {
		got, err := Split(c.in)
		if err != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"set a b", `"a\x41" 'b\'c'`, `"unterminated`, "x\x00y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Split(s)
	})
}
