package integration

import (
	"testing"
	"time"
)

const (
	// movedKeys is how many dataset keys the slot-moving scenarios hold: more than one per
	// slot, so most slots moved carry keys, of several types.
	movedKeys = 20000
	// slotsMoved is how many slots one reshard moves: an rcnode built with -race takes
	// tens of milliseconds per slot (each slot is several CLUSTER SETSLOTs on every master).
	slotsMoved = 600
)

func TestRcnodeReshardUnderTraffic(t *testing.T) {
	reshardUnderTraffic(t, rcnode)
}

func TestRedisServerReshardUnderTraffic(t *testing.T) {
	reshardUnderTraffic(t, redisServer)
}

// reshardUnderTraffic moves slots holding keys between masters with `redis-cli --cluster
// reshard`, then evens them out with `--cluster rebalance`, while live traffic reads and
// writes through a cluster client: no key may be lost or changed, no TTL lost, and the client
// may only be redirected.
func reshardUnderTraffic(t *testing.T, kind serverKind) {
	c := startMasters(t, kind, kind, kind)
	entry := c.nodes[0]
	d := newDataset(movedKeys)
	d.load(t, entry.addr)
	traffic := newLiveTraffic(t, entry.addr, 0, slotsMoved)
	stop := traffic.start(t)

	before := slotsOf(t, c.waitAgreement())
	from, to := c.ids[0], c.ids[1]
	took := c.reshard(entry, from, to, slotsMoved)
	after := c.waitAgreement()
	if got := slotsOf(t, after); got[from] != before[from]-slotsMoved || got[to] != before[to]+slotsMoved {
		t.Fatalf("after moving %d slots: %s (before %v)", slotsMoved, c.ownersSummary(after), before)
	}
	t.Logf("reshard of %d slots (%s) took %v: %s", slotsMoved, kind, took.Round(time.Millisecond), c.ownersSummary(after))

	_, took = c.clusterTool("rebalance", entry.addr)
	balanced := c.waitAgreement()
	for id, n := range slotsOf(t, balanced) {
		if n < 16384/3-2 || n > 16384/3+2 {
			t.Errorf("after rebalance master %s has %d slots: %s", id, n, c.ownersSummary(balanced))
		}
	}
	t.Logf("rebalance took %v: %s", took.Round(time.Millisecond), c.ownersSummary(balanced))
	stop()
	c.check(entry)
	d.verify(t, entry.addr)
}

// TestRcnodeAddNodeRebalanceDelNode grows the cluster by an empty master (`--cluster
// add-node`, then `rebalance --cluster-use-empty-masters`), then shrinks it again (its slots
// resharded away, then `--cluster del-node`), under live traffic.
func TestRcnodeAddNodeRebalanceDelNode(t *testing.T) {
	c := startMasters(t, rcnode, rcnode, rcnode)
	entry := c.nodes[0]
	d := newDataset(movedKeys)
	d.load(t, entry.addr)
	traffic := newLiveTraffic(t, entry.addr, 0, slotsMoved)
	stop := traffic.start(t)

	added := startNode(t, rcnode)
	c.clusterTool("add-node", added.addr, entry.addr)
	c.nodes = append(c.nodes, added)
	c.waitReady(time.Now())
	c.waitAgreement()
	// A small weight for the new master keeps the test short: every slot moved costs an
	// rcnode built with -race tens of milliseconds.
	addedID := c.ids[len(c.ids)-1]
	_, took := c.clusterTool("rebalance", entry.addr, "--cluster-use-empty-masters",
		"--cluster-weight", addedID+"=0.1")
	v := c.waitAgreement()
	n := slotsOf(t, v)[addedID]
	if want := 16384 * 10 / 310; n < want-2 || n > want+2 {
		t.Fatalf("the added master (weight 0.1 of 3.1) has %d slots after rebalance, want about %d: %s", n, want, c.ownersSummary(v))
	}
	t.Logf("rebalance onto the empty master took %v: %s", took.Round(time.Millisecond), c.ownersSummary(v))

	c.reshard(entry, addedID, c.ids[0], n)
	c.waitAgreement()
	c.clusterTool("del-node", entry.addr, addedID)
	c.nodes, c.ids = c.nodes[:len(c.nodes)-1], nil
	c.waitReady(time.Now())
	v = c.waitAgreement()
	if _, ok := v[addedID]; ok {
		t.Fatalf("the deleted node is still known:\n%s", v)
	}
	stop()
	c.check(entry)
	d.verify(t, entry.addr)
}

// TestMixedReshardBothWays moves slots from a redis-server master to an rcnode master and
// back with `redis-cli --cluster reshard`: DUMP payloads cross both ways, keys and TTLs
// intact, under live traffic.
func TestMixedReshardBothWays(t *testing.T) {
	c := startMasters(t, redisServer, rcnode, rcnode)
	entry := c.nodes[1]
	d := newDataset(movedKeys)
	d.load(t, entry.addr)
	traffic := newLiveTraffic(t, entry.addr, 0, slotsMoved)
	stop := traffic.start(t)

	redisID, rcnodeID := c.ids[0], c.ids[1]
	took := c.reshard(entry, redisID, rcnodeID, slotsMoved)
	t.Logf("redis-server -> rcnode: %d slots in %v: %s", slotsMoved, took.Round(time.Millisecond), c.ownersSummary(c.waitAgreement()))
	d.verify(t, entry.addr)
	took = c.reshard(c.nodes[0], rcnodeID, redisID, 2*slotsMoved)
	v := c.waitAgreement()
	t.Logf("rcnode -> redis-server: %d slots in %v: %s", 2*slotsMoved, took.Round(time.Millisecond), c.ownersSummary(v))
	stop()
	c.check(entry)
	c.check(c.nodes[0])
	d.verify(t, c.nodes[0].addr)
	if got := c.dbsizeTotal(v); got < movedKeys {
		t.Errorf("DBSIZE over the masters is %d, want at least %d", got, movedKeys)
	}
}
