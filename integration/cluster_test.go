package integration

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
	"github.com/rcnode/rcnode/slots"
)

const (
	// createLimit bounds `redis-cli --cluster create`, whose own wait for the nodes to join
	// has no limit.
	createLimit = 60 * time.Second
	// readyLimit bounds the wait for cluster_state:ok and a full mesh after create or restart.
	readyLimit = 30 * time.Second
	// agreeLimit bounds the wait for every node's CLUSTER NODES to agree; roles spread by
	// gossip after redis-cli has seen the slots agree.
	agreeLimit = 15 * time.Second
	// cliLimit bounds one short redis-cli run (a command, --cluster check).
	cliLimit = 30 * time.Second
	// pollInterval is how often the waits ask the nodes; it is also the resolution of the
	// readiness times the tests log.
	pollInterval = 25 * time.Millisecond
)

// cluster is a set of nodes joined (by create) into one cluster with one replica per master.
type cluster struct {
	t       testing.TB
	nodes   []*node
	ids     []string  // CLUSTER MYID of each node, once waitReady has seen them all
	created time.Time // when `redis-cli --cluster create` returned
}

// startCluster starts one node of each given kind, in order; the order is the one create
// passes to redis-cli, which makes the first half of the list masters.
func startCluster(t testing.TB, kinds ...serverKind) *cluster {
	t.Helper()
	c := &cluster{t: t}
	for _, k := range kinds {
		c.nodes = append(c.nodes, startNode(t, k))
	}
	return c
}

