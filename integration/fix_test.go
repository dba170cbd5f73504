package integration

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// TestRedisServerFixHalfMigratedSlot is the reference: the slot's keys split between both
// sides, so redis-cli picks the owner by key count and reassigns the slot to it in a
// MULTI/EXEC transaction on that node.
func TestRedisServerFixHalfMigratedSlot(t *testing.T) {
	fixOpenSlot(t, []serverKind{redisServer, redisServer, redisServer}, 5)
}

// TestMixedFixHalfMigratedSlot: the slot moves from a redis-server master to an rcnode one and
// is left with keys on both; fix makes the redis-server side (more keys) the owner, so rcnode
// MIGRATEs its keys back. (With an rcnode owner fix needs MULTI/EXEC, which rcnode lacks.)
func TestMixedFixHalfMigratedSlot(t *testing.T) {
	fixOpenSlot(t, []serverKind{redisServer, rcnode, rcnode}, 5)
}

// TestRcnodeFixOpenSlot: redis-cli stopped after opening the slot on both rcnode masters and
// before moving a key; fix moves the slot and its keys to the importing node.
func TestRcnodeFixOpenSlot(t *testing.T) {
	fixOpenSlot(t, []serverKind{rcnode, rcnode, rcnode}, 0)
}

// halfSlot is the slot left open; the first master owns it after create.
const halfSlot = 100

// fixOpenSlot leaves a slot the way a redis-cli killed mid-reshard does: IMPORTING on the
// second master, MIGRATING on the first (its owner), the first moved keys of 20 on the
// target and the rest not. Clients are sent with ASK to a moved key and refused with TRYAGAIN
// for keys on both sides; then `redis-cli --cluster fix` closes the slot, and every key is
// readable and on one node.
func fixOpenSlot(t *testing.T, kinds []serverKind, moved int) {
	c := startMasters(t, kinds...)
	src, dst := c.nodes[0], c.nodes[1]
	srcID, dstID := c.ids[0], c.ids[1]
	tag := slotTags(t, halfSlot, 1)[0]
	var keys []string
	for i := 0; i < 20; i++ {
		k := "{" + tag + "}:" + strconv.Itoa(i)
		keys = append(keys, k)
		mustQuery(t, src, "SET", k, "v"+strconv.Itoa(i))
	}
	slot := strconv.Itoa(halfSlot)
	mustQuery(t, dst, "CLUSTER", "SETSLOT", slot, "IMPORTING", srcID)
	mustQuery(t, src, "CLUSTER", "SETSLOT", slot, "MIGRATING", dstID)
	if moved > 0 {
		migrate := append([]string{"MIGRATE", "127.0.0.1", strconv.Itoa(dst.port), "", "0", "5000", "KEYS"}, keys[:moved]...)
		if got := mustQuery(t, src, migrate...); got != "OK" {
			t.Fatalf("MIGRATE of %d keys: %v", moved, got)
		}
		ask := "ASK " + slot + " " + dst.addr
		if _, err := query(src.addr, "GET", keys[0]); err == nil || err.Error() != ask {
			t.Errorf("GET of a moved key at the source: %v, want %s", err, ask)
		}
		if _, err := query(src.addr, "MGET", keys[0], keys[19]); err == nil || !strings.HasPrefix(err.Error(), "TRYAGAIN") {
			t.Errorf("MGET of a moved and an unmoved key: %v, want TRYAGAIN", err)
		}
	}
	readAll(t, src.addr, keys, "while the slot is open")

	out, _ := c.clusterTool("fix", src.addr)
	if !strings.Contains(out, "Fixing open slot "+slot) {
		t.Errorf("fix did not fix slot %s:\n%s", slot, lastLines(out, 30))
	}
	t.Logf("fix of slot %s (%d of %d keys moved): %s", slot, moved, len(keys), c.ownersSummary(c.waitAgreement()))
	c.check(src)
	if check, err := redisCLI(t, cliLimit, "--cluster", "check", src.addr); err != nil || strings.Contains(check, "[WARNING]") {
		t.Fatalf("check after fix: %v\n%s", err, check)
	}
	readAll(t, src.addr, keys, "after fix")
	holders := 0
	for _, n := range c.nodes {
		if cnt, _ := query(n.addr, "CLUSTER", "COUNTKEYSINSLOT", slot); cnt != int64(0) {
			holders++
			if cnt != int64(len(keys)) {
				t.Errorf("%s holds %v keys of slot %s", n, cnt, slot)
			}
		}
	}
	if holders != 1 {
		t.Errorf("%d nodes hold keys of slot %s after fix, want 1", holders, slot)
	}
}

// readAll reads keys ("v<i>" each) through a go-redis cluster client, which follows ASK.
func readAll(t *testing.T, entry string, keys []string, when string) {
	t.Helper()
	cc := newClusterClient(entry, nil)
	defer cc.Close()
	for i, k := range keys {
		if got, err := cc.Get(context.Background(), k).Result(); err != nil || got != "v"+strconv.Itoa(i) {
			t.Errorf("GET %s %s: %q, %v", k, when, got, err)
		}
	}
}

// mustQuery sends one command to n and fails the test on an error reply.
func mustQuery(t testing.TB, n *node, args ...string) any {
	t.Helper()
	v, err := query(n.addr, args...)
	if err != nil {
		t.Fatalf("%s: %s: %v", n, strings.Join(args, " "), err)
	}
	return v
}
