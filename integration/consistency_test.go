package integration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// counterChecker is a consistency checker in the spirit of Redis's own
// (tests/helpers/consistency-checker): counters INCRed through a cluster client while the
// cluster fails over. A write counts as acknowledged when its INCR succeeded and the WAIT 1
// pipelined after it on the same connection said a replica has it. Afterwards no counter may
// be below its highest acknowledged value: such a write was lost.
type counterChecker struct {
	cc   *redis.ClusterClient
	keys []string

	mu       sync.Mutex
	acked    map[string]int64 // highest value whose INCR was acknowledged by WAIT 1
	observed map[string]int64 // highest value any INCR returned
	writes   int
	failures int
}

func newCounterChecker(entry string, nkeys int) *counterChecker {
	ch := &counterChecker{
		cc: redis.NewClusterClient(&redis.ClusterOptions{
			Addrs:        []string{entry},
			DialTimeout:  time.Second,
			ReadTimeout:  2 * time.Second,
			WriteTimeout: time.Second,
			MaxRetries:   -1, // every retry is ours, so each attempt is counted once
		}),
		acked:    map[string]int64{},
		observed: map[string]int64{},
	}
	for i := 0; i < nkeys; i++ {
		ch.keys = append(ch.keys, fmt.Sprintf("counter:{%d}", i))
	}
	return ch
}

// run INCRs the counters round robin until ctx ends.
func (ch *counterChecker) run(ctx context.Context) {
	for i := 0; ctx.Err() == nil; i++ {
		key := ch.keys[i%len(ch.keys)]
		if err := ch.incr(ctx, key); err != nil {
			ch.mu.Lock()
			ch.failures++
			ch.mu.Unlock()
			// The topology changed or a node is gone: learn the new one, then go on.
			ch.cc.ReloadState(ctx)
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func (ch *counterChecker) incr(ctx context.Context, key string) error {
	master, err := ch.cc.MasterForKey(ctx, key)
	if err != nil {
		return err
	}
	var incr *redis.IntCmd
	var wait *redis.Cmd
	_, err = master.Pipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, key)
		wait = p.Do(ctx, "WAIT", 1, 1000)
		return nil
	})
	if incr == nil || incr.Err() != nil {
		if err == nil {
			err = errors.New("INCR not run")
		}
		return err
	}
	v := incr.Val()
	ch.mu.Lock()
	defer ch.mu.Unlock()
	ch.writes++
	ch.observed[key] = max(ch.observed[key], v)
	if n, werr := wait.Int64(); werr == nil && n >= 1 {
		ch.acked[key] = max(ch.acked[key], v)
	}
	return nil
}

// verify reads every counter and reports those below their acknowledged (or, with
// strict, their highest observed) value.
func (ch *counterChecker) verify(t testing.TB, strict bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var lost []string
	ackedTotal := int64(0)
	for _, key := range ch.keys {
		var final int64
		var err error
		for {
			final, err = ch.cc.Get(ctx, key).Int64()
			if err == nil || errors.Is(err, redis.Nil) {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("GET %s: %v", key, err)
			}
			ch.cc.ReloadState(ctx)
			time.Sleep(50 * time.Millisecond)
		}
		want := ch.acked[key]
		if strict {
			want = ch.observed[key]
		}
		ackedTotal += ch.acked[key]
		if final < want {
			lost = append(lost, fmt.Sprintf("%s=%d (acknowledged %d, observed %d)", key, final, ch.acked[key], ch.observed[key]))
		}
	}
	t.Logf("%d INCRs succeeded, %d attempts failed, %d acknowledged by WAIT 1 in total", ch.writes, ch.failures, ackedTotal)
	if ackedTotal == 0 {
		t.Fatal("no write was ever acknowledged by a replica: the check proves nothing")
	}
	if len(lost) > 0 {
		t.Fatalf("%d counters lost acknowledged writes: %s", len(lost), strings.Join(lost, ", "))
	}
}

// consistencyUnderFailover runs the checker against a 6-node cluster of kinds while fault
// fails a master over, and verifies no acknowledged write was lost.
func consistencyUnderFailover(t *testing.T, kinds []serverKind, strict bool, fault func(c *cluster, v clusterView)) {
	c, v := createReady(t, kinds)
	for id, nv := range v {
		if nv.Role == "slave" {
			waitLinkUp(t, c.nodeAt(v[id].Addr))
		}
	}
	ch := newCounterChecker(c.nodes[0].addr, 100)
	defer ch.cc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ch.run(ctx); close(done) }()
	time.Sleep(time.Second)
	fault(c, v)
	time.Sleep(2 * time.Second) // keep writing to the new master
	cancel()
	<-done
	ch.verify(t, strict)
}

func killFirstMaster(c *cluster, v clusterView) {
	took, promoted, old := killMasterUntilWritable(c, v)
	c.t.Logf("master %s killed; %s took writes after %v", old, promoted, took.Round(time.Millisecond))
}

func manualFailover(c *cluster, v clusterView) {
	for id, nv := range v {
		if nv.Role == "slave" {
			replica := c.nodeAt(v[id].Addr)
			if reply, err := query(replica.addr, "CLUSTER", "FAILOVER"); err != nil || reply != "OK" {
				c.t.Fatalf("CLUSTER FAILOVER on %s: %v %v", replica, reply, err)
			}
			deadline := time.Now().Add(readyLimit)
			for {
				info, _ := queryString(replica.addr, "INFO", "replication")
				if strings.Contains(info, "role:master") {
					c.t.Logf("%s is master after CLUSTER FAILOVER", replica)
					return
				}
				if time.Now().After(deadline) {
					c.t.Fatalf("%s did not become master after CLUSTER FAILOVER", replica)
				}
				time.Sleep(pollInterval)
			}
		}
	}
}

func TestRedisServerNoAcknowledgedWriteLostOnKill(t *testing.T) {
	consistencyUnderFailover(t, sixOf(redisServer), false, killFirstMaster)
}

func TestRedisServerNoWriteLostOnManualFailover(t *testing.T) {
	consistencyUnderFailover(t, sixOf(redisServer), true, manualFailover)
}

func TestRcnodeNoAcknowledgedWriteLostOnKill(t *testing.T) {
	consistencyUnderFailover(t, sixOf(rcnode), false, killFirstMaster)
}

func TestRcnodeNoWriteLostOnManualFailover(t *testing.T) {
	consistencyUnderFailover(t, sixOf(rcnode), true, manualFailover)
}
