package difftest

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// node is one server of a mixed cluster, with a raw connection to it.
type node struct {
	name string
	proc *testutil.Proc
	conn *testutil.Conn
	id   string
}

func startNode(t *testing.T, name string, rcnode bool) *node {
	t.Helper()
	start := testutil.StartRedis
	if rcnode {
		start = testutil.StartRcnode
	}
	p := start(t, "--cluster-enabled", "yes")
	c, err := testutil.Dial(p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	n := &node{name: name, proc: p, conn: c}
	n.id = strings.TrimSpace(string(n.do(t, "CLUSTER", "MYID")[5:]))
	return n
}

func (n *node) do(t *testing.T, args ...string) []byte {
	t.Helper()
	r, err := n.conn.Do(args...)
	if err != nil {
		t.Fatalf("%s %q: %v", n.name, args, err)
	}
	return r
}

// expect checks one reply exactly.
func (n *node) expect(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := string(n.do(t, args...)); got != want {
		t.Errorf("%s %q:\n got  %q\n want %q", n.name, args, got, want)
	}
}

// await repeats a command until its reply contains every one of texts.
func (n *node) await(t *testing.T, args []string, texts ...string) {
	t.Helper()
	var r []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r = n.do(t, args...)
		ok := true
		for _, s := range texts {
			ok = ok && bytes.Contains(r, []byte(s))
		}
		if ok {
			return
		}
	}
	t.Fatalf("%s %q never replied with %q; last reply %q", n.name, args, texts, r)
}

// awaitSame repeats a command on two nodes until they reply the same bytes (their views of
// the cluster converge by gossip).
func awaitSame(t *testing.T, a, b *node, args ...string) {
	t.Helper()
	var ra, rb []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ra, rb = a.do(t, args...), b.do(t, args...); bytes.Equal(ra, rb) {
			return
		}
	}
	t.Errorf("%q differs:\n %s: %q\n %s: %q", args, a.name, ra, b.name, rb)
}

