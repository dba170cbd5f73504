package gossip

import (
	"fmt"
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/rcnode/rcnode/slots"
)

// checkOneMasterPerSlotEpoch is the safety invariant of failover: two nodes that each
// believe they own a slot never do so with the same configEpoch (or clients could write to
// both and the tie could not be broken). It returns a description of the first violation.
func (nw *network) checkOneMasterPerSlotEpoch() string {
	type claim struct {
		epoch uint64
		node  int
	}
	var first [slots.Count]*claim
	for _, n := range nw.nodes {
		if !n.alive || !n.c.myself.IsMaster() {
			continue
		}
		me := n.c.myself
		for s := 0; s < slots.Count; s++ {
			if !me.Slots.Has(s) {
				continue
			}
			if f := first[s]; f == nil {
				first[s] = &claim{me.ConfigEpoch, n.idx}
			} else if f.epoch == me.ConfigEpoch {
				return fmt.Sprintf("slot %d claimed by nodes %d and %d with configEpoch %d", s, f.node, n.idx, f.epoch)
			}
		}
	}
	return ""
}

// TestChaos runs seeded scenarios of kills, restarts, partitions and lossy links on a
// 9-node cluster (3 masters, 2 replicas each), checking the safety invariant as it goes and,
// once the faults stop, that the live nodes heal into one ok cluster. CHAOS_SEEDS sets how
// many seeds run (default 100, 25 under the race detector).
func TestChaos(t *testing.T) {
	seeds := 100
	if raceEnabled {
		seeds = 25
	}
	if v, err := strconv.Atoi(os.Getenv("CHAOS_SEEDS")); err == nil {
		seeds = v
	}
	if testing.Short() {
		seeds = 10
	}
	promotions := 0
	for seed := int64(1); seed <= int64(seeds); seed++ {
		promotions += runChaos(t, seed)
		if t.Failed() {
			return
		}
	}
	t.Logf("%d seeds, %d promotions of a replica", seeds, promotions)
	if promotions < seeds/2 {
		t.Fatalf("only %d promotions in %d seeds: the scenarios hardly exercise failover", promotions, seeds)
	}
}

// runChaos runs one seed and returns how many replicas became masters.
func runChaos(t *testing.T, seed int64) int {
	nw := newNetwork(t, 9, 1000+seed)
	nw.createCluster(3)
	nw.runUntil(30_000, "convergence", nw.converged)
	rnd := nw.rnd
	dead, isolated := -1, -1
	for step := 0; step < 15; step++ {
		switch r := rnd.Intn(10); {
		case r < 3 && dead < 0 && isolated < 0:
			dead = rnd.Intn(len(nw.nodes))
			nw.kill(dead)
		case r < 5 && dead >= 0:
			nw.restart(dead, nil)
			dead = -1
		case r < 7 && isolated < 0 && dead < 0:
			isolated = rnd.Intn(len(nw.nodes))
			nw.isolate(isolated)
		case r < 8:
			nw.recover()
			isolated = -1
		default:
			a, b := rnd.Intn(len(nw.nodes)), rnd.Intn(len(nw.nodes))
			if a != b && a != isolated && b != isolated {
				nw.drop(a, b, 0.05)
			}
		}
		for i := 0; i < 20; i++ {
			nw.run(TickInterval)
			if v := nw.checkOneMasterPerSlotEpoch(); v != "" {
				t.Fatalf("seed %d step %d: %s\n%s", seed, step, v, nw.dump())
			}
		}
		// No election is won without a majority of the masters granting their vote for
		// that epoch to that node (counted on the voters' side).
		for _, n := range nw.nodes {
			for _, w := range n.c.wins {
				granted := 0
				for _, voter := range nw.nodes {
					for _, v := range voter.c.votes {
						if v.epoch == w.epoch && v.to == n.c.myself.Name {
							granted++
						}
					}
				}
				if granted < w.quorum {
					t.Fatalf("seed %d: node %d won epoch %d with %d votes granted, quorum %d", seed, n.idx, w.epoch, granted, w.quorum)
				}
			}
		}
		// The cached routing snapshot must be what a fresh build gives.
		for _, n := range nw.nodes {
			if n.alive && !reflect.DeepEqual(n.c.Routing(), n.c.buildRouting()) {
				t.Fatalf("seed %d step %d: node %d's cached routing is stale", seed, step, n.idx)
			}
		}
	}
	nw.recover()
	if dead >= 0 {
		nw.restart(dead, nil)
	}
	start := nw.now
	for !nw.converged() || !nw.fullyServed() {
		if nw.now-start > 120_000 {
			t.Fatalf("seed %d: no convergence 120 s after the faults stopped\n%s", seed, nw.dump())
		}
		nw.run(TickInterval)
		if v := nw.checkOneMasterPerSlotEpoch(); v != "" {
			t.Fatalf("seed %d while healing: %s\n%s", seed, v, nw.dump())
		}
	}
	promoted := 0
	for _, n := range nw.nodes[3:] {
		if n.c.myself.IsMaster() {
			promoted++
		}
	}
	return promoted
}

// fullyServed reports whether every slot is owned by a live node that is a master.
func (nw *network) fullyServed() bool {
	live := map[string]bool{}
	for _, n := range nw.nodes {
		if n.alive && n.c.myself.IsMaster() {
			live[n.c.myself.ID()] = true
		}
	}
	c := nw.nodes[0].c
	for s := 0; s < slots.Count; s++ {
		if o := c.owner[s]; o == nil || !live[o.ID()] {
			return false
		}
	}
	return true
}
