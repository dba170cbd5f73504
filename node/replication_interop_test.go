package node

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// Interop with the real server: redis-server 7.0 replicating from rcnode and the reverse.

// redisProc is a redis-server process for a test.
type redisProc struct {
	addr string
	port int
	log  string
}

func startRedis(t *testing.T, extra ...string) *redisProc {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	dir := t.TempDir()
	port := testutil.FreePort(t)
	p := &redisProc{addr: "127.0.0.1:" + strconv.Itoa(port), port: port, log: filepath.Join(dir, "redis.log")}
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", p.log, "--repl-diskless-sync-delay", "0"}, extra...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := testutil.Dial(p.addr); err == nil {
			_, err = c.Do("PING")
			c.Close()
			if err == nil {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start:\n%s", readFile(t, p.log))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func infoOf(t testing.TB, c *testutil.Client, section, name string) string {
	t.Helper()
	v := mustDo(t, c, "INFO", section).(string)
	for _, line := range strings.Split(v, "\r\n") {
		if val, ok := strings.CutPrefix(line, name+":"); ok {
			return val
		}
	}
	return ""
}

// waitOffsets waits until the replica (over the network) has processed the master's
// whole stream and its link is up.
func waitOffsets(t testing.TB, master, replica *testutil.Client, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		m := infoOf(t, master, "replication", "master_repl_offset")
		r := infoOf(t, replica, "replication", "slave_repl_offset")
		up := infoOf(t, replica, "replication", "master_link_status")
		if up == "up" && m == r {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica not caught up: link %s, master offset %s, replica offset %s", up, m, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// netData reads every key of db 0 with a canonical form of its value, over the network.
func netData(t testing.TB, c *testutil.Client) map[string]string {
	t.Helper()
	var keys []string
	cursor := "0"
	for {
		v := mustDo(t, c, "SCAN", cursor, "COUNT", 1000).([]any)
		cursor = v[0].(string)
		for _, k := range v[1].([]any) {
			keys = append(keys, k.(string))
		}
		if cursor == "0" {
			break
		}
	}
	for _, k := range keys {
		c.Send("TYPE", k)
	}
	types := make([]string, len(keys))
	for i := range keys {
		v, _ := c.Receive()
		types[i], _ = v.(string)
	}
	for i, k := range keys {
		switch types[i] {
		case "string":
			c.Send("GET", k)
		case "list":
			c.Send("LRANGE", k, 0, -1)
		case "hash":
			c.Send("HGETALL", k)
		case "set":
			c.Send("SMEMBERS", k)
		case "zset":
			c.Send("ZRANGE", k, 0, -1, "WITHSCORES")
		default:
			c.Send("TYPE", k)
		}
		c.Send("PEXPIRETIME", k)
	}
	out := make(map[string]string, len(keys))
	for i, k := range keys {
		v, _ := c.Receive()
		exp, _ := c.Receive()
		if types[i] == "none" {
			continue // expired between SCAN and TYPE
		}
		if items, ok := v.([]any); ok && (types[i] == "hash" || types[i] == "set") {
			var s []string
			for j := 0; j < len(items); j++ {
				if types[i] == "hash" {
					s = append(s, fmt.Sprint(items[j])+"="+fmt.Sprint(items[j+1]))
					j++
				} else {
					s = append(s, fmt.Sprint(items[j]))
				}
			}
			slices.Sort(s)
			v = s
		}
		out[k] = fmt.Sprintf("%s %v exp=%v", types[i], v, exp)
	}
	return out
}

func sameNetData(t testing.TB, a, b *testutil.Client) {
	t.Helper()
	da, db := netData(t, a), netData(t, b)
	var diffs []string
	for k, v := range da {
		if db[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: master %.80q replica %.80q", k, v, db[k]))
		}
	}
	for k := range db {
		if _, ok := da[k]; !ok {
			diffs = append(diffs, k+": only on the replica")
		}
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		t.Fatalf("%d of %d keys differ, e.g.:\n%s", len(diffs), len(da), strings.Join(diffs[:min(len(diffs), 8)], "\n"))
	}
	if len(da) == 0 {
		t.Fatal("no data compared")
	}
}

// fillOverNetwork writes n keys of mixed types to addr, pipelined.
func fillOverNetwork(t testing.TB, c *testutil.Client, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		k := "k:" + strconv.Itoa(i)
		switch i % 6 {
		case 0:
			c.Send("SET", k, strings.Repeat("v", i%40))
		case 1:
			c.Send("SET", k, i, "PX", 3600000)
		case 2:
			c.Send("RPUSH", k, "a", i, "c")
		case 3:
			c.Send("HSET", k, "f1", "v1", "f2", i)
		case 4:
			c.Send("SADD", k, 1, 2, i)
		case 5:
			c.Send("ZADD", k, 1.5, "a", i, "b")
		}
	}
	for i := 0; i < n; i++ {
		if _, err := c.Receive(); err != nil {
			t.Fatal(err)
		}
	}
}

// liveWrites runs writeLoad against addr for d.
func liveWrites(t *testing.T, addr string, d time.Duration, during func()) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go writeLoad(t, addr, stop, &wg)
	time.Sleep(d / 2)
	if during != nil {
		during()
	}
	time.Sleep(d / 2)
	close(stop)
	wg.Wait()
}

func TestRedisServerReplicatesFromRcnode(t *testing.T) {
	master := startNode(t, nil)
	fillMixed(t, master, 30_000)
	rp := startRedis(t, "--replicaof", "127.0.0.1", strconv.Itoa(portOf(master)))
	mc, rc := testutil.NewClient(t, addrOf(master)), testutil.NewClient(t, rp.addr)
	waitOffsets(t, mc, rc, 60*time.Second)
	sameNetData(t, mc, rc)

	// Live writes, with the link cut once on our side: redis-server continues partially.
	liveWrites(t, addrOf(master), time.Second, func() {
		mustDo(t, mc, "CLIENT", "KILL", "TYPE", "replica")
	})
	mustDo(t, mc, "SELECT", 3)
	mustDo(t, mc, "SET", "in-db3", "x")
	mustDo(t, mc, "SELECT", 0)
	mustDo(t, mc, "FLUSHDB")
	fillOverNetwork(t, mc, 3000)
	waitOffsets(t, mc, rc, 60*time.Second)
	sameNetData(t, mc, rc)
	mustDo(t, rc, "SELECT", 3)
	if v := mustDo(t, rc, "GET", "in-db3"); v != "x" {
		t.Fatalf("db 3 on the replica: %v", v)
	}
	if got := infoOf(t, mc, "stats", "sync_partial_ok"); got != "1" {
		t.Errorf("sync_partial_ok %s after the link was cut", got)
	}
	if v := mustDo(t, mc, "WAIT", 1, 2000); v != int64(1) {
		t.Errorf("WAIT 1 with a redis-server replica: %v", v)
	}
	log := readFile(t, rp.log)
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "CRITICAL") || strings.Contains(strings.ToLower(line), "error") {
			t.Errorf("redis-server's log: %s", line)
		}
	}
}

