package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// clusterNode is an rcnode process started in cluster mode in dir.
type clusterNode struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	port int
}

// syncBuffer is the process's output, readable while the process still writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startClusterNode(t *testing.T, dir string, port int, extra ...string) *clusterNode {
	t.Helper()
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--cluster-enabled", "yes"}, extra...)
	n := &clusterNode{cmd: exec.Command(testutil.RcnodeBinary(t), args...), out: &syncBuffer{}, port: port}
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.cmd.Process.Kill(); n.cmd.Wait() })
	return n
}

// exitCode waits for the process to end by itself and returns its exit code.
func (n *clusterNode) exitCode(t *testing.T) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(10 * time.Second):
		t.Fatalf("rcnode did not exit:\n%s", n.out)
		return -1
	}
}

func (n *clusterNode) shutdown(t *testing.T, c *testutil.Conn) {
	t.Helper()
	c.Send(testutil.EncodeCommand("SHUTDOWN"))
	if code := n.exitCode(t); code != 0 {
		t.Fatalf("exit code %d after SHUTDOWN:\n%s", code, n.out)
	}
}

// TestClusterIdentitySurvivesRestart checks the startup lines Redis logs for a new and for
// a known node, and that the ID and slots come back from nodes.conf.
func TestClusterIdentitySurvivesRestart(t *testing.T) {
	dir, port := t.TempDir(), testutil.FreePort(t)
	n := startClusterNode(t, dir, port)
	c := dialWithRetry(t, "127.0.0.1:"+strconv.Itoa(port))
	id, _ := c.Do("CLUSTER", "MYID")
	c.Do("CLUSTER", "ADDSLOTSRANGE", "0", "99")
	c.Do("CLUSTER", "SAVECONFIG")
	n.shutdown(t, c)
	myID := string(id[5:45])
	if want := "No cluster configuration found, I'm " + myID; !strings.Contains(n.out.String(), want) {
		t.Errorf("first start: log lacks %q:\n%s", want, n.out)
	}

	n = startClusterNode(t, dir, port)
	c = dialWithRetry(t, "127.0.0.1:"+strconv.Itoa(port))
	nodes, _ := c.Do("CLUSTER", "NODES")
	if !bytes.Contains(nodes, []byte(myID+" ")) || !bytes.Contains(nodes, []byte(" connected 0-99\n")) {
		t.Errorf("after restart CLUSTER NODES is %q, want ID %s with slots 0-99", nodes, myID)
	}
	log := n.out.String()
	loaded := strings.Index(log, "Node configuration loaded, I'm "+myID)
	ready := strings.Index(log, "Ready to accept connections")
	if loaded < 0 || ready < loaded {
		t.Errorf("log lacks \"Node configuration loaded, I'm %s\" before \"Ready to accept connections\":\n%s", myID, log)
	}
}

// TestCorruptNodesConfStopsStartup: a node must never silently start as a new one over a
// nodes.conf it cannot read, which would throw away its identity and slots.
func TestCorruptNodesConfStopsStartup(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nodes.conf")
	bad := []byte("553a7761553a7761553a7761553a7761553a7761 127.0.0.1:7000@17000 myself,master\n")
	os.WriteFile(conf, bad, 0o644)
	n := startClusterNode(t, dir, testutil.FreePort(t))
	if code := n.exitCode(t); code != 1 {
		t.Fatalf("exit code %d, want 1:\n%s", code, n.out)
	}
	if !strings.Contains(n.out.String(), "Unrecoverable error: corrupted cluster config file.") {
		t.Errorf("log lacks Redis's message:\n%s", n.out)
	}
	if strings.Contains(n.out.String(), "Ready to accept connections") {
		t.Errorf("rcnode got ready:\n%s", n.out)
	}
	if got, _ := os.ReadFile(conf); !bytes.Equal(got, bad) {
		t.Errorf("nodes.conf was rewritten: %q", got)
	}
}

// TestClusterPortTooHigh: without cluster-port the bus port is port+10000, so Redis refuses
// a port above 55535; with cluster-port it starts.
func TestClusterPortTooHigh(t *testing.T) {
	n := startClusterNode(t, t.TempDir(), freePortAbove(t, 55535))
	if code := n.exitCode(t); code != 1 {
		t.Fatalf("exit code %d, want 1:\n%s", code, n.out)
	}
	if !strings.Contains(n.out.String(), "Your Redis port number must be 55535 or less.") {
		t.Errorf("log lacks Redis's message:\n%s", n.out)
	}

	port, busPort := testutil.FreePort(t), testutil.FreePort(t)
	n = startClusterNode(t, t.TempDir(), port, "--cluster-port", strconv.Itoa(busPort))
	c := dialWithRetry(t, "127.0.0.1:"+strconv.Itoa(port))
	if nodes, _ := c.Do("CLUSTER", "NODES"); !bytes.Contains(nodes, []byte(":"+strconv.Itoa(port)+"@"+strconv.Itoa(busPort)+" ")) {
		t.Errorf("CLUSTER NODES %q does not announce bus port %d", nodes, busPort)
	}
	n.shutdown(t, c)
}

// freePortAbove returns a loopback port above min that is free now. Ports that high are in
// the kernel's range for outgoing connections, so a fixed one may be taken by a test's
// client socket.
func freePortAbove(t *testing.T, min int) int {
	t.Helper()
	for p := 65535; p > min; p-- {
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p)); err == nil {
			ln.Close()
			return p
		}
	}
	t.Fatalf("no free port above %d", min)
	return 0
}

// TestSecondNodeOnSameNodesConf: the nodes.conf lock keeps a second process off it.
func TestSecondNodeOnSameNodesConf(t *testing.T) {
	dir, port := t.TempDir(), testutil.FreePort(t)
	startClusterNode(t, dir, port)
	dialWithRetry(t, "127.0.0.1:"+strconv.Itoa(port))
	n := startClusterNode(t, dir, testutil.FreePort(t))
	if code := n.exitCode(t); code != 1 {
		t.Fatalf("exit code %d, want 1:\n%s", code, n.out)
	}
	if !strings.Contains(n.out.String(), "is already used by a different Redis Cluster node") {
		t.Errorf("log:\n%s", n.out)
	}
}
