package node

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

func TestPublishReachesSubscriberBlockedInRead(t *testing.T) {
	s := startNode(t, nil)
	sub := testutil.NewClient(t, addrOf(s))
	pub := testutil.NewClient(t, addrOf(s))
	mustDo(t, sub, "SUBSCRIBE", "news")
	mustDo(t, sub, "PSUBSCRIBE", "n*")
	// The subscriber sends nothing more: its goroutine waits in read while messages come.
	if n := mustDo(t, pub, "PUBLISH", "news", "hello"); n != int64(2) {
		t.Fatalf("PUBLISH counted %v receivers, want 2", n)
	}
	want := []string{"[message news hello]", "[pmessage n* news hello]"}
	for _, w := range want {
		if got := fmt.Sprint(mustReceive(t, sub)); got != w {
			t.Fatalf("got %s, want %s", got, w)
		}
	}
	if n := mustDo(t, pub, "PUBLISH", "other", "x"); n != int64(0) {
		t.Fatalf("PUBLISH to nobody counted %v", n)
	}
}

func TestPushMessagesInRESP3(t *testing.T) {
	s := startNode(t, nil)
	c, err := testutil.Dial(addrOf(s))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, cmd := range []string{"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n", "*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n"} {
		if err := c.Send([]byte(cmd)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ReadReply(); err != nil {
			t.Fatal(err)
		}
	}
	pub := testutil.NewClient(t, addrOf(s))
	mustDo(t, pub, "PUBLISH", "ch", "m")
	raw, err := c.ReadReply()
	if err != nil {
		t.Fatal(err)
	}
	if want := ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n"; string(raw) != want {
		t.Fatalf("got %q, want %q", raw, want)
	}
	// RESP3 has no subscribed-mode restriction.
	if err := c.Send([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")); err != nil {
		t.Fatal(err)
	}
	if raw, _ := c.ReadReply(); string(raw) != "_\r\n" {
		t.Fatalf("GET while subscribed in RESP3: %q", raw)
	}
}

func TestSlowSubscriberIsClosedAtPubsubHardLimit(t *testing.T) {
	s := startNode(t, nil)
	s.config.Set([][2]string{{"client-output-buffer-limit", "pubsub 1mb 0 0"}}, true)
	nc, err := net.Dial("tcp", addrOf(s))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(nc, "*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nslow\r\n")
	pub := testutil.NewClient(t, addrOf(s))
	waitFor(t, func() bool { return mustDo(t, pub, "PUBSUB", "NUMSUB", "slow").([]any)[1] == int64(1) })
	payload := make([]byte, 64<<10)
	// The subscriber never reads: the node must drop it instead of buffering forever.
	for i := 0; i < 2000; i++ {
		mustDo(t, pub, "PUBLISH", "slow", payload)
		if mustDo(t, pub, "PUBSUB", "NUMSUB", "slow").([]any)[1] == int64(0) {
			return
		}
	}
	t.Fatal("a subscriber that does not read was never disconnected")
}

func mustReceive(t *testing.T, c *testutil.Client) any {
	t.Helper()
	v, err := c.Receive()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 5s")
}
