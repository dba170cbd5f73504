package nodesconf

import (
	"bytes"
	"fmt"
	"github.com/rcnode/rcnode/internal/sdsargs"
	"strconv"
	"strings"

	"github.com/rcnode/rcnode/slots"
)

// maxLine is the longest line Redis reads as one: fgets with 1024+CLUSTER_SLOTS*128 bytes
// (less the NUL). Redis would cut a longer line into pieces and parse each as a line of its
// own; Parse rejects it instead (Redis never writes one: every slot as a marker is ~1 MB).
const maxLine = 1024 + slots.Count*128 - 1

// maxIPLen is the longest IP Redis can hold: n->ip is char[NET_IP_STR_LEN = 46]; a longer
// one overflows it (clusterLoadConfig memcpy's without a check).
const maxIPLen = 45

// ParseError is a corrupt nodes.conf: Redis logs "Unrecoverable error: corrupted cluster
// config file." and exits.
type ParseError struct {
	Path   string // set by Load
	Line   int    // 1-based; 0 when the file as a whole is wrong (no myself line)
	Text   string // the line, without its newline
	Reason string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("corrupted cluster config file")
	if e.Path != "" {
		b.WriteString(" " + strconv.Quote(e.Path))
	}
	if e.Line == 0 {
		b.WriteString(": " + e.Reason)
		return b.String()
	}
	text := e.Text
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	fmt.Fprintf(&b, ", line %d: %s: %s", e.Line, e.Reason, strconv.Quote(text))
	return b.String()
}

// parser is Redis's cluster state while clusterLoadConfig runs.
type parser struct {
	nodes  []*pnode
	byID   map[string]*pnode
	owner  [slots.Count]*pnode // server.cluster->slots: the first claim wins
	myself *pnode
	// myselfLine and myselfText are where the myself flag was read.
	myselfLine int
	myselfText string
	lineNo     int
	lineRaw    []byte
	declared   int // nodes that had a line of their own so far
	mig, imp   map[int]string
	file       File
}

type pnode struct {
	Node
	decl     int    // order of the node's first own line, 0 for a node only named
	epochCol uint64 // the epoch column as read (Redis ignores it for a replica with a master)
}

// Parse parses a nodes.conf the way redis-server 7.0.15 loads it (see the package comment
// for what the File holds and what is rejected). An empty data is ErrNoConfig; a corrupt one
// is a *ParseError naming the line.
func Parse(data []byte) (*File, error) {
	if len(data) == 0 {
		return nil, ErrNoConfig
	}
	p := &parser{byID: map[string]*pnode{}}
	for lineNo := 1; len(data) > 0; lineNo++ {
		raw, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		if len(raw) > maxLine {
			return nil, &ParseError{Line: lineNo, Text: string(raw),
				Reason: fmt.Sprintf("line is longer than the %d bytes Redis reads as one line", maxLine)}
		}
		line := raw
		if i := bytes.IndexByte(line, 0); i >= 0 {
			line = line[:i] // fgets into a C string: a NUL ends the line
		}
		if len(line) == 0 {
			continue // blank, or starts with NUL: skipped like Redis
		}
		p.lineNo, p.lineRaw = lineNo, raw
		if err := p.line(string(line)); err != "" {
			return nil, &ParseError{Line: lineNo, Text: string(raw), Reason: err}
		}
	}
	if p.myself == nil {
		return nil, &ParseError{Reason: "no node is flagged myself"}
	}
	if p.myself.Flags&FlagHandshake != 0 {
		// Redis loads this, then saves without handshake nodes: a file it cannot load.
		return nil, &ParseError{Line: p.myselfLine, Text: p.myselfText,
			Reason: "the myself node is flagged handshake, so the next save would drop it"}
	}
	return p.finish(), nil
}

