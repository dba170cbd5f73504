package integration

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The scenarios run the same way on every kind of node. The redis-server runs are the
// reference: they prove the harness, and that each expectation holds on the real server.

func TestRedisServerCluster(t *testing.T) {
	c, v := createReady(t, sixOf(redisServer))
	checkReadWrite(c, v)
}

func TestRedisServerRestartRejoins(t *testing.T) {
	restartRejoins(t, redisServer)
}

func sixOf(kind serverKind) []serverKind {
	return []serverKind{kind, kind, kind, kind, kind, kind}
}

// keysPerRun is how many keys checkReadWrite writes: enough that every master gets some
// (with 3 masters a miss has odds of (2/3)^200), few enough that 400 redis-cli runs are quick.
const keysPerRun = 200

// createReady starts nodes of the given kinds, creates a cluster of them with one replica per
// master, waits until it is ready and every node agrees, checks its shape, and logs how long
// after create it became ready. It returns the agreed view.
func createReady(t *testing.T, kinds []serverKind) (*cluster, clusterView) {
	t.Helper()
	c := startCluster(t, kinds...)
	took := c.create()
	r := c.waitReady(c.created)
	logReadiness(t, kinds, took, r)
	v := c.waitAgreement()
	c.assertShape(v)
	return c, v
}

// checkReadWrite runs `redis-cli --cluster check` entered at a node of each kind present,
// then writes and reads keys through redis-cli -c.
func checkReadWrite(c *cluster, v clusterView) {
	c.t.Helper()
	checked := map[serverKind]bool{}
	for _, n := range c.nodes {
		if !checked[n.kind] {
			c.check(n)
			checked[n.kind] = true
		}
	}
	c.writeAndReadKeys(v, keysPerRun)
}

// logReadiness logs, in one greppable line, how long the cluster took from `--cluster create`
// returning to cluster_state:ok everywhere and to a full healthy mesh, and from create
// starting to cluster_state:ok. That last one is the steadier figure: redis-cli polls for
// the join once a second, so when create returns varies by up to a second.
func logReadiness(t *testing.T, kinds []serverKind, create time.Duration, r readiness) {
	t.Helper()
	race := ""
	if slices.Contains(kinds, rcnode) {
		race = fmt.Sprintf(" rcnode-race=%v", rcnodeRace())
	}
	t.Logf("ready after create: kinds=%s nodes=%d node-timeout=%dms%s create=%v cluster_state:ok=%v full-mesh=%v create-start-to-ok=%v (polled every %v)",
		kindsSummary(kinds), len(kinds), nodeTimeoutMillis, race, create.Round(time.Millisecond),
		r.stateOK.Round(time.Millisecond), r.ready.Round(time.Millisecond),
		(create + r.stateOK).Round(time.Millisecond), pollInterval)
}

func kindsSummary(kinds []serverKind) string {
	var names []string
	for _, k := range kinds {
		if !slices.Contains(names, string(k)) {
			names = append(names, string(k))
		}
	}
	return strings.Join(names, "+")
}

// rcnodeRace says whether the rcnode under test was built with -race (which slows it).
func rcnodeRace() bool { return raceEnabled && os.Getenv("RCNODE_BIN") == "" }

// restartRejoins kills (SIGKILL) one master and one replica of another master, restarts
// both with the same directory at once, and expects them back as they were: the same node
// ids, the same roles and slots in every node's view, a clean --cluster check, and keys
// readable and writable. Restarting at once, well within cluster-node-timeout, means no node
// is marked failed, so no failover may move the master's slots. Then a second master is
// stopped gracefully (SIGTERM, as a supervisor does) and restarted, with the same result.
func restartRejoins(t *testing.T, kind serverKind) {
	c, before := createReady(t, sixOf(kind))
	masters := c.assertShape(before)
	masterID := masters[0]
	var replicaID string
	for id, nv := range before {
		if nv.Role == "slave" && nv.MasterID != masterID {
			replicaID = id
			break
		}
	}
	master, replica := c.nodeAt(before[masterID].Addr), c.nodeAt(before[replicaID].Addr)

	master.kill()
	replica.kill()
	restarted := time.Now()
	master.restart()
	replica.restart()
	if got := master.myID(); got != masterID {
		t.Errorf("restarted master %s: CLUSTER MYID %s, was %s", master, got, masterID)
	}
	if got := replica.myID(); got != replicaID {
		t.Errorf("restarted replica %s: CLUSTER MYID %s, was %s", replica, got, replicaID)
	}

	r := c.waitReady(restarted)
	t.Logf("after SIGKILL of master %s and replica %s: ready %v after the restarts began",
		master, replica, r.ready.Round(time.Millisecond))
	after := c.waitAgreement()
	if !mapsEqual(before, after) {
		t.Fatalf("cluster changed across the restarts; before:\n%safter:\n%s", before, after)
	}
	c.check(master)
	c.writeAndReadKeys(after, keysPerRun)

	stopped := c.nodeAt(before[masters[1]].Addr)
	stopped.stop()
	restarted = time.Now()
	stopped.restart()
	if got := stopped.myID(); got != masters[1] {
		t.Errorf("master %s restarted after SIGTERM: CLUSTER MYID %s, was %s", stopped, got, masters[1])
	}
	r = c.waitReady(restarted)
	t.Logf("after SIGTERM of master %s: ready %v after the restart began", stopped, r.ready.Round(time.Millisecond))
	if again := c.waitAgreement(); !mapsEqual(before, again) {
		t.Fatalf("cluster changed across the graceful restart; before:\n%safter:\n%s", before, again)
	}
	c.check(stopped)
}
