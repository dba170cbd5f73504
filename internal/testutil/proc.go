package testutil

import (
	"bytes"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	portMu  sync.Mutex
	portOut = map[int]bool{} // handed out to tests that are still running
)

// FreePort returns a loopback TCP port that is free now, whose port+10000 (the cluster bus
// port) is free too, and that no running test of this process has been given already (so
// parallel tests do not race for one port). The kernel picks it, unless RCNODE_TEST_PORTS
// ("lo-hi") names the range to pick from, for machines where only some ports may be used.
func FreePort(t testing.TB) int {
	t.Helper()
	portMu.Lock()
	defer portMu.Unlock()
	give := func(port int) int {
		portOut[port] = true
		t.Cleanup(func() { // after the cleanups registered later, which stop the server
			portMu.Lock()
			delete(portOut, port)
			portMu.Unlock()
		})
		return port
	}
	if lo, hi, ok := portRange(t); ok {
		n := hi - lo + 1
		first := rand.Intn(n)
		for i := 0; i < n; i++ {
			port := lo + (first+i)%n
			if !portOut[port] && portFree(port) && portFree(port+10000) {
				return give(port)
			}
		}
		t.Fatalf("no free port pair in RCNODE_TEST_PORTS=%d-%d", lo, hi)
	}
	for i := 0; i < 100; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if port+10000 <= 65535 && !portOut[port] && portFree(port+10000) {
			return give(port)
		}
	}
	t.Fatal("no free port pair found")
	return 0
}

// portRange reads RCNODE_TEST_PORTS; ok is false when it is not set.
func portRange(t testing.TB) (lo, hi int, ok bool) {
	t.Helper()
	s := os.Getenv("RCNODE_TEST_PORTS")
	if s == "" {
		return 0, 0, false
	}
	a, b, _ := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || lo < 1 || lo > hi || hi+10000 > 65535 {
		t.Fatalf("RCNODE_TEST_PORTS=%q: want lo-hi with 1 <= lo <= hi <= 55535", s)
	}
	return lo, hi, true
}

func portFree(port int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// Proc is a server process started for a test.
type Proc struct {
	Port int
	Addr string
	Dir  string
	cmd  *exec.Cmd
}

// Client connects a Client to the process (closed when the test ends).
func (p *Proc) Client(t testing.TB) *Client {
	t.Helper()
	return NewClient(t, p.Addr)
}

// Kill stops the process at once.
func (p *Proc) Kill() {
	if p.cmd.Process != nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
}

// RedisServerPath returns the redis-server binary, or skips the test when it is missing
// (CI installs it; a bare machine can still run the other tests).
func RedisServerPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed")
	}
	return p
}

// StartRedis starts redis-server on a free loopback port with persistence off, plus args.
func StartRedis(t testing.TB, args ...string) *Proc {
	t.Helper()
	return start(t, RedisServerPath(t), args)
}

// StartRcnode starts the rcnode binary on a free loopback port, plus args.
func StartRcnode(t testing.TB, args ...string) *Proc {
	t.Helper()
	return start(t, RcnodeBinary(t), args)
}

func start(t testing.TB, bin string, extra []string) *Proc {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port := FreePort(t)
		dir := t.TempDir()
		args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
			"--appendonly", "no", "--dir", dir, "--logfile", filepath.Join(dir, "log.txt")}, extra...)
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		p := &Proc{Port: port, Addr: "127.0.0.1:" + strconv.Itoa(port), Dir: dir, cmd: cmd}
		if err := waitPing(p.Addr, 10*time.Second); err != nil {
			p.Kill()
			log, _ := os.ReadFile(filepath.Join(dir, "log.txt"))
			lastErr = fmt.Errorf("%s did not answer PING: %v\n%s", bin, err, log)
			continue
		}
		t.Cleanup(p.Kill)
		return p
	}
	t.Fatal(lastErr)
	return nil
}

func waitPing(addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var err error
	for time.Now().Before(deadline) {
		var c *Conn
		if c, err = Dial(addr); err == nil {
			var reply []byte
			reply, err = c.Do("PING")
			c.Close()
			// A server started with requirepass, or as a replica that must not serve stale
			// data, is up when it answers the way it was told to.
			if err == nil && (string(reply) == "+PONG\r\n" || bytes.HasPrefix(reply, []byte("-NOAUTH ")) ||
				bytes.HasPrefix(reply, []byte("-MASTERDOWN "))) {
				return nil
			}
			if err == nil {
				err = fmt.Errorf("PING replied %q", reply)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// RcnodeBinary builds ./cmd/rcnode once per test process (with the race detector when the
// tests themselves run with it) and returns its path.
func RcnodeBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		dir, err := os.MkdirTemp("", "rcnode-test-bin")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "rcnode")
		args := []string{"build", "-o", buildPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "./cmd/rcnode")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}
