package gossip

import (
	"strings"
	"testing"
)

// liveAgree reports whether every live node sees the same owner for slot s, named name.
func (nw *network) liveAgree(s int, name string) bool {
	for _, n := range nw.nodes {
		if !n.alive {
			continue
		}
		if o := n.c.owner[s]; o == nil || o.ID() != name {
			return false
		}
	}
	return true
}

func TestReplicaReplacesKilledMaster(t *testing.T) {
	nw := newNetwork(t, 6, 11)
	nw.createCluster(3)
	nw.runUntil(30_000, "convergence", nw.converged)
	replica := nw.nodes[3].c.myself.ID() // replicates node 0, which owns slot 0

	nw.kill(0)
	took := nw.runUntil(30_000, "the replica takes slot 0", func() bool { return nw.liveAgree(0, replica) })
	t.Logf("slot 0 served by the promoted replica %d ms after the kill (node timeout %d ms)", took, simNodeTimeout)
	if took > simNodeTimeout+1000 {
		t.Errorf("failover took %d ms, more than node timeout + 1 s", took)
	}
	nw.runUntil(30_000, "cluster ok again", func() bool {
		for _, n := range nw.nodes {
			if n.alive && !n.c.StateOK() {
				return false
			}
		}
		return true
	})

	// The old master comes back from its nodes.conf and becomes a replica of the new one.
	nw.restart(0, nil)
	nw.runUntil(30_000, "the old master rejoins as a replica", func() bool {
		me := nw.nodes[0].c.myself
		return me.IsReplica() && me.Master != nil && me.Master.ID() == replica && nw.converged()
	})
}

func TestManualFailoverSwapsRoles(t *testing.T) {
	for _, mode := range []FailoverMode{FailoverDefault, FailoverForce, FailoverTakeover} {
		nw := newNetwork(t, 6, 12+int64(mode))
		nw.createCluster(3)
		nw.runUntil(30_000, "convergence", nw.converged)
		oldMaster, replica := nw.nodes[1].c.myself.ID(), nw.nodes[4].c.myself.ID()
		nw.do(4, func(c *Cluster) {
			if err := c.Failover(mode); err != nil {
				t.Fatal(err)
			}
		})
		took := nw.runUntil(10_000, "roles swapped", func() bool {
			old := nw.nodes[1].c.myself
			return nw.liveAgree(5461, replica) && old.IsReplica() && old.Master.ID() == replica && nw.converged()
		})
		t.Logf("mode %d: roles swapped in %d ms", mode, took)
		if nw.nodes[1].c.myself.ID() != oldMaster {
			t.Fatal("the old master changed its name")
		}
	}
}

func TestFailoverRefusals(t *testing.T) {
	nw := newNetwork(t, 6, 13)
	nw.createCluster(3)
	nw.runUntil(30_000, "convergence", nw.converged)
	nw.do(0, func(c *Cluster) {
		if err := c.Failover(FailoverDefault); err != errFailoverOnMaster {
			t.Fatalf("FAILOVER on a master: %v", err)
		}
	})
	nw.kill(0)
	nw.runUntil(10_000, "node 3 sees its master fail", func() bool { return nw.nodes[3].c.myself.Master.HasAny(FlagFail | FlagPFail) })
	nw.do(3, func(c *Cluster) {
		if err := c.Failover(FailoverDefault); err != errFailoverMasterFailed {
			t.Fatalf("FAILOVER with the master down: %v", err)
		}
	})
}

func TestOneVotePerEpochAndMaster(t *testing.T) {
	// Two replicas of one master: only one may win, and the masters each vote once.
	nw := newNetwork(t, 7, 14)
	nw.createCluster(3)
	nw.do(6, func(c *Cluster) {
		if err := c.Replicate(nw.nodes[0].c.myself.ID(), true); err != nil {
			t.Fatal(err)
		}
	})
	nw.runUntil(30_000, "convergence", nw.converged)
	nw.kill(0)
	nw.runUntil(30_000, "a replica takes slot 0", func() bool {
		o := nw.nodes[1].c.owner[0]
		return o != nil && o.ID() != nw.nodes[0].c.myself.ID()
	})
	nw.run(10_000)
	winners := 0
	for _, i := range []int{3, 6} {
		if nw.nodes[i].c.myself.IsMaster() {
			winners++
		}
	}
	if winners != 1 {
		t.Fatalf("%d replicas of the dead master became masters\n%s", winners, nw.dump())
	}
	if !nw.converged() {
		t.Fatalf("not converged after the failover\n%s", nw.dump())
	}
}

func TestReplicaMigratesToOrphanedMaster(t *testing.T) {
	// Node 0 has two replicas (3 and 6), node 1 has one (4). When 4 dies, node 1 is
	// orphaned and one of node 0's replicas moves to it.
	nw := newNetwork(t, 7, 15)
	nw.createCluster(3)
	nw.do(6, func(c *Cluster) {
		if err := c.Replicate(nw.nodes[0].c.myself.ID(), true); err != nil {
			t.Fatal(err)
		}
	})
	nw.runUntil(30_000, "convergence", nw.converged)
	nw.kill(4)
	master1 := nw.nodes[1].c.myself.ID()
	nw.runUntil(60_000, "a replica migrates to node 1", func() bool {
		for _, i := range []int{3, 6} {
			if m := nw.nodes[i].c.myself.Master; m != nil && m.ID() == master1 {
				return true
			}
		}
		return false
	})
}

