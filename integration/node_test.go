package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// serverKind names the binary a node runs.
type serverKind string

const (
	redisServer serverKind = "redis-server"
	rcnode      serverKind = "rcnode"
)

const (
	// nodeTimeoutMillis is every node's cluster-node-timeout, as in Redis's own cluster
	// tests: long enough that a node killed and restarted at once is never marked failed (so
	// no failover moves its slots while a test expects them to stay), short enough that a
	// failure would show within a test's waits.
	nodeTimeoutMillis = 3000

	// startLimit bounds a start or restart until the node answers PING; an rcnode built with
	// -race on two busy cores needs more than the usual fraction of a second.
	startLimit = 20 * time.Second

	// stopLimit bounds a graceful stop before the node is killed.
	stopLimit = 10 * time.Second

	logTailLines = 40
)

// node is one server process with its own directory (config, nodes.conf, logs). It keeps its
// port and directory across restarts, so a restarted node finds its nodes.conf again.
type node struct {
	t    testing.TB
	kind serverKind
	bin  string
	port int
	addr string
	dir  string

	cmd    *exec.Cmd
	exited chan struct{} // closed once the running process has exited and been reaped
}

// startNode starts a node of the given kind on a free port pair (port and port+10000) and
// waits until it answers PING. When the test ends the node is killed, its logs are checked
// for crashes and data races, and, if the test failed, the tail of its logs is printed.
func startNode(t testing.TB, kind serverKind) *node {
	t.Helper()
	bin := binaryFor(t, kind)
	var lastErr error
	// Another process may take a free port between our check and the server's bind.
	for attempt := 0; attempt < 3; attempt++ {
		port := testutil.FreePort(t)
		n := &node{t: t, kind: kind, bin: bin, port: port, addr: "127.0.0.1:" + strconv.Itoa(port), dir: t.TempDir()}
		if err := n.writeConfig(); err != nil {
			t.Fatal(err)
		}
		if lastErr = n.launch(); lastErr != nil {
			n.killProcess()
			lastErr = fmt.Errorf("%v\n%s", lastErr, n.logTail())
			continue
		}
		t.Cleanup(n.cleanup)
		return n
	}
	t.Fatal(lastErr)
	return nil
}

func binaryFor(t testing.TB, kind serverKind) string {
	t.Helper()
	switch kind {
	case redisServer:
		return testutil.RedisServerPath(t)
	case rcnode:
		return rcnodeBinary(t)
	}
	t.Fatalf("unknown server kind %q", kind)
	return ""
}

func (n *node) String() string { return fmt.Sprintf("%s %s", n.kind, n.addr) }

func (n *node) confPath() string   { return filepath.Join(n.dir, "node.conf") }
func (n *node) logPath() string    { return filepath.Join(n.dir, "node.log") }
func (n *node) stderrPath() string { return filepath.Join(n.dir, "stderr.log") }

// writeConfig writes the node's redis.conf. Persistence is off: a restarted node keeps its
// identity and slots through nodes.conf alone, which is what the restart tests check.
func (n *node) writeConfig() error {
	conf := fmt.Sprintf(`port %d
bind 127.0.0.1
dir %s
logfile %s
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout %d
appendonly no
save ""
`, n.port, n.dir, n.logPath(), nodeTimeoutMillis)
	return os.WriteFile(n.confPath(), []byte(conf), 0o644)
}

// launch starts the process and waits for it to answer PING.
func (n *node) launch() error {
	// stderr is where a Go panic or a race report goes; appended across restarts.
	out, err := os.OpenFile(n.stderrPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.bin, n.confPath())
	cmd.Dir = n.dir // so relative paths resolve against dir whichever way a server reads them
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return err
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		out.Close()
		close(exited)
	}()
	n.cmd, n.exited = cmd, exited
	return n.waitPong(startLimit)
}

