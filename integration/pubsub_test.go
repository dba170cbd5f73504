package integration

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/testutil"
	"github.com/rcnode/rcnode/slots"
)

// TestPubsubAcrossCluster runs the same checks on rcnode and on the redis-server reference:
// PUBLISH reaches subscribers on every node, SPUBLISH only those of the channel's shard.
func TestPubsubAcrossCluster(t *testing.T) {
	for _, kind := range []serverKind{redisServer, rcnode} {
		t.Run(string(kind), func(t *testing.T) { testPubsubAcrossCluster(t, kind) })
	}
}

func testPubsubAcrossCluster(t *testing.T, kind serverKind) {
	c := startCluster(t, kind, kind, kind, kind, kind, kind)
	c.create()
	c.waitReady(c.created)
	view := c.waitAgreement()

	// Where the shard channel lives: its master and that master's replica.
	const ch = "orders"
	slot := slots.KeySlot([]byte(ch))
	shard := map[string]bool{}
	var master string
	for id, nv := range view {
		if nv.Role == "master" && ownsSlot(nv.Slots, slot) {
			master = id
		}
	}
	for id, nv := range view {
		if id == master || nv.MasterID == master {
			shard[strings.Split(nv.Addr, "@")[0]] = true
		}
	}
	subs := make([]*testutil.Client, len(c.nodes))
	for i, n := range c.nodes {
		subs[i] = testutil.NewClient(t, n.addr)
		if shard[n.addr] {
			// SSUBSCRIBE on a replica needs READONLY, like a read.
			mustOK(t, subs[i], "READONLY")
			mustOK(t, subs[i], "SSUBSCRIBE", ch)
		}
		mustOK(t, subs[i], "SUBSCRIBE", "news")
	}
	var pubNode, otherNode *node
	for _, n := range c.nodes {
		if n.addr == strings.Split(view[master].Addr, "@")[0] {
			pubNode = n
		} else if !shard[n.addr] && otherNode == nil {
			otherNode = n
		}
	}
	pub := testutil.NewClient(t, otherNode.addr)
	if n, _ := pub.Do("PUBLISH", "news", "hi"); n != int64(1) {
		t.Fatalf("PUBLISH counted %v receivers, want 1 (this node's only)", n)
	}
	for i, s := range subs {
		if got := fmt.Sprint(mustOK(t, s)); got != "[message news hi]" {
			t.Fatalf("subscriber on node %d got %s", i, got)
		}
	}
	if _, err := pub.Do("SPUBLISH", ch, "x"); err == nil {
		t.Fatalf("SPUBLISH on a node outside the shard was not redirected")
	}
	spub := testutil.NewClient(t, pubNode.addr)
	if n, _ := spub.Do("SPUBLISH", ch, "sharded"); n != int64(1) {
		t.Fatalf("SPUBLISH counted %v receivers, want 1", n)
	}
	// A PUBLISH after it: a subscriber outside the shard must see this one first.
	mustOK(t, spub, "PUBLISH", "news", "after")
	for i, n := range c.nodes {
		want := "[message news after]"
		if shard[n.addr] {
			if got := fmt.Sprint(mustOK(t, subs[i])); got != "[smessage "+ch+" sharded]" {
				t.Fatalf("shard subscriber on node %d got %s", i, got)
			}
		}
		if got := fmt.Sprint(mustOK(t, subs[i])); got != want {
			t.Fatalf("subscriber on node %d got %s, want %s", i, got, want)
		}
	}
}

func mustOK(t *testing.T, c *testutil.Client, args ...any) any {
	t.Helper()
	var v any
	var err error
	if len(args) == 0 {
		v, err = c.Receive()
	} else {
		v, err = c.Do(args...)
	}
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

func ownsSlot(ranges string, slot int) bool {
	for _, r := range strings.Fields(ranges) {
		var lo, hi int
		if n, _ := fmt.Sscanf(r, "%d-%d", &lo, &hi); n == 2 && slot >= lo && slot <= hi {
			return true
		} else if n == 1 && slot == lo {
			return true
		}
	}
	return false
}
