package clientproto

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// mb encodes args as one RESP multibulk command.
func mb(args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.String()
}

// parseStream parses everything src delivers: the commands (copied), and the protocol error
// that ended the stream, or nil when the stream ended with a partial (or no) command.
func parseStream(t testing.TB, r *Reader, src io.Reader) (cmds [][]string, perr *ProtocolError) {
	t.Helper()
	eof := false
	for {
		args, err := r.Parse()
		if err == nil {
			if len(args) == 0 {
				t.Fatalf("Parse returned an empty command")
			}
			cmd := make([]string, len(args))
			for i, a := range args {
				cmd[i] = string(a)
			}
			cmds = append(cmds, cmd)
			continue
		}
		if !errors.Is(err, ErrIncomplete) {
			if !errors.As(err, &perr) {
				t.Fatalf("Parse error %T %v, want *ProtocolError or ErrIncomplete", err, err)
			}
			if err2 := r.Fill(strings.NewReader("more")); err2 != nil {
				t.Fatalf("Fill after a protocol error: %v", err2)
			}
			if _, again := r.Parse(); again != err {
				t.Fatalf("protocol error not sticky: %v then %v", err, again)
			}
			return cmds, perr
		}
		if eof {
			if r.Buffered() < 0 {
				t.Fatalf("Buffered() = %d", r.Buffered())
			}
			return cmds, nil
		}
		if err := r.Fill(src); err != nil {
			if err != io.EOF {
				t.Fatalf("Fill: %v", err)
			}
			eof = true
		}
	}
}

// chunkReader returns its data in reads of the given sizes, cycled.
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := c.sizes[c.i%len(c.sizes)]
	c.i++
	n = min(n, len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// splitters deliver the same bytes in different chunkings; results must not depend on it.
func splitters(data string) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole": func() io.Reader { return strings.NewReader(data) },
		"1byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(data)) },
		"3-7":   func() io.Reader { return &chunkReader{data: []byte(data), sizes: []int{3, 7}} },
	}
}

