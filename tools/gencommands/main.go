// Command gencommands writes clientproto/commands_gen.go: the command table of a real
// redis-server 7.0, taken from its own COMMAND and COMMAND DOCS replies, so that rcnode's
// COMMAND output, arity, flags and key positions are byte-identical to Redis.
//
// It starts redis-server on a free loopback port (or uses -addr), switches to RESP3 with
// HELLO 3, reads COMMAND and COMMAND DOCS with its own order- and type-preserving RESP3
// parser, checks that re-encoding each reply gives back the server's exact bytes, and writes
// one row per command and subcommand. Run it through `go generate ./clientproto`.
//
// It deliberately does not import clientproto: the table must be regenerable even when the
// generated file is stale or missing.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "", "use the redis-server at host:port instead of starting one")
	server := flag.String("server", "redis-server", "redis-server binary to start when -addr is empty")
	ports := flag.String("ports", "7800-7899", "loopback port range to start redis-server in")
	out := flag.String("out", "commands_gen.go", "file to write")
	flag.Parse()
	if err := run(*addr, *server, *ports, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencommands:", err)
		os.Exit(1)
	}
}

func run(addr, server, ports, out string) error {
	if addr == "" {
		a, stop, err := startServer(server, ports)
		if err != nil {
			return err
		}
		defer stop()
		addr = a
	}
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.close()

	hello, _, err := c.do("HELLO", "3")
	if err != nil {
		return err
	}
	version := mapGet(hello, "version").str
	if !strings.HasPrefix(version, "7.0.") {
		return fmt.Errorf("redis-server %s at %s: want 7.0.x", version, addr)
	}
	info, infoRaw, err := c.do("COMMAND")
	if err != nil {
		return err
	}
	docs, docsRaw, err := c.do("COMMAND", "DOCS")
	if err != nil {
		return err
	}
	count, _, err := c.do("COMMAND", "COUNT")
	if err != nil {
		return err
	}
	list, _, err := c.do("COMMAND", "LIST")
	if err != nil {
		return err
	}
	// The parser must not lose anything: re-encoding gives the server's bytes back.
	if !bytes.Equal(encode(nil, info), infoRaw) || !bytes.Equal(encode(nil, docs), docsRaw) {
		return errors.New("re-encoded COMMAND / COMMAND DOCS differ from the server's bytes")
	}

	rows, err := buildRows(info, docs)
	if err != nil {
		return err
	}
	tops := 0
	for _, r := range rows {
		if !strings.Contains(r.name, "|") {
			tops++
		}
	}
	if int64(tops) != count.n || len(rows) != len(list.elems) {
		return fmt.Errorf("table has %d commands (%d with subcommands), server says COUNT %d, LIST %d",
			tops, len(rows), count.n, len(list.elems))
	}
	src, err := render(rows, version)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return err
	}
	fmt.Printf("gencommands: %s: %d commands, %d with subcommands, from redis-server %s\n",
		out, tops, len(rows), version)
	return nil
}

// ---- redis-server process ----

func startServer(bin, ports string) (addr string, stop func(), err error) {
	lo, hi, err := parseRange(ports)
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "gencommands")
	if err != nil {
		return "", nil, err
	}
	for p := lo; p <= hi; p++ {
		a := net.JoinHostPort("127.0.0.1", strconv.Itoa(p))
		l, err := net.Listen("tcp", a)
		if err != nil {
			continue // taken
		}
		l.Close()
		cmd := exec.Command(bin, "--port", strconv.Itoa(p), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir, "--logfile", "")
		if err := cmd.Start(); err != nil {
			os.RemoveAll(dir)
			return "", nil, err
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		kill := func() {
			cmd.Process.Kill()
			<-exited
			os.RemoveAll(dir)
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-exited:
				deadline = time.Time{} // lost the port race or failed: try the next port
				continue
			default:
			}
			if c, err := net.DialTimeout("tcp", a, 200*time.Millisecond); err == nil {
				c.Close()
				return a, kill, nil
			}
			time.Sleep(20 * time.Millisecond)
		}
		kill()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, err
		}
	}
	os.RemoveAll(dir)
	return "", nil, fmt.Errorf("could not start %s on a free port in %s", bin, ports)
}

func parseRange(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || lo > hi {
		return 0, 0, fmt.Errorf("bad port range %q", s)
	}
	return lo, hi, nil
}

// ---- a tiny RESP3 client ----

type client struct {
	c  net.Conn
	rd *bufio.Reader
}

func dial(addr string) (*client, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &client{c: c, rd: bufio.NewReaderSize(c, 1<<16)}, nil
}

func (c *client) close() { c.c.Close() }

