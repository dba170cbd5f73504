package integration

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/slots"
)

// failoverLimit bounds the wait from killing a master to a write accepted by its promoted
// replica: detection takes a node timeout, the election a few hundred milliseconds more.
const failoverLimit = 6 * nodeTimeoutMillis * time.Millisecond

// TestRcnodeFailover kills a master of a 6-rcnode cluster with SIGKILL: its replica must be
// promoted and accept writes to the dead master's slots, and the old master, restarted,
// must come back as a replica of the new one.
func TestRcnodeFailover(t *testing.T) {
	c, v := createReady(t, sixOf(rcnode))
	took, promoted, old := killMasterUntilWritable(c, v)
	t.Logf("rcnode: SIGKILL of master %s to a write accepted by %s: %v (node timeout %d ms)",
		old, promoted, took.Round(time.Millisecond), nodeTimeoutMillis)

	old.restart()
	oldID, newID := old.myID(), promoted.myID()
	deadline := time.Now().Add(readyLimit)
	for {
		after := c.waitAgreement()
		nv := after[oldID]
		if nv.Role == "slave" && nv.MasterID == newID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted old master is not a replica of %s:\n%s", newID, after)
		}
		time.Sleep(pollInterval)
	}
	c.check(promoted)
}

// killMasterUntilWritable SIGKILLs the master of the first slot range and writes, every
// poll interval, to a key of its slots on its replica until a write is accepted there. It
// returns how long that took, the replica (now master) and the killed node.
func killMasterUntilWritable(c *cluster, v clusterView) (time.Duration, *node, *node) {
	return killUntilWritable(c, v, func(master, replica *node) bool { return true })
}

// killUntilWritable is killMasterUntilWritable for the first master/replica pair (by master
// id) that pick accepts.
func killUntilWritable(c *cluster, v clusterView, pick func(master, replica *node) bool) (time.Duration, *node, *node) {
	c.t.Helper()
	var masterID, replicaID string
	for id, nv := range v {
		if nv.Role == "slave" && (replicaID == "" || nv.MasterID < v[replicaID].MasterID) &&
			pick(c.nodeAt(v[nv.MasterID].Addr), c.nodeAt(nv.Addr)) {
			masterID, replicaID = nv.MasterID, id
		}
	}
	if replicaID == "" {
		c.t.Fatalf("no master/replica pair of the wanted kinds in\n%s", v)
	}
	master, replica := c.nodeAt(v[masterID].Addr), c.nodeAt(v[replicaID].Addr)
	key := keyInSlots(c.t, v[masterID].Slots)
	// A replica that never synced has no data younger than the validity factor allows and
	// may not fail over; redis-server's first sync waits out repl-diskless-sync-delay.
	waitLinkUp(c.t, replica)

	master.kill()
	killed := time.Now()
	for {
		reply, err := query(replica.addr, "SET", key, "after-failover")
		if err == nil && reply == "OK" {
			return time.Since(killed), replica, master
		}
		if time.Since(killed) > failoverLimit {
			c.t.Fatalf("no write accepted by replica %s within %v of killing %s; last reply %v %v", replica, failoverLimit, master, reply, err)
		}
		time.Sleep(pollInterval)
	}
}

// waitLinkUp waits until a replica reports master_link_status:up.
func waitLinkUp(t testing.TB, replica *node) {
	t.Helper()
	deadline := time.Now().Add(readyLimit)
	for {
		info, err := queryString(replica.addr, "INFO", "replication")
		if err == nil && strings.Contains(info, "master_link_status:up") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s never reached master_link_status:up: %v\n%s", replica, err, info)
		}
		time.Sleep(pollInterval)
	}
}

// keyInSlots returns a key whose slot is the first of a CLUSTER NODES slot list ("0-5460 ...").
func keyInSlots(t testing.TB, list string) string {
	first := strings.Fields(list)[0]
	lo, _, _ := strings.Cut(first, "-")
	want, err := strconv.Atoi(lo)
	if err != nil {
		t.Fatalf("bad slot list %q", list)
	}
	for i := 0; ; i++ {
		k := fmt.Sprintf("failover-key-%d", i)
		if slots.KeySlotString(k) == want {
			return k
		}
	}
}

// TestRedisServerFailover is the same scenario on redis-server 7.0: the reference the rcnode
// figure is compared with (BENCHMARKS.md).
func TestRedisServerFailover(t *testing.T) {
	c, v := createReady(t, sixOf(redisServer))
	took, promoted, old := killMasterUntilWritable(c, v)
	t.Logf("redis-server: SIGKILL of master %s to a write accepted by %s: %v (node timeout %d ms)",
		old, promoted, took.Round(time.Millisecond), nodeTimeoutMillis)
}

// TestMixedFailover: in a cluster of redis-server and rcnode nodes, a redis-server replica
// of a dead rcnode master is elected by the masters of both kinds, and an rcnode replica of
// a dead redis-server master too: the votes and messages interoperate.
func TestMixedFailover(t *testing.T) {
	for _, tc := range []struct{ master, replica serverKind }{{rcnode, redisServer}, {redisServer, rcnode}} {
		t.Run(fmt.Sprintf("%s-master-%s-replica", tc.master, tc.replica), func(t *testing.T) {
			// redis-cli makes the first three masters; alternating kinds from the master's
			// kind gives pairs of the wanted kinds.
			o := tc.replica
			kinds := []serverKind{tc.master, o, tc.master, o, tc.master, o}
			c, v := createReady(t, kinds)
			took, promoted, old := killUntilWritable(c, v, func(m, r *node) bool {
				return m.kind == tc.master && r.kind == tc.replica
			})
			t.Logf("%s master killed; %s promoted and took writes after %v", old, promoted, took.Round(time.Millisecond))
			old.restart()
			c.waitReady(time.Now())
			after := c.waitAgreement()
			if nv := after[old.myID()]; nv.Role != "slave" || nv.MasterID != promoted.myID() {
				t.Fatalf("the restarted %s is not a replica of %s:\n%s", old, promoted, after)
			}
			c.check(promoted)
		})
	}
}
