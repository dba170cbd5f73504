package node

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// blockingScenario is a run of blocked clients served by another client's writes: the raw
// replies every client got, and what the replication stream carried.
func blockingScenario(t *testing.T, addr string) (replies, stream []string) {
	t.Helper()
	tap := tapReplication(t, addr)
	admin := testutil.NewClient(t, addr)
	dial := func() *testutil.Conn {
		c, err := testutil.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	blocked := func(n int) {
		deadline := time.Now().Add(5 * time.Second)
		for infoOf(t, admin, "clients", "blocked_clients") != strconv.Itoa(n) {
			if time.Now().After(deadline) {
				t.Fatalf("blocked_clients never reached %d", n)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	var out []string
	send := func(c *testutil.Conn, args ...string) {
		if err := c.Send(testutil.EncodeCommand(args...)); err != nil {
			t.Fatal(err)
		}
	}
	read := func(who string, c *testutil.Conn) {
		raw, err := c.ReadReply()
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		out = append(out, who+": "+strconv.Quote(string(raw)))
	}
	a, a2, b := dial(), dial(), dial()

	// A waits; B's push serves it before B's own next command can pop.
	send(a, "BLPOP", "bk:l", "0")
	blocked(1)
	send(b, "RPUSH", "bk:l", "x", "y")
	send(b, "RPOP", "bk:l")
	read("b", b)
	read("b", b)
	read("a", a)

	// First blocked, first served; the one served second finds what is left.
	send(a, "BLPOP", "bk:f", "bk:g", "0")
	blocked(1)
	send(a2, "BRPOP", "bk:f", "0")
	blocked(2)
	send(b, "RPUSH", "bk:f", "1", "2", "3")
	read("b", b)
	read("a", a)
	read("a2", a2)
	send(b, "LRANGE", "bk:f", "0", "-1")
	read("b", b)

	// Served once the whole transaction has run, from the key it made ready first.
	send(a, "BLMPOP", "0", "2", "bk:a", "bk:b", "RIGHT", "COUNT", "5")
	blocked(1)
	for _, cmd := range [][]string{{"MULTI"}, {"RPUSH", "bk:b", "1", "2", "3"}, {"RPUSH", "bk:a", "z"}, {"EXEC"}} {
		send(b, cmd...)
		read("b", b)
	}
	read("a", a)

	// Sorted sets.
	send(a, "BZPOPMIN", "bk:z", "0")
	blocked(1)
	send(a2, "BZMPOP", "0", "1", "bk:z", "MAX", "COUNT", "2")
	blocked(2)
	send(b, "ZADD", "bk:z", "3", "c", "1", "a", "2", "b", "4", "d")
	read("b", b)
	read("a", a)
	read("a2", a2)

	// A waiter of the other kind is passed over, not in the way.
	send(a, "BZPOPMIN", "bk:k", "0")
	blocked(1)
	send(a2, "BLPOP", "bk:k", "0")
	blocked(2)
	send(b, "LPUSH", "bk:k", "x")
	send(b, "LPOP", "bk:k")
	read("b", b)
	read("b", b)
	read("a2", a2)
	send(b, "ZADD", "bk:k", "1", "m")
	read("b", b)
	read("a", a)

	// A key of another type does not serve, nor end the wait.
	send(a, "BLPOP", "bk:s", "0")
	blocked(1)
	send(b, "SET", "bk:s", "v")
	read("b", b)
	send(b, "DEL", "bk:s")
	read("b", b)
	send(b, "LPUSH", "bk:s", "w")
	read("b", b)
	read("a", a)

	// BLMOVE: the element moves, and the list it lands in serves the next waiter. With the
	// keys in one slot the writer serves both; without, the first serves itself.
	for _, k := range [][2]string{{"{bk}m1", "{bk}m2"}, {"bk:m1", "bk:m2"}} {
		send(a, "BLMOVE", k[0], k[1], "RIGHT", "LEFT", "0")
		blocked(1)
		send(a2, "BLPOP", k[1], "0")
		blocked(2)
		send(b, "RPUSH", k[0], "v", "w")
		read("b", b)
		read("a", a)
		read("a2", a2)
		send(b, "LRANGE", k[0], "0", "-1")
		read("b", b)
	}
	send(a, "BRPOPLPUSH", "bk:q", "bk:s", "0")
	blocked(1)
	send(b, "SET", "bk:s", "string")
	read("b", b)
	send(b, "RPUSH", "bk:q", "job")
	read("b", b)
	read("a", a) // WRONGTYPE: the job stays
	send(b, "LRANGE", "bk:q", "0", "-1")
	read("b", b)

	send(b, "FLUSHALL")
	read("b", b)
	off, _ := strconv.ParseInt(infoOf(t, admin, "replication", "master_repl_offset"), 10, 64)
	return out, tap.commands(t, off)
}

// TestBlockedClientsServedLikeRedisServer runs the same blocked clients and writes against
// redis-server and rcnode: the replies, their order, and the replication streams must agree.
func TestBlockedClientsServedLikeRedisServer(t *testing.T) {
	rp := startRedis(t)
	wantReplies, wantStream := blockingScenario(t, rp.addr)
	rc := startNode(t, nil)
	gotReplies, gotStream := blockingScenario(t, addrOf(rc))
	if g, w := strings.Join(gotReplies, "\n"), strings.Join(wantReplies, "\n"); g != w {
		t.Errorf("replies differ:\nredis-server:\n%s\nrcnode:\n%s", w, g)
	}
	if g, w := strings.Join(gotStream, "\n"), strings.Join(wantStream, "\n"); g != w {
		t.Errorf("replication streams differ:\nredis-server:\n  %s\nrcnode:\n  %s", strings.ReplaceAll(w, "\n", "\n  "), strings.ReplaceAll(g, "\n", "\n  "))
	}
}

// TestBlockedClientThatLeftIsNotServed: a push after a blocked client disconnected stays
// in the list, whether the push comes before the waiter's next check or after it, and
// whether or not the client sent more commands before it left.
func TestBlockedClientThatLeftIsNotServed(t *testing.T) {
	s := startNode(t, nil)
	b := testutil.NewClient(t, addrOf(s))
	for _, tc := range []struct {
		more        bool
		beforeCheck bool
	}{{false, false}, {true, false}, {false, true}, {true, true}} {
		a, err := testutil.Dial(addrOf(s))
		if err != nil {
			t.Fatal(err)
		}
		cmds := testutil.EncodeCommand("BLPOP", "k", "0")
		if tc.more {
			cmds = append(cmds, testutil.EncodeCommand("PING")...)
		}
		a.Send(cmds)
		waitFor(t, func() bool { return s.blocking.waiting.Load() == 1 })
		a.Close()
		if !tc.beforeCheck {
			waitFor(t, func() bool { return s.blocking.waiting.Load() == 0 })
		}
		mustDo(t, b, "RPUSH", "k", "x")
		if n := mustDo(t, b, "LLEN", "k"); n != int64(1) {
			t.Fatalf("%+v: LLEN %v after the blocked client left", tc, n)
		}
		mustDo(t, b, "DEL", "k")
		waitFor(t, func() bool { return s.blocking.waiting.Load() == 0 })
	}
}

// TestBlockedClientTimesOut: BLPOP with a timeout answers a null array once it passes.
func TestBlockedClientTimesOut(t *testing.T) {
	s := startNode(t, nil)
	c := testutil.NewClient(t, addrOf(s))
	start := time.Now()
	if v := mustDo(t, c, "BLPOP", "k", "0.15"); v != nil {
		t.Fatalf("BLPOP timed out with %v", v)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Fatalf("BLPOP 0.15 returned after %v", d)
	}
	if n := s.blocking.waiting.Load(); n != 0 {
		t.Fatalf("%d still waiting", n)
	}
}

// TestBlockedClientRedirectedWhenItsSlotMoves: a client blocked on a key of a slot this node
// stops serving gets MOVED (as after a failover or a resharding), unless the slot is being
// imported here.
func TestBlockedClientRedirectedWhenItsSlotMoves(t *testing.T) {
	r := routingFixture()
	key := keyIn(t, 500)
	s, c := clusterTestClient(t, r, DefaultSettings())
	reply := make(chan string, 1)
	go func() { reply <- run(c, "BLPOP", key, "0") }()
	waitFor(t, func() bool { return s.blocking.waiting.Load() == 1 })

	importing := routingFixture()
	importing.Owner[500], importing.Importing[500] = 1, 1
	s.setRouting(importing)
	select {
	case got := <-reply:
		t.Fatalf("unblocked while its slot is imported: %q", got)
	case <-time.After(3 * blockedCheckEvery):
	}

	moved := routingFixture()
	moved.Owner[500] = 1
	s.setRouting(moved)
	select {
	case got := <-reply:
		if want := "-MOVED 500 127.0.0.2:7001\r\n"; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still blocked after its slot moved")
	}
	if n := s.blocking.waiting.Load(); n != 0 {
		t.Fatalf("%d still waiting", n)
	}
}
