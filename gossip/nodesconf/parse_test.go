package nodesconf

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/slots"
)

// Node IDs for the tables: A..F repeated 40 times read better than random hex.
var (
	idA = strings.Repeat("a", 40)
	idB = strings.Repeat("b", 40)
	idC = strings.Repeat("c", 40)
	idD = strings.Repeat("d", 40)
	idE = strings.Repeat("e", 40)
)

// ids replaces @A@ .. @E@ with the 40-character IDs.
func ids(s string) string {
	r := strings.NewReplacer("@A@", idA, "@B@", idB, "@C@", idC, "@D@", idD, "@E@", idE)
	return r.Replace(s)
}

// redisFile is the shape of a file redis-server writes: hash-table order (a replica before
// its master), a hostname, open slots on the myself line, the vars line last.
const redisFile = `07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host-4.example slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 1 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-6999 7001-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master,fail - 1426238317741 1426238316000 3 disconnected 10923-16383
6ec23923021cf3ffec47632106199cb7f496ce01 ::1:30005@31005 slave,nofailover 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 2 connected
824fe116063bc5fcf9f4ffd895bc17aee7731ac3 :0@0 slave,fail?,noaddr 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 1426238317741 0 3 disconnected
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001,host-1.example myself,master - 0 0 1 connected 0-99 101-5460 7000 [100->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1] [6000-<-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]
vars currentEpoch 6 lastVoteEpoch 4
`

