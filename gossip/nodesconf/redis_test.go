package nodesconf

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// These tests ask redis-server 7.0 (skipped when it is not installed): every server runs on
// loopback, and every wait is bounded.

// TestRedisLoads starts redis-server on every file of the accepted and corrupt tables: it
// must load each accepted file into the node table Parse describes (CLUSTER NODES and
// cluster_current_epoch), refuse each corrupt file marked "rejects", and load each one marked
// "loads" (where Parse is stricter than Redis on purpose).
func TestRedisLoads(t *testing.T) {
	testutil.RedisServerPath(t)
	for _, c := range accepted {
		t.Run("accepted/"+c.name, func(t *testing.T) {
			t.Parallel()
			in := ids(c.in)
			r := loadInRedis(t, []byte(in))
			if !r.loaded {
				t.Fatalf("redis-server refused it:\n%s", r.log)
			}
			want, err := Parse([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse([]byte(r.nodes))
			if err != nil {
				t.Fatalf("CLUSTER NODES does not parse: %v\n%s", err, r.nodes)
			}
			if g, w := loadedLines(got), loadedLines(want); !slices.Equal(g, w) {
				t.Fatalf("redis-server loaded\n%s\nParse says\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
			if r.currentEpoch != want.CurrentEpoch {
				t.Fatalf("cluster_current_epoch %d, Parse says %d", r.currentEpoch, want.CurrentEpoch)
			}
		})
	}
	for _, c := range corrupt {
		if c.redis == "" {
			continue
		}
		t.Run("corrupt/"+c.name, func(t *testing.T) {
			t.Parallel()
			r := loadInRedis(t, []byte(ids(c.in)))
			switch {
			case c.redis == "rejects" && r.loaded:
				t.Fatalf("redis-server loaded it:\n%s", r.nodes)
			case c.redis == "loads" && !r.loaded:
				t.Fatalf("redis-server refused it:\n%s", r.log)
			case !r.loaded && !refusalLog(r.log):
				t.Fatalf("redis-server stopped for another reason:\n%s", r.log)
			}
		})
	}
}

// loadedLines prints f's nodes without what Redis recomputes when it loads a file (ping,
// pong, link) or takes from its own configuration (myself's ports and hostname), sorted.
func loadedLines(f *File) []string {
	var lines []string
	for _, n := range f.Nodes {
		n.PingSent, n.PongRecv, n.LinkState = 0, 0, Disconnected
		if n.Flags&FlagMyself != 0 {
			n.Port, n.CPort, n.Hostname = 0, 0, ""
		}
		lines = append(lines, string(AppendNodeLine(nil, &n)))
	}
	slices.Sort(lines)
	return lines
}

// refusalLog tells a refused config file from a server that failed to start for another
// reason (a port taken, say).
func refusalLog(log string) bool {
	for _, s := range []string{"corrupted cluster config file", "Unknown flag in redis cluster config file",
		"ASSERTION FAILED", "crashed by signal"} {
		if strings.Contains(log, s) {
			return true
		}
	}
	return false
}

type redisLoad struct {
	loaded       bool
	nodes        string // CLUSTER NODES
	currentEpoch uint64
	log          string
}

// loadInRedis starts redis-server in cluster mode on conf as its nodes.conf and reports
// whether it came up (then with its CLUSTER NODES) or exited.
func loadInRedis(t *testing.T, conf []byte) redisLoad {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "nodes.conf")
	if err := os.WriteFile(path, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(testutil.FreePort(t))
	logPath := filepath.Join(dir, "log.txt")
	cmd := exec.Command(testutil.RedisServerPath(t), "--port", port, "--bind", "127.0.0.1",
		"--cluster-enabled", "yes", "--cluster-config-file", path, "--cluster-node-timeout", "60000",
		"--save", "", "--appendonly", "no", "--dir", dir, "--logfile", logPath)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	readLog := func() string { b, _ := os.ReadFile(logPath); return string(b) }

	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return redisLoad{log: readLog()}
		case <-time.After(20 * time.Millisecond):
		}
		c, err := testutil.Dial("127.0.0.1:" + port)
		if err != nil {
			continue
		}
		defer c.Close()
		if reply, err := c.Do("PING"); err != nil || string(reply) != "+PONG\r\n" {
			continue
		}
		r := redisLoad{loaded: true, log: readLog(), nodes: bulk(t, do(t, c, "CLUSTER", "NODES"))}
		r.currentEpoch = infoField(t, bulk(t, do(t, c, "CLUSTER", "INFO")), "cluster_current_epoch")
		return r
	}
	t.Fatalf("redis-server neither answered nor exited in 15 s:\n%s", readLog())
	return redisLoad{}
}

// TestRedisCluster builds a real cluster — three masters with ADDSLOTSRANGE, one with a
// hostname, a replica, open slots in both directions — and checks on every node that the
// nodes.conf CLUSTER SAVECONFIG writes parses to what CLUSTER NODES shows (ping and pong
// aside), that Format writes the file back byte for byte and AppendNodeLine the CLUSTER
// NODES reply. Then it kills the replica, waits for the masters to flag it failed, and checks
// again.
func TestRedisCluster(t *testing.T) {
	type node struct {
		p  *testutil.Proc
		c  *testutil.Conn
		id string
	}
	var ns [4]*node // a, b, c: masters; d: a's replica
	for i := range ns {
		args := []string{"--cluster-enabled", "yes", "--cluster-node-timeout", "1000"}
		if i == 0 {
			args = append(args, "--cluster-announce-hostname", "node-a.example")
		}
		p := testutil.StartRedis(t, args...)
		c, err := testutil.Dial(p.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		ns[i] = &node{p: p, c: c, id: bulk(t, do(t, c, "CLUSTER", "MYID"))}

		// The file a new node writes at startup.
		file, err := os.ReadFile(filepath.Join(p.Dir, "nodes.conf"))
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(file)
		if err != nil {
			t.Fatalf("startup nodes.conf: %v\n%s", err, file)
		}
		if got := Format(f); !bytes.Equal(got, file) {
			t.Fatalf("startup nodes.conf\n%s\nFormat gives\n%s", file, got)
		}
		if my := f.Myself(); my == nil || my.ID != ns[i].id || len(f.Nodes) != 1 {
			t.Fatalf("startup nodes.conf: %s", file)
		}
		t.Logf("startup nodes.conf: %s", file)
	}
	a, b, c, d := ns[0], ns[1], ns[2], ns[3]
	for i, r := range [][2]string{{"0", "5460"}, {"5461", "10922"}, {"10923", "16383"}} {
		wantOK(t, ns[i].c, "CLUSTER", "SET-CONFIG-EPOCH", strconv.Itoa(i+1))
		wantOK(t, ns[i].c, "CLUSTER", "ADDSLOTSRANGE", r[0], r[1])
	}
	for _, n := range ns[1:] {
		wantOK(t, a.c, "CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(n.p.Port))
	}
	waitFor(t, 20*time.Second, "every node knows every other, all connected, cluster ok", func() string {
		for _, n := range ns {
			nodes := bulk(t, do(t, n.c, "CLUSTER", "NODES"))
			if strings.Count(nodes, "\n") != 4 || strings.Contains(nodes, "handshake") ||
				strings.Contains(nodes, "disconnected") || strings.Contains(nodes, "noaddr") {
				return nodes
			}
			if info := bulk(t, do(t, n.c, "CLUSTER", "INFO")); !strings.Contains(info, "cluster_state:ok") {
				return info
			}
		}
		return ""
	})
	wantOK(t, d.c, "CLUSTER", "REPLICATE", a.id)
	waitFor(t, 20*time.Second, "every node sees d as a's replica", func() string {
		for _, n := range ns {
			if nodes := bulk(t, do(t, n.c, "CLUSTER", "NODES")); !strings.Contains(nodes, d.id+" ") ||
				!strings.Contains(nodes, "slave "+a.id) {
				return nodes
			}
		}
		return ""
	})
	wantOK(t, a.c, "CLUSTER", "SETSLOT", "100", "MIGRATING", b.id)
	wantOK(t, b.c, "CLUSTER", "SETSLOT", "100", "IMPORTING", a.id)
	wantOK(t, b.c, "CLUSTER", "SETSLOT", "6000", "MIGRATING", c.id)
	wantOK(t, c.c, "CLUSTER", "SETSLOT", "6000", "IMPORTING", b.id)

	files := map[string]*File{}
	for _, n := range ns {
		files[n.id] = checkSavedConfig(t, n.p, n.c)
	}

	// What the files must say, beyond agreeing with CLUSTER NODES.
	fa := files[a.id]
	my := fa.Myself()
	if my.ID != a.id || my.Hostname != "node-a.example" || my.ConfigEpoch != 1 || my.Slots.Count() != 5461 ||
		!maps.Equal(my.Migrating, map[int]string{100: b.id}) || my.Importing != nil {
		t.Errorf("a's own line: %s", AppendNodeLine(nil, my))
	}
	fb := files[b.id]
	if my := fb.Myself(); !maps.Equal(my.Migrating, map[int]string{6000: c.id}) ||
		!maps.Equal(my.Importing, map[int]string{100: a.id}) {
		t.Errorf("b's own line: %s", AppendNodeLine(nil, my))
	}
	for _, n := range fb.Nodes {
		switch n.ID {
		case a.id:
			if n.Hostname != "node-a.example" || n.IP != "127.0.0.1" || n.Port != a.p.Port || n.CPort != a.p.Port+10000 {
				t.Errorf("a in b's file: %s", AppendNodeLine(nil, &n))
			}
		case d.id:
			if n.Flags != FlagSlave || n.MasterID != a.id || n.ConfigEpoch != 1 || n.Slots.Count() != 0 {
				t.Errorf("d in b's file: %s", AppendNodeLine(nil, &n))
			}
		}
	}
	if fd := files[d.id]; fd.Myself().Flags != FlagMyself|FlagSlave || fd.CurrentEpoch != 3 {
		t.Errorf("d's file: %s", Format(fd))
	}

	// The replica dies; the masters flag it fail and lose the link.
	d.p.Kill()
	waitFor(t, 30*time.Second, "the masters flag d as failed", func() string {
		for _, n := range ns[:3] {
			if nodes := bulk(t, do(t, n.c, "CLUSTER", "NODES")); !strings.Contains(nodes, d.id+" ") ||
				!strings.Contains(nodes, "slave,fail "+a.id) {
				return nodes
			}
		}
		return ""
	})
	for _, n := range ns[:3] {
		f := checkSavedConfig(t, n.p, n.c)
		for _, x := range f.Nodes {
			if x.ID == d.id && (x.Flags != FlagSlave|FlagFail || x.LinkState != Disconnected) {
				t.Errorf("d after it died: %s", AppendNodeLine(nil, &x))
			}
		}
	}
}

// checkSavedConfig runs CLUSTER SAVECONFIG and checks the file against CLUSTER NODES and
// CLUSTER INFO, retrying while the cluster moves between the two (a link coming up, say).
func checkSavedConfig(t *testing.T, p *testutil.Proc, c *testutil.Conn) *File {
	t.Helper()
	var last error
	for try := 0; try < 20; try++ {
		if try > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		wantOK(t, c, "CLUSTER", "SAVECONFIG")
		file, err := os.ReadFile(filepath.Join(p.Dir, "nodes.conf"))
		if err != nil {
			t.Fatal(err)
		}
		nodes := bulk(t, do(t, c, "CLUSTER", "NODES"))
		epoch := infoField(t, bulk(t, do(t, c, "CLUSTER", "INFO")), "cluster_current_epoch")

		f, err := Parse(file)
		if err != nil {
			t.Fatalf("nodes.conf does not parse: %v\n%s", err, file)
		}
		if got := Format(f); !bytes.Equal(got, file) {
			t.Fatalf("nodes.conf\n%s\nFormat gives\n%s", file, got)
		}
		r, err := Parse([]byte(nodes))
		if err != nil {
			t.Fatalf("CLUSTER NODES does not parse: %v\n%s", err, nodes)
		}
		var lines []byte
		for i := range r.Nodes {
			lines = append(AppendNodeLine(lines, &r.Nodes[i]), '\n')
		}
		if string(lines) != nodes {
			t.Fatalf("CLUSTER NODES\n%s\nAppendNodeLine gives\n%s", nodes, lines)
		}
		if g, w := timeless(f), timeless(r); !slices.Equal(g, w) {
			last = fmt.Errorf("nodes.conf\n%s\nCLUSTER NODES\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			continue
		}
		if f.CurrentEpoch != epoch {
			last = fmt.Errorf("vars currentEpoch %d, cluster_current_epoch %d", f.CurrentEpoch, epoch)
			continue
		}
		t.Logf("%s nodes.conf:\n%s", p.Addr, file)
		return f
	}
	t.Fatal(last)
	return nil
}

// timeless prints f's lines with ping and pong zeroed, sorted (Redis writes its hash
// table's order, which a rehash between two listings can change).
func timeless(f *File) []string {
	var lines []string
	for _, n := range f.Nodes {
		n.PingSent, n.PongRecv = 0, 0
		lines = append(lines, string(AppendNodeLine(nil, &n)))
	}
	slices.Sort(lines)
	return lines
}

func waitFor(t *testing.T, limit time.Duration, what string, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		state := cond()
		if state == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, still not: %s\n%s", limit, what, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func do(t *testing.T, c *testutil.Conn, args ...string) []byte {
	t.Helper()
	reply, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return reply
}

func wantOK(t *testing.T, c *testutil.Conn, args ...string) {
	t.Helper()
	if reply := do(t, c, args...); string(reply) != "+OK\r\n" {
		t.Fatalf("%v: %q", args, reply)
	}
}

// bulk decodes a RESP2 bulk string reply.
func bulk(t *testing.T, reply []byte) string {
	t.Helper()
	head, body, ok := bytes.Cut(reply, []byte("\r\n"))
	n, err := strconv.Atoi(string(bytes.TrimPrefix(head, []byte("$"))))
	if !ok || head[0] != '$' || err != nil || len(body) != n+2 {
		t.Fatalf("not a bulk string: %q", reply)
	}
	return string(body[:n])
}

func infoField(t *testing.T, info, name string) uint64 {
	t.Helper()
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", name, v)
			}
			return n
		}
	}
	t.Fatalf("no %s in\n%s", name, info)
	return 0
}
