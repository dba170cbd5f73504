package node

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
)

// heldTarget is a MIGRATE target that reports each command it receives on got and answers
// it only with what the test sends on answer.
type heldTarget struct {
	ln     net.Listener
	got    chan []string
	answer chan string
}

func newHeldTarget(t *testing.T) *heldTarget {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &heldTarget{ln: ln, got: make(chan []string, 16), answer: make(chan string, 16)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go h.serve(nc)
		}
	}()
	return h
}

func (h *heldTarget) serve(nc net.Conn) {
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
		cmd := make([]string, len(args))
		for i, a := range args {
			cmd[i] = string(a)
		}
		h.got <- cmd
		nc.Write([]byte(<-h.answer + "\r\n"))
	}
}

func (h *heldTarget) port() string {
	_, port, _ := net.SplitHostPort(h.ln.Addr().String())
	return port
}

// migratingFixture is routingFixture with slot 500 (ours) migrating to node b.
func migratingFixture() *gossip.Routing {
	r := routingFixture()
	r.Migrating[500] = 1
	return r
}

// TestMigrateHoldsNoSlotLockDuringTheTransfer: while the target has not answered, other
// keys of the slot are read and written, the key being moved is still read here, and a
// write to it waits until the key is gone, then is sent after it with ASK.
func TestMigrateHoldsNoSlotLockDuringTheTransfer(t *testing.T) {
	target := newHeldTarget(t)
	s, mover := clusterTestClient(t, routingFixture(), DefaultSettings())
	server, client := net.Pipe()
	t.Cleanup(func() { server.Close(); client.Close() })
	other := s.newClient(server)
	keys := keysIn(t, 500, 2)
	moving, staying := keys[0], keys[1]
	big := strings.Repeat("x", 1<<20)
	run(mover, "SET", moving, big)
	run(mover, "SET", staying, "v")
	s.routing.Store(migratingFixture())

	done := make(chan string, 1)
	go func() { done <- run(mover, "MIGRATE", "127.0.0.1", target.port(), "", "0", "5000", "KEYS", moving) }()
	for _, want := range []string{"SELECT", "RESTORE-ASKING"} {
		select {
		case cmd := <-target.got:
			if cmd[0] != want {
				t.Fatalf("target received %q, want %s", cmd[0], want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("target never received %s", want)
		}
		if want == "SELECT" {
			target.answer <- "+OK"
		}
	}
	// The RESTORE is unanswered: the slot's lock must be free.
	if got := run(other, "SET", staying, "w"); got != "+OK\r\n" {
		t.Fatalf("SET of another key of the slot during the transfer: %q", got)
	}
	if got := run(other, "STRLEN", moving); got != ":1048576\r\n" {
		t.Fatalf("STRLEN of the key in flight: %q", got)
	}
	written := make(chan string, 1)
	go func() { written <- run(other, "SET", moving, "new") }()
	select {
	case got := <-written:
		t.Fatalf("a write to the key in flight ran before the target answered: %q", got)
	case <-time.After(100 * time.Millisecond):
	}
	target.answer <- "+OK"
	if got := <-done; got != "+OK\r\n" {
		t.Fatalf("MIGRATE: %q", got)
	}
	if got := <-written; got != "-ASK 500 127.0.0.2:7001\r\n" {
		t.Fatalf("the waiting write, after the key moved: %q", got)
	}
	if s.ks.DBs[0].Get([]byte(moving)) != nil {
		t.Fatal("the migrated key is still here")
	}
	if mover.locked || other.locked {
		t.Fatal("slot locks held after the commands")
	}
}

// TestMigrateKeepsWhatTheTargetRefused: only the acknowledged keys are deleted, and the
// first refusal is the reply.
func TestMigrateKeepsWhatTheTargetRefused(t *testing.T) {
	target := newHeldTarget(t)
	s, c := clusterTestClient(t, routingFixture(), DefaultSettings())
	keys := keysIn(t, 500, 3)
	for _, k := range keys {
		run(c, "SET", k, "v")
	}
	s.routing.Store(migratingFixture())
	go func() {
		for _, a := range []string{"+OK", "+OK", "-BUSYKEY Target key name already exists.", "+OK"} {
			target.answer <- a
		}
	}()
	args := append([]string{"MIGRATE", "127.0.0.1", target.port(), "", "0", "5000", "KEYS"}, keys...)
	if got := run(c, args...); got != "-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n" {
		t.Fatalf("MIGRATE: %q", got)
	}
	for i, k := range keys {
		if exists := s.ks.DBs[0].Get([]byte(k)) != nil; exists != (i == 1) {
			t.Errorf("key %d (%s) exists=%v after MIGRATE", i, k, exists)
		}
	}
}

// TestMigrateTimeoutKeepsTheKey: a target that never answers costs the timeout, and the key
// stays where it is.
func TestMigrateTimeoutKeepsTheKey(t *testing.T) {
	target := newHeldTarget(t)
	s, c := clusterTestClient(t, routingFixture(), DefaultSettings())
	key := keyIn(t, 500)
	run(c, "SET", key, "v")
	s.routing.Store(migratingFixture())
	start := time.Now()
	if got := run(c, "MIGRATE", "127.0.0.1", target.port(), key, "0", "200"); got != "-IOERR error or timeout reading to target instance\r\n" {
		t.Fatalf("MIGRATE: %q", got)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("MIGRATE with a 200 ms timeout took %v", took)
	}
	if s.ks.DBs[0].Get([]byte(key)) == nil {
		t.Fatal("the key was deleted although the target never acknowledged it")
	}
	if got := run(c, "SET", key, "w"); got != "+OK\r\n" {
		t.Fatalf("SET after the failed MIGRATE: %q", got)
	}
}

// TestMigrateExpiredKeysAreNotSent: a key whose TTL has run out is skipped, and NOKEY is the
// reply when nothing is left.
func TestMigrateExpiredKeysAreNotSent(t *testing.T) {
	s, c := clusterTestClient(t, routingFixture(), DefaultSettings())
	now := time.Now().UnixMilli()
	s.ks.Clock = func() int64 { return now }
	key := keyIn(t, 500)
	run(c, "SET", key, "v", "PX", "10")
	s.routing.Store(migratingFixture())
	now += 20
	if got := run(c, "MIGRATE", "127.0.0.1", strconv.Itoa(1), key, "0", "100"); got != "+NOKEY\r\n" {
		t.Fatalf("MIGRATE of an expired key: %q", got)
	}
}
