package gossip

import (
	"testing"
)

func TestMeetFormsFullMesh(t *testing.T) {
	nw := newNetwork(t, 3, 1)
	nw.meetAll()
	nw.runUntil(10_000, "a full mesh", func() bool {
		for _, n := range nw.nodes {
			if len(n.c.nodes) != 3 {
				return false
			}
			for _, k := range n.c.nodes {
				if k.HasAny(FlagHandshake|FlagNoAddr) || (k != n.c.myself && !n.c.linkUp(k)) {
					return false
				}
			}
		}
		return true
	})
}

func TestCreateClusterConverges(t *testing.T) {
	nw := newNetwork(t, 6, 2)
	nw.createCluster(3)
	took := nw.runUntil(30_000, "convergence", nw.converged)
	t.Logf("6 nodes converged %d ms (simulated) after the last REPLICATE", took)
	for i := 3; i < 6; i++ {
		me := nw.nodes[i].c.myself
		if !me.IsReplica() || me.Master == nil || me.Master.Name != nw.nodes[i-3].c.myself.Name {
			t.Fatalf("node %d is not a replica of node %d:\n%s", i, i-3, nw.nodes[i].c.NodesText())
		}
	}
	// Every node, restarted from the nodes.conf it saved, comes back with the same view.
	for i := range nw.nodes {
		before := slotMap(nw.nodes[i].c)
		name := nw.nodes[i].c.myself.Name
		nw.restart(i, nil)
		if nw.nodes[i].c.myself.Name != name || slotMap(nw.nodes[i].c) != before {
			t.Fatalf("node %d restarted with another name or slot map", i)
		}
	}
	nw.runUntil(30_000, "convergence after restarts", nw.converged)
}

func TestHundredNodesConvergeDespiteLossAndDelay(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 120 nodes")
	}
	nw := newNetworkTimeout(t, 120, 3, 15000)
	nw.maxDelay = 300
	for a := range nw.nodes {
		for b := range nw.nodes {
			if a != b {
				nw.drop(a, b, 0.01)
			}
		}
	}
	nw.createCluster(60)
	took := nw.runUntil(120_000, "convergence of 120 nodes", nw.converged)
	t.Logf("120 nodes, 1%% of messages breaking their link, up to 300 ms delay: converged %d ms (simulated) after the last REPLICATE", took)
}

func TestStaleOwnerIsCorrectedByUpdate(t *testing.T) {
	nw := newNetwork(t, 4, 4)
	nw.createCluster(4)
	nw.runUntil(30_000, "convergence", nw.converged)
	stale := nw.nodes[0].conf // node 0 owns 0-4095 with epoch 1

	// Move node 0's first 100 slots to node 1 the way redis-cli --cluster fix would:
	// unassign them everywhere, assign them to node 1 and bump its epoch.
	var moved []int
	for s := 0; s < 100; s++ {
		moved = append(moved, s)
	}
	for i := range nw.nodes {
		nw.do(i, func(c *Cluster) {
			if err := c.DelSlots(moved); err != nil {
				t.Fatal(err)
			}
		})
	}
	nw.do(1, func(c *Cluster) {
		if err := c.AddSlots(moved); err != nil {
			t.Fatal(err)
		}
		if bumped, _ := c.BumpEpoch(); !bumped {
			t.Fatal("BUMPEPOCH did not bump")
		}
	})
	nw.runUntil(30_000, "everyone sees node 1 own slot 0", func() bool {
		for _, n := range nw.nodes {
			if o := n.c.owner[0]; o == nil || o.Name != nw.nodes[1].c.myself.Name {
				return false
			}
		}
		return nw.converged()
	})

	// Node 0 comes back with its old nodes.conf, claiming the slots with its old epoch.
	nw.restart(0, stale)
	if o := nw.nodes[0].c.owner[0]; o != nw.nodes[0].c.myself {
		t.Fatal("the stale config should claim slot 0 for node 0")
	}
	nw.runUntil(30_000, "node 0 learns the new owner from UPDATE", nw.converged)
	if nw.nodes[0].c.stats.received[7] == 0 {
		t.Fatal("node 0 got no UPDATE message")
	}
}

func TestFailureDetectionAndMinority(t *testing.T) {
	nw := newNetwork(t, 6, 5)
	nw.createCluster(3)
	nw.runUntil(30_000, "convergence", nw.converged)
	victim := nw.nodes[2].c.myself.Name

	nw.kill(2)
	took := nw.runUntil(30_000, "every live node flags the dead master FAIL", func() bool {
		for _, n := range nw.nodes {
			if n.alive && !n.c.nodes[victim].HasAny(FlagFail) {
				return false
			}
		}
		return true
	})
	t.Logf("FAIL agreed %d ms after the kill (node timeout %d ms)", took, simNodeTimeout)
	for _, n := range nw.nodes {
		if n.alive && n.c.StateOK() {
			t.Fatalf("node %d says ok although a master with slots failed and coverage is required", n.idx)
		}
	}
	nw.restart(2, nil)
	nw.runUntil(60_000, "the master is back and the cluster ok", nw.converged)

	// A master cut off from the others finds itself in the minority and stops serving.
	nw.isolate(0)
	nw.runUntil(30_000, "the isolated master goes fail", func() bool { return !nw.nodes[0].c.StateOK() })
	nw.recover()
	nw.runUntil(60_000, "the partition heals", nw.converged)
}
