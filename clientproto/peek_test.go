package clientproto

import (
	"strings"
	"testing"
)

func TestPeekFirstArg(t *testing.T) {
	cases := []struct {
		in, name, arg string // arg "" with name "": no answer
	}{
		{"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n", "GET", "key"},
		{"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n", "SET", "k"}, // the value has not arrived yet
		{"*3\r\n$3\r\nSET\r\n$0\r\n\r\n$1\r\nv\r\n", "SET", ""},
		{"*2\r\n$3\r\nGET\r\n$3\r\nke", "", ""},  // the key is cut short
		{"*2\r\n$3\r\nGET\r\n$3\r\nkey", "", ""}, // no room for its CRLF
		{"*1\r\n$4\r\nPING\r\n", "", ""},
		{"GET key\r\n", "", ""},
		{"*2\r\n$-1\r\n", "", ""},
		{"*2\r\n$+3\r\nGET\r\n$3\r\nkey\r\n", "", ""},
		{"*2\r\n$3\r\nGET\r\n$1234567890\r\n", "", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		r := NewReader(64)
		r.Fill(strings.NewReader(c.in))
		name, arg := r.PeekFirstArg(0)
		if string(name) != c.name || string(arg) != c.arg || (arg == nil) != (c.name == "") {
			t.Errorf("PeekFirstArg(%q) = %q %q, want %q %q", c.in, name, arg, c.name, c.arg)
		}
		if r.Buffered() != len(c.in) {
			t.Errorf("PeekFirstArg(%q) consumed input", c.in)
		}
	}

	// Between the commands of a pipeline it sees the next one; inside a command, nothing.
	r := NewReader(64)
	r.Fill(strings.NewReader("*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n*2\r\n$3\r\nGET\r\n"))
	if _, err := r.Parse(); err != nil {
		t.Fatal(err)
	}
	if name, arg := r.PeekFirstArg(0); string(name) != "INCR" || string(arg) != "b" {
		t.Fatalf("after the first command: %q %q", name, arg)
	}
	if _, arg := r.PeekFirstArg(1); arg != nil {
		t.Fatalf("peeked past the next command into a half-read one: %q", arg)
	}
	r.Fill(strings.NewReader("$1\r\nc\r\n"))
	if name, arg := r.PeekFirstArg(1); string(name) != "GET" || string(arg) != "c" {
		t.Fatalf("the command after next: %q %q", name, arg)
	}
	if _, arg := r.PeekFirstArg(2); arg != nil {
		t.Fatalf("peeked past the end: %q", arg)
	}
	r.Parse()
	r.Parse()
	r.Fill(strings.NewReader("*2\r\n$3\r\nGET\r\n"))
	if _, err := r.Parse(); err != ErrIncomplete {
		t.Fatal(err)
	}
	if _, arg := r.PeekFirstArg(0); arg != nil {
		t.Fatalf("half-read command peeked: %q", arg)
	}
}
