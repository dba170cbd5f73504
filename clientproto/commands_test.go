package clientproto

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/internal/testutil"
)

// ---- a real redis-server to compare with ----

// cmdRedis is a redis-server 7.0 started for one test, with a RESP2 and a RESP3 connection.
type cmdRedis struct {
	t     *testing.T
	conns [4]*testutil.Conn
}

func startCmdRedis(t *testing.T) *cmdRedis {
	t.Helper()
	p := testutil.StartRedis(t)
	r := &cmdRedis{t: t}
	for _, proto := range []int{2, 3} {
		c, err := testutil.Dial(p.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		r.conns[proto] = c
	}
	r.do(3, "HELLO", "3")
	return r
}

// do sends args on the proto connection and returns the raw reply.
func (r *cmdRedis) do(proto int, args ...string) []byte {
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	return r.doB(proto, bargs)
}

func (r *cmdRedis) doB(proto int, args [][]byte) []byte {
	r.t.Helper()
	sargs := make([]string, len(args))
	for i, a := range args {
		sargs[i] = string(a)
	}
	c := r.conns[proto]
	raw, err := c.Do(sargs...)
	if err != nil {
		r.t.Fatalf("%q: %v", args, err)
	}
	if _, end, ok := respParse(raw, 0); !ok || end != len(raw) {
		r.t.Fatalf("%q: reply %q does not parse", args, raw)
	}
	if c.Buffered() > 0 {
		r.t.Fatalf("%q: trailing bytes after the reply", args)
	}
	return raw
}

// ---- comparing replies up to Redis's random dict order ----

// respNode is a parsed reply with its byte span, so parts can be compared as raw bytes.
type respNode struct {
	typ              byte
	start, body, end int // header at start, payload from body, next value at end
	str              string
	kids             []*respNode
}

// respParse parses the RESP2/RESP3 value at b[i:]; ok is false if it is incomplete.
func respParse(b []byte, i int) (*respNode, int, bool) {
	if i >= len(b) {
		return nil, 0, false
	}
	e := bytes.Index(b[i:], []byte("\r\n"))
	if e < 0 {
		return nil, 0, false
	}
	n := &respNode{typ: b[i], start: i, body: i + e + 2}
	line := string(b[i+1 : i+e])
	n.end = n.body
	switch n.typ {
	case '$', '=', '!':
		l, _ := strconv.Atoi(line)
		if l < 0 {
			return n, n.end, true
		}
		if n.body+l+2 > len(b) {
			return nil, 0, false
		}
		n.str = string(b[n.body : n.body+l])
		n.end = n.body + l + 2
	case '*', '%', '~', '>':
		l, _ := strconv.Atoi(line)
		if n.typ == '%' {
			l *= 2
		}
		for j := 0; j < l; j++ {
			k, end, ok := respParse(b, n.end)
			if !ok {
				return nil, 0, false
			}
			n.kids = append(n.kids, k)
			n.end = end
		}
	default:
		n.str = line
	}
	return n, n.end, true
}

func rawOf(b []byte, n *respNode) []byte { return b[n.start:n.end] }

func joinSorted(parts [][]byte, sorted bool) []byte {
	if sorted {
		sort.Slice(parts, func(i, j int) bool { return bytes.Compare(parts[i], parts[j]) < 0 })
	}
	return bytes.Join(parts, nil)
}

// canonInfoList rewrites an array of COMMAND INFO entries with every container's subcommands
// in sorted order (and the entries themselves sorted when sortTop).
func canonInfoList(b []byte, n *respNode, sortTop bool) []byte {
	var parts [][]byte
	for _, k := range n.kids {
		parts = append(parts, canonInfoEntry(b, k))
	}
	return append(append([]byte(nil), b[n.start:n.body]...), joinSorted(parts, sortTop)...)
}

func canonInfoEntry(b []byte, n *respNode) []byte {
	if n.typ != '*' || len(n.kids) != 10 {
		return rawOf(b, n)
	}
	out := append([]byte(nil), b[n.start:n.kids[9].start]...)
	return append(out, canonInfoList(b, n.kids[9], true)...)
}

// canonDocsPairs rewrites a COMMAND DOCS map (name, docs, ...) with the subcommand maps in
// sorted order (and the pairs themselves sorted when sortTop).
func canonDocsPairs(b []byte, n *respNode, sortTop bool) []byte {
	var parts [][]byte
	for i := 0; i+1 < len(n.kids); i += 2 {
		p := append([]byte(nil), rawOf(b, n.kids[i])...)
		parts = append(parts, append(p, canonDocsMap(b, n.kids[i+1])...))
	}
	return append(append([]byte(nil), b[n.start:n.body]...), joinSorted(parts, sortTop)...)
}

func canonDocsMap(b []byte, n *respNode) []byte {
	out := append([]byte(nil), b[n.start:n.body]...)
	for i := 0; i+1 < len(n.kids); i += 2 {
		out = append(out, rawOf(b, n.kids[i])...)
		if n.kids[i].str == "subcommands" {
			out = append(out, canonDocsPairs(b, n.kids[i+1], true)...)
		} else {
			out = append(out, rawOf(b, n.kids[i+1])...)
		}
	}
	return out
}

func canon(b []byte, docs, sortTop bool) []byte {
	n, end, ok := respParse(b, 0)
	if !ok || end != len(b) || len(n.kids) == 0 && n.typ != '*' && n.typ != '%' {
		return b
	}
	if docs {
		return canonDocsPairs(b, n, sortTop)
	}
	return canonInfoList(b, n, sortTop)
}

func ours(proto int, write func(w *Writer)) []byte {
	w := NewWriter(1 << 10)
	w.Proto = proto
	write(w)
	return append([]byte(nil), w.Bytes()...)
}

func allFullNames() []string {
	var names []string
	for _, c := range commandTable {
		names = append(names, c.Name)
		for _, s := range c.subs {
			names = append(names, s.Name)
		}
	}
	return names
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(i-60, 0)
	return fmt.Sprintf("at byte %d:\n ours:  %q\n redis: %q", i, a[lo:min(i+80, len(a))], b[lo:min(i+80, len(b))])
}

// ---- tests against the real server ----

// TestCommandInfoAndDocsMatchRedis compares COMMAND INFO <name> and COMMAND DOCS <name> for
// every command and subcommand of the table, in RESP2 and RESP3. Replies of commands without
// subcommands must be byte-identical; a container's subcommands come in Redis's random dict
// order, so those are compared with the subcommand entries sorted.
func TestCommandInfoAndDocsMatchRedis(t *testing.T) {
	r := startCmdRedis(t)
	names := append(allFullNames(), "GET", "Client|List", "CONFIG", "nosuch", "get|x",
		"client|nosuch", "client|", "|list", "config|get|x", "")
	for _, proto := range []int{2, 3} {
		bad := 0
		for _, name := range names {
			c := LookupCommandFullName([]byte(name))
			strict := c == nil || !c.IsContainer()
			for _, docs := range []bool{false, true} {
				var want, got []byte
				if docs {
					want = r.do(proto, "COMMAND", "DOCS", name)
					got = ours(proto, func(w *Writer) { WriteCommandDocsReply(w, [][]byte{[]byte(name)}) })
				} else {
					want = r.do(proto, "COMMAND", "INFO", name)
					got = ours(proto, func(w *Writer) { WriteCommandInfoReply(w, [][]byte{[]byte(name)}) })
				}
				if bytes.Equal(got, want) {
					continue
				}
				if !strict && bytes.Equal(canon(got, docs, false), canon(want, docs, false)) {
					continue
				}
				if bad++; bad <= 5 {
					t.Errorf("RESP%d COMMAND %s %q differs %s", proto, map[bool]string{false: "INFO", true: "DOCS"}[docs],
						name, firstDiff(canon(got, docs, false), canon(want, docs, false)))
				}
			}
		}
		// Several names at once, unknown ones in between.
		args := []string{"get", "nosuch", "client", "set", "config|get"}
		bargs := make([][]byte, len(args))
		for i, a := range args {
			bargs[i] = []byte(a)
		}
		want := r.do(proto, append([]string{"COMMAND", "INFO"}, args...)...)
		got := ours(proto, func(w *Writer) { WriteCommandInfoReply(w, bargs) })
		if !bytes.Equal(canon(got, false, false), canon(want, false, false)) {
			t.Errorf("RESP%d COMMAND INFO %v %s", proto, args, firstDiff(got, want))
		}
		want = r.do(proto, append([]string{"COMMAND", "DOCS"}, args...)...)
		got = ours(proto, func(w *Writer) { WriteCommandDocsReply(w, bargs) })
		if !bytes.Equal(canon(got, true, false), canon(want, true, false)) {
			t.Errorf("RESP%d COMMAND DOCS %v %s", proto, args, firstDiff(got, want))
		}
	}
}

// TestCommandInfoByteExact spells out the byte-for-byte check for a few commands.
func TestCommandInfoByteExact(t *testing.T) {
	r := startCmdRedis(t)
	for _, proto := range []int{2, 3} {
		for _, name := range []string{"get", "set", "client|list", "zadd", "xreadgroup", "migrate"} {
			want := r.do(proto, "COMMAND", "INFO", name)
			got := ours(proto, func(w *Writer) { WriteCommandInfo(w, LookupCommandFullName([]byte(name))) })
			if !bytes.Equal(append([]byte("*1\r\n"), got...), want) {
				t.Errorf("RESP%d COMMAND INFO %s %s", proto, name, firstDiff(append([]byte("*1\r\n"), got...), want))
			}
		}
		// Containers: only the order of the subcommands may differ.
		for _, name := range []string{"cluster", "config", "client", "object"} {
			want := r.do(proto, "COMMAND", "INFO", name)
			got := append([]byte("*1\r\n"), ours(proto, func(w *Writer) { WriteCommandInfo(w, LookupCommand([]byte(name))) })...)
			if !bytes.Equal(got, want) && !bytes.Equal(canon(got, false, false), canon(want, false, false)) {
				t.Errorf("RESP%d COMMAND INFO %s %s", proto, name, firstDiff(canon(got, false, false), canon(want, false, false)))
			}
		}
	}
}

// TestCommandTableMatchesRedis compares COMMAND, COMMAND INFO, COMMAND DOCS, COMMAND COUNT and
// COMMAND LIST with its filters as a whole.
func TestCommandTableMatchesRedis(t *testing.T) {
	r := startCmdRedis(t)
	for _, proto := range []int{2, 3} {
		for _, args := range [][]string{{"COMMAND"}, {"COMMAND", "INFO"}} {
			want := r.do(proto, args...)
			got := ours(proto, WriteCommandTable)
			if !bytes.Equal(canon(got, false, true), canon(want, false, true)) {
				t.Errorf("RESP%d %v %s", proto, args, firstDiff(canon(got, false, true), canon(want, false, true)))
			}
		}
		want := r.do(proto, "COMMAND", "DOCS")
		got := ours(proto, func(w *Writer) { WriteCommandDocsReply(w, nil) })
		if !bytes.Equal(canon(got, true, true), canon(want, true, true)) {
			t.Errorf("RESP%d COMMAND DOCS %s", proto, firstDiff(canon(got, true, true), canon(want, true, true)))
		}
		want = r.do(proto, "COMMAND", "COUNT")
		got = ours(proto, func(w *Writer) { w.Int(int64(CommandCount())) })
		if !bytes.Equal(got, want) {
			t.Errorf("RESP%d COMMAND COUNT: ours %q, redis %q", proto, got, want)
		}
	}
	for _, filter := range [][]string{
		{},
		{"FILTERBY", "ACLCAT", "read"}, {"filterby", "aclcat", "WRITE"}, {"FILTERBY", "ACLCAT", "@read"},
		{"FILTERBY", "ACLCAT", "nosuch"}, {"FILTERBY", "ACLCAT", "dangerous"},
		{"FILTERBY", "MODULE", "x"},
		{"FILTERBY", "PATTERN", "cl*"}, {"FILTERBY", "PATTERN", "*|get*"}, {"FILTERBY", "PATTERN", "CONFIG*"},
		{"FILTERBY", "PATTERN", "?et"}, {"FILTERBY", "PATTERN", "c[l-o]*"}, {"FILTERBY", "PATTERN", "[^a-x]*"},
		{"FILTERBY", "PATTERN", "*[z-x]"}, {"FILTERBY", "PATTERN", "x\\*"}, {"FILTERBY", "PATTERN", "[s"},
		{"FILTERBY", "PATTERN", "*e*t*"}, {"FILTERBY", "PATTERN", "[\\g]et"}, {"FILTERBY", "PATTERN", "*"},
		{"FILTERBY", "PATTERN", "ge\\t"}, {"FILTERBY", "PATTERN", "*|*"}, {"FILTERBY", "PATTERN", "**s**"},
		{"FILTERBY", "PATTERN", "[a"}, {"FILTERBY", "PATTERN", "z[^"}, {"FILTERBY", "PATTERN", "[]"},
		{"FILTERBY", "PATTERN", "[\x80-z]et"}, {"FILTERBY", "PATTERN", "[\xff-z]et"}, {"FILTERBY", "PATTERN", "[z-\xfe]et"},
		{"FILTERBY"}, {"FILTERBY", "PATTERN"}, {"FILTERBY", "bogus", "x"}, {"FILTERBY", "PATTERN", "x", "y"},
		{"x", "FILTERBY", "PATTERN", "y"},
	} {
		want := r.do(2, append([]string{"COMMAND", "LIST"}, filter...)...)
		bargs := make([][]byte, len(filter))
		for i, a := range filter {
			bargs[i] = []byte(a)
		}
		got := ours(2, func(w *Writer) { WriteCommandListReply(w, bargs) })
		if g, w := sortedBulks(got), sortedBulks(want); g != w {
			t.Errorf("COMMAND LIST %v:\n ours  %.300s\n redis %.300s", filter, g, w)
		}
	}
}

// sortedBulks lists the elements of an array reply sorted (COMMAND LIST order is Redis's dict
// order); other replies are returned as they are.
func sortedBulks(b []byte) string {
	n, _, ok := respParse(b, 0)
	if !ok || n.typ != '*' {
		return string(b)
	}
	var s []string
	for _, k := range n.kids {
		s = append(s, k.str)
	}
	sort.Strings(s)
	return fmt.Sprintf("%d %q", len(s), s)
}

// keySamples are commands whose keys need more than a fixed range, checked with COMMAND
// GETKEYS and GETKEYSANDFLAGS.
var keySamples = []string{
	"get k", "set k v", "set k v get", "set k v GET", "set k v ex 10 get", "mset a 1 b 2 c 3", "mset a 1 b",
	"del a b c", "rename a b", "object encoding k", "memory usage k", "memory usage k samples 5",
	"zunionstore d 2 a b", "zunionstore d 2 a b weights 1 2", "zunionstore d 0 a", "zunionstore d 3 a b",
	"zunionstore d -1 a", "zunionstore d x a", "zunionstore d 02 a b", "zunionstore d 4294967298 a b",
	"zinterstore d 1 a", "zdiffstore d 2 a b", "zunion 2 a b", "zinter 2 a b withscores", "zdiff 1 a",
	"zinter 2 a", "zintercard 2 a b", "zintercard 2 a b limit 5", "sintercard 3 a b c", "sintercard 0 a",
	"lmpop 2 a b left", "lmpop 2 a b left count 3", "lmpop 1 a", "blmpop 0 2 a b left", "zmpop 1 a min",
	"bzmpop 1.5 2 a b max count 2", "blmpop 0 5 a b left",
	"eval s 0", "eval s 2 a b c d", "eval s 3 a b", "eval s -1", "eval s x", "evalsha s 1 a",
	"eval_ro s 1 a b", "evalsha_ro s 2 a b", "fcall f 2 a b x", "fcall f 0 x", "fcall_ro f 1 a",
	"eval s ' 2' a b", "eval s 2abc a b c",
	"sort k", "sort k store d", "sort k by w store d", "sort k limit 0 10 store d", "sort k store",
	"sort k store d store e", "sort k get # get x store d", "sort k limit store d", "sort k by store d",
	"sort_ro k by w get x", "sort k STORE d ALPHA", "sort k limit 0 store d", "sort k get store d",
	"sort k by by store d", "sort k store limit 0 1", "sort k store store d",
	"migrate h 6379 k 0 1000", "migrate h 6379 \"\" 0 1000 keys a b c", "migrate h 6379 k 0 1000 keys a b",
	"migrate h 6379 \"\" 0 1000 copy replace keys a", "migrate h 6379 \"\" 0 1000 auth p keys a b",
	"migrate h 6379 \"\" 0 1000 auth2 u p keys a", "migrate h 6379 \"\" 0 1000 auth keys keys a",
	"migrate h 6379 \"\" 0 1000", "migrate h 6379 \"\" 0 1000 keys",
	"xread streams a b 1 2", "xread count 5 block 0 streams a 1", "xread streams a b 1",
	"xread streams streams streams 1 2", "xread count 5 streams", "xread bogus streams a 1",
	"xreadgroup group g c streams a 1", "xreadgroup group g c count 1 noack streams a b 1 2",
	"xreadgroup group streams c streams a 1", "xreadgroup group g c streams a",
	"georadius k 0 0 1 km", "georadius k 0 0 1 km store d", "georadius k 0 0 1 km storedist d",
	"georadius k 0 0 1 km store d storedist e", "georadius k 0 0 1 km store",
	"georadiusbymember k m 1 km store d", "georadius_ro k 0 0 1 km",
	"bitfield k get u8 0", "bitfield k set u8 0 1", "bitfield k overflow sat get u8 0", "bitfield k incrby",
	"bitfield_ro k get u8 0",
	"spublish ch msg", "publish ch msg", "ssubscribe a b", "ping", "config get x", "client list",
	"lcs a b", "smove a b m", "blmove a b left right 0", "brpop a b 0", "xinfo stream k", "xinfo groups k",
	"object freq k", "pfcount a b", "pfmerge d a b", "msetnx a 1 b 2", "watch a b", "exists a b c",
	"georadius k 0 0 1 km STORE d", "nosuch a", "get", "get a b", "debug object k",
}

// splitSample splits a sample on spaces; "" stands for an empty argument and ' x' for " x".
func splitSample(s string) [][]byte {
	var args [][]byte
	for len(s) > 0 {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if s[0] == '"' || s[0] == '\'' {
			q := s[0]
			end := strings.IndexByte(s[1:], q) + 1
			args = append(args, []byte(s[1:end]))
			s = s[end+1:]
			continue
		}
		f, rest, _ := strings.Cut(s, " ")
		args = append(args, []byte(f))
		s = rest
	}
	return args
}

// sweepSamples builds argument lists for every command and subcommand: argument counts
// around the arity, filled with distinct names, with numbers, and with each key spec's
// keyword in every position.
func sweepSamples() [][][]byte {
	var out [][][]byte
	for _, name := range allFullNames() {
		c := LookupCommandFullName([]byte(name))
		if c.IsContainer() {
			continue
		}
		prefix := strings.Split(name, "|")
		least := c.Arity
		if least < 0 {
			least = -least
		}
		counts := []int{least, least + 1}
		if c.Arity < 0 {
			counts = append(counts, least+2, least+3, least+5)
		}
		var keywords []string
		for _, ks := range c.KeySpecs {
			if ks.Keyword != "" {
				keywords = append(keywords, ks.Keyword, strings.ToLower(ks.Keyword))
			}
		}
		for _, argc := range counts {
			if argc < len(prefix) {
				continue
			}
			fills := []func(i int) string{
				func(i int) string { return "k" + strconv.Itoa(i) },
				func(i int) string { return "1" },
				func(i int) string { return "2" },
				func(i int) string { return strconv.Itoa(i % 3) },
				func(i int) string { return "-1" },
			}
			for _, kw := range keywords {
				for at := len(prefix); at < argc; at++ {
					fills = append(fills, func(i int) string {
						if i == at {
							return kw
						}
						return "k" + strconv.Itoa(i)
					})
				}
			}
			for _, fill := range fills {
				args := make([][]byte, argc)
				for i := range args {
					if i < len(prefix) {
						args[i] = []byte(prefix[i])
					} else {
						args[i] = []byte(fill(i))
					}
				}
				out = append(out, args)
			}
		}
	}
	return out
}

// TestKeyPositionsMatchRedis checks KeyPositions and KeysAndFlags against the real server's
// COMMAND GETKEYS and GETKEYSANDFLAGS, replies compared byte for byte (errors included).
func TestKeyPositionsMatchRedis(t *testing.T) {
	r := startCmdRedis(t)
	var samples [][][]byte
	for _, s := range keySamples {
		samples = append(samples, splitSample(s))
	}
	samples = append(samples, sweepSamples()...)
	bad := 0
	for _, args := range samples {
		if len(args) < 2 {
			continue // COMMAND GETKEYS's own arity (-4) is the dispatcher's business
		}
		for _, flags := range []bool{false, true} {
			sub := "GETKEYS"
			if flags {
				sub = "GETKEYSANDFLAGS"
			}
			proto := 2
			if flags {
				proto = 3
			}
			want := r.doB(proto, append([][]byte{[]byte("COMMAND"), []byte(sub)}, args...))
			got := ours(proto, func(w *Writer) { WriteCommandGetKeys(w, args, flags) })
			if !bytes.Equal(got, want) {
				if bad++; bad <= 10 {
					t.Errorf("COMMAND %s %q:\n ours  %q\n redis %q", sub, args, got, want)
				}
			}
		}
		// KeyPositions is KeysAndFlags without the flags.
		c := LookupCommand(args[0])
		if c.IsContainer() && len(args) > 1 {
			c = c.LookupSub(args[1])
		}
		pos := KeyPositions(c, args, nil)
		refs := KeysAndFlags(c, args, nil)
		if len(pos) != len(refs) {
			t.Fatalf("%q: KeyPositions %v, KeysAndFlags %v", args, pos, refs)
		}
		for i := range pos {
			if pos[i] != refs[i].Pos {
				t.Fatalf("%q: KeyPositions %v, KeysAndFlags %v", args, pos, refs)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d samples differ", bad, 2*len(samples))
	}
	t.Logf("%d GETKEYS/GETKEYSANDFLAGS samples compared", 2*len(samples))
}

// ---- tests of our own ----

func TestCommandTableShape(t *testing.T) {
	if genVersion != "7.0.15" {
		t.Errorf("table generated from %s", genVersion)
	}
	if len(commandTable) != 240 || len(allFullNames()) != 366 {
		t.Errorf("%d commands, %d with subcommands; want 240, 366", len(commandTable), len(allFullNames()))
	}
	get := LookupCommand([]byte("GeT"))
	if get == nil || get.Name != "get" || get.Arity != 2 || get.Flags != FlagReadonly|FlagFast ||
		get.FirstKey != 1 || get.LastKey != 1 || get.Step != 1 ||
		strings.Join(get.ACLCategories, " ") != "@read @string @fast" ||
		strings.Join(get.FlagNames, " ") != "readonly fast" {
		t.Errorf("get: %+v", get)
	}
	cl := LookupCommand([]byte("client")).LookupSub([]byte("LIST"))
	if cl == nil || cl.Name != "client|list" || cl.Parent != LookupCommand([]byte("client")) || cl.Arity != -2 {
		t.Errorf("client|list: %+v", cl)
	}
	if LookupCommand([]byte("client|list")) != nil || LookupCommand([]byte("nosuch")) != nil ||
		LookupCommand(bytes.Repeat([]byte("a"), 100)) != nil || LookupCommand(nil) != nil {
		t.Error("LookupCommand found what is not a top-level command")
	}
	if LookupCommand([]byte("get")).LookupSub([]byte("x")) != nil {
		t.Error("LookupSub on a plain command")
	}
	for _, n := range mayReplicate {
		if LookupCommand([]byte(n)).Flags&FlagMayReplicate == 0 {
			t.Errorf("%s lacks FlagMayReplicate", n)
		}
	}
	if LookupCommand([]byte("set")).Flags&FlagMayReplicate != 0 {
		t.Error("set has FlagMayReplicate")
	}
	x := LookupCommand([]byte("xreadgroup")).KeySpecs
	if len(x) != 1 || x[0].BeginSearch != SearchKeyword || x[0].Keyword != "STREAMS" || x[0].StartFrom != 4 ||
		x[0].FindKeys != FindRange || x[0].LastKey != -1 || x[0].KeyStep != 1 || x[0].Limit != 2 ||
		x[0].Flags != KeyRO|KeyAccess {
		t.Errorf("xreadgroup key specs: %+v", x)
	}
	if !LookupCommand([]byte("eval")).HasKeys() || LookupCommand([]byte("spublish")).HasKeys() ||
		LookupCommand([]byte("ping")).HasKeys() {
		t.Error("HasKeys")
	}
	if !LookupCommand([]byte("get")).HasACLCategory("READ") || LookupCommand([]byte("get")).HasACLCategory("@read") {
		t.Error("HasACLCategory")
	}
}

// TestStoredRepliesRoundTrip re-emits every stored INFO and DOCS tree in RESP3 and checks it
// gives the generated bytes back.
func TestStoredRepliesRoundTrip(t *testing.T) {
	for i := range genCommands {
		g := &genCommands[i]
		c := LookupCommandFullName([]byte(g.name))
		if c == nil {
			t.Fatalf("%s not found by its full name", g.name)
		}
		info, docs := c.InfoReply(), c.DocsReply()
		if got := ours(3, info.Write); string(got) != g.info {
			t.Errorf("%s INFO %s", g.name, firstDiff(got, []byte(g.info)))
		}
		if got := ours(3, docs.Write); string(got) != g.docs {
			t.Errorf("%s DOCS %s", g.name, firstDiff(got, []byte(g.docs)))
		}
	}
}

func TestSetImplemented(t *testing.T) {
	defer SetImplemented(allFullNames())
	SetImplemented([]string{"GET", "client|list", "client|id", "config", "nosuch", "set|x"})
	if CommandCount() != 3 || len(Commands()) != 3 {
		t.Fatalf("count %d", CommandCount())
	}
	if !LookupCommand([]byte("client")).Implemented() || LookupCommandFullName([]byte("client|kill")).Implemented() ||
		!LookupCommandFullName([]byte("config|set")).Implemented() || LookupCommand([]byte("set")).Implemented() {
		t.Error("Implemented")
	}
	got := ours(2, func(w *Writer) { WriteCommandListReply(w, nil) })
	want := "*10\r\n$6\r\nclient\r\n$9\r\nclient|id\r\n$11\r\nclient|list\r\n$6\r\nconfig\r\n$10\r\nconfig|get\r\n" +
		"$11\r\nconfig|help\r\n$16\r\nconfig|resetstat\r\n$14\r\nconfig|rewrite\r\n$10\r\nconfig|set\r\n$3\r\nget\r\n"
	if string(got) != want {
		t.Errorf("COMMAND LIST: %q", got)
	}
	got = ours(2, func(w *Writer) {
		WriteCommandInfoReply(w, [][]byte{[]byte("set"), []byte("client|kill"), []byte("get")})
	})
	if !bytes.HasPrefix(got, []byte("*3\r\n$-1\r\n$-1\r\n*10\r\n$3\r\nget\r\n")) {
		t.Errorf("COMMAND INFO: %q", got)
	}
	got = ours(3, func(w *Writer) { WriteCommandInfo(w, LookupCommand([]byte("client"))) })
	n, _, _ := respParse(got, 0)
	if len(n.kids[9].kids) != 2 || n.kids[9].kids[0].kids[0].str != "client|id" {
		t.Errorf("client subcommands: %q", got)
	}
	got = ours(3, func(w *Writer) {
		WriteCommandDocsReply(w, [][]byte{[]byte("set"), []byte("client"), []byte("get")})
	})
	if n, _, _ := respParse(got, 0); len(n.kids) != 4 || n.kids[0].str != "client" || n.kids[2].str != "get" {
		t.Errorf("COMMAND DOCS: %q", got)
	}
	got = ours(2, func(w *Writer) { WriteCommandGetKeys(w, splitSample("set k v"), false) })
	if string(got) != "-ERR Invalid command specified\r\n" {
		t.Errorf("GETKEYS of an unimplemented command: %q", got)
	}
}

func TestLookupAndKeyPositionsDoNotAllocate(t *testing.T) {
	get := []byte("GET")
	cl, list := []byte("Client"), []byte("LiSt")
	full := []byte("config|GET")
	args := splitSample("zunionstore d 3 a b c weights 1 2 3")
	xargs := splitSample("xreadgroup group g c count 1 streams a b c 1 2 3")
	sargs := splitSample("sort k by w get x store d")
	zu, xr, so := LookupCommand(args[0]), LookupCommand(xargs[0]), LookupCommand(sargs[0])
	dst := make([]int, 0, 16)
	refs := make([]KeyRef, 0, 16)
	n := testing.AllocsPerRun(100, func() {
		if LookupCommand(get) == nil || LookupCommand(cl).LookupSub(list) == nil || LookupCommandFullName(full) == nil {
			panic("lookup")
		}
		if len(KeyPositions(zu, args, dst[:0])) != 4 || len(KeyPositions(xr, xargs, dst[:0])) != 3 ||
			len(KeyPositions(so, sargs, dst[:0])) != 2 || len(KeysAndFlags(so, sargs, refs[:0])) != 2 {
			panic("keys")
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

func TestHelpers(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{{"2", 2}, {" 2", 2}, {"2abc", 2}, {"-3", -3}, {"+4", 4}, {"x", 0}, {"", 0},
		{"4294967298", 2}, {"99999999999999999999", -1}, {"-99999999999999999999", 0}, {"\t\n 7", 7}} {
		if got := cAtoi([]byte(c.in)); got != c.want {
			t.Errorf("cAtoi(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in string
		v  int64
		ok bool
	}{{"0", 0, true}, {"12", 12, true}, {"-12", -12, true}, {"012", 0, false}, {"-0", 0, false},
		{"+1", 0, false}, {" 1", 0, false}, {"9223372036854775807", 1<<63 - 1, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775808", -1 << 63, true}, {"", 0, false}, {"-", 0, false}} {
		if v, ok := numconv.ParseInt([]byte(c.in)); v != c.v || ok != c.ok {
			t.Errorf("numconv.ParseInt(%q) = %d, %v", c.in, v, ok)
		}
	}
	if !cEqualFold([]byte("STREAMS\x00x"), "streams") || cEqualFold([]byte("stream"), "streams") {
		t.Error("cEqualFold")
	}
}
