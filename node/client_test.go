package node

import (
	"github.com/rcnode/rcnode/node/config"
	"io"
	"net"
	"strings"
	"testing"
)

// remoteConn is one end of an in-memory pipe that claims to come from addr.
type remoteConn struct {
	net.Conn
	addr net.Addr
}

func (c remoteConn) RemoteAddr() net.Addr { return c.addr }

func newTestServer(t testing.TB, st *Settings) *Server {
	t.Helper()
	store := NewConfigStore(config.Default())
	s, err := New(Options{Port: 0, LogFile: t.TempDir() + "/log.txt"}, st, store)
	if err != nil {
		t.Fatal(err)
	}
	store.Attach(s)
	return s
}

func connectFrom(t *testing.T, s *Server, ip string) (*Client, string) {
	t.Helper()
	server, client := net.Pipe()
	t.Cleanup(func() { server.Close(); client.Close() })
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(client)
		got <- string(b)
	}()
	c := s.newClient(remoteConn{server, &net.TCPAddr{IP: net.ParseIP(ip), Port: 5000}})
	if c != nil {
		server.Close()
	}
	return c, <-got
}

func TestProtectedModeRefusesRemoteClientsWithoutPassword(t *testing.T) {
	s := newTestServer(t, DefaultSettings())
	c, reply := connectFrom(t, s, "192.0.2.7")
	if c != nil || !strings.HasPrefix(reply, "-DENIED Redis is running in protected mode") {
		t.Fatalf("client accepted=%v reply=%q", c != nil, reply)
	}
	if c, _ := connectFrom(t, s, "127.0.0.1"); c == nil {
		t.Fatal("loopback client refused")
	}
	st := DefaultSettings()
	st.RequirePass = "secret"
	s.ApplySettings(st)
	if c, _ := connectFrom(t, s, "192.0.2.7"); c == nil {
		t.Fatal("remote client refused although a password is set")
	}
}

func TestMaxClients(t *testing.T) {
	st := DefaultSettings()
	st.MaxClients = 1
	s := newTestServer(t, st)
	if c, _ := connectFrom(t, s, "127.0.0.1"); c == nil {
		t.Fatal("first client refused")
	}
	c, reply := connectFrom(t, s, "127.0.0.1")
	if c != nil || reply != "-ERR max number of clients reached\r\n" {
		t.Fatalf("second client accepted=%v reply=%q", c != nil, reply)
	}
}
