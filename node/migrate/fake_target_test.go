package migrate

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/rcnode/rcnode/clientproto"
)

// fakeTarget is a loopback server that records every command it receives and answers each
// with what answer returns ("" sends nothing, closeConn closes the connection).
type fakeTarget struct {
	t      *testing.T
	ln     net.Listener
	answer func(conn int, args []string) string

	mu       sync.Mutex
	commands []string // "conn#: CMD arg..." in arrival order
	accepted int
	conns    []net.Conn
}

const closeConn = "<close>"

func newFakeTarget(t *testing.T, answer func(conn int, args []string) string) *fakeTarget {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeTarget{t: t, ln: ln, answer: answer}
	go f.accept()
	t.Cleanup(f.close)
	return f
}

func (f *fakeTarget) hostPort() (string, string) {
	host, port, _ := net.SplitHostPort(f.ln.Addr().String())
	return host, port
}

func (f *fakeTarget) accept() {
	for {
		nc, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.accepted++
		id := f.accepted
		f.conns = append(f.conns, nc)
		f.mu.Unlock()
		go f.serve(id, nc)
	}
}

func (f *fakeTarget) serve(id int, nc net.Conn) {
	defer nc.Close()
	rd := clientproto.NewReader(0)
	for {
		args, err := rd.Parse()
		if err == clientproto.ErrIncomplete {
			if rd.Fill(nc) != nil {
				return
			}
			continue
		}
		if err != nil {
			return
		}
		strs := make([]string, len(args))
		for i, a := range args {
			strs[i] = string(a)
		}
		f.mu.Lock()
		f.commands = append(f.commands, strings.Join(append([]string{string(rune('0' + id))}, strs...), " "))
		f.mu.Unlock()
		switch reply := f.answer(id, strs); reply {
		case "":
		case closeConn:
			return
		default:
			nc.Write([]byte(reply + "\r\n"))
		}
	}
}

func (f *fakeTarget) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.commands...)
}

func (f *fakeTarget) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.accepted
}

// dropConnections closes the target's side of every connection, as a target restarting or
// timing out idle clients does.
func (f *fakeTarget) dropConnections() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, nc := range f.conns {
		nc.Close()
	}
	f.conns = nil
}

func (f *fakeTarget) close() {
	f.ln.Close()
	f.dropConnections()
}

// alwaysOK answers every command +OK.
func alwaysOK(int, []string) string { return "+OK" }