func TestParseRedisFile(t *testing.T) {
	f, err := Parse([]byte(redisFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(Format(f)); got != redisFile {
		t.Fatalf("Format(Parse(file)) is not the file:\n%s\nwant:\n%s", got, redisFile)
	}
	if len(f.Nodes) != 6 || f.CurrentEpoch != 6 || f.LastVoteEpoch != 4 {
		t.Fatalf("%d nodes, vars %d %d", len(f.Nodes), f.CurrentEpoch, f.LastVoteEpoch)
	}
	var mySlots slots.Bitmap
	for s := 0; s <= 5460; s++ {
		if s != 100 {
			mySlots.Set(s)
		}
	}
	mySlots.Set(7000)
	want := Node{
		ID: "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", IP: "127.0.0.1", Port: 30001, CPort: 31001,
		Hostname: "host-1.example", Flags: FlagMyself | FlagMaster, MasterID: NoMaster,
		ConfigEpoch: 1, LinkState: Connected, Slots: mySlots,
		Migrating: map[int]string{100: "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"},
		Importing: map[int]string{6000: "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"},
	}
	if my := f.Myself(); !reflect.DeepEqual(*my, want) {
		t.Errorf("myself:\n%+v\nwant\n%+v", *my, want)
	}
	r := f.Nodes[3]
	if r.IP != "::1" || r.Port != 30005 || r.Flags != FlagSlave|FlagNoFailover ||
		r.MasterID != "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1" || r.ConfigEpoch != 2 || r.Slots.Count() != 0 {
		t.Errorf("replica: %+v", r)
	}
	if n := f.Nodes[4]; n.IP != "" || n.Port != 0 || n.CPort != 0 || n.PingSent != 1426238317741 || n.PongRecv != 0 ||
		n.Flags != FlagSlave|FlagPFail|FlagNoAddr || n.LinkState != Disconnected {
		t.Errorf("noaddr node: %+v", n)
	}
}

// accepted are files Redis loads; want is what Format writes after Parse, i.e. the node
// lines redis-server prints after loading them (ping, pong and link columns aside, which it
// recomputes, and myself's ports and hostname, which come from its own configuration).
// TestRedisLoads checks every one against the real server.
var accepted = []struct {
	name, in, want string
}{
	{"fresh node, as redis-server writes it before it knows its ports",
		"@A@ :0@0 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n",
		"@A@ :0@0 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"minimal",
		"@A@ :0@0 myself,master - 0 0 0 connected",
		"@A@ :0@0 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"no newline at the end, no vars line",
		"@A@ 127.0.0.1:7000@17000 myself,master - 0 0 3 connected 0-16383",
		"@A@ 127.0.0.1:7000@17000 myself,master - 0 0 3 connected 0-16383\nvars currentEpoch 3 lastVoteEpoch 0\n"},
	{"pre-4.0 address without @cport",
		"@A@ 127.0.0.1:7000 myself,master - 0 0 0 connected\n@B@ 127.0.0.1:60000 master - 0 0 0 connected\n",
		"@A@ 127.0.0.1:7000@17000 myself,master - 0 0 0 connected\n@B@ 127.0.0.1:60000@70000 master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"IPv6 and hostname",
		"@A@ ::1:7000@17000,n1.example myself,master - 0 0 0 connected\n@B@ fe80::1:7001@17001 master - 0 0 0 connected\n@C@ 10.0.0.3:7002@17002, master - 0 0 0 connected\n@D@ 10.0.0.4:7003@17003,a,b master - 0 0 0 connected\n",
		"@A@ ::1:7000@17000,n1.example myself,master - 0 0 0 connected\n@B@ fe80::1:7001@17001 master - 0 0 0 connected\n@C@ 10.0.0.3:7002@17002 master - 0 0 0 connected\n@D@ 10.0.0.4:7003@17003,a,b master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"flags in any case, noflags",
		"@A@ 1.1.1.1:1@2 MySelf,MASTER - 0 0 0 connected\n@B@ 1.1.1.1:3@4 noflags - 0 0 0 disconnected\n@C@ 1.1.1.1:5@6 master,NOFLAGS,Fail?,FAIL,NoAddr,nofailover - 0 0 0 disconnected\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n@B@ 1.1.1.1:3@4 noflags - 0 0 0 disconnected\n@C@ 1.1.1.1:5@6 master,fail?,fail,noaddr,nofailover - 0 0 0 disconnected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"vars in any case, anywhere, twice, unknown keys",
		"VARS CURRENTEPOCH 9 futureVar x\n@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\nvars lastvoteepoch 2 currentEpoch 7\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\nvars currentEpoch 7 lastVoteEpoch 2\n"},
	{"bare vars",
		"vars\n@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"blank lines, NUL lines and a NUL inside a line",
		"\n\n@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-10\n\x00\x00\x00\n\x00@C@ 1.1.1.1:5@6 master - 0 0 0 connected\n@B@ 1.1.1.1:3@4 master - 0 0 0 connected 5-20\x00garbage 30\n\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-10\n@B@ 1.1.1.1:3@4 master - 0 0 0 connected 11-20\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"CRLF line endings",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-10\r\nvars currentEpoch 1 lastVoteEpoch 0\r\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-10\nvars currentEpoch 1 lastVoteEpoch 0\n"},
	{"tabs, runs of spaces, quoted fields",
		"  @A@\t\t'1.1.1.1:1@2'   \"myself,master\" - 0 0 \"\\x31\" connected   \"0-10\"  \n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 1 connected 0-10\nvars currentEpoch 1 lastVoteEpoch 0\n"},
	{"numbers with leading zeros",
		"@A@ 1.1.1.1:007000@017000 myself,master - 000 0012 0005 connected 00-010 0100\n",
		"@A@ 1.1.1.1:7000@17000 myself,master - 0 12 5 connected 0-10 100\nvars currentEpoch 5 lastVoteEpoch 0\n"},
	{"slots in any order, overlapping, reversed ranges, first claim wins",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 100 50-60 0-5 3-8 30-20 16383\n@B@ 1.1.1.1:3@4 master - 0 0 0 connected 0-200 16383\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-8 50-60 100 16383\n@B@ 1.1.1.1:3@4 master - 0 0 0 connected 9-49 61-99 101-200\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"a replica's epoch column is its master's, and does not raise currentEpoch",
		"@B@ 1.1.1.1:3@4 slave @A@ 0 0 99 connected\n@A@ 1.1.1.1:1@2 myself,master - 0 0 7 connected\n@C@ 1.1.1.1:5@6 slave - 0 0 4 connected\nvars currentEpoch 2 lastVoteEpoch 0\n",
		"@B@ 1.1.1.1:3@4 slave @A@ 0 0 7 connected\n@A@ 1.1.1.1:1@2 myself,master - 0 0 7 connected\n@C@ 1.1.1.1:5@6 slave - 0 0 4 connected\nvars currentEpoch 7 lastVoteEpoch 0\n"},
	{"a replica of a replica prints 0",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 7 connected\n@B@ 1.1.1.1:3@4 slave @A@ 0 0 7 connected\n@C@ 1.1.1.1:5@6 slave @B@ 0 0 7 connected\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 7 connected\n@B@ 1.1.1.1:3@4 slave @A@ 0 0 7 connected\n@C@ 1.1.1.1:5@6 slave @B@ 0 0 0 connected\nvars currentEpoch 7 lastVoteEpoch 0\n"},
	{"nodes only named get a line of their own",
		"@A@ 1.1.1.1:1@2 myself,slave @C@ 0 0 0 connected [5-<-@D@]\n@B@ 1.1.1.1:3@4 master - 0 0 3 connected 0-10\n",
		"@A@ 1.1.1.1:1@2 myself,slave @C@ 0 0 0 connected [5-<-@D@]\n@B@ 1.1.1.1:3@4 master - 0 0 3 connected 0-10\n@C@ :0@0 noflags - 0 0 0 disconnected\n@D@ :0@0 noflags - 0 0 0 disconnected\nvars currentEpoch 3 lastVoteEpoch 0\n"},
	{"two lines of one node merge",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n@B@ 1.1.1.1:3@4,h1 slave @C@ 5 6 1 connected 0-5\n@C@ 1.1.1.1:5@6 master - 0 0 3 connected\n@B@ 2.2.2.2:7@8 master,fail - 0 0 9 disconnected 10\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n@B@ 2.2.2.2:7@8 master,slave,fail @C@ 5 6 3 disconnected 0-5 10\n@C@ 1.1.1.1:5@6 master - 0 0 3 connected\nvars currentEpoch 3 lastVoteEpoch 0\n"},
	{"open slots go to myself; later markers replace earlier; migrating is printed over importing",
		"@B@ 1.1.1.1:3@4 master - 0 0 0 connected [7-<-@C@] [1->-@C@]\n@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-10 [1->-@B@] [2-<-@B@] [2->-@C@] [3-<-@B@]\n@C@ 1.1.1.1:5@6 master - 0 0 0 connected\n",
		"@B@ 1.1.1.1:3@4 master - 0 0 0 connected\n@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-10 [1->-@B@] [2->-@C@] [3-<-@B@] [7-<-@C@]\n@C@ 1.1.1.1:5@6 master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"handshake nodes are loaded and not saved",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n@B@ 1.1.1.1:3@4 handshake - 0 0 0 disconnected\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"the link column is ignored; any master starting with - is none",
		"@A@ 1.1.1.1:1@2 myself,master -x 0 0 0 whatever\n@B@ 1.1.1.1:3@4 master --- 0 0 0 CONNECTED\n",
		"@A@ 1.1.1.1:1@2 myself,master - 0 0 0 disconnected\n@B@ 1.1.1.1:3@4 master - 0 0 0 disconnected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"node IDs are a-z, not only hex",
		"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz 1.1.1.1:1@2 myself,master - 0 0 0 connected\n",
		"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz 1.1.1.1:1@2 myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
	{"negative ping",
		"@A@ 1.1.1.1:1@2 myself,master - -5 -0 0 connected\n",
		"@A@ 1.1.1.1:1@2 myself,master - -5 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n"},
}

func TestParseAccepted(t *testing.T) {
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte(ids(c.in)))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(Format(f)), ids(c.want); got != want {
				t.Fatalf("got\n%s\nwant\n%s", got, want)
			}
			checkRoundTrip(t, f)
		})
	}
}

// corrupt are files Parse rejects; line is the line the error must name (0: none). redis is
// what redis-server 7.0.15 does with the file — "rejects" (exits, panics, asserts or crashes)
// or "loads" (Parse is stricter on purpose, see the package comment) — checked by
// TestRedisLoads; "" is not checked (undefined behaviour in Redis, or too big to bother).
var corrupt = []struct {
	name, in string
	line     int
	redis    string
}{
	{"seven fields", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0", 1, "rejects"},
	{"seven fields on line 3", "\n@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n@B@ 1.1.1.1:3@4 master - 0 0 connected\n", 3, "rejects"},
	{"a line of spaces", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n   \n", 2, "rejects"},
	{"a blank line in a CRLF file", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\r\n\r\n", 2, "rejects"},
	{"unbalanced quote", "@A@ \"1.1.1.1:1@2 myself,master - 0 0 0 connected\n", 1, "rejects"},
	{"closing quote followed by text", "@A@ \"1.1.1.1:1@2\"x myself,master - 0 0 0 connected\n", 1, "rejects"},
	{"short ID", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1.1.1.1:1@2 myself,master - 0 0 0 connected\n", 1, "rejects"},
	{"upper-case ID", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA 1.1.1.1:1@2 myself,master - 0 0 0 connected\n", 1, "rejects"},
	{"address without a colon", "@A@ 1.1.1.1 myself,master - 0 0 0 connected\n", 1, "rejects"},
	{"unknown flag", "@A@ 1.1.1.1:1@2 myself,primary - 0 0 0 connected\n", 1, "rejects"},
	{"empty flag", "@A@ 1.1.1.1:1@2 myself,master, - 0 0 0 connected\n", 1, "rejects"},
	{"two myself", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n@B@ 1.1.1.1:3@4 myself,master - 0 0 0 connected\n", 2, "rejects"},
	{"myself twice on one node", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\n", 2, "rejects"},
	{"bad master ID", "@A@ 1.1.1.1:1@2 myself,slave bbbb 0 0 0 connected\n", 1, "rejects"},
	{"empty master ID", "@A@ 1.1.1.1:1@2 myself,slave \"\" 0 0 0 connected\n", 1, "rejects"},
	{"slot 16384", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 16384\n", 1, "rejects"},
	{"range to 16384", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 0-16384\n", 1, "rejects"},
	{"marker slot 16384", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected [16384->-@B@]\n", 1, "rejects"},
	{"marker without a dash", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected [5]\n", 1, "rejects"},
	{"marker with a short ID", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected [5->-bbbb]\n", 1, "rejects"},
	{"marker without ]", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected [5->-@B@\n", 1, "rejects"},
	{"vars key without value", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\nvars currentEpoch\n", 2, "rejects"},
	{"no myself", "@A@ 1.1.1.1:1@2 master - 0 0 0 connected\n", 0, "rejects"},
	{"only blank lines", "\n\n\n", 0, "rejects"},
	{"only NULs", "\x00\x00\x00\x00", 0, "rejects"},

	// Stricter than Redis, which reads these with atoi/strtoull or ignores the rest.
	{"slot that is not a number", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected x\n", 1, "loads"},
	{"slot with a sign", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected +5\n", 1, "loads"},
	{"range without start", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected -5\n", 1, "loads"},
	{"range of three", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected 1-5-7\n", 1, "loads"},
	{"port with junk", "@A@ 1.1.1.1:7000x@17000 myself,master - 0 0 0 connected\n", 1, "loads"},
	{"port 65536", "@A@ 1.1.1.1:65536@17000 myself,master - 0 0 0 connected\n", 1, "loads"},
	{"empty port", "@A@ 1.1.1.1:@17000 myself,master - 0 0 0 connected\n", 1, "loads"},
	{"two @", "@A@ 1.1.1.1:7000@17000@5 myself,master - 0 0 0 connected\n", 1, "loads"},
	{"ping not a number", "@A@ 1.1.1.1:1@2 myself,master - x 0 0 connected\n", 1, "loads"},
	{"pong with a plus", "@A@ 1.1.1.1:1@2 myself,master - 0 +1 0 connected\n", 1, "loads"},
	{"epoch with junk", "@A@ 1.1.1.1:1@2 myself,master - 0 0 5x connected\n", 1, "loads"},
	{"negative epoch", "@A@ 1.1.1.1:1@2 myself,master - 0 0 -1 connected\n", 1, "loads"},
	{"epoch past 2^64", "@A@ 1.1.1.1:1@2 myself,master - 0 0 18446744073709551616 connected\n", 1, "loads"},
	{"currentEpoch not a number", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected\nvars currentEpoch x lastVoteEpoch 0\n", 2, "loads"},
	{"marker with another arrow", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected [5-x-@B@]\n", 1, "loads"},
	{"marker with text after ]", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected [5->-@B@]x\n", 1, "loads"},
	{"marker slot not a number", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected [x->-@B@]\n", 1, "loads"},
	{"IP longer than 45 bytes", "@A@ " + strings.Repeat("1", 46) + ":1@2 myself,master - 0 0 0 connected\n", 1, ""},
	{"hostname with a space", "@A@ '1.1.1.1:1@2,my host' myself,master - 0 0 0 connected\n", 1, "loads"},
	{"link column with a quoted tab", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 \"conn\\tected\"\n", 1, "loads"},
	{"myself in handshake", "@A@ 1.1.1.1:1@2 myself,handshake - 0 0 0 connected\n", 1, "loads"},
	{"line longer than Redis reads", "@A@ 1.1.1.1:1@2 myself,master - 0 0 0 connected" + strings.Repeat(" 1", maxLine/2), 1, ""},
}

func TestParseCorrupt(t *testing.T) {
	for _, c := range corrupt {
		t.Run(c.name, func(t *testing.T) {
			in := ids(c.in)
			f, err := Parse([]byte(in))
			if err == nil {
				t.Fatalf("parsed:\n%s", Format(f))
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if f != nil {
				t.Fatal("a File with the error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "corrupted cluster config file") {
				t.Errorf("message %q", msg)
			}
			if pe.Line != c.line {
				t.Fatalf("line %d, want %d: %v", pe.Line, c.line, err)
			}
			if c.line > 0 {
				text := strings.Split(in, "\n")[c.line-1]
				if pe.Text != text {
					t.Errorf("Text %q, want %q", pe.Text, text)
				}
				quoted := strconv.Quote(text)
				if len(quoted) > 150 {
					quoted = quoted[:150]
				}
				if !strings.Contains(msg, ", line "+strconv.Itoa(c.line)+": "+pe.Reason+": "+quoted) {
					t.Errorf("message %q does not name line %d %s", msg, c.line, quoted)
				}
			}
			t.Log(msg[:min(len(msg), 300)])
		})
	}
}

func TestParseEmpty(t *testing.T) {
	if f, err := Parse(nil); err != ErrNoConfig || f != nil {
		t.Fatalf("Parse(nil) = %v, %v", f, err)
	}
	if _, err := Parse([]byte{}); err != ErrNoConfig {
		t.Fatalf("Parse(empty) = %v", err)
	}
}

func TestFlagsString(t *testing.T) {
	for f, want := range map[Flags]string{
		0:                                "noflags",
		FlagMeet | FlagMigrateTo:         "noflags",
		FlagMyself | FlagMaster:          "myself,master",
		FlagNoFailover | FlagSlave:       "slave,nofailover",
		FlagSlave | FlagPFail | FlagFail: "slave,fail?,fail",
		^Flags(0):                        "myself,master,slave,fail?,fail,handshake,noaddr,nofailover",
	} {
		if got := f.String(); got != want {
			t.Errorf("%#x: %q, want %q", uint16(f), got, want)
		}
	}
}

func TestAppendNodeLine(t *testing.T) {
	n := Node{ID: idA, IP: "10.1.2.3", Port: 7000, CPort: 17000, Flags: FlagMaster, ConfigEpoch: 3,
		Migrating: map[int]string{5: idB}} // not myself: markers are not printed
	n.Slots.Set(0)
	n.Slots.Set(2)
	n.Slots.Set(3)
	n.Slots.Set(16383)
	got := string(AppendNodeLine([]byte("x"), &n))
	want := "x" + idA + " 10.1.2.3:7000@17000 master - 0 0 3 disconnected 0 2-3 16383"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	n.Flags |= FlagMyself
	n.LinkState = Connected
	n.Importing = map[int]string{5: idC, 1: idC}
	got = string(AppendNodeLine(nil, &n))
	want = idA + " 10.1.2.3:7000@17000 myself,master - 0 0 3 connected 0 2-3 16383 [1-<-" + idC + "] [5->-" + idB + "]"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	var all Node
	for s := range slots.Count {
		all.Slots.Set(s)
	}
	if got := string(AppendNodeLine(nil, &all)); !strings.HasSuffix(got, " :0@0 noflags - 0 0 0 disconnected 0-16383") {
		t.Fatalf("%q", got)
	}
}

// checkRoundTrip checks that Format(f) parses back to f, and that formatting is a fixpoint.
// Two Redis rules make Format drop what Parse keeps, so f is only compared when it has
// neither: handshake nodes (not saved) and a slot both migrating and importing (only the
// migrating marker is printed).
func checkRoundTrip(t *testing.T, f *File) {
	t.Helper()
	out := Format(f)
	g, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(Format(f)): %v\n%s", err, out)
	}
	if again := Format(g); string(again) != string(out) {
		t.Fatalf("Format is not a fixpoint:\n%s\nthen\n%s", out, again)
	}
	if lossy(f) {
		return
	}
	if !reflect.DeepEqual(f, g) {
		t.Fatalf("Parse(Format(f)) != f:\n%+v\n%+v", f, g)
	}
}

func lossy(f *File) bool {
	for _, n := range f.Nodes {
		if n.Flags&FlagHandshake != 0 {
			return true
		}
		for s := range n.Importing {
			if _, ok := n.Migrating[s]; ok {
				return true
			}
		}
	}
	return false
}