var errorCases = []struct {
	name   string
	in     string
	unauth bool
	cmds   int    // commands parsed before the error
	msg    string // "" when the stream is just incomplete
}{
	{"count not a number", "*abc\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count over INT_MAX", "*2147483648\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count INT_MAX waits", "*2147483647\r\n", false, 0, ""},
	{"count plus sign", "*+1\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count empty", "*\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count lone minus", "*-\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count leading zero", "*01\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count leading space", "* 1\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count trailing space", "*1 \r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count 20 digits", "*99999999999999999999\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count below int64", "*-9223372036854775809\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"count int64 min skipped", "*-9223372036854775808\r\n" + mb("PING"), false, 1, ""},
	{"count bare LF", "*1\n$4\r\nPING\r\n", false, 0, "ERR Protocol error: invalid multibulk length"},
	{"expected dollar", "*1\r\nx\r\n", false, 0, "ERR Protocol error: expected '$', got 'x'"},
	{"expected dollar CR", "*1\r\n\r\n", false, 0, "ERR Protocol error: expected '$', got ' '"},
	{"expected dollar LF", "*1\r\n\n\r\n", false, 0, "ERR Protocol error: expected '$', got ' '"},
	{"expected dollar high byte", "*1\r\n\xff\r\n", false, 0, "ERR Protocol error: expected '$', got '\xff'"},
	{"expected dollar second arg", "*2\r\n$1\r\na\r\n:1\r\n", false, 0, "ERR Protocol error: expected '$', got ':'"},
	{"expected dollar after command", mb("PING") + "*1\r\nX\r\n", false, 1, "ERR Protocol error: expected '$', got 'X'"},
	{"bulk negative", "*1\r\n$-1\r\n", false, 0, "ERR Protocol error: invalid bulk length"},
	{"bulk minus zero", "*1\r\n$-0\r\n", false, 0, "ERR Protocol error: invalid bulk length"},
	{"bulk plus", "*1\r\n$+1\r\n", false, 0, "ERR Protocol error: invalid bulk length"},
	{"bulk leading zero", "*1\r\n$01\r\n", false, 0, "ERR Protocol error: invalid bulk length"},
	{"bulk empty", "*1\r\n$\r\n", false, 0, "ERR Protocol error: invalid bulk length"},
	{"bulk space", "*1\r\n$ 1\r\n", false, 0, "ERR Protocol error: invalid bulk length"},
	{"bulk over proto-max-bulk-len", "*1\r\n$536870913\r\n", false, 0, "ERR Protocol error: invalid bulk length"},
	{"bulk at proto-max-bulk-len waits", "*1\r\n$536870912\r\n", false, 0, ""},
	{"too big mbulk count", "*" + strings.Repeat("1", InlineMax+1), false, 0, "ERR Protocol error: too big mbulk count string"},
	{"mbulk count at limit waits", "*" + strings.Repeat("1", InlineMax-1), false, 0, ""},
	{"too big mbulk after command", "*1\r\n$4\r\nPINGXY*" + strings.Repeat("1", InlineMax+1), false, 1, "ERR Protocol error: too big mbulk count string"},
	{"too big bulk count", "*1\r\n" + strings.Repeat("$", InlineMax+1), false, 0, "ERR Protocol error: too big bulk count string"},
	{"too big inline", strings.Repeat("x", InlineMax+1), false, 0, "ERR Protocol error: too big inline request"},
	{"inline at limit waits", strings.Repeat("x", InlineMax), false, 0, ""},
	{"unbalanced double", "SET a \"b\r\n", false, 0, "ERR Protocol error: unbalanced quotes in request"},
	{"text after closing double", "SET a \"b\"c\r\n", false, 0, "ERR Protocol error: unbalanced quotes in request"},
	{"unbalanced single", "SET a 'b\r\n", false, 0, "ERR Protocol error: unbalanced quotes in request"},
	{"text after closing single", "a 'b'c\n", false, 0, "ERR Protocol error: unbalanced quotes in request"},
	{"escaped backslash before single close", "a '\\\\'\n", false, 0, "ERR Protocol error: unbalanced quotes in request"},
	{"backslash at end in double", "a \"b\\\n", false, 0, "ERR Protocol error: unbalanced quotes in request"},
	{"unbalanced after commands", "PING\r\n" + mb("PING") + "\"\r\n", false, 2, "ERR Protocol error: unbalanced quotes in request"},
	// Redis finds line ends with strchr, which stops at a NUL: such a client just waits.
	{"NUL in count line waits", "*1\x00\r\n", false, 0, ""},
	{"NUL in inline waits", "GET a\x00\n", false, 0, ""},
	{"NUL then too big", "*1\x00" + strings.Repeat("\r\n", InlineMax/2), false, 0, "ERR Protocol error: too big mbulk count string"},
	// The bytes after a CR and after bulk data are skipped, not checked.
	{"CR then any byte", "*1\rX$4\rXPINGXY", false, 1, ""},
	{"unauth count", "*11\r\n", true, 0, "ERR Protocol error: unauthenticated multibulk length"},
	{"unauth count 10 waits", "*10\r\n", true, 0, ""},
	{"unauth bulk", "*1\r\n$16385\r\n", true, 0, "ERR Protocol error: unauthenticated bulk length"},
	{"unauth bulk 16384 waits", "*1\r\n$16384\r\n", true, 0, ""},
	{"unauth invalid wins", "*1\r\n$-1\r\n", true, 0, "ERR Protocol error: invalid bulk length"},
	{"unauth invalid count wins", "*x\r\n", true, 0, "ERR Protocol error: invalid multibulk length"},
}

func TestParseErrors(t *testing.T) {
	for _, c := range errorCases {
		for how, src := range splitters(c.in) {
			t.Run(c.name+"/"+how, func(t *testing.T) {
				r := NewReader(64)
				r.Authenticated = !c.unauth
				cmds, perr := parseStream(t, r, src())
				if len(cmds) != c.cmds {
					t.Errorf("parsed %d commands %q, want %d", len(cmds), cmds, c.cmds)
				}
				switch {
				case c.msg == "" && perr != nil:
					t.Errorf("got error %q, want none (incomplete)", perr.Msg)
				case c.msg != "" && perr == nil:
					t.Errorf("no error, want %q", c.msg)
				case perr != nil && perr.Msg != c.msg:
					t.Errorf("error %q, want %q", perr.Msg, c.msg)
				case perr != nil && perr.Error() != c.msg:
					t.Errorf("Error() = %q, want %q", perr.Error(), c.msg)
				}
			})
		}
	}
}

func TestMaxBulkLenConfigurable(t *testing.T) {
	r := NewReader(0)
	r.MaxBulkLen = 1 << 20
	r.Fill(strings.NewReader("*1\r\n$1048576\r\n"))
	if _, err := r.Parse(); err != ErrIncomplete {
		t.Fatalf("bulk at MaxBulkLen: %v", err)
	}
	r = NewReader(0)
	r.MaxBulkLen = 1 << 20
	r.Fill(strings.NewReader("*1\r\n$1048577\r\n"))
	if _, err := r.Parse(); err == nil || err.Error() != "ERR Protocol error: invalid bulk length" {
		t.Fatalf("bulk over MaxBulkLen: %v", err)
	}
}

func TestAuthenticatedSwitchesBetweenCommands(t *testing.T) {
	// AUTH is executed before the next Parse, so the next command already has the big limits.
	r := NewReader(0)
	r.Authenticated = false
	r.Fill(strings.NewReader(mb("AUTH", "pw") + mb("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5")))
	if args, err := r.Parse(); err != nil || string(args[0]) != "AUTH" {
		t.Fatalf("AUTH: %q %v", args, err)
	}
	r.Authenticated = true
	if args, err := r.Parse(); err != nil || len(args) != 11 {
		t.Fatalf("MSET after AUTH: %q %v", args, err)
	}
}

// pipeline is a mix of every request shape, with the commands it must parse to.
func pipeline() (string, [][]string) {
	var in strings.Builder
	var want [][]string
	add := func(raw string, cmd ...string) {
		in.WriteString(raw)
		if cmd != nil {
			want = append(want, cmd)
		}
	}
	add(mb("SET", "key", "value"), "SET", "key", "value")
	add(mb("SET", "bin\r\n", "\x00\r\n$3\r\n*1\r\n"), "SET", "bin\r\n", "\x00\r\n$3\r\n*1\r\n")
	add(mb("GET", ""), "GET", "")
	add("*0\r\n")
	add("*-1\r\n")
	add("\r\n")
	add("\n")
	add("   \t \r\n")
	add("PING\r\n", "PING")
	add("ECHO \"hello world\" 'it\\'s' \"\\x41\\n\"\n", "ECHO", "hello world", "it's", "A\n")
	add("set a b\r\r\n", "set", "a", "b")
	add(mb("MSET", "k1", "v1", "k2", "v2"), "MSET", "k1", "v1", "k2", "v2")
	add("*1\r\n$4\r\nPINGxx", "PING") // the two bytes after the data are not checked
	add("$3\r\n", "$3")               // not '*': an inline command
	add(":1 +2\n", ":1", "+2")
	add("*-7\r\n")
	add(mb("LAST"), "LAST")
	return in.String(), want
}

func TestPipelineSplitAtEveryByte(t *testing.T) {
	in, want := pipeline()
	for how, src := range splitters(in) {
		r := NewReader(16)
		cmds, perr := parseStream(t, r, src())
		if perr != nil || !reflect.DeepEqual(cmds, want) {
			t.Fatalf("%s: got %q, %v\nwant %q", how, cmds, perr, want)
		}
	}
	// Two reads, split at every position.
	for i := 0; i <= len(in); i++ {
		r := NewReader(32)
		cmds, perr := parseStream(t, r, &chunkReader{data: []byte(in), sizes: []int{i, len(in)}})
		if perr != nil || !reflect.DeepEqual(cmds, want) {
			t.Fatalf("split at %d: got %q, %v\nwant %q", i, cmds, perr, want)
		}
	}
	// Random chunk sizes.
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		sizes := make([]int, 1+rng.Intn(5))
		for j := range sizes {
			sizes[j] = 1 + rng.Intn(40)
		}
		r := NewReader(1 + rng.Intn(100))
		cmds, perr := parseStream(t, r, &chunkReader{data: []byte(in), sizes: sizes})
		if perr != nil || !reflect.DeepEqual(cmds, want) {
			t.Fatalf("chunks %v: got %q, %v\nwant %q", sizes, cmds, perr, want)
		}
	}
}

