package integration

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// TestRcnodeClusterReplicate makes an rcnode a replica of another with CLUSTER REPLICATE: the
// topology alone starts replication, the replica gets the master's keys and follows its
// writes, and WAIT on the master counts it.
func TestRcnodeClusterReplicate(t *testing.T) {
	master, replica := startNode(t, rcnode), startNode(t, rcnode)
	if out, err := queryString(master.addr, "CLUSTER", "ADDSLOTSRANGE", "0", "16383"); err != nil || out != "OK" {
		t.Fatalf("ADDSLOTSRANGE: %v %v", out, err)
	}
	if _, err := query(master.addr, "CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(replica.port)); err != nil {
		t.Fatal(err)
	}
	waitClusterOK(t, master)
	mc := testutil.NewClient(t, master.addr)
	const n = 5000
	for i := 0; i < n; i++ {
		mc.Send("SET", "key:"+strconv.Itoa(i), i)
	}
	for i := 0; i < n; i++ {
		if _, err := mc.Receive(); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	deadline := start.Add(readyLimit)
	for { // the replica must first know the master's ID through the bus
		_, err := query(replica.addr, "CLUSTER", "REPLICATE", master.myID())
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("CLUSTER REPLICATE: %v", err)
		}
		time.Sleep(pollInterval)
	}
	waitLinkUp(t, replica)
	t.Logf("CLUSTER REPLICATE to master_link_status:up: %v", time.Since(start).Round(time.Millisecond))
	rc := testutil.NewClient(t, replica.addr)
	if v, _ := rc.Do("DBSIZE"); v != int64(n) {
		t.Fatalf("replica DBSIZE %v, want %d", v, n)
	}
	if _, err := mc.Do("SET", "late", "write"); err != nil {
		t.Fatal(err)
	}
	if v, err := mc.Do("WAIT", 1, 5000); v != int64(1) {
		t.Fatalf("WAIT 1: %v %v", v, err)
	}
	if _, err := rc.Do("READONLY"); err != nil {
		t.Fatal(err)
	}
	if v, err := rc.Do("GET", "late"); v != "write" {
		t.Fatalf("GET on the replica after WAIT: %v %v", v, err)
	}
	if _, err := rc.Do("SET", "x", "y"); err == nil || !strings.HasPrefix(err.Error(), "MOVED ") {
		t.Fatalf("a write on the replica: %v", err)
	}
	if _, err := rc.Do("REPLICAOF", "NO", "ONE"); err == nil || err.Error() != "ERR REPLICAOF not allowed in cluster mode." {
		t.Fatalf("REPLICAOF in cluster mode: %v", err)
	}
	role, _ := rc.Do("ROLE")
	if r, ok := role.([]any); !ok || r[0] != "slave" || r[3] != "connected" {
		t.Fatalf("ROLE on the replica: %v", role)
	}
}

func waitClusterOK(t testing.TB, n *node) {
	t.Helper()
	deadline := time.Now().Add(readyLimit)
	for {
		info, err := queryString(n.addr, "CLUSTER", "INFO")
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: cluster_state not ok: %v %s", n, err, info)
		}
		time.Sleep(pollInterval)
	}
}

// TestFailoverReadyAfterCreate measures, for rcnode and for redis-server in the same run, how
// long after `redis-cli --cluster create` returns every replica has its master's data
// (master_link_status:up): until then a replica cannot fail over. redis-server waits
// repl-diskless-sync-delay (5 s by default) before its first snapshot; rcnode shares a
// snapshot among replicas that ask within that window instead of making the first wait.
func TestFailoverReadyAfterCreate(t *testing.T) {
	if testing.Short() {
		t.Skip("creates two 6-node clusters")
	}
	for _, kind := range []serverKind{rcnode, redisServer} {
		c, v := createReady(t, sixOf(kind))
		var replicas []*node
		for _, nv := range v {
			if nv.Role == "slave" {
				replicas = append(replicas, c.nodeAt(nv.Addr))
			}
		}
		for _, r := range replicas {
			waitLinkUp(t, r)
		}
		t.Logf("%s: create returned to every replica's master_link_status:up: %v", kind, time.Since(c.created).Round(10*time.Millisecond))
	}
}
