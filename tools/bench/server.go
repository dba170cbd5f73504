package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serverSpec names a server under test and its binary; both are started with the same flags.
type serverSpec struct {
	name string // "redis" or "rcnode"
	bin  string
}

// server is one running server process.
type server struct {
	spec   serverSpec
	port   int
	dir    string
	cmd    *exec.Cmd
	exited chan struct{}
	logf   *os.File
}

// startServer starts spec on a free loopback port with a fresh working directory under work,
// and waits until it answers PING. The process gets its own process group (so the terminal's
// Ctrl-C reaches only bench, which then stops it) and is killed if bench dies or ctx ends.
func startServer(ctx context.Context, spec serverSpec, pin, work string) (*server, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := tryStart(ctx, spec, pin, work)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func tryStart(ctx context.Context, spec serverSpec, pin, work string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(work, fmt.Sprintf("%s-%d", spec.name, port))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	dir, _ = filepath.Abs(dir)
	lf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir}
	cmd := command(ctx, pin, spec.bin, args...)
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start %s: %w", spec.bin, err)
	}
	s := &server{spec: spec, port: port, dir: dir, cmd: cmd, exited: make(chan struct{}), logf: lf}
	go func() {
		cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, 15*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%s on port %d: %w\n%s", spec.name, port, err, s.logTail())
	}
	return s, nil
}

// command builds a command in its own process group, optionally pinned with taskset (which
// execs the program, so the pid is the program's own), killed with its group when ctx ends
// and with SIGKILL if bench itself dies.
func command(ctx context.Context, pin, bin string, args ...string) *exec.Cmd {
	if pin != "" {
		args = append([]string{"-c", pin, bin}, args...)
		bin = "taskset"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (s *server) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

func (s *server) pid() int { return s.cmd.Process.Pid }

func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if !s.alive() {
			return errors.New("exited during startup")
		}
		if err := ping(s.addr()); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("not answering PING after %v: %w", limit, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING: %q", line)
	}
	return nil
}

// stop asks the server to exit (SIGTERM to its group), then kills it after a grace period.
func (s *server) stop() {
	if s.alive() {
		syscall.Kill(-s.pid(), syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-s.pid(), syscall.SIGKILL)
			<-s.exited
		}
	}
	s.logf.Close()
}

// logTail returns the end of the server's log, for error messages.
func (s *server) logTail() string {
	b, _ := os.ReadFile(s.logf.Name())
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return "  | " + strings.Join(lines, "\n  | ")
}

// rssKB reads VmRSS from /proc/<pid>/status, in kB.
func rssKB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := strings.Fields(string(line)); len(f) >= 2 && f[0] == "VmRSS:" {
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
}