func TestPipelineWithBigArgsByteAtATime(t *testing.T) {
	big := strings.Repeat("abcdefgh", BigArg/8+100)
	in := mb("SET", "k", big) + "PING\r\n" + mb("MSET", "a", big, "b", big[:100], "c", big) + mb("GET", "k")
	want := [][]string{{"SET", "k", big}, {"PING"}, {"MSET", "a", big, "b", big[:100], "c", big}, {"GET", "k"}}
	for how, src := range splitters(in) {
		r := NewReader(512)
		cmds, perr := parseStream(t, r, src())
		if perr != nil || !reflect.DeepEqual(cmds, want) {
			t.Fatalf("%s: wrong commands (%d), %v", how, len(cmds), perr)
		}
		if len(r.buf) > 4*r.size {
			t.Errorf("%s: buffer of %d bytes kept after the big commands were drained", how, len(r.buf))
		}
	}
}

var inlineCases = []struct {
	line string
	want []string // nil: unbalanced quotes
}{
	{"set a b", []string{"set", "a", "b"}},
	{"  set   a\t b  ", []string{"set", "a", "b"}},
	{`set "a b" c`, []string{"set", "a b", "c"}},
	{`set "a\"b"`, []string{"set", `a"b`}},
	{`set "\x41\x4a\x4A\x00z"`, []string{"set", "AJJ\x00z"}},
	{`set "\x4"`, []string{"set", "x4"}},
	{`set "\xZZ"`, []string{"set", "xZZ"}},
	{`set "\n\r\t\b\a\z\\\'"`, []string{"set", "\n\r\t\b\az\\'"}},
	{`set 'a b' 'it\'s' 'a\nb' '\x41'`, []string{"set", "a b", "it's", `a\nb`, `\x41`}},
	{`set a"b c"`, []string{"set", "ab c"}},
	{`set a'b c'`, []string{"set", "ab c"}},
	{`set "" x`, []string{"set", "", "x"}},
	{`set '' x`, []string{"set", "", "x"}},
	{`set """"`, nil},
	{`set "a"b`, nil},
	{`set 'a'b`, nil},
	{`set "abc`, nil},
	{`set "abc\`, nil},
	{`set 'abc`, nil},
	{`set '\\'`, nil},
	{"set \"a\"\vb", []string{"set", "a", "b"}},
	{"a\vb \fc", []string{"a\vb", "c"}},
	{"\v\fa", []string{"a"}},
	{"a\rb", []string{"a", "b"}},
	{"a\r", []string{"a"}},
	{"\xff\xfe \x80", []string{"\xff\xfe", "\x80"}},
	{`a\x41`, []string{`a\x41`}},
	{"", []string{}},
	{"   ", []string{}},
}

func TestSplitArgs(t *testing.T) {
	for _, c := range inlineCases {
		line := []byte(c.line)
		got, ok := splitArgs(line, nil)
		if c.want == nil {
			if ok {
				t.Errorf("splitArgs(%q) = %q, want unbalanced quotes", c.line, got)
			}
			continue
		}
		gs := []string{}
		for _, a := range got {
			gs = append(gs, string(a))
		}
		if !ok || !reflect.DeepEqual(gs, c.want) {
			t.Errorf("splitArgs(%q) = %q %v, want %q", c.line, gs, ok, c.want)
		}
	}
}

func TestInlineThroughReader(t *testing.T) {
	for _, c := range inlineCases {
		for _, eol := range []string{"\n", "\r\n"} {
			r := NewReader(8)
			cmds, perr := parseStream(t, r, iotest.OneByteReader(strings.NewReader(c.line+eol+"PING\n")))
			switch {
			case c.want == nil:
				if perr == nil || perr.Msg != errUnbalancedQuotes {
					t.Errorf("%q: got %q %v, want unbalanced quotes", c.line, cmds, perr)
				}
			case len(c.want) == 0:
				if perr != nil || !reflect.DeepEqual(cmds, [][]string{{"PING"}}) {
					t.Errorf("%q: got %q %v, want the line skipped", c.line, cmds, perr)
				}
			default:
				if perr != nil || !reflect.DeepEqual(cmds, [][]string{c.want, {"PING"}}) {
					t.Errorf("%q: got %q %v", c.line, cmds, perr)
				}
			}
		}
	}
}

func TestArgsCannotClobberEachOther(t *testing.T) {
	for _, in := range []string{mb("SET", "a", "b"), "SET a b\r\n"} {
		r := NewReader(0)
		r.Fill(strings.NewReader(in))
		args, err := r.Parse()
		if err != nil {
			t.Fatal(err)
		}
		_ = append(args[1], "XXXX"...)
		if string(args[2]) != "b" {
			t.Errorf("%q: appending to an argument overwrote the next: %q", in, args[2])
		}
	}
}

func TestBigArgGrowsOnceAndShrinks(t *testing.T) {
	const n = 100 << 20
	payload := bytes.Repeat([]byte("0123456789abcdef"), n/16)
	data := fmt.Appendf(nil, "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$%d\r\n", n)
	data = append(append(data, payload...), "\r\n"+mb("GET", "key")...)
	src := &chunkReader{data: data, sizes: []int{64 << 10}}

	r := NewReader(16 << 10)
	reallocs, lastBuf := 0, &r.buf[0]
	var got [][]byte
	for got == nil {
		args, err := r.Parse()
		if err == nil {
			got = args
			break
		}
		if err != ErrIncomplete {
			t.Fatal(err)
		}
		if err := r.Fill(src); err != nil {
			t.Fatal(err)
		}
		if p := &r.buf[0]; p != lastBuf {
			reallocs++
			lastBuf = p
		}
	}
	if len(got) != 3 || string(got[0]) != "SET" || !bytes.Equal(got[2], payload) {
		t.Fatalf("big SET parsed wrong: %d args", len(got))
	}
	// One growth when the "$<len>" line is seen: no copy per read of the 100MB.
	if reallocs != 1 {
		t.Errorf("buffer reallocated %d times for one big argument, want 1", reallocs)
	}
	if len(r.buf) > n+64 {
		t.Errorf("buffer grew to %d for a %d-byte argument", len(r.buf), n)
	}
	// Drained: the next read goes into a normal-sized buffer again.
	if err := r.Fill(src); err != nil {
		t.Fatal(err)
	}
	if len(r.buf) != 16<<10 {
		t.Errorf("buffer is %d bytes after the big command, want it shrunk to %d", len(r.buf), 16<<10)
	}
	if args, err := r.Parse(); err != nil || string(args[0]) != "GET" {
		t.Fatalf("command after the big one: %q %v", args, err)
	}
}

// repeatReader serves the same bytes forever without allocating.
type repeatReader struct {
	data []byte
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.data[r.off:])
		n += c
		r.off = (r.off + c) % len(r.data)
	}
	return n, nil
}

