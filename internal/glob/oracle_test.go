package glob

// A minimal redis-server harness for differential tests. Each package that checks itself
// against the real server carries its own copy (test files cannot be shared across packages
// and these packages must stay dependency-free).

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

type oracle struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

// startOracle starts a standalone redis-server on a free loopback port in 7600-7699, or
// skips the test when redis-server is not on PATH.
func startOracle(t testing.TB) *oracle {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not on PATH")
	}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for attempt := 0; attempt < 20; attempt++ {
		port := 7600 + rng.Intn(100)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue // taken
		}
		l.Close()
		cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", t.TempDir())
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		var conn net.Conn
	wait:
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			select {
			case <-exited:
				break wait // could not bind: lost a race for the port
			default:
			}
			if conn, err = net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
				break
			}
		}
		if conn == nil {
			cmd.Process.Kill()
			<-exited
			continue // lost a race for the port, try another
		}
		t.Cleanup(func() { conn.Close(); cmd.Process.Kill(); <-exited })
		conn.SetDeadline(time.Now().Add(2 * time.Minute))
		o := &oracle{t: t, conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn)}
		if _, err := o.Do("PING"); err != nil {
			continue
		}
		return o
	}
	t.Fatal("could not start redis-server on a free port in 7600-7699")
	return nil
}

// Send queues a command without reading its reply (pipelining).
func (o *oracle) Send(args ...any) {
	fmt.Fprintf(o.w, "*%d\r\n", len(args))
	for _, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case []byte:
			s = string(v)
		case int:
			s = strconv.Itoa(v)
		case int64:
			s = strconv.FormatInt(v, 10)
		default:
			s = fmt.Sprint(v)
		}
		fmt.Fprintf(o.w, "$%d\r\n%s\r\n", len(s), s)
	}
}

// Receive reads one reply: string (simple or bulk), int64, nil, []any, or an error value
// for a -ERR reply. The second result is non-nil only for replies that are errors.
func (o *oracle) Receive() (any, error) {
	if err := o.w.Flush(); err != nil {
		o.t.Fatal(err)
	}
	line, err := o.r.ReadString('\n')
	if err != nil {
		o.t.Fatal(err)
	}
	line = line[:len(line)-2]
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		n, _ := strconv.ParseInt(line[1:], 10, 64)
		return n, nil
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := readFull(o.r, buf); err != nil {
			o.t.Fatal(err)
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		out := make([]any, n)
		for i := range out {
			v, err := o.Receive()
			if err != nil {
				out[i] = err
			} else {
				out[i] = v
			}
		}
		return out, nil
	}
	o.t.Fatalf("unexpected reply %q", line)
	return nil, nil
}

func (o *oracle) Do(args ...any) (any, error) {
	o.Send(args...)
	return o.Receive()
}

func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