func TestRcnodeReplicatesFromRedisServer(t *testing.T) {
	rp := startRedis(t)
	mc := testutil.NewClient(t, rp.addr)
	fillOverNetwork(t, mc, 30_000)
	replica := startNode(t, nil)
	rc := testutil.NewClient(t, addrOf(replica))
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", rp.port)
	waitOffsets(t, mc, rc, 60*time.Second)
	sameNetData(t, mc, rc)

	// Live writes, with the link cut by the master: we continue partially.
	liveWrites(t, rp.addr, time.Second, func() {
		mustDo(t, mc, "CLIENT", "KILL", "TYPE", "replica")
	})
	// A transaction reaches us as MULTI ... EXEC.
	mustDo(t, mc, "MULTI")
	mustDo(t, mc, "INCR", "tx")
	mustDo(t, mc, "LPUSH", "txl", "a")
	mustDo(t, mc, "EXEC")
	waitOffsets(t, mc, rc, 60*time.Second)
	sameNetData(t, mc, rc)
	if full, partial := infoOf(t, mc, "stats", "sync_full"), infoOf(t, mc, "stats", "sync_partial_ok"); full != "1" || partial != "1" {
		t.Errorf("redis-server: sync_full %s sync_partial_ok %s, want 1 and 1", full, partial)
	}
	// The master's WAIT counts us once we acknowledged.
	mustDo(t, mc, "SET", "acked", "1")
	if v := mustDo(t, mc, "WAIT", 1, 2000); v != int64(1) {
		t.Errorf("redis-server's WAIT 1 with an rcnode replica: %v", v)
	}
	if log := readLog(t, replica); strings.Contains(log, "CRITICAL") {
		t.Errorf("rcnode refused part of the stream:\n%s", log)
	}
}