func TestParseDoesNotAllocate(t *testing.T) {
	for _, unit := range []string{
		mb("SET", "key:000000000000", "val:000000000000"),
		"SET key:000000000000 \"val 000000000000\"\r\n",
		mb("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"),
	} {
		r := NewReader(16 << 10)
		src := &repeatReader{data: []byte(unit)}
		next := func() {
			for {
				args, err := r.Parse()
				if err == nil {
					if len(args) < 3 {
						t.Fatalf("bad parse %q", args)
					}
					return
				}
				if err != ErrIncomplete {
					t.Fatal(err)
				}
				r.Fill(src)
			}
		}
		for i := 0; i < 1000; i++ { // warm up: buffers reach their steady size
			next()
		}
		if allocs := testing.AllocsPerRun(10000, next); allocs != 0 {
			t.Errorf("%q: %v allocations per command, want 0", unit, allocs)
		}
	}
}

func TestWrongArityAndUnknown(t *testing.T) {
	cases := []struct{ got, want string }{
		{WrongArity("get"), "ERR wrong number of arguments for 'get' command"},
		{WrongArity("GET"), "ERR wrong number of arguments for 'get' command"},
		{WrongArity("config|get"), "ERR wrong number of arguments for 'config|get' command"},
		{UnknownCommand("FOOBAR", [][]byte{[]byte("a"), []byte("b")}), "ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' "},
		{UnknownCommand("foobar", nil), "ERR unknown command 'foobar', with args beginning with: "},
		{UnknownCommand("Foo\r\nbar", [][]byte{[]byte("x\ny")}), "ERR unknown command 'Foo  bar', with args beginning with: 'x y' "},
		{UnknownCommand("nope", [][]byte{[]byte("q\x00w"), []byte("e")}), "ERR unknown command 'nope', with args beginning with: 'q' 'e' "},
		{UnknownCommand("n\x00ope", [][]byte{[]byte("z")}), "ERR unknown command 'n', with args beginning with: 'z' "},
		{UnknownCommand(strings.Repeat("x", 200), [][]byte{bytes.Repeat([]byte("a"), 200)}),
			"ERR unknown command '" + strings.Repeat("x", 128) + "', with args beginning with: '" + strings.Repeat("a", 128) + "' "},
		{UnknownCommand("nope", [][]byte{bytes.Repeat([]byte("a"), 100), bytes.Repeat([]byte("b"), 100), []byte("c")}),
			"ERR unknown command 'nope', with args beginning with: '" + strings.Repeat("a", 100) + "' '" + strings.Repeat("b", 25) + "' "},
		{UnknownCommand("nope", [][]byte{bytes.Repeat([]byte("a"), 125), []byte("b")}),
			"ERR unknown command 'nope', with args beginning with: '" + strings.Repeat("a", 125) + "' "},
		{UnknownSubcommand("FOO", "config"), "ERR unknown subcommand 'FOO'. Try CONFIG HELP."},
		{UnknownSubcommand("nosuch", "CLUSTER"), "ERR unknown subcommand 'nosuch'. Try CLUSTER HELP."},
		{SubcommandSyntax("GET", "slowlog"), "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
}

// ---- Differential tests against a real redis-server 7.0 ----

// startRedis starts redis-server with extra arguments (testutil.StartRedis) and returns its
// port.
func startRedis(t *testing.T, extra ...string) int {
	t.Helper()
	testutil.RedisServerPath(t)
	if testing.Short() {
		t.Skip("needs redis-server; skipped with -short")
	}
	return testutil.StartRedis(t, extra...).Port
}

// hangUpPort listens on a free loopback port and closes every connection.
func hangUpPort(t *testing.T) int {
	for attempt := 0; attempt < 10; attempt++ {
		port := testutil.FreePort(t)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		return port
	}
	t.Fatal("no free port")
	return 0
}

// exchange sends in on a fresh connection and returns everything redis answers, and whether
// it closed the connection (it does after a protocol error) within the idle timeout.
func exchange(t *testing.T, port int, in []byte, idle time.Duration) (reply []byte, closed bool) {
	t.Helper()
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	go c.Write(in) // redis may close before reading it all
	buf := make([]byte, 64<<10)
	for {
		c.SetReadDeadline(time.Now().Add(idle))
		n, err := c.Read(buf)
		reply = append(reply, buf[:n]...)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return reply, false
			}
			return reply, true // EOF or reset: closed
		}
	}
}

