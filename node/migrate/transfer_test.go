package migrate

import (
	"github.com/rcnode/rcnode/clientproto"
	"net"
	"slices"
	"strconv"
	"testing"
	"time"
)

const testTimeout = 2 * time.Second

// restores returns n RESTORE-ASKING commands for keys k0..k(n-1), RESP-encoded.
func restores(n int) []byte {
	var b []byte
	for i := 0; i < n; i++ {
		b = clientproto.AppendCommand(b, []byte("RESTORE-ASKING"), []byte("k"+strconv.Itoa(i)), []byte("0"), []byte("payload"))
	}
	return b
}

func request(f *fakeTarget, db int64, n int) *Request {
	host, port := f.hostPort()
	return &Request{Host: host, Port: port, Timeout: testTimeout, DB: db, Commands: restores(n), NumCommands: n}
}

func TestTransferSelectsOnceAndReusesTheConnection(t *testing.T) {
	f := newFakeTarget(t, alwaysOK)
	c := NewCache()
	defer c.Close()
	for i := 0; i < 2; i++ {
		res := c.Transfer(request(f, 0, 2))
		if res.Failure != NoFailure || res.TargetError != "" || !slices.Equal(res.Acked, []bool{true, true}) {
			t.Fatalf("transfer %d: %+v", i, res)
		}
	}
	// Another database is selected again on the same connection.
	if res := c.Transfer(request(f, 3, 1)); res.Failure != NoFailure {
		t.Fatalf("transfer to db 3: %+v", res)
	}
	want := []string{
		"1 SELECT 0", "1 RESTORE-ASKING k0 0 payload", "1 RESTORE-ASKING k1 0 payload",
		"1 RESTORE-ASKING k0 0 payload", "1 RESTORE-ASKING k1 0 payload",
		"1 SELECT 3", "1 RESTORE-ASKING k0 0 payload",
	}
	if got := f.received(); !slices.Equal(got, want) {
		t.Errorf("target received\n%q\nwant\n%q", got, want)
	}
	if c.Len() != 1 {
		t.Errorf("%d cached connections, want 1", c.Len())
	}
}

func TestTransferSendsAuth(t *testing.T) {
	f := newFakeTarget(t, alwaysOK)
	c := NewCache()
	defer c.Close()
	req := request(f, 0, 1)
	req.Auth, req.Password = true, []byte("pw")
	c.Transfer(req)
	req.User = []byte("alice")
	c.Transfer(req)
	want := []string{"1 AUTH pw", "1 SELECT 0", "1 RESTORE-ASKING k0 0 payload", "1 AUTH alice pw", "1 RESTORE-ASKING k0 0 payload"}
	if got := f.received(); !slices.Equal(got, want) {
		t.Errorf("target received %q, want %q", got, want)
	}
}

func TestTransferAuthErrorFailsEveryKey(t *testing.T) {
	f := newFakeTarget(t, func(_ int, args []string) string {
		if args[0] == "AUTH" {
			return "-WRONGPASS invalid username-password pair or user is disabled."
		}
		return "+OK"
	})
	c := NewCache()
	defer c.Close()
	req := request(f, 0, 2)
	req.Auth, req.Password = true, []byte("bad")
	res := c.Transfer(req)
	if res.TargetError != "WRONGPASS invalid username-password pair or user is disabled." || slices.Contains(res.Acked, true) {
		t.Fatalf("%+v", res)
	}
}

func TestTransferTargetErrorKeepsTheOthersAcked(t *testing.T) {
	f := newFakeTarget(t, func(_ int, args []string) string {
		if args[0] == "RESTORE-ASKING" && args[1] == "k1" {
			return "-BUSYKEY Target key name already exists."
		}
		return "+OK"
	})
	c := NewCache()
	defer c.Close()
	res := c.Transfer(request(f, 0, 3))
	if res.TargetError != "BUSYKEY Target key name already exists." || !slices.Equal(res.Acked, []bool{true, false, true}) {
		t.Fatalf("%+v", res)
	}
	// An error makes the next transfer SELECT again, as Redis forgets last_dbid.
	c.Transfer(request(f, 0, 1))
	if got := f.received(); got[len(got)-2] != "1 SELECT 0" {
		t.Errorf("no SELECT after an error: %q", got)
	}
}

func TestTransferRetriesOnceWhenTheCachedConnectionIsGone(t *testing.T) {
	f := newFakeTarget(t, alwaysOK)
	c := NewCache()
	defer c.Close()
	c.Transfer(request(f, 0, 1))
	f.dropConnections()
	time.Sleep(50 * time.Millisecond) // let the close reach our side
	res := c.Transfer(request(f, 0, 1))
	if res.Failure != NoFailure || !res.Retried || !res.Acked[0] {
		t.Fatalf("%+v", res)
	}
	if n := f.connections(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestTransferDoesNotRetryAfterATimeout(t *testing.T) {
	f := newFakeTarget(t, func(int, []string) string { return "" })
	c := NewCache()
	defer c.Close()
	req := request(f, 0, 1)
	req.Timeout = 100 * time.Millisecond
	res := c.Transfer(req)
	if res.Failure != FailRead || res.Retried {
		t.Fatalf("%+v", res)
	}
	if n := f.connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
	if c.Len() != 0 {
		t.Errorf("a timed-out connection was cached")
	}
}

func TestTransferBrokenAfterAnAckIsNotRetried(t *testing.T) {
	f := newFakeTarget(t, func(_ int, args []string) string {
		if args[0] == "RESTORE-ASKING" && args[1] == "k1" {
			return closeConn
		}
		return "+OK"
	})
	c := NewCache()
	defer c.Close()
	res := c.Transfer(request(f, 0, 3))
	if res.Failure != FailRead || res.Retried || !slices.Equal(res.Acked, []bool{true, false, false}) {
		t.Fatalf("%+v", res)
	}
}

func TestTransferConnectFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	c := NewCache()
	defer c.Close()
	// A refused connection fails like a write, after one retry, as Redis's connect does.
	res := c.Transfer(&Request{Host: host, Port: port, Timeout: testTimeout, NumCommands: 1, Commands: restores(1)})
	if res.Failure != FailWrite || !res.Retried {
		t.Fatalf("refused: %+v", res)
	}
	// An address that cannot be resolved is a connect failure.
	res = c.Transfer(&Request{Host: "", Port: port, Timeout: testTimeout, NumCommands: 1, Commands: restores(1)})
	if res.Failure != FailConnect {
		t.Fatalf("empty host: %+v", res)
	}
}

func TestTransferLargePipelineInChunks(t *testing.T) {
	f := newFakeTarget(t, alwaysOK)
	c := NewCache()
	defer c.Close()
	host, port := f.hostPort()
	big := make([]byte, 5*chunkSize+123)
	cmds := clientproto.AppendCommand(nil, []byte("RESTORE-ASKING"), []byte("big"), []byte("0"), big)
	res := c.Transfer(&Request{Host: host, Port: port, Timeout: testTimeout, Commands: cmds, NumCommands: 1})
	if res.Failure != NoFailure || !res.Acked[0] {
		t.Fatalf("%+v", res)
	}
}