func TestSetSlotMovesASlot(t *testing.T) {
	nw := newNetwork(t, 3, 16)
	nw.createCluster(3)
	nw.runUntil(30_000, "convergence", nw.converged)
	src, dst := nw.nodes[0].c.myself.ID(), nw.nodes[1].c.myself.ID()
	nw.do(1, func(c *Cluster) {
		if err := c.SetSlotImporting(0, src); err != nil {
			t.Fatal(err)
		}
		if err := c.SetSlotImporting(6000, src); err == nil || err.Error() != "ERR I'm already the owner of hash slot 6000" {
			t.Fatalf("importing an owned slot: %v", err)
		}
	})
	nw.do(0, func(c *Cluster) {
		if err := c.SetSlotMigrating(0, dst); err != nil {
			t.Fatal(err)
		}
		if err := c.SetSlotNode(0, dst, 3); err == nil {
			t.Fatal("SETSLOT NODE must refuse while keys remain")
		}
		if r := c.Routing(); r.Migrating[0] < 0 || r.Nodes[r.Migrating[0]].ID != dst {
			t.Fatal("routing does not show slot 0 migrating")
		}
	})
	if got := string(nw.nodes[0].c.NodesConf()); !contains(got, "[0->-"+dst+"]") {
		t.Fatalf("nodes.conf lacks the migrating marker:\n%s", got)
	}
	nw.do(1, func(c *Cluster) {
		if err := c.SetSlotNode(0, dst, 0); err != nil {
			t.Fatal(err)
		}
	})
	nw.do(0, func(c *Cluster) {
		if err := c.SetSlotNode(0, dst, 0); err != nil {
			t.Fatal(err)
		}
	})
	nw.runUntil(10_000, "everyone sees slot 0 moved", func() bool { return nw.liveAgree(0, dst) && nw.converged() })
	if e1, e0 := nw.nodes[1].c.myself.ConfigEpoch, nw.nodes[0].c.myself.ConfigEpoch; e1 <= e0 {
		t.Fatalf("the importing node did not bump its epoch: %d vs %d", e1, e0)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestDemotedMasterResumesWritesAtOnce(t *testing.T) {
	nw := newNetwork(t, 6, 17)
	nw.createCluster(3)
	nw.runUntil(30_000, "convergence", nw.converged)
	nw.do(4, func(c *Cluster) {
		if err := c.Failover(FailoverDefault); err != nil {
			t.Fatal(err)
		}
	})
	nw.runUntil(5_000, "the old master paused", func() bool { return nw.nodes[1].c.Routing().WritesPausedUntil != 0 })
	nw.runUntil(5_000, "the old master demoted", func() bool { return nw.nodes[1].c.myself.IsReplica() })
	if p := nw.nodes[1].c.Routing().WritesPausedUntil; p != 0 {
		t.Fatalf("the demoted master still pauses writes until %d (now %d)", p, nw.now)
	}
}

func TestRunsAreReproducible(t *testing.T) {
	run := func() [2][11]uint64 {
		nw := newNetwork(t, 9, 18)
		nw.maxDelay = 200
		nw.createCluster(3)
		nw.drop(1, 2, 0.05)
		nw.run(5000)
		nw.kill(0)
		nw.run(8000)
		var sent, received [11]uint64
		for _, n := range nw.nodes {
			for i := range sent {
				sent[i] += n.c.stats.sent[i]
				received[i] += n.c.stats.received[i]
			}
		}
		return [2][11]uint64{sent, received}
	}
	if a, b := run(), run(); a != b {
		t.Fatalf("the same seed gave different traffic:\n%v\n%v", a, b)
	}
}

func TestHandshakeTakesTheSendersEpoch(t *testing.T) {
	nw := newNetwork(t, 2, 19)
	nw.do(1, func(c *Cluster) {
		if err := c.SetConfigEpoch(5); err != nil {
			t.Fatal(err)
		}
		if err := c.AddSlots([]int{1, 2, 3}); err != nil {
			t.Fatal(err)
		}
	})
	name := nw.nodes[1].c.myself.Name
	nw.meetAll()
	nw.runUntil(5_000, "node 0 knows node 1", func() bool {
		n := nw.nodes[0].c.nodes[name]
		return n != nil && !n.HasAny(FlagHandshake)
	})
	n := nw.nodes[0].c.nodes[name]
	if n.ConfigEpoch != 5 || nw.nodes[0].c.currentEpoch < 5 {
		t.Fatalf("after the handshake node 0 has node 1 at configEpoch %d, currentEpoch %d; want 5", n.ConfigEpoch, nw.nodes[0].c.currentEpoch)
	}
}

func TestPublishReachesEveryNodeAndShardOnlyItsShard(t *testing.T) {
	nw := newNetwork(t, 6, 20)
	nw.createCluster(3)
	nw.runUntil(30_000, "convergence", nw.converged)
	got := map[int][]Published{}
	nw.onReady = func(n *simNode, rd Ready) { got[n.idx] = append(got[n.idx], rd.Published...) }
	nw.do(0, func(c *Cluster) {
		c.Publish([]byte("news"), []byte("hello"))
		c.PublishShard([]byte("{shard}"), []byte("local"))
	})
	nw.run(200)
	for i := 1; i < 6; i++ {
		var plain, shard int
		for _, p := range got[i] {
			if p.Shard {
				shard++
				if string(p.Message) != "local" {
					t.Fatalf("node %d got shard message %q", i, p.Message)
				}
			} else if string(p.Channel) == "news" && string(p.Message) == "hello" {
				plain++
			}
		}
		inShard := i == 3 // node 3 replicates node 0
		if plain != 1 || (shard == 1) != inShard || shard > 1 {
			t.Fatalf("node %d got %d PUBLISH and %d SPUBLISH (in node 0's shard: %v)", i, plain, shard, inShard)
		}
	}
	if len(got[0]) != 0 {
		t.Fatal("the publishing node got its own message back")
	}
}