// simulate is what a server built on Reader answers to in when every command is unknown
// (so the reply echoes the parsed arguments), and whether it closes the connection.
func simulate(t *testing.T, in []byte, authenticated bool) (reply []byte, closed bool) {
	r := NewReader(64)
	r.Authenticated = authenticated
	cmds, perr := parseStream(t, r, bytes.NewReader(in))
	w := NewWriter(64)
	for _, cmd := range cmds {
		args := make([][]byte, len(cmd)-1)
		for i := range args {
			args[i] = []byte(cmd[i+1])
		}
		w.Error(UnknownCommand(cmd[0], args))
	}
	if perr != nil {
		w.Error(perr.Msg)
		return w.Bytes(), true
	}
	return w.Bytes(), false
}

// differential checks that redis and our parser agree on every input, in parallel.
func differential(t *testing.T, port int, authenticated bool, inputs map[string]string) {
	var mu sync.Mutex
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for name, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			wantReply, wantClosed := simulate(t, []byte(in), authenticated)
			idle := 400 * time.Millisecond
			if wantClosed {
				idle = 3 * time.Second // it will close: wait for it
			}
			got, closed := exchange(t, port, []byte(in), idle)
			if !bytes.Equal(got, wantReply) || closed != wantClosed {
				mu.Lock()
				t.Errorf("%s: input %q\nredis: %q closed=%v\nours:  %q closed=%v", name, trunc(in), got, closed, wantReply, wantClosed)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return s
}

// unknown rewrites the commands of a case so that redis answers each with "unknown command"
// (which quotes the arguments it parsed) instead of running it.
func unknown(s string) string {
	s = strings.ReplaceAll(s, "PING", "ZPNG")
	s = strings.ReplaceAll(s, "SET", "ZST")
	s = strings.ReplaceAll(s, "GET", "ZGT")
	s = strings.ReplaceAll(s, "set", "zst")
	s = strings.ReplaceAll(s, "ECHO", "ZCHO")
	s = strings.ReplaceAll(s, "MSET", "ZMST")
	s = strings.ReplaceAll(s, "AUTH", "ZATH")
	return s
}

func TestDifferentialProtocolErrors(t *testing.T) {
	port := startRedis(t)
	authPort := startRedis(t, "--requirepass", "pw")
	inputs := map[string]string{}
	authInputs := map[string]string{}
	for _, c := range errorCases {
		if c.unauth {
			authInputs[c.name] = unknown(c.in)
		} else {
			inputs[c.name] = unknown(c.in)
		}
	}
	for _, c := range inlineCases {
		inputs["inline "+c.line] = unknown("zz" + c.line + "\r\nzzend\r\n")
	}
	in, _ := pipeline()
	inputs["pipeline"] = unknown(in)
	differential(t, port, true, inputs)
	differential(t, authPort, false, authInputs)
}

// TestDifferentialRandom sends random, often corrupted, request streams to redis and to our
// parser and wants the same replies and the same decision to close.
func TestDifferentialRandom(t *testing.T) {
	port := startRedis(t)
	rng := rand.New(rand.NewSource(20240601))
	inputs := map[string]string{}
	for i := 0; i < 400; i++ {
		s := randomStream(rng)
		inputs[fmt.Sprintf("random %d", i)] = s
	}
	differential(t, port, true, inputs)
}

func randomStream(rng *rand.Rand) string {
	var b strings.Builder
	for n := 1 + rng.Intn(4); n > 0; n-- {
		args := []string{fmt.Sprintf("zq%d", rng.Intn(100))}
		for k := rng.Intn(4); k > 0; k-- {
			args = append(args, randomArg(rng))
		}
		switch rng.Intn(4) {
		case 0:
			b.WriteString(strings.Join(args, " ") + []string{"\n", "\r\n"}[rng.Intn(2)])
		case 1:
			b.WriteString("*0\r\n")
		default:
			b.WriteString(mb(args...))
		}
	}
	s := []byte(b.String())
	for m := rng.Intn(3); m > 0; m-- {
		i := rng.Intn(len(s))
		switch rng.Intn(4) {
		case 0: // a framing byte in place of another
			s[i] = "*$\r\n0123456789- \"'\\x\x00"[rng.Intn(18)]
		case 1: // drop a byte
			s = append(s[:i], s[i+1:]...)
		case 2: // insert one
			s = append(s[:i], append([]byte{"*$\r\n01-\" '\x00"[rng.Intn(11)]}, s[i:]...)...)
		case 3: // cut the stream
			s = s[:i]
		}
		if len(s) == 0 {
			s = []byte("\n")
		}
	}
	return string(s)
}

func randomArg(rng *rand.Rand) string {
	const alpha = "0123456789_:-{}\x00\r\n\" '\\x\xff\tab"
	b := make([]byte, rng.Intn(12))
	for i := range b {
		b[i] = alpha[rng.Intn(len(alpha))]
	}
	return string(b)
}

// ---- The shared error strings, provoked from real servers ----

// client is a minimal RESP client for the error-string test.
type client struct {
	t  *testing.T
	c  net.Conn
	rd *bufio.Reader
}

func dial(t *testing.T, port int) *client {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, c: c, rd: bufio.NewReader(c)}
}