// create joins the nodes with `redis-cli --cluster create ... --cluster-replicas 1
// --cluster-yes` and returns how long redis-cli took.
func (c *cluster) create() time.Duration {
	c.t.Helper()
	args := []string{"--cluster", "create"}
	for _, n := range c.nodes {
		args = append(args, n.addr)
	}
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	start := time.Now()
	out, err := redisCLI(c.t, createLimit, args...)
	c.created = time.Now()
	if err != nil || !strings.Contains(out, "[OK] All 16384 slots covered.") || strings.Contains(out, "[ERR]") {
		c.t.Fatalf("redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return c.created.Sub(start)
}

// readiness is how long after a given moment (create returning, a restart) the cluster
// reached each stage.
type readiness struct {
	stateOK time.Duration // every node reported cluster_state:ok in one polling round
	ready   time.Duration // and every node listed all nodes, linked, none flagged
}

// waitReady waits until every node reports cluster_state:ok in CLUSTER INFO and every node's
// CLUSTER NODES lists exactly the cluster's nodes, with no handshake, noaddr, fail or fail?
// flag and every link connected. It records each node's CLUSTER MYID in c.ids and returns
// the times from since.
func (c *cluster) waitReady(since time.Time) readiness {
	c.t.Helper()
	p := newPoller()
	defer p.close()
	ids := make([]string, len(c.nodes))
	var r readiness
	deadline := time.Now().Add(readyLimit)
	for {
		allOK := true
		var waiting []string
		for i, n := range c.nodes {
			if ids[i] == "" {
				id, err := p.ask(n, "CLUSTER", "MYID")
				if err != nil {
					allOK = false
					waiting = append(waiting, fmt.Sprintf("%s: CLUSTER MYID: %v", n, err))
					continue
				}
				ids[i] = id
			}
			info, err := p.ask(n, "CLUSTER", "INFO")
			if err != nil || !strings.Contains(info, "cluster_state:ok\r\n") {
				allOK = false
				waiting = append(waiting, fmt.Sprintf("%s: not cluster_state:ok (%v)\n%s", n, err, firstLines(info, 3)))
				continue
			}
			text, err := p.ask(n, "CLUSTER", "NODES")
			if err != nil {
				waiting = append(waiting, fmt.Sprintf("%s: CLUSTER NODES: %v", n, err))
				continue
			}
			if why := meshProblem(ids, ids[i], text); why != "" {
				waiting = append(waiting, fmt.Sprintf("%s: %s\n%s", n, why, text))
			}
		}
		if allOK && r.stateOK == 0 {
			r.stateOK = time.Since(since)
		}
		if len(waiting) == 0 {
			r.ready = time.Since(since)
			c.ids = ids
			return r
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("cluster not ready within %v:\n%s", readyLimit, strings.Join(waiting, "\n"))
		}
		time.Sleep(pollInterval)
	}
}

// meshProblem says why one node's CLUSTER NODES is not yet the full, healthy mesh of ids
// ("" when it is). An id not fetched yet makes the mesh unknown.
func meshProblem(ids []string, self, text string) string {
	if slices.Contains(ids, "") {
		return "node ids not all known yet"
	}
	lines, err := parseClusterNodes(text)
	if err != nil {
		return err.Error()
	}
	if len(lines) != len(ids) {
		return fmt.Sprintf("lists %d nodes, want %d", len(lines), len(ids))
	}
	for _, l := range lines {
		switch {
		case !slices.Contains(ids, l.ID):
			return "lists unknown node " + l.ID
		case l.has("handshake") || l.has("noaddr") || l.has("fail") || l.has("fail?"):
			return fmt.Sprintf("flags %s on %s", strings.Join(l.Flags, ","), l.ID)
		case l.has("myself") && l.ID != self:
			return fmt.Sprintf("myself is %s, CLUSTER MYID said %s", l.ID, self)
		case !l.has("myself") && l.LinkState != "connected":
			return "link to " + l.ID + " is " + l.LinkState
		}
	}
	return ""
}

// nodeView is what a node's CLUSTER NODES says about one node: the facts all must agree on.
type nodeView struct {
	Addr     string
	Role     string
	MasterID string
	Slots    string
}

// clusterView is one node's CLUSTER NODES, by node id.
type clusterView map[string]nodeView

func (v clusterView) String() string {
	ids := make([]string, 0, len(v))
	for id := range v {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var sb strings.Builder
	for _, id := range ids {
		nv := v[id]
		fmt.Fprintf(&sb, "  %s %s %s %s %s\n", id, nv.Addr, nv.Role, nv.MasterID, nv.Slots)
	}
	return sb.String()
}

func viewOf(text string) (clusterView, error) {
	lines, err := parseClusterNodes(text)
	if err != nil {
		return nil, err
	}
	v := clusterView{}
	for _, l := range lines {
		v[l.ID] = nodeView{Addr: l.Addr, Role: l.role(), MasterID: l.MasterID, Slots: strings.Join(l.Slots, " ")}
	}
	return v, nil
}

// waitAgreement waits until every node's CLUSTER NODES says the same about every node
// (address, role, master, slots) and returns that view.
func (c *cluster) waitAgreement() clusterView {
	c.t.Helper()
	p := newPoller()
	defer p.close()
	deadline := time.Now().Add(agreeLimit)
	for {
		views := make([]clusterView, len(c.nodes))
		var problem string
		for i, n := range c.nodes {
			text, err := p.ask(n, "CLUSTER", "NODES")
			if err == nil {
				views[i], err = viewOf(text)
			}
			if err != nil {
				problem = fmt.Sprintf("%s: %v", n, err)
				break
			}
			if i > 0 && !mapsEqual(views[i], views[0]) {
				problem = fmt.Sprintf("%s says\n%s%s says\n%s", c.nodes[0], views[0], n, views[i])
				break
			}
		}
		if problem == "" {
			return views[0]
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("nodes do not agree on CLUSTER NODES within %v:\n%s", agreeLimit, problem)
		}
		time.Sleep(pollInterval)
	}
}

func mapsEqual(a, b clusterView) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// assertShape checks what --cluster-replicas 1 promises: half the nodes are masters, each
// with slots and exactly one replica; each view entry is one of our nodes' addresses.
// It returns the master ids.
func (c *cluster) assertShape(v clusterView) []string {
	c.t.Helper()
	if len(v) != len(c.nodes) {
		c.t.Fatalf("view has %d nodes, want %d:\n%s", len(v), len(c.nodes), v)
	}
	for id, nv := range v {
		if c.nodeAt(nv.Addr) == nil {
			c.t.Errorf("node %s has address %s, which is none of ours", id, nv.Addr)
		}
	}
	var masters []string
	replicas := map[string]int{}
	for id, nv := range v {
		switch {
		case nv.Role == "master":
			masters = append(masters, id)
			if nv.Slots == "" {
				c.t.Errorf("master %s has no slots", id)
			}
		case v[nv.MasterID].Role != "master":
			c.t.Errorf("replica %s replicates %s, which is not a master", id, nv.MasterID)
		default:
			replicas[nv.MasterID]++
		}
	}
	if len(masters) != len(c.nodes)/2 {
		c.t.Errorf("%d masters, want %d", len(masters), len(c.nodes)/2)
	}
	for _, m := range masters {
		if replicas[m] != 1 {
			c.t.Errorf("master %s has %d replicas, want 1", m, replicas[m])
		}
	}
	if c.t.Failed() {
		c.t.FailNow()
	}
	sort.Strings(masters)
	return masters
}

// nodeAt returns our node whose CLUSTER NODES address ("ip:port@cport") is addr.
func (c *cluster) nodeAt(addr string) *node {
	for _, n := range c.nodes {
		if addr == fmt.Sprintf("%s@%d", n.addr, n.port+10000) {
			return n
		}
	}
	return nil
}

// check runs `redis-cli --cluster check` from entry and asserts it finds every slot covered,
// the nodes agreeing, and no error.
func (c *cluster) check(entry *node) {
	c.t.Helper()
	out, err := redisCLI(c.t, cliLimit, "--cluster", "check", entry.addr)
	if err != nil || strings.Contains(out, "[ERR]") ||
		!strings.Contains(out, "[OK] All 16384 slots covered.") ||
		!strings.Contains(out, "[OK] All nodes agree about slots configuration.") {
		c.t.Fatalf("redis-cli --cluster check %s: %v\n%s", entry.addr, err, out)
	}
}

// writeAndReadKeys writes nkeys keys with `redis-cli -c SET`, entering the cluster at each
// node in turn, reads each back with `redis-cli -c GET` entered at the next node, and reads
// it directly from the master that view says owns its slot. Every master must receive keys,
// so all slot ranges are exercised.
func (c *cluster) writeAndReadKeys(v clusterView, nkeys int) {
	c.t.Helper()
	var owner [slots.Count]string
	for id, nv := range v {
		for _, tok := range strings.Fields(nv.Slots) {
			r, ok := slots.ParseRange(tok)
			if !ok {
				c.t.Fatalf("node %s: bad slot range %q", id, tok)
			}
			for s := r.Start; s <= r.End; s++ {
				owner[s] = id
			}
		}
	}
	byID := map[string]*node{}
	for id, nv := range v {
		byID[id] = c.nodeAt(nv.Addr)
	}
	// Values unique to this run, so a stale value from elsewhere cannot pass for ours.
	token := strconv.FormatInt(time.Now().UnixNano(), 36)
	perMaster := map[string]int{} // keys by master id
	for i := 0; i < nkeys; i++ {
		key, val := fmt.Sprintf("itest:%d", i), fmt.Sprintf("%d:%s", i, token)
		writeAt, readAt := c.nodes[i%len(c.nodes)], c.nodes[(i+1)%len(c.nodes)]
		if out := c.cli(writeAt, "SET", key, val); out != "OK" {
			c.t.Fatalf("redis-cli -c -p %d SET %s: %q", writeAt.port, key, out)
		}
		if out := c.cli(readAt, "GET", key); out != val {
			c.t.Fatalf("redis-cli -c -p %d GET %s (written through %d) = %q, want %q", readAt.port, key, writeAt.port, out, val)
		}
		m := owner[slots.KeySlotString(key)]
		if m == "" {
			c.t.Fatalf("no master owns slot %d of %s", slots.KeySlotString(key), key)
		}
		perMaster[m]++
		if got, err := query(byID[m].addr, "GET", key); err != nil || got != val {
			c.t.Fatalf("GET %s directly on its master %s = %v, %v; want %q", key, byID[m], got, err, val)
		}
	}
	var spread []string
	for id, nv := range v {
		if nv.Role != "master" {
			continue
		}
		if perMaster[id] == 0 {
			c.t.Errorf("none of %d keys went to master %s (%s)", nkeys, byID[id], nv.Slots)
		}
		spread = append(spread, fmt.Sprintf("%s=%d", byID[id], perMaster[id]))
	}
	sort.Strings(spread)
	c.t.Logf("%d keys written and read back through redis-cli -c; keys per master: %s", nkeys, strings.Join(spread, ", "))
}

// cli runs `redis-cli -c -p <entry> args...` and returns its trimmed output.
func (c *cluster) cli(entry *node, args ...string) string {
	c.t.Helper()
	out, err := redisCLI(c.t, cliLimit, append([]string{"-c", "-h", "127.0.0.1", "-p", strconv.Itoa(entry.port)}, args...)...)
	if err != nil {
		c.t.Fatalf("redis-cli -c -p %d %s: %v\n%s", entry.port, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

var ansiColour = regexp.MustCompile("\x1b\\[[0-9;]*m")

// redisCLI runs redis-cli with args, bounded by limit, and returns its output (stdout and
// stderr) without the colour codes --cluster prints.
func redisCLI(t testing.TB, limit time.Duration, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("no result within %v", limit)
	}
	return ansiColour.ReplaceAllString(string(out), ""), err
}

// poller keeps one connection per node for the waits, which ask many times a second.
type poller struct {
	conns map[*node]*testutil.Conn
}

func newPoller() *poller { return &poller{conns: map[*node]*testutil.Conn{}} }

// ask sends a command whose reply is a string; a broken connection is redialled next time.
func (p *poller) ask(n *node, args ...string) (string, error) {
	conn := p.conns[n]
	if conn == nil {
		var err error
		if conn, err = testutil.Dial(n.addr); err != nil {
			return "", err
		}
		p.conns[n] = conn
	}
	raw, err := conn.Do(args...)
	if err != nil {
		conn.Close()
		delete(p.conns, n)
		return "", err
	}
	v, err := testutil.ParseReply(raw)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s replied %#v, not a string", strings.Join(args, " "), v)
	}
	return s, nil
}

func (p *poller) close() {
	for _, c := range p.conns {
		c.Close()
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
