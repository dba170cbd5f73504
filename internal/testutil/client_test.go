package testutil

import (
	"reflect"
	"testing"
)

func TestParseReply(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want any
		err  error
	}{
		{"+OK\r\n", "OK", nil},
		{"+\r\n", "", nil},
		{"-ERR syntax error\r\n", nil, RedisError("ERR syntax error")},
		{":-12\r\n", int64(-12), nil},
		{"$3\r\na\r\n\r\n", "a\r\n", nil},
		{"$-1\r\n", nil, nil},
		{"*-1\r\n", nil, nil},
		{"*0\r\n", []any{}, nil},
		{"*3\r\n:1\r\n-WRONGTYPE x\r\n$1\r\nb\r\n", []any{int64(1), RedisError("WRONGTYPE x"), "b"}, nil},
		{"%1\r\n+k\r\n,1.5\r\n", []any{"k", "1.5"}, nil},
		{"~1\r\n#t\r\n", []any{true}, nil},
		{"_\r\n", nil, nil},
		{"|1\r\n+a\r\n+b\r\n:7\r\n", int64(7), nil},
	} {
		got, err := ParseReply([]byte(c.raw))
		if !reflect.DeepEqual(got, c.want) || err != c.err {
			t.Errorf("ParseReply(%q) = %#v, %v; want %#v, %v", c.raw, got, err, c.want, c.err)
		}
	}
	for _, bad := range []string{"", "+OK", "$5\r\nab\r\n", "?x\r\n", "+OK\r\n+OK\r\n"} {
		if _, err := ParseReply([]byte(bad)); err == nil {
			t.Errorf("ParseReply(%q) accepted", bad)
		}
	}
}

func TestFreePortRange(t *testing.T) {
	t.Setenv("RCNODE_TEST_PORTS", "7800-7809")
	seen := map[int]bool{}
	for i := 0; i < 3; i++ {
		p := FreePort(t)
		if p < 7800 || p > 7809 || seen[p] {
			t.Fatalf("FreePort = %d (already given: %v)", p, seen[p])
		}
		seen[p] = true
	}
}