// waitPong waits until the node answers PING, failing early when the process exits.
func (n *node) waitPong(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var err error
	for time.Now().Before(deadline) {
		if !n.running() {
			return fmt.Errorf("%s exited during startup (%v)", n, n.cmd.ProcessState)
		}
		var reply any
		if reply, err = query(n.addr, "PING"); err == nil && reply == "PONG" {
			return nil
		} else if err == nil {
			err = fmt.Errorf("PING replied %v", reply)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer PING within %v: %v", n, limit, err)
}

func (n *node) running() bool {
	if n.exited == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

// kill stops the node with SIGKILL, as a crash or power loss would: nothing is flushed.
func (n *node) kill() {
	n.t.Helper()
	if err := n.killProcess(); err != nil {
		n.t.Fatal(err)
	}
}

func (n *node) killProcess() error {
	if !n.running() {
		return nil
	}
	n.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-n.exited:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("%s (pid %d) still running 10s after SIGKILL", n, n.cmd.Process.Pid)
	}
}

// stop asks the node to exit with SIGTERM, the way an operator or supervisor does, and
// kills it (failing the test) if it has not exited within stopLimit.
func (n *node) stop() {
	n.t.Helper()
	if !n.running() {
		return
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(stopLimit):
		n.t.Errorf("%s did not exit within %v of SIGTERM; killing it", n, stopLimit)
		n.kill()
	}
}

// restart starts the node again with the same port, config and directory.
func (n *node) restart() {
	n.t.Helper()
	if n.running() {
		n.t.Fatalf("restart of %s while it is still running", n)
	}
	if err := n.launch(); err != nil {
		n.t.Fatalf("restart: %v\n%s", err, n.logTail())
	}
}

func (n *node) cleanup() {
	if err := n.killProcess(); err != nil {
		n.t.Error(err)
	}
	n.reportCrashes()
	if n.t.Failed() {
		n.t.Logf("%s", n.logTail())
	}
}

// crashMarkers are what a server writes when it crashes or, built with -race, when it races.
var crashMarkers = []string{"WARNING: DATA RACE", "panic: ", "fatal error: ", "REDIS BUG REPORT START"}

// reportCrashes fails the test when the node's logs show a crash or a data race: a test
// whose assertions passed must still not hide a node that panicked or raced on the way.
func (n *node) reportCrashes() {
	for _, path := range []string{n.stderrPath(), n.logPath()} {
		b, _ := os.ReadFile(path)
		for _, marker := range crashMarkers {
			if i := bytes.Index(b, []byte(marker)); i >= 0 {
				n.t.Errorf("%s: %q in %s:\n%s", n, marker, filepath.Base(path), firstLines(string(b[i:]), 60))
				return
			}
		}
	}
}

// logTail returns the last lines of the node's log and of its stderr, when there are any.
func (n *node) logTail() string {
	var sb strings.Builder
	for _, path := range []string{n.logPath(), n.stderrPath()} {
		b, err := os.ReadFile(path)
		if err != nil || len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		fmt.Fprintf(&sb, "--- %s: last %d lines of %s\n%s\n", n, logTailLines, filepath.Base(path), tailLines(b, logTailLines))
	}
	if sb.Len() == 0 {
		return fmt.Sprintf("--- %s: no log output", n)
	}
	return sb.String()
}

func tailLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// query sends one command on a fresh connection and returns the reply as
// testutil.ParseReply does (an error reply is a testutil.RedisError).
func query(addr string, args ...string) (any, error) {
	c, err := testutil.Dial(addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	raw, err := c.Do(args...)
	if err != nil {
		return nil, err
	}
	return testutil.ParseReply(raw)
}

// queryString is query for commands whose reply is a string (CLUSTER INFO, NODES, MYID).
func queryString(addr string, args ...string) (string, error) {
	v, err := query(addr, args...)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s replied %#v, not a string", strings.Join(args, " "), v)
	}
	return s, nil
}

// myID returns the node's CLUSTER MYID.
func (n *node) myID() string {
	n.t.Helper()
	id, err := queryString(n.addr, "CLUSTER", "MYID")
	if err != nil {
		n.t.Fatalf("%s: CLUSTER MYID: %v", n, err)
	}
	return id
}
