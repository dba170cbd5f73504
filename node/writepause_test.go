package node

import (
	"testing"
	"time"
)

// TestWritesPausedDuringManualFailover: while the master pauses writes, reads run and a
// write waits; when the pause lifts with the slot gone to the replica, the write is
// redirected there instead of being applied on the old master.
func TestWritesPausedDuringManualFailover(t *testing.T) {
	r := routingFixture()
	r.WritesPausedUntil = time.Now().Add(5 * time.Second).UnixMilli()
	key := keyIn(t, 500)
	s, c := clusterTestClient(t, r, DefaultSettings())
	if got := run(c, "GET", key); got != "$-1\r\n" {
		t.Fatalf("GET during the pause: %q", got)
	}
	handedOver := *routingFixture()
	for slot := 0; slot < 1000; slot++ {
		handedOver.Owner[slot] = 1
	}
	start := time.Now()
	time.AfterFunc(100*time.Millisecond, func() { s.routing.Store(&handedOver) })
	if got := run(c, "SET", key, "v"); got != "-MOVED 500 127.0.0.2:7001\r\n" {
		t.Errorf("SET after the handover: %q", got)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond || waited > 2*time.Second {
		t.Errorf("SET waited %v, want about 100ms", waited)
	}
	if c.locked {
		t.Error("slot locks held after the command")
	}

	// A pause that runs out lets the write through where it is.
	r = routingFixture()
	r.WritesPausedUntil = time.Now().Add(50 * time.Millisecond).UnixMilli()
	s.routing.Store(r)
	if got := run(c, "SET", key, "v"); got != "+OK\r\n" {
		t.Errorf("SET after the pause ran out: %q", got)
	}
}
