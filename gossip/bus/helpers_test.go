package bus

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/rcnode/rcnode/gossip"
)

// testNode is one bus on loopback with its log captured.
type testNode struct {
	*Bus
	logs  *observer.ObservedLogs
	port  int // client port as announced (the bus port minus 10000, Redis's default)
	cport int // bus port
}

// testLogger logs to t (shown on failure and with -v) and records every line.
func testLogger(t *testing.T) (*zap.SugaredLogger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	tl := zaptest.NewLogger(t, zaptest.Level(zapcore.DebugLevel))
	return zap.New(zapcore.NewTee(core, tl.Core())).Sugar(), logs
}

func testOptions(t *testing.T, dir string, log *zap.SugaredLogger) Options {
	return Options{
		Bind:       []string{"127.0.0.1"},
		Port:       0, // the OS picks; startNode announces it
		ConfigFile: filepath.Join(dir, "nodes.conf"),
		Cluster: gossip.Config{
			NodeTimeout:           5000,
			AllowReplicaMigration: true,
			MigrationBarrier:      1,
		},
		Log: log,
	}
}

// startNode opens and starts a bus in its own directory, then announces the port the OS gave
// it, as a node does with cluster-port and port. It is closed when the test ends.
func startNode(t *testing.T) *testNode {
	t.Helper()
	log, logs := testLogger(t)
	b, err := Open(testOptions(t, t.TempDir(), log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	n := &testNode{Bus: b, logs: logs}
	n.cport = b.listeners[0].Addr().(*net.TCPAddr).Port
	n.port = n.cport - 10000
	cfg := b.opts.Cluster
	cfg.Port, cfg.CPort = n.port, n.cport
	b.Do(func(c *gossip.Cluster) { c.SetConfig(cfg) })
	return n
}

func (n *testNode) addr() string { return n.listeners[0].Addr().String() }

// countLogs counts the captured lines that contain s.
func (n *testNode) countLogs(s string) int {
	return len(n.logs.FilterMessageSnippet(s).All())
}

// linkCount is how many links the bus holds now.
func (n *testNode) linkCount() int {
	var k int
	n.Do(func(*gossip.Cluster) { k = len(n.links) })
	return k
}

// eventually polls cond every 20 ms until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
