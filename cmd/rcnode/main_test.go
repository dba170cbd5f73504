package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
	"github.com/rcnode/rcnode/node/config"
)

// TestStartupLogAndShutdown starts the binary like a test harness does and checks the lines
// harnesses wait for, the pid file, and a clean exit on SHUTDOWN.
func TestStartupLogAndShutdown(t *testing.T) {
	bin := testutil.RcnodeBinary(t)
	dir := t.TempDir()
	port := testutil.FreePort(t)
	conf := filepath.Join(dir, "redis.conf")
	os.WriteFile(conf, []byte("port "+strconv.Itoa(port)+"\nbind 127.0.0.1\ndir "+dir+"\npidfile "+dir+"/rc.pid\n"+
		"loglevel verbose\nactiverehashing yes\n"), 0o644)
	var out bytes.Buffer
	cmd := exec.Command(bin, conf, "--cluster-enabled", "yes")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	c := dialWithRetry(t, "127.0.0.1:"+strconv.Itoa(port))
	pid, err := os.ReadFile(filepath.Join(dir, "rc.pid"))
	if err != nil || strings.TrimSpace(string(pid)) != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("pid file %q %v, pid %d", pid, err, cmd.Process.Pid)
	}
	c.Send(testutil.EncodeCommand("SHUTDOWN"))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("rcnode did not exit after SHUTDOWN")
	}
	log := out.String()
	for _, want := range []string{" PID: " + strconv.Itoa(cmd.Process.Pid), "Ready to accept connections",
		"Running in cluster mode", "Ignoring unsupported configuration directive: activerehashing"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "rc.pid")); !os.IsNotExist(err) {
		t.Errorf("pid file left behind: %v", err)
	}
}

func dialWithRetry(t *testing.T, addr string) *testutil.Conn {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := testutil.Dial(addr); err == nil {
			if r, err := c.Do("PING"); err == nil && string(r) == "+PONG\r\n" {
				t.Cleanup(func() { c.Close() })
				return c
			}
			c.Close()
		}
	}
	t.Fatal("rcnode did not answer PING")
	return nil
}

// TestSIGTERMExitsCleanly checks the shutdown path operators use.
func TestSIGTERMExitsCleanly(t *testing.T) {
	bin := testutil.RcnodeBinary(t)
	port := testutil.FreePort(t)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir())
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	dialWithRetry(t, "127.0.0.1:"+strconv.Itoa(port))
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("rcnode ignored SIGTERM")
	}
	if !strings.Contains(out.String(), "Received SIGTERM scheduling shutdown...") {
		t.Errorf("log: %s", out.String())
	}
}

// TestBadConfigStopsStartup compares the fatal config error with redis-server's, modulo the
// program name.
func TestBadConfigStopsStartup(t *testing.T) {
	bin := testutil.RcnodeBinary(t)
	conf := filepath.Join(t.TempDir(), "bad.conf")
	os.WriteFile(conf, []byte("port 7000\nnot-a-directive yes\n"), 0o644)
	out, err := exec.Command(bin, conf).CombinedOutput()
	if err == nil {
		t.Fatalf("rcnode started with a bad directive:\n%s", out)
	}
	redisOut, _ := exec.Command(testutil.RedisServerPath(t), conf).CombinedOutput()
	want := strings.ReplaceAll(string(redisOut), "Redis", "rcnode")
	if strings.TrimSpace(string(out)) != strings.TrimSpace(want) {
		t.Errorf("rcnode:\n%s\nredis-server:\n%s", out, redisOut)
	}
}

func TestThreadsFor(t *testing.T) {
	for _, c := range []struct {
		conf string
		cpus int
		want int
	}{
		{"", 2, 1}, {"", 1, 1}, {"", 16, 8}, {"io-threads 4", 2, 4}, {"io-threads 1", 16, 1},
	} {
		cfg, err := config.Parse(c.conf)
		if err != nil {
			t.Fatal(err)
		}
		if got := threadsFor(cfg, c.cpus); got != c.want {
			t.Errorf("threadsFor(%q, %d cpus) = %d, want %d", c.conf, c.cpus, got, c.want)
		}
	}
}