// line parses one non-blank line, returning why it is corrupt or "".
func (p *parser) line(line string) string {
	argv, err := splitArgs(line)
	if err != "" {
		return err
	}
	if len(argv) == 0 {
		// Redis reads argv[0] of an empty split anyway and crashes (verified: SIGSEGV).
		return "line has only whitespace (redis-server crashes on it)"
	}
	if asciiEqualFold(argv[0], "vars") {
		return p.vars(argv)
	}
	if len(argv) < 8 {
		return fmt.Sprintf("node line has %d fields, at least 8 are needed", len(argv))
	}
	for i, a := range argv {
		if b, ok := unwritable(a); ok {
			return fmt.Sprintf("field %d holds byte %q, which Redis never writes there", i+1, b)
		}
	}
	if !validID(argv[0]) {
		return fmt.Sprintf("node ID %q is not 40 characters a-z 0-9", argv[0])
	}
	n := p.node(argv[0])
	if n.decl == 0 {
		p.declared++
		n.decl = p.declared
	}

	// Address: ip:port[@cport][,hostname]. The hostname is everything after the first
	// comma; the IP is everything before the last colon (so IPv6 needs no brackets).
	addr := argv[1]
	n.Hostname = ""
	if i := strings.IndexByte(addr, ','); i >= 0 {
		addr, n.Hostname = addr[:i], addr[i+1:]
	}
	colon := strings.LastIndexByte(addr, ':')
	if colon < 0 {
		return fmt.Sprintf("address %q has no ':port'", argv[1])
	}
	if colon > maxIPLen {
		return fmt.Sprintf("IP %q is longer than the %d bytes Redis can hold", addr[:colon], maxIPLen)
	}
	n.IP = addr[:colon]
	port, cport, hasCport := addr[colon+1:], "", false
	if i := strings.IndexByte(port, '@'); i >= 0 {
		port, cport, hasCport = port[:i], port[i+1:], true
	}
	pv, ok := parseUint(port, 65535)
	if !ok {
		return fmt.Sprintf("port %q is not a number 0-65535", port)
	}
	n.Port = int(pv)
	if hasCport {
		// Up to 75535: an old line without "@cport" loads as port+10000, which Redis then
		// writes back even when it is past 65535.
		cv, ok := parseUint(cport, 65535+10000)
		if !ok {
			return fmt.Sprintf("cluster bus port %q is not a number 0-75535", cport)
		}
		n.CPort = int(cv)
	} else {
		n.CPort = n.Port + 10000 // nodes.conf from before Redis 4.0
	}

	// Flags; Redis panics on an unknown one and asserts on a second myself.
	for _, s := range strings.Split(argv[2], ",") {
		switch {
		case asciiEqualFold(s, "myself"):
			if p.myself != nil {
				return "a second node is flagged myself"
			}
			p.myself, p.myselfLine, p.myselfText = n, p.lineNo, string(p.lineRaw)
			n.Flags |= FlagMyself
		case asciiEqualFold(s, "master"):
			n.Flags |= FlagMaster
		case asciiEqualFold(s, "slave"):
			n.Flags |= FlagSlave
		case asciiEqualFold(s, "fail?"):
			n.Flags |= FlagPFail
		case asciiEqualFold(s, "fail"):
			n.Flags |= FlagFail
		case asciiEqualFold(s, "handshake"):
			n.Flags |= FlagHandshake
		case asciiEqualFold(s, "noaddr"):
			n.Flags |= FlagNoAddr
		case asciiEqualFold(s, "nofailover"):
			n.Flags |= FlagNoFailover
		case asciiEqualFold(s, "noflags"):
		default:
			return fmt.Sprintf("unknown flag %q (redis-server panics on it)", s)
		}
	}

	// Master: anything starting with '-' is none, and does not clear an earlier one.
	if m := argv[3]; m == "" || m[0] != '-' {
		if !validID(m) {
			return fmt.Sprintf("master ID %q is not 40 characters a-z 0-9", m)
		}
		p.node(m)
		n.MasterID = m
	}

	ping, ok := parseInt64(argv[4])
	if !ok {
		return fmt.Sprintf("ping-sent %q is not a number", argv[4])
	}
	pong, ok := parseInt64(argv[5])
	if !ok {
		return fmt.Sprintf("pong-recv %q is not a number", argv[5])
	}
	if ping != 0 { // Redis sets these to "now" when non-zero and leaves them otherwise
		n.PingSent = ping
	}
	if pong != 0 {
		n.PongRecv = pong
	}
	epoch, ok := parseUint(argv[6], ^uint64(0))
	if !ok {
		return fmt.Sprintf("config epoch %q is not a number", argv[6])
	}
	n.epochCol = epoch
	// Redis ignores the link-state column; keep what a Redis-written file says.
	n.LinkState = Disconnected
	if argv[7] == "connected" {
		n.LinkState = Connected
	}

	for _, tok := range argv[8:] {
		if strings.HasPrefix(tok, "[") {
			if err := p.marker(tok); err != "" {
				return err
			}
			continue
		}
		a, b, isRange := strings.Cut(tok, "-")
		start, ok1 := parseUint(a, slots.Count-1)
		stop, ok2 := start, true
		if isRange {
			stop, ok2 = parseUint(b, slots.Count-1)
		}
		if !ok1 || !ok2 {
			return fmt.Sprintf("slot %q is not a slot 0-16383 nor a range of them", tok)
		}
		for s := int(start); s <= int(stop); s++ { // a > b: nothing, as in Redis
			if p.owner[s] == nil {
				p.owner[s] = n
				n.Slots.Set(s)
			}
		}
	}
	return ""
}