// TestMixedCluster builds one cluster of redis-server 7.0 and rcnode nodes: master A
// (redis-server, slots 0-8191), master B (rcnode, 8192-16383), and a replica of A of each
// kind, C (rcnode) and D (redis-server). Every node is asked the same thing and must answer
// as the real server does: redirections both ways, the slot map, and what a replica serves.
func TestMixedCluster(t *testing.T) {
	a := startNode(t, "A (redis-server master)", false)
	b := startNode(t, "B (rcnode master)", true)
	c := startNode(t, "C (rcnode replica)", true)
	d := startNode(t, "D (redis-server replica)", false)
	a.expect(t, "+OK\r\n", "CLUSTER", "ADDSLOTSRANGE", "0", "8191")
	b.expect(t, "+OK\r\n", "CLUSTER", "ADDSLOTSRANGE", "8192", "16383")
	aPort := strconv.Itoa(a.proc.Port)
	for _, n := range []*node{b, c, d} {
		n.expect(t, "+OK\r\n", "CLUSTER", "MEET", "127.0.0.1", aPort)
	}
	for _, n := range []*node{a, b, c, d} {
		n.await(t, []string{"CLUSTER", "INFO"}, "cluster_state:ok", "cluster_known_nodes:4")
	}

	// foo is in slot 12182 (B), bar in 5061 (A).
	movedToA := "-MOVED 5061 127.0.0.1:" + aPort + "\r\n"
	movedToB := "-MOVED 12182 127.0.0.1:" + strconv.Itoa(b.proc.Port) + "\r\n"
	a.expect(t, movedToB, "GET", "foo")
	b.expect(t, movedToA, "GET", "bar")
	b.expect(t, "+OK\r\n", "SET", "foo", "1")
	awaitSame(t, a, b, "CLUSTER", "SLOTS")

	for _, n := range []*node{c, d} {
		n.expect(t, "+OK\r\n", "CLUSTER", "REPLICATE", a.id)
	}
	for _, n := range []*node{a, b, c, d} {
		n.await(t, []string{"CLUSTER", "REPLICAS", a.id}, c.id, d.id)
	}
	c.await(t, []string{"INFO", "replication"}, "role:slave", "master_host:127.0.0.1", "master_port:"+aPort)
	// Both replicas sync from A, the rcnode one as the redis-server one does.
	for _, n := range []*node{c, d} {
		n.await(t, []string{"ROLE"}, "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:"+aPort+"\r\n$9\r\nconnected\r\n:")
	}
	b.expect(t, ":0\r\n", "CLUSTER", "COUNT-FAILURE-REPORTS", a.id)
	// The replicas answer alike (D's replication from A runs; A holds no keys).
	for _, args := range [][]string{
		{"GET", "bar"}, {"SET", "bar", "x"}, {"GET", "foo"}, {"MGET", "bar", "{bar}x"},
		{"FLUSHALL"}, {"READONLY"}, {"GET", "bar"}, {"MGET", "bar", "{bar}x"}, {"SET", "bar", "x"},
		{"GET", "foo"}, {"FLUSHALL"}, {"READWRITE"}, {"GET", "bar"},
	} {
		want, got := d.do(t, args...), c.do(t, args...)
		if !bytes.Equal(want, got) {
			t.Errorf("replica %q:\n redis-server: %q\n rcnode:       %q", args, want, got)
		}
	}

	d.expect(t, "-ERR I can only replicate a master, not a replica.\r\n", "CLUSTER", "REPLICATE", c.id)
	c.expect(t, "-ERR I can only replicate a master, not a replica.\r\n", "CLUSTER", "REPLICATE", d.id)
	c.expect(t, "-ERR Can't forget my master!\r\n", "CLUSTER", "FORGET", a.id)

	c.expect(t, "-ERR Please use SETSLOT only with masters.\r\n", "CLUSTER", "SETSLOT", "1", "STABLE")
	d.expect(t, "-ERR Please use SETSLOT only with masters.\r\n", "CLUSTER", "SETSLOT", "1", "STABLE")

	// Slot moves both ways, with redis-cli's SETSLOT steps: 12182 (foo) from B to A, 5061
	// (bar) from A to B.
	a.expect(t, "+OK\r\n", "SET", "bar", "1")
	checkSlotMove(t, b, a, "12182", "foo", "{foo}x")
	checkSlotMove(t, a, b, "5061", "bar", "{bar}x")

	// Endpoint types: the hostname each master announces reaches the other by gossip.
	for _, n := range []*node{a, b} {
		host := "host-" + strings.ToLower(n.name[:1])
		n.expect(t, "+OK\r\n", "CONFIG", "SET", "cluster-announce-hostname", host,
			"cluster-preferred-endpoint-type", "hostname")
	}
	a.await(t, []string{"GET", "foo"}, "-MOVED 12182 host-b:")
	b.await(t, []string{"GET", "bar"}, "-MOVED 5061 host-a:"+aPort+"\r\n")
	awaitSame(t, a, b, "CLUSTER", "SLOTS")
	for _, n := range []*node{a, b} {
		n.expect(t, "+OK\r\n", "CONFIG", "SET", "cluster-preferred-endpoint-type", "unknown-endpoint")
	}
	b.expect(t, "-MOVED 5061 :"+aPort+"\r\n", "GET", "bar")
	awaitSame(t, a, b, "CLUSTER", "SLOTS")

	// Every master has a link to and from each of the three others.
	for _, n := range []*node{a, b} {
		n.await(t, []string{"CLUSTER", "LINKS"}, "*6\r\n*12\r\n$9\r\ndirection\r\n")
	}

	// A reset replica is a master again, alone.
	for _, n := range []*node{c, d} {
		n.expect(t, "+OK\r\n", "CLUSTER", "RESET", "SOFT")
		n.await(t, []string{"INFO", "replication"}, "role:master")
		n.await(t, []string{"CLUSTER", "INFO"}, "cluster_known_nodes:1\r\n", "cluster_slots_assigned:0\r\n")
	}

	// A slot taken over by a master with a newer epoch loses its keys on the old owner, so
	// they cannot come back with the slot: B takes 5061 (bar) from A, A takes 12182 (foo).
	for _, n := range []*node{a, b} {
		n.expect(t, "+OK\r\n", "CONFIG", "SET", "cluster-preferred-endpoint-type", "ip")
	}
	takeOver(t, b, a, "5061", "bar")
	takeOver(t, a, b, "12182", "foo")
}

// takeOver makes taker claim slot, held by loser with key in it, by assigning it to itself
// in its own view with an epoch greater than every other: loser gives in and deletes key.
func takeOver(t *testing.T, taker, loser *node, slot, key string) {
	t.Helper()
	loser.expect(t, ":1\r\n", "CLUSTER", "COUNTKEYSINSLOT", slot)
	// The claim wins only with an epoch greater than the loser's, so the taker bumps first,
	// until it is greater. BUMPEPOCH says STILL when the taker's epoch is already the
	// greatest it knows, which may equal the loser's (or the taker may not know the loser's
	// newest yet); two masters with one epoch collide and the smaller name takes a new one,
	// whoever bumped. A claim made with a smaller epoch would be undone by the loser's
	// UPDATE, so the slots are assigned only after.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if r := string(taker.do(t, "CLUSTER", "BUMPEPOCH")); !strings.HasPrefix(r, "+BUMPED ") && !strings.HasPrefix(r, "+STILL ") {
			t.Fatalf("%s BUMPEPOCH: %q", taker.name, r)
		}
		if infoField(t, taker, "cluster_my_epoch") > infoField(t, loser, "cluster_my_epoch") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never got an epoch above %s's", taker.name, loser.name)
		}
	}
	taker.expect(t, "+OK\r\n", "CLUSTER", "DELSLOTS", slot)
	taker.expect(t, "+OK\r\n", "CLUSTER", "ADDSLOTS", slot)
	loser.await(t, []string{"GET", key}, "-MOVED "+slot+" 127.0.0.1:"+strconv.Itoa(taker.proc.Port)+"\r\n")
	// Keys go right after the new owner is published.
	loser.await(t, []string{"CLUSTER", "COUNTKEYSINSLOT", slot}, ":0\r\n")
	taker.expect(t, "$-1\r\n", "GET", key)
}