// do sends a command and returns its reply, parsed and raw.
func (c *client) do(args ...string) (*node, []byte, error) {
	var b []byte
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, "\r\n"...)
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, "\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	c.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.c.Write(b); err != nil {
		return nil, nil, err
	}
	var raw []byte
	for {
		n, used, err := parse(raw, 0)
		if err == nil {
			if used != len(raw) {
				return nil, nil, errors.New("trailing bytes after reply")
			}
			if n.kind == '-' {
				return nil, nil, fmt.Errorf("%s: %s", strings.Join(args, " "), n.str)
			}
			return n, raw, nil
		}
		if err != errShort {
			return nil, nil, err
		}
		chunk := make([]byte, 1<<16)
		k, rerr := c.rd.Read(chunk)
		raw = append(raw, chunk[:k]...)
		if rerr != nil {
			return nil, nil, rerr
		}
	}
}

// node is one RESP3 value. Aggregates keep their elements in wire order; a map's elements
// are its keys and values alternating.
type node struct {
	kind  byte // the RESP3 type byte: * % ~ > $ + - : _ , # = (
	str   string
	n     int64
	elems []*node
}

var errShort = errors.New("incomplete reply")

// parse decodes one value at b[i:] and returns it with the index just past it.
func parse(b []byte, i int) (*node, int, error) {
	if i >= len(b) {
		return nil, 0, errShort
	}
	end := bytes.Index(b[i:], []byte("\r\n"))
	if end < 0 {
		return nil, 0, errShort
	}
	kind, line := b[i], string(b[i+1:i+end])
	next := i + end + 2
	nd := &node{kind: kind}
	switch kind {
	case '+', '-', ',', '(':
		nd.str = line
	case '#':
		if line != "t" && line != "f" {
			return nil, 0, fmt.Errorf("bad boolean %q", line)
		}
		nd.str = line
	case '_':
		if line != "" {
			return nil, 0, fmt.Errorf("bad null %q", line)
		}
	case ':':
		v, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return nil, 0, err
		}
		nd.n = v
	case '$', '=':
		l, err := strconv.Atoi(line)
		if err != nil || l < -1 {
			return nil, 0, fmt.Errorf("bad length %q", line)
		}
		if l == -1 && kind == '$' {
			return &node{kind: '_'}, next, nil // RESP2 null; never seen after HELLO 3
		}
		if next+l+2 > len(b) {
			return nil, 0, errShort
		}
		if b[next+l] != '\r' || b[next+l+1] != '\n' {
			return nil, 0, errors.New("bulk string not terminated by CRLF")
		}
		nd.str = string(b[next : next+l])
		next += l + 2
	case '*', '%', '~', '>':
		l, err := strconv.Atoi(line)
		if err != nil || l < -1 {
			return nil, 0, fmt.Errorf("bad length %q", line)
		}
		if l == -1 {
			return &node{kind: '_'}, next, nil
		}
		if kind == '%' {
			l *= 2
		}
		nd.elems = make([]*node, 0, l)
		for j := 0; j < l; j++ {
			e, n, err := parse(b, next)
			if err != nil {
				return nil, 0, err
			}
			nd.elems = append(nd.elems, e)
			next = n
		}
	default:
		return nil, 0, fmt.Errorf("unknown RESP type byte %q", kind)
	}
	return nd, next, nil
}

// encode appends the RESP3 encoding of n.
func encode(b []byte, n *node) []byte {
	b = append(b, n.kind)
	switch n.kind {
	case '+', '-', ',', '(', '#':
		b = append(b, n.str...)
	case '_':
	case ':':
		b = strconv.AppendInt(b, n.n, 10)
	case '$', '=':
		b = strconv.AppendInt(b, int64(len(n.str)), 10)
		b = append(b, "\r\n"...)
		b = append(b, n.str...)
	case '*', '%', '~', '>':
		l := len(n.elems)
		if n.kind == '%' {
			l /= 2
		}
		b = strconv.AppendInt(b, int64(l), 10)
		b = append(b, "\r\n"...)
		for _, e := range n.elems {
			b = encode(b, e)
		}
		return b
	}
	return append(b, "\r\n"...)
}

func mapGet(m *node, key string) *node {
	if m != nil && m.kind == '%' {
		for i := 0; i+1 < len(m.elems); i += 2 {
			if m.elems[i].str == key {
				return m.elems[i+1]
			}
		}
	}
	return &node{kind: '_'}
}

// ---- the table ----

type row struct {
	name              string
	arity             int64
	flags             []string
	first, last, step int64
	acl               []string
	info, docs        []byte
}

// flagConsts maps every flag COMMAND 7.0 can report (addReplyFlagsForCommand) to its constant.
var flagConsts = map[string]string{
	"write": "FlagWrite", "readonly": "FlagReadonly", "denyoom": "FlagDenyOOM",
	"module": "FlagModule", "admin": "FlagAdmin", "pubsub": "FlagPubsub",
	"noscript": "FlagNoScript", "blocking": "FlagBlocking", "loading": "FlagLoading",
	"stale": "FlagStale", "skip_monitor": "FlagSkipMonitor", "skip_slowlog": "FlagSkipSlowlog",
	"asking": "FlagAsking", "fast": "FlagFast", "no_auth": "FlagNoAuth",
	"no_mandatory_keys": "FlagNoMandatoryKeys", "no_async_loading": "FlagNoAsyncLoading",
	"no_multi": "FlagNoMulti", "movablekeys": "FlagMovableKeys", "allow_busy": "FlagAllowBusy",
}