// marker parses "[slot->-id]" (migrating to id) or "[slot-<-id]" (importing from id).
func (p *parser) marker(tok string) string {
	body, ok := strings.CutSuffix(tok[1:], "]")
	slotStr, rest, dash := strings.Cut(body, "-")
	var dir byte
	if ok && dash && len(rest) == 2+40 && rest[1] == '-' {
		dir = rest[0]
	}
	if dir != '>' && dir != '<' {
		return fmt.Sprintf("%q is not [slot->-id] nor [slot-<-id]", tok)
	}
	slot, ok := parseUint(slotStr, slots.Count-1)
	if !ok {
		return fmt.Sprintf("slot in %q is not a number 0-16383", tok)
	}
	id := rest[2:]
	if !validID(id) {
		return fmt.Sprintf("node ID in %q is not 40 characters a-z 0-9", tok)
	}
	p.node(id)
	m := &p.mig
	if dir == '<' {
		m = &p.imp
	}
	if *m == nil {
		*m = map[int]string{}
	}
	(*m)[int(slot)] = id
	return ""
}

// vars parses "vars <key> <value> ...".
func (p *parser) vars(argv []string) string {
	if len(argv)%2 == 0 {
		return "vars line has a key without a value"
	}
	for j := 1; j < len(argv); j += 2 {
		var dst *uint64
		switch {
		case asciiEqualFold(argv[j], "currentEpoch"):
			dst = &p.file.CurrentEpoch
		case asciiEqualFold(argv[j], "lastVoteEpoch"):
			dst = &p.file.LastVoteEpoch
		default:
			continue // Redis logs "Skipping unknown cluster config variable"
		}
		v, ok := parseUint(argv[j+1], ^uint64(0))
		if !ok {
			return fmt.Sprintf("%s %q is not a number", argv[j], argv[j+1])
		}
		*dst = v
	}
	return ""
}

// node returns the node with id, creating it the way createClusterNode(id, 0) does.
func (p *parser) node(id string) *pnode {
	if n := p.byID[id]; n != nil {
		return n
	}
	n := &pnode{Node: Node{ID: id, MasterID: NoMaster}}
	p.byID[id] = n
	p.nodes = append(p.nodes, n)
	return n
}

func (p *parser) finish() *File {
	// In memory a replica with a master has configEpoch 0; CLUSTER NODES prints its
	// master's there.
	loaded := func(n *pnode) uint64 {
		if n.Flags&FlagSlave != 0 && n.MasterID != NoMaster {
			return 0
		}
		return n.epochCol
	}
	f := &p.file
	f.Nodes = make([]Node, len(p.nodes))
	next := p.declared
	for _, n := range p.nodes {
		n.ConfigEpoch = loaded(n)
		if n.Flags&FlagSlave != 0 && n.MasterID != NoMaster {
			n.ConfigEpoch = loaded(p.byID[n.MasterID])
		}
		f.CurrentEpoch = max(f.CurrentEpoch, loaded(n))
		if n == p.myself {
			n.Migrating, n.Importing = p.mig, p.imp
		}
		i := n.decl - 1
		if n.decl == 0 { // only named: after the nodes with lines, in the order named
			i = next
			next++
		}
		f.Nodes[i] = n.Node
	}
	return f
}

// validID is verifyClusterNodeId: 40 characters, each a-z or 0-9.
func validID(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// unwritable returns a byte of s that Format could not write back unquoted: whitespace, a
// control byte or a quote. Only sdssplitargs quoting can put one in a field.
func unwritable(s string) (byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '"' || c == '\'' {
			return c, true
		}
	}
	return 0, false
}

// parseUint parses a plain decimal number no larger than max (no sign, no spaces).
func parseUint(s string, max uint64) (uint64, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil && v <= max
}

// parseInt64 parses a plain decimal int64, as Redis prints a mstime_t ("%I").
func parseInt64(s string) (int64, bool) {
	if s == "" || s[0] == '+' {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// asciiEqualFold is strcasecmp(a, b) == 0 in the C locale.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// splitArgs is sdssplitargs, returning why the line does not split or "".
func splitArgs(line string) ([]string, string) {
	argv, err := sdsargs.Split(line)
	if err != nil {
		return nil, err.Error()
	}
	return argv, ""
}
