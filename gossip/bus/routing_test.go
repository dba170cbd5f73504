package bus

import (
	"sync"
	"testing"

	"github.com/rcnode/rcnode/gossip"
)

// TestRoutingIsPublishedBeforeDoReturns: a CLUSTER command that changes slot owners is
// visible to the next client command, through both Routing and OnRouting.
func TestRoutingIsPublishedBeforeDoReturns(t *testing.T) {
	log, _ := testLogger(t)
	opts := testOptions(t, t.TempDir(), log)
	var mu sync.Mutex
	var seen []*gossip.Routing
	opts.OnRouting = func(r *gossip.Routing) {
		mu.Lock()
		seen = append(seen, r)
		mu.Unlock()
	}
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Routing() == nil {
		t.Fatal("no routing snapshot after Open")
	}
	if r := b.Routing(); r.Owner[5] != -1 {
		t.Fatalf("slot 5 owned by %d before ADDSLOTS", r.Owner[5])
	}
	b.Do(func(c *gossip.Cluster) { err = c.AddSlots([]int{5}) })
	if err != nil {
		t.Fatal(err)
	}
	r := b.Routing()
	if r.Owner[5] < 0 || int(r.Owner[5]) != r.Myself {
		t.Fatalf("after ADDSLOTS 5, slot 5's owner index is %d, myself is %d", r.Owner[5], r.Myself)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 || seen[len(seen)-1] != r {
		t.Fatalf("OnRouting saw %d snapshots, not ending with the current one", len(seen))
	}
}

// TestLinkStatsOfUnknownLink: CLUSTER LINKS may ask about a link that has just gone.
func TestLinkStatsOfUnknownLink(t *testing.T) {
	n := startNode(t)
	if a, u, ev := n.LinkStats(12345); a != 0 || u != 0 || ev != "" {
		t.Fatalf("LinkStats of no link = %d %d %q", a, u, ev)
	}
}
