package integration

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestRcnodeClusterCreate(t *testing.T) {
	c, v := createReady(t, sixOf(rcnode))
	checkReadWrite(c, v)
}

func TestRcnodeRestartRejoins(t *testing.T) {
	restartRejoins(t, rcnode)
}

// TestMixedCluster creates one cluster of three redis-server and three rcnode nodes. They
// are interleaved in the create list, so redis-cli (which makes the first half masters and
// gives each a replica from the rest) mixes the kinds among masters and between a master and
// its replica. Every node must agree on the six ids, roles and slots, --cluster check must
// pass entered at either kind, and each key written through one kind is read through the other.
func TestMixedCluster(t *testing.T) {
	kinds := []serverKind{redisServer, rcnode, redisServer, rcnode, redisServer, rcnode}
	c, v := createReady(t, kinds)

	masterKinds := map[serverKind]int{}
	for _, nv := range v {
		if nv.Role == "master" {
			masterKinds[c.nodeAt(nv.Addr).kind]++
		}
	}
	if masterKinds[redisServer] == 0 || masterKinds[rcnode] == 0 {
		t.Fatalf("masters by kind %v: the scenario needs both kinds among the masters:\n%s", masterKinds, v)
	}
	checkReadWrite(c, v) // writes enter at node i and reads at node i+1: the other kind
}

// readyRounds is how many clusters of each kind TestReadyAfterCreate creates; alternating
// the kinds keeps a slow moment of the machine from landing on one kind only.
const readyRounds = 3

// TestReadyAfterCreate measures, for redis-server and rcnode in the same run, how long a
// 6-node cluster takes from `redis-cli --cluster create` returning until every node says
// cluster_state:ok (and until the full mesh), and from create starting until then, and logs
// the medians and their ratios for BENCHMARKS.md. It asserts nothing beyond what the waits
// require: it is a measurement.
func TestReadyAfterCreate(t *testing.T) {
	kinds := []serverKind{redisServer, rcnode}
	stateOK := map[serverKind][]time.Duration{}
	mesh := map[serverKind][]time.Duration{}
	fromStart := map[serverKind][]time.Duration{}
	for round := 1; round <= readyRounds; round++ {
		for _, kind := range kinds {
			t.Run(fmt.Sprintf("%s/%d", kind, round), func(t *testing.T) {
				c := startCluster(t, sixOf(kind)...)
				took := c.create()
				r := c.waitReady(c.created)
				logReadiness(t, sixOf(kind), took, r)
				stateOK[kind] = append(stateOK[kind], r.stateOK)
				mesh[kind] = append(mesh[kind], r.ready)
				fromStart[kind] = append(fromStart[kind], took+r.stateOK)
			})
		}
	}
	if t.Failed() {
		return
	}
	for _, kind := range kinds {
		t.Logf("median over %d rounds: kind=%s cluster_state:ok=%v full-mesh=%v create-start-to-ok=%v", readyRounds, kind,
			median(stateOK[kind]).Round(time.Millisecond), median(mesh[kind]).Round(time.Millisecond),
			median(fromStart[kind]).Round(time.Millisecond))
	}
	t.Logf("rcnode/redis-server: cluster_state:ok %.2fx, full-mesh %.2fx, create-start-to-ok %.2fx (rcnode-race=%v, polled every %v)",
		ratio(median(stateOK[rcnode]), median(stateOK[redisServer])),
		ratio(median(mesh[rcnode]), median(mesh[redisServer])),
		ratio(median(fromStart[rcnode]), median(fromStart[redisServer])), rcnodeRace(), pollInterval)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
