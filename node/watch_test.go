package node

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// TestWatchSeesOtherClients: a write by another client to a watched key, and only to a
// watched key, stops the watcher's EXEC.
func TestWatchSeesOtherClients(t *testing.T) {
	s := startNode(t, nil)
	a := testutil.NewClient(t, addrOf(s))
	b := testutil.NewClient(t, addrOf(s))
	exec := func() any {
		mustDo(t, a, "MULTI")
		mustDo(t, a, "SET", "out", "x")
		return mustDo(t, a, "EXEC")
	}
	mustDo(t, a, "WATCH", "k", "j")
	mustDo(t, b, "SET", "other", "1")
	if r := exec(); r == nil {
		t.Fatal("EXEC refused after a write to an unwatched key")
	}
	for _, write := range [][]any{{"SET", "k", "1"}, {"DEL", "k"}, {"LPUSH", "j", "x"}} {
		mustDo(t, a, "WATCH", "k", "j")
		mustDo(t, b, write...)
		if r := exec(); r != nil {
			t.Fatalf("EXEC ran after another client's %v: %v", write, r)
		}
	}
}

// TestWatchCheckAndSet is the optimistic increment WATCH exists for: clients read a
// counter, then set it one higher in a transaction, retrying when EXEC refuses. No
// increment may be lost, and every EXEC that ran must count.
func TestWatchCheckAndSet(t *testing.T) {
	s := startNode(t, nil)
	const clients, rounds = 4, 150
	var wg sync.WaitGroup
	errs := make(chan string, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := testutil.NewClient(t, addrOf(s))
			for done := 0; done < rounds; {
				if _, err := c.Do("WATCH", "counter"); err != nil {
					errs <- err.Error()
					return
				}
				v, _ := c.Do("GET", "counter")
				n, _ := strconv.Atoi(toString(v))
				c.Send("MULTI")
				c.Send("SET", "counter", n+1)
				c.Send("EXEC")
				for j := 0; j < 2; j++ {
					if _, err := c.Receive(); err != nil {
						errs <- err.Error()
						return
					}
				}
				r, err := c.Receive()
				if err != nil {
					errs <- err.Error()
					return
				}
				if r != nil {
					done++
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	c := testutil.NewClient(t, addrOf(s))
	if got := toString(mustDo(t, c, "GET", "counter")); got != strconv.Itoa(clients*rounds) {
		t.Fatalf("counter = %s after %d successful transactions", got, clients*rounds)
	}
}

// TestWatchEndsWithTheConnection: a client that disconnects while watching leaves nothing
// in the registry.
func TestWatchEndsWithTheConnection(t *testing.T) {
	s := startNode(t, nil)
	c, err := testutil.Dial(addrOf(s))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do("WATCH", "a", "b", "c"); err != nil {
		t.Fatal(err)
	}
	if n := s.watches.pairs.Load(); n != 3 {
		t.Fatalf("%d keys watched, want 3", n)
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for s.watches.pairs.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d keys still watched after the watcher left", s.watches.pairs.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestClientListShowsTransactions: CLIENT LIST shows another client in MULTI (flag x, and
// multi= its queued commands) and with a changed watched key (flag d), as Redis does.
func TestClientListShowsTransactions(t *testing.T) {
	s := startNode(t, nil)
	a := testutil.NewClient(t, addrOf(s))
	b := testutil.NewClient(t, addrOf(s))
	mustDo(t, a, "CLIENT", "SETNAME", "a")
	lineOfA := func() string {
		for _, l := range strings.Split(toString(mustDo(t, b, "CLIENT", "LIST")), "\n") {
			if strings.Contains(l, " name=a ") {
				return l
			}
		}
		t.Fatal("client a not listed")
		return ""
	}
	for _, step := range []struct {
		cmd  []any
		want string
	}{
		{nil, " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "},
		{[]any{"MULTI"}, " flags=x db=0 sub=0 psub=0 ssub=0 multi=0 "},
		{[]any{"SET", "k", "1"}, " flags=x db=0 sub=0 psub=0 ssub=0 multi=1 "},
		{[]any{"EXEC"}, " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "},
		{[]any{"WATCH", "k"}, " flags=N "},
	} {
		if step.cmd != nil {
			mustDo(t, a, step.cmd...)
		}
		if l := lineOfA(); !strings.Contains(l, step.want) {
			t.Fatalf("after %v: %s", step.cmd, l)
		}
	}
	mustDo(t, b, "SET", "k", "2")
	if l := lineOfA(); !strings.Contains(l, " flags=d ") {
		t.Fatalf("watched key changed: %s", l)
	}
	mustDo(t, a, "MULTI")
	if l := lineOfA(); !strings.Contains(l, " flags=xd ") {
		t.Fatalf("in MULTI with a changed watched key: %s", l)
	}
}
