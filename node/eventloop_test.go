package node

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// dialRaw connects to s and returns the connection with a reader for its replies.
func dialRaw(t *testing.T, s *Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addrOf(s), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	return nc, bufio.NewReader(nc)
}

// readExactly reads n bytes of replies.
func readExactly(t *testing.T, r *bufio.Reader, n int) string {
	t.Helper()
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatalf("after %q: %v", buf, err)
	}
	return string(buf)
}

// loopHolds reports whether a client with this id is served by one of s's event loops.
func loopHolds(s *Server, id int64) bool {
	for _, l := range s.loops {
		l.mu.Lock()
		for _, c := range l.conns {
			if c.id == id {
				l.mu.Unlock()
				return true
			}
		}
		l.mu.Unlock()
	}
	return false
}

func clientID(t *testing.T, nc net.Conn, r *bufio.Reader) int64 {
	t.Helper()
	fmt.Fprint(nc, "CLIENT ID\r\n")
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if _, err := fmt.Sscanf(line, ":%d\r\n", &id); err != nil {
		t.Fatalf("CLIENT ID replied %q", line)
	}
	return id
}

func TestEventLoopServesClients(t *testing.T) {
	s := startNode(t, nil)
	if len(s.loops) == 0 {
		t.Fatal("no event loop started")
	}
	nc, r := dialRaw(t, s)
	if id := clientID(t, nc, r); !loopHolds(s, id) {
		t.Fatalf("client %d is not on an event loop", id)
	}
	fmt.Fprint(nc, "SET k v\r\nGET k\r\nINCR n\r\n")
	if got, want := readExactly(t, r, len("+OK\r\n$1\r\nv\r\n:1\r\n")), "+OK\r\n$1\r\nv\r\n:1\r\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A command that may wait moves its client to a goroutine of its own, in the middle of a
// pipeline, with the replies still in order.
func TestEventLoopHandsWaitingCommandsToAGoroutine(t *testing.T) {
	s := startNode(t, nil)
	nc, r := dialRaw(t, s)
	id := clientID(t, nc, r)
	fmt.Fprint(nc, "SET k v\r\nWAIT 0 0\r\nGET k\r\nINCR n\r\n")
	want := "+OK\r\n:0\r\n$1\r\nv\r\n:1\r\n"
	if got := readExactly(t, r, len(want)); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if loopHolds(s, id) {
		t.Fatal("the client is still on the event loop after WAIT")
	}
	fmt.Fprint(nc, "PING\r\n")
	if got := readExactly(t, r, 7); got != "+PONG\r\n" {
		t.Fatalf("after leaving the loop: %q", got)
	}
}

// Replies larger than the socket takes at once wait on the loop, and the commands behind
// them run once they are written, while other clients are served meanwhile.
func TestEventLoopSlowReaderGetsEveryReply(t *testing.T) {
	s := startNode(t, nil)
	nc, r := dialRaw(t, s)
	value := strings.Repeat("x", 512<<10)
	fmt.Fprintf(nc, "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n%s\r\n", len(value), value)
	if got := readExactly(t, r, 5); got != "+OK\r\n" {
		t.Fatal(got)
	}
	const gets = 20
	fmt.Fprint(nc, strings.Repeat("GET big\r\n", gets)+"PING\r\n")

	other, or := dialRaw(t, s)
	fmt.Fprint(other, "PING\r\n")
	if got := readExactly(t, or, 7); got != "+PONG\r\n" {
		t.Fatalf("another client while the first one's replies wait: %q", got)
	}

	time.Sleep(100 * time.Millisecond) // the socket buffers fill up
	reply := fmt.Sprintf("$%d\r\n%s\r\n", len(value), value)
	for i := 0; i < gets; i++ {
		if got := readExactly(t, r, len(reply)); got != reply {
			t.Fatalf("reply %d differs (%d bytes)", i, len(got))
		}
	}
	if got := readExactly(t, r, 7); got != "+PONG\r\n" {
		t.Fatalf("last reply %q", got)
	}
}

func TestEventLoopQuitAndProtocolErrorCloseAfterTheReply(t *testing.T) {
	s := startNode(t, nil)
	for _, tc := range []struct{ send, want string }{
		{"PING\r\nQUIT\r\nPING\r\n", "+PONG\r\n+OK\r\n"},
		{"PING\r\n*1\r\n$x\r\n", "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"},
	} {
		nc, r := dialRaw(t, s)
		fmt.Fprint(nc, tc.send)
		got, err := io.ReadAll(r)
		if err != nil || string(got) != tc.want {
			t.Errorf("%q: got %q (%v), want %q then EOF", tc.send, got, err, tc.want)
		}
	}
}

func TestEventLoopClientKillAndShutdownClose(t *testing.T) {
	s := startNode(t, nil)
	victim, vr := dialRaw(t, s)
	id := clientID(t, victim, vr)
	killer, kr := dialRaw(t, s)
	fmt.Fprintf(killer, "CLIENT KILL ID %d\r\n", id)
	if got := readExactly(t, kr, 4); got != ":1\r\n" {
		t.Fatalf("CLIENT KILL replied %q", got)
	}
	if b, err := io.ReadAll(vr); err != nil || len(b) != 0 {
		t.Fatalf("killed client read %q, %v; want EOF", b, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for loopHolds(s, id) {
		if time.Now().After(deadline) {
			t.Fatal("killed client still on its loop")
		}
		time.Sleep(10 * time.Millisecond)
	}

	s.Shutdown()
	if b, err := io.ReadAll(kr); err != nil || len(b) != 0 {
		t.Fatalf("client at shutdown read %q, %v; want EOF", b, err)
	}
}
