package integration

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// BenchmarkFullSync measures a full synchronisation of 1M keys of mixed types in cluster
// mode, rcnode master to rcnode replica and redis-server to redis-server in the same run:
// from CLUSTER REPLICATE to the replica's link up with every key loaded. Both masters use
// repl-diskless-sync-delay 0, so the figure is the transfer itself (redis-server's default
// 5 s delay would otherwise dominate it).
//
//	go test ./integration/ -run XXX -bench FullSync -benchtime 1x
//
// FULLSYNC_KEYS overrides the number of keys.
func BenchmarkFullSync(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("FULLSYNC_KEYS")); err == nil && v > 0 {
		n = v
	}
	for _, kind := range []serverKind{rcnode, redisServer} {
		b.Run(string(kind), func(b *testing.B) {
			master := startNode(b, kind)
			if _, err := query(master.addr, "CLUSTER", "ADDSLOTSRANGE", "0", "16383"); err != nil {
				b.Fatal(err)
			}
			if _, err := query(master.addr, "CONFIG", "SET", "repl-diskless-sync-delay", "0"); err != nil {
				b.Fatal(err)
			}
			waitClusterOK(b, master)
			fillForSync(b, master.addr, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				replica := startNode(b, kind)
				if _, err := query(master.addr, "CLUSTER", "MEET", "127.0.0.1", strconv.Itoa(replica.port)); err != nil {
					b.Fatal(err)
				}
				id := master.myID()
				deadline := time.Now().Add(readyLimit)
				for { // until the replica knows the master's ID
					if _, err := query(replica.addr, "CLUSTER", "REPLICATE", id); err == nil {
						break
					}
					if time.Now().After(deadline) {
						b.Fatal("CLUSTER REPLICATE never accepted")
					}
					time.Sleep(5 * time.Millisecond)
				}
				start := time.Now()
				waitSynced(b, replica, n)
				took := time.Since(start)
				b.ReportMetric(float64(took.Milliseconds()), "ms/sync")
				b.Logf("%s: %d keys synced in %v; %s", kind, n, took.Round(time.Millisecond), pauseOf(b, master))
				replica.stop()
			}
		})
	}
}

// fillForSync writes n keys: 70% strings, the rest small hashes, lists, sets and sorted sets.
func fillForSync(b *testing.B, addr string, n int) {
	c := testutil.NewClient(b, addr)
	const batch = 10_000
	for i := 0; i < n; i += batch {
		end := min(i+batch, n)
		for j := i; j < end; j++ {
			k := "key:" + strconv.Itoa(j)
			switch j % 10 {
			case 0:
				c.Send("HSET", k, "name", "user"+strconv.Itoa(j), "visits", j)
			case 1:
				c.Send("RPUSH", k, "a", "b", j)
			case 2:
				c.Send("SADD", k, j, j+1, j+2)
			case 3:
				c.Send("ZADD", k, j, "m1", j+1, "m2")
			default:
				c.Send("SET", k, "value-"+strconv.Itoa(j))
			}
		}
		for j := i; j < end; j++ {
			if _, err := c.Receive(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// waitSynced waits until the replica's link is up with n keys.
func waitSynced(b *testing.B, replica *node, n int) {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		info, err := queryString(replica.addr, "INFO", "replication")
		if err == nil && strings.Contains(info, "master_link_status:up") {
			if v, err := query(replica.addr, "DBSIZE"); err == nil && v == int64(n) {
				return
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("replica %s not synced: %v\n%s", replica, err, info)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var locksHeld = regexp.MustCompile(`slot locks held ([0-9.]+[µm]?s)`)

// pauseOf reports how long the master stopped its clients for the snapshot: rcnode's slot
// locks (from its log), redis-server's fork (latest_fork_usec).
func pauseOf(b *testing.B, master *node) string {
	if master.kind == rcnode {
		log, _ := os.ReadFile(master.logPath())
		if m := locksHeld.FindAllSubmatch(log, -1); len(m) > 0 {
			return "snapshot pause " + string(m[len(m)-1][1])
		}
		return "snapshot pause unknown"
	}
	info, _ := queryString(master.addr, "INFO", "stats")
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "latest_fork_usec:"); ok {
			return "fork " + v + "µs"
		}
	}
	return ""
}