// do sends one command and returns its reply's first line (an error keeps its text, without
// '-'; a bulk reply becomes its content).
func (cl *client) do(args ...string) string {
	cl.t.Helper()
	cl.c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := cl.c.Write([]byte(mb(args...))); err != nil {
		cl.t.Fatal(err)
	}
	return cl.read()
}

func (cl *client) read() string {
	cl.t.Helper()
	line, err := cl.rd.ReadString('\n')
	if err != nil {
		cl.t.Fatal(err)
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return "(nil)"
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(cl.rd, b); err != nil {
			cl.t.Fatal(err)
		}
		return string(b[:n])
	case '*':
		n, _ := strconv.Atoi(line[1:])
		parts := []string{}
		for i := 0; i < n; i++ {
			parts = append(parts, cl.read())
		}
		return "[" + strings.Join(parts, " ") + "]"
	case '-':
		return line[1:]
	}
	return line[1:]
}

// waitFor retries a command until its reply satisfies ok (cluster state changes are async).
func (cl *client) waitFor(ok func(string) bool, args ...string) string {
	cl.t.Helper()
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got = cl.do(args...); ok(got) {
			return got
		}
	}
	cl.t.Fatalf("%q: still %q", args, got)
	return got
}

func TestErrorStringsAgainstRedis(t *testing.T) {
	port := startRedis(t)
	r := dial(t, port)
	check := func(cl *client, want string, args ...string) {
		t.Helper()
		if got := cl.do(args...); got != want {
			t.Errorf("%q: redis says %q, we have %q", args, got, want)
		}
	}
	r.do("RPUSH", "list", "a")
	r.do("SET", "str", "v")
	r.do("SET", "max", "9223372036854775807")
	check(r, ErrWrongType, "GET", "list")
	check(r, ErrNotInteger, "INCR", "str")
	check(r, ErrNotFloat, "INCRBYFLOAT", "str", "1")
	check(r, ErrOverflow, "INCR", "max")
	check(r, ErrNoSuchKey, "RENAME", "nokey", "x")
	check(r, ErrSyntax, "SET", "k", "v", "BOGUS")
	check(r, ErrIndexRange, "LSET", "list", "5", "x")
	check(r, ErrSameObject, "MOVE", "list", "0")
	check(r, ErrNaNOrInf, "INCRBYFLOAT", "max", "inf")
	check(r, ErrDBIndexRange, "SELECT", "99")
	check(r, ErrNotPositive, "SPOP", "list", "-1")
	check(r, ErrBusyKey, "RESTORE", "str", "0", "\x00\x01x\x0a\x00\xd1\xa0\xe3\x8a\x81\x03\x3c\x9b")
	check(r, WrongArity("get"), "GET")
	check(r, WrongArity("config|get"), "CONFIG", "GET")
	check(r, WrongArity("config"), "CONFIG")
	check(r, UnknownSubcommand("foo", "config"), "config", "foo")
	check(r, UnknownSubcommand("NOSUCH", "client"), "CLIENT", "NOSUCH")
	check(r, SubcommandSyntax("GET", "slowlog"), "SLOWLOG", "GET", "1", "2")
	long := strings.Repeat("x", 200)
	for _, args := range [][]string{
		{"FOOBAR", "a", "b"}, {"foobar"}, {"Foo\r\nbar", "x\ny"}, {"nope", "q\x00w", "e"},
		{"n\x00ope", "z"}, {long, long}, {"nope", long[:100], long[:100], "c"},
		{"nope", long[:126], "b"}, {"nope", long[:125], "b"}, {"", ""}, {"nope", "\xc3\xa9\xff"},
	} {
		rest := make([][]byte, len(args)-1)
		for i := range rest {
			rest[i] = []byte(args[i+1])
		}
		check(r, UnknownCommand(args[0], rest), args...)
	}
	r.do("MULTI")
	r.do("NOPE")
	check(r, ErrExecAbort, "EXEC")
	r.do("CONFIG", "SET", "maxmemory", "1")
	check(r, ErrOOM, "SET", "x", "y")
	r.do("CONFIG", "SET", "maxmemory", "0")
	r.do("CONFIG", "SET", "min-replicas-to-write", "1")
	check(r, ErrNoReplicas, "SET", "x", "y")
	r.do("CONFIG", "SET", "min-replicas-to-write", "0")

	authPort := startRedis(t, "--requirepass", "pw")
	check(dial(t, authPort), ErrNoAuth, "GET", "x")

	// A replica of a "master" that hangs up on every connection.
	replica := dial(t, startRedis(t, "--replicaof", "127.0.0.1", strconv.Itoa(hangUpPort(t)),
		"--replica-serve-stale-data", "no"))
	check(replica, ErrReadOnly, "SET", "x", "y")
	check(replica, ErrMasterDown, "GET", "x")

	// Cluster mode: one node with every slot, then a second one to migrate a slot to.
	cport := startRedis(t, "--cluster-enabled", "yes")
	c := dial(t, cport)
	c.do("CLUSTER", "ADDSLOTSRANGE", "0", "16383")
	c.waitFor(func(s string) bool { return strings.Contains(s, "cluster_state:ok") }, "CLUSTER", "INFO")
	check(c, ErrCrossSlot, "MSET", "a", "1", "b", "2")
	c2port := startRedis(t, "--cluster-enabled", "yes")
	id2 := dial(t, c2port).do("CLUSTER", "MYID")
	c.do("CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(c2port))
	c.do("SET", "{t}a", "1")
	slot := c.do("CLUSTER", "KEYSLOT", "{t}a")
	c.waitFor(func(s string) bool { return s == "OK" }, "CLUSTER", "SETSLOT", slot, "MIGRATING", id2)
	check(c, ErrTryAgain, "MGET", "{t}a", "{t}b")
	c.do("CLUSTER", "SETSLOT", slot, "STABLE")
	// "06S" hashes to slot 0, "a" to 15495.
	c.do("CLUSTER", "DELSLOTS", "0")
	c.waitFor(func(s string) bool { return strings.Contains(s, "cluster_state:fail") }, "CLUSTER", "INFO")
	check(c, ErrClusterDown, "GET", "a")
	c.do("CONFIG", "SET", "cluster-allow-reads-when-down", "yes")
	check(c, ErrClusterDownUnbound, "GET", "06S")
	check(c, ErrClusterDownRO, "SET", "a", "1")
}

func TestHugeArgumentCountIsNotRetained(t *testing.T) {
	args := make([]string, 100000)
	for i := range args {
		args[i] = "x"
	}
	r := NewReader(0)
	cmds, perr := parseStream(t, r, strings.NewReader(mb(args...)+mb("PING")))
	if perr != nil || len(cmds) != 2 || len(cmds[0]) != len(args) {
		t.Fatalf("got %d commands, %v", len(cmds), perr)
	}
	if cap(r.args) > maxKeptArgs || cap(r.spans) > maxKeptArgs || len(r.buf) > 4*r.size {
		t.Errorf("kept args %d, spans %d, buffer %d after the huge command", cap(r.args), cap(r.spans), len(r.buf))
	}
}
