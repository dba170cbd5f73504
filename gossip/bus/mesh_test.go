package bus

import (
	"fmt"
	"net"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/gossip/wire"
)

// These tests run real buses on loopback, so they check the driver and the state machine
// together: messages reach Step, what Ready sends reaches the peer, links are dialed.

// TestPingIsAnsweredWithPong: a raw peer that PINGs the bus port gets a PONG on the same
// link, as Redis answers even a PING from a node it does not know.
func TestPingIsAnsweredWithPong(t *testing.T) {
	n := startNode(t)
	conn, err := net.Dial("tcp", n.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(pingFrame()); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	m, err := wire.ReadMessage(conn, maxFrame)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	if m.Type != wire.TypePong || m.Sender.String() != myID(n.Bus) {
		t.Fatalf("answer is a %v from %s", m.Type, m.Sender)
	}
	if int(m.CPort) != n.cport || int(m.Port) != n.port {
		t.Fatalf("PONG announces port %d bus port %d, want %d %d", m.Port, m.CPort, n.port, n.cport)
	}
}

// view is what one node knows: "<id> <flags>" per node, sorted.
func (n *testNode) view() []string {
	var v []string
	n.Do(func(c *gossip.Cluster) {
		for _, x := range c.Nodes() {
			v = append(v, fmt.Sprintf("%s %#x", x.ID(), x.Flags&^gossip.FlagMyself))
		}
	})
	slices.Sort(v)
	return v
}

// knowsAll reports whether every node knows exactly nodes, each as a master without
// handshake, failure or missing address flags, with a connected link from each to each.
func knowsAll(nodes []*testNode) (bool, string) {
	var ids []string
	for _, n := range nodes {
		ids = append(ids, myID(n.Bus))
	}
	for i, n := range nodes {
		var bad []string
		n.Do(func(c *gossip.Cluster) {
			known := c.Nodes()
			if len(known) != len(nodes) {
				bad = append(bad, fmt.Sprintf("knows %d nodes", len(known)))
			}
			for _, id := range ids {
				x := c.Lookup(id)
				switch {
				case x == nil:
					bad = append(bad, "does not know "+id)
				case x.HasAny(gossip.FlagHandshake | gossip.FlagNoAddr | gossip.FlagPFail | gossip.FlagFail):
					bad = append(bad, fmt.Sprintf("has %s with flags %#x", id, x.Flags))
				case x != c.Myself():
					if _, _, ev := n.LinkStats(x.Link); !strings.Contains(ev, "r") {
						bad = append(bad, fmt.Sprintf("has no connected link to %s (%q)", id, ev))
					}
				}
			}
		})
		if len(bad) > 0 {
			return false, fmt.Sprintf("node %d (%s): %s", i, ids[i], strings.Join(bad, "; "))
		}
	}
	return true, ""
}

func meet(t *testing.T, a, b *testNode) {
	t.Helper()
	var err error
	a.Do(func(c *gossip.Cluster) { err = c.Meet("127.0.0.1", b.port, b.cport) })
	if err != nil {
		t.Fatal(err)
	}
}

func waitMesh(t *testing.T, nodes []*testNode, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, why := knowsAll(nodes)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			for i, n := range nodes {
				t.Logf("node %d knows %v", i, n.view())
			}
			t.Fatalf("no mesh after %v: %s", d, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTwoBusesMeet: CLUSTER MEET on one node makes two nodes know each other.
func TestTwoBusesMeet(t *testing.T) {
	a, b := startNode(t), startNode(t)
	meet(t, a, b)
	waitMesh(t, []*testNode{a, b}, 10*time.Second)
}

// TestThreeBusesFormAMesh: A meets B and C; gossip tells B and C of each other, and all three
// end up linked both ways. Then slots A takes are in A's routing when Do returns, and reach
// the others' routing by gossip.
func TestThreeBusesFormAMesh(t *testing.T) {
	nodes := []*testNode{startNode(t), startNode(t), startNode(t)}
	meet(t, nodes[0], nodes[1])
	meet(t, nodes[0], nodes[2])
	waitMesh(t, nodes, 15*time.Second)

	var err error
	nodes[0].Do(func(c *gossip.Cluster) { err = c.AddSlots([]int{0, 1, 2}) })
	if err != nil {
		t.Fatal(err)
	}
	owner := func(n *testNode, slot int) string {
		r := n.Routing()
		if i := r.Owner[slot]; i >= 0 {
			return r.Nodes[i].ID
		}
		return ""
	}
	a := myID(nodes[0].Bus)
	if got := owner(nodes[0], 1); got != a {
		t.Fatalf("right after ADDSLOTS, slot 1's owner is %q in the routing, want %s", got, a)
	}
	for i, n := range nodes[1:] {
		eventually(t, 10*time.Second, fmt.Sprintf("node %d does not route slot 2 to A", i+1), func() bool {
			return owner(n, 2) == a
		})
	}
}

// TestCloseStopsEverything: Close ends the listeners, the loop, every link's reader and
// writer and any dial, and a peer sees its links to the closed node drop.
func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	a, b := startNode(t), startNode(t)
	meet(t, a, b)
	waitMesh(t, []*testNode{a, b}, 10*time.Second)
	a.Close()
	b.Close()
	eventually(t, 5*time.Second, "goroutines left after Close", func() bool {
		return runtime.NumGoroutine() <= before
	})
	if _, err := net.Dial("tcp", a.addr()); err == nil {
		t.Fatal("the bus port still accepts after Close")
	}
}