// infoField returns a numeric field of CLUSTER INFO.
func infoField(t *testing.T, n *node, name string) int {
	t.Helper()
	for _, line := range strings.Split(string(n.do(t, "CLUSTER", "INFO")), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			i, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s CLUSTER INFO %s: %q", n.name, name, v)
			}
			return i
		}
	}
	t.Fatalf("%s CLUSTER INFO has no %s", n.name, name)
	return 0
}

// checkSlotMove opens slot for a move from src to dst, where key exists on src and other
// does not, and checks what Redis answers on both sides: src serves the keys it still has
// and sends the others to dst with ASK; dst serves the slot only to ASKING clients; a
// command needing keys from both sides gets TRYAGAIN; src will not give the slot away while
// it holds keys of it. The slot is then closed again.
func checkSlotMove(t *testing.T, src, dst *node, slot, key, other string) {
	t.Helper()
	ask := "-ASK " + slot + " 127.0.0.1:" + strconv.Itoa(dst.proc.Port) + "\r\n"
	moved := "-MOVED " + slot + " 127.0.0.1:" + strconv.Itoa(src.proc.Port) + "\r\n"
	tryAgain := "-TRYAGAIN Multiple keys request during rehashing of slot\r\n"
	src.expect(t, "+OK\r\n", "CLUSTER", "SETSLOT", slot, "MIGRATING", dst.id)
	dst.expect(t, "+OK\r\n", "CLUSTER", "SETSLOT", slot, "IMPORTING", src.id)
	src.expect(t, "$1\r\n1\r\n", "GET", key)
	src.expect(t, ask, "GET", other)
	src.expect(t, tryAgain, "MGET", key, other)
	dst.expect(t, moved, "GET", other)
	dst.expect(t, "+OK\r\n", "ASKING")
	dst.expect(t, "$-1\r\n", "GET", other)
	dst.expect(t, "+OK\r\n", "ASKING")
	dst.expect(t, "+OK\r\n", "SET", other, "2")
	dst.expect(t, moved, "GET", other)
	dst.expect(t, "+OK\r\n", "ASKING")
	dst.expect(t, tryAgain, "MGET", key, other)
	src.expect(t, ask, "GET", other)
	src.expect(t, "-ERR Can't assign hashslot "+slot+" to a different node while I still hold keys for this hash slot.\r\n",
		"CLUSTER", "SETSLOT", slot, "NODE", dst.id)
	src.expect(t, "+OK\r\n", "CLUSTER", "SETSLOT", slot, "STABLE")
	dst.expect(t, "+OK\r\n", "CLUSTER", "SETSLOT", slot, "STABLE")
	src.expect(t, "$1\r\n1\r\n", "GET", key)
}

// TestRcnodeCluster is the two-master case with rcnode on both sides of the bus.
func TestRcnodeCluster(t *testing.T) {
	a := startNode(t, "A (rcnode)", true)
	b := startNode(t, "B (rcnode)", true)
	a.expect(t, "+OK\r\n", "CLUSTER", "ADDSLOTSRANGE", "0", "8191")
	b.expect(t, "+OK\r\n", "CLUSTER", "ADDSLOTSRANGE", "8192", "16383")
	a.expect(t, "+OK\r\n", "CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(b.proc.Port))
	for _, n := range []*node{a, b} {
		n.await(t, []string{"CLUSTER", "INFO"}, "cluster_state:ok", "cluster_known_nodes:2", "cluster_size:2")
	}
	a.expect(t, "-MOVED 12182 127.0.0.1:"+strconv.Itoa(b.proc.Port)+"\r\n", "GET", "foo")
	b.expect(t, "-MOVED 5061 127.0.0.1:"+strconv.Itoa(a.proc.Port)+"\r\n", "GET", "bar")
	a.expect(t, "+OK\r\n", "SET", "bar", "1")
	b.expect(t, "+OK\r\n", "SET", "foo", "1")
	awaitSame(t, a, b, "CLUSTER", "SLOTS")
}