func buildRows(info, docs *node) ([]row, error) {
	if info.kind != '*' || docs.kind != '%' {
		return nil, errors.New("COMMAND is not an array or COMMAND DOCS not a map")
	}
	docsOf := map[string]*node{}
	for i := 0; i < len(docs.elems); i += 2 {
		docsOf[docs.elems[i].str] = docs.elems[i+1]
	}
	var rows []row
	var add func(in *node, docs *node, parent string) error
	add = func(in *node, d *node, parent string) error {
		if in.kind != '*' || len(in.elems) != 10 {
			return errors.New("COMMAND entry is not an array of 10")
		}
		name := in.elems[0].str
		if d == nil || d.kind != '%' {
			return fmt.Errorf("%s: no COMMAND DOCS entry", name)
		}
		r := row{name: name, arity: in.elems[1].n, first: in.elems[3].n, last: in.elems[4].n,
			step: in.elems[5].n}
		for _, f := range in.elems[2].elems {
			if flagConsts[f.str] == "" {
				return fmt.Errorf("%s: unknown command flag %q", name, f.str)
			}
			r.flags = append(r.flags, f.str)
		}
		for _, c := range in.elems[6].elems {
			r.acl = append(r.acl, c.str)
		}
		// A container's subcommands become rows of their own; its entries keep an empty
		// subcommand array (COMMAND) / map (DOCS) that clientproto fills from those rows.
		subs := in.elems[9]
		var subDocs *node
		if subs.kind == '*' {
			if parent != "" {
				return fmt.Errorf("%s: subcommands nested two levels", name)
			}
			in.elems[9] = &node{kind: '*'}
			for i := 0; i < len(d.elems); i += 2 {
				if d.elems[i].str == "subcommands" {
					subDocs = d.elems[i+1]
					d.elems[i+1] = &node{kind: '%'}
				}
			}
			if subDocs == nil {
				return fmt.Errorf("%s: container without subcommands in COMMAND DOCS", name)
			}
		}
		r.info = encode(nil, in)
		r.docs = encode(nil, d)
		rows = append(rows, r)
		if subs.kind == '*' {
			subDocsOf := map[string]*node{}
			for i := 0; i < len(subDocs.elems); i += 2 {
				subDocsOf[subDocs.elems[i].str] = subDocs.elems[i+1]
			}
			if len(subDocsOf) != len(subs.elems) {
				return fmt.Errorf("%s: %d subcommands in COMMAND, %d in COMMAND DOCS", name, len(subs.elems), len(subDocsOf))
			}
			sorted := append([]*node(nil), subs.elems...)
			sort.Slice(sorted, func(i, j int) bool { return sorted[i].elems[0].str < sorted[j].elems[0].str })
			for _, s := range sorted {
				if err := add(s, subDocsOf[s.elems[0].str], name); err != nil {
					return err
				}
			}
		}
		return nil
	}
	tops := append([]*node(nil), info.elems...)
	sort.Slice(tops, func(i, j int) bool { return tops[i].elems[0].str < tops[j].elems[0].str })
	if len(tops) != len(docsOf) {
		return nil, fmt.Errorf("%d commands in COMMAND, %d in COMMAND DOCS", len(tops), len(docsOf))
	}
	for _, t := range tops {
		if err := add(t, docsOf[t.elems[0].str], ""); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

func render(rows []row, version string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by tools/gencommands from redis-server %s; DO NOT EDIT.\n\n", version)
	b.WriteString("package clientproto\n\n")
	fmt.Fprintf(&b, "// genVersion is the redis-server version the table below was read from.\n")
	fmt.Fprintf(&b, "const genVersion = %q\n\n", version)
	b.WriteString(`// genCommands holds every command and subcommand of the server, top-level commands sorted
// by name, each container followed by its subcommands sorted by name. Per row: name, arity,
// flags, first key, last key, key step, ACL categories, then the server's own COMMAND INFO
// entry and COMMAND DOCS entry as RESP3. A container's entries carry an empty subcommand
// array (INFO) and map (DOCS "subcommands"); they are rebuilt from its subcommands' rows.
var genCommands = [...]genCommand{
`)
	for _, r := range rows {
		flags := "0"
		if len(r.flags) > 0 {
			cs := make([]string, len(r.flags))
			for i, f := range r.flags {
				cs[i] = flagConsts[f]
			}
			flags = strings.Join(cs, "|")
		}
		fmt.Fprintf(&b, "{%q, %d, %s, %d, %d, %d, %q,\n%s,\n%s},\n",
			r.name, r.arity, flags, r.first, r.last, r.step, strings.Join(r.acl, " "),
			strconv.Quote(string(r.info)), strconv.Quote(string(r.docs)))
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
