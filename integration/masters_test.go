package integration

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/slots"
)

// reshardLimit bounds one `redis-cli --cluster reshard|rebalance|fix` run.
const reshardLimit = 5 * time.Minute

// startMasters starts one node of each kind and joins them with `redis-cli --cluster create
// --cluster-replicas 0`: every node a master with an even share of the slots. It waits until
// the cluster is ready and every node agrees.
func startMasters(t testing.TB, kinds ...serverKind) *cluster {
	t.Helper()
	c := startCluster(t, kinds...)
	args := []string{"--cluster", "create"}
	for _, n := range c.nodes {
		args = append(args, n.addr)
	}
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := redisCLI(t, createLimit, args...)
	c.created = time.Now()
	if err != nil || !strings.Contains(out, "[OK] All 16384 slots covered.") || strings.Contains(out, "[ERR]") {
		t.Fatalf("redis-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	c.waitReady(c.created)
	c.waitAgreement()
	return c
}

// clusterTool runs `redis-cli --cluster <args>`, answering yes to its questions, and fails the
// test when it errs. It returns the output and how long redis-cli took.
func (c *cluster) clusterTool(args ...string) (string, time.Duration) {
	c.t.Helper()
	args = append(append([]string{"--cluster"}, args...), "--cluster-yes")
	start := time.Now()
	out, err := redisCLI(c.t, reshardLimit, args...)
	took := time.Since(start)
	if err != nil || strings.Contains(out, "[ERR]") {
		c.t.Fatalf("redis-cli %s: %v\n%s", strings.Join(args, " "), err, lastLines(out, 40))
	}
	return out, took
}

// reshard moves n slots from the master from to the master to with `redis-cli --cluster
// reshard`, entered at entry, and returns how long it took.
func (c *cluster) reshard(entry *node, from, to string, n int) time.Duration {
	c.t.Helper()
	_, took := c.clusterTool("reshard", entry.addr, "--cluster-from", from, "--cluster-to", to,
		"--cluster-slots", strconv.Itoa(n))
	return took
}

// slotsOf returns how many slots each master owns in view v.
func slotsOf(t testing.TB, v clusterView) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for id, nv := range v {
		if nv.Role != "master" {
			continue
		}
		counts[id] += 0
		for _, tok := range strings.Fields(nv.Slots) {
			r, ok := slots.ParseRange(tok)
			if !ok {
				t.Fatalf("node %s: bad slot range %q", id, tok)
			}
			counts[id] += r.End - r.Start + 1
		}
	}
	return counts
}

// nodeByID returns our node with the given cluster id (c.ids is filled by waitReady).
func (c *cluster) nodeByID(id string) *node {
	c.t.Helper()
	i := slices.Index(c.ids, id)
	if i < 0 {
		c.t.Fatalf("no node has id %s (ids %v)", id, c.ids)
	}
	return c.nodes[i]
}

// ownersSummary is "addr=slots" for each master, for the logs.
func (c *cluster) ownersSummary(v clusterView) string {
	var parts []string
	for id, n := range slotsOf(c.t, v) {
		parts = append(parts, fmt.Sprintf("%s(%s)=%d", c.nodeByID(id).addr, c.nodeByID(id).kind, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

func lastLines(s string, n int) string { return tailLines([]byte(s), n) }
