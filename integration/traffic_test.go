package integration

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// liveTraffic reads and writes keys through a go-redis cluster client while slots move. Each
// key has one writer (this goroutine), so every read must return exactly the last value
// acknowledged (or nothing after a DEL): a lost write, a resurrected key or a stale read
// while a key is half moved shows as a wrong value. The keys come in pairs sharing a hash
// tag, read together with MGET, so a slot whose keys are split between two nodes is seen
// (TRYAGAIN). A hook on every node connection counts the redirections and refusals the nodes
// answered, which the cluster client follows without showing them; any other reply is an
// error of the test.
type liveTraffic struct {
	cc       *redis.ClusterClient
	keys     []string          // pairs: keys[2i] and keys[2i+1] share a slot
	expected map[string]string // last value acknowledged; "" after DEL; absent when unknown

	mu      sync.Mutex
	replies map[string]int // node replies by kind: MOVED, ASK, TRYAGAIN, or the unexpected text
	ops     int
	wrong   []string // wrong values read, or errors the client saw
}

// newLiveTraffic makes traffic on two keys in each of the slots first..first+n-1 (those a
// reshard moves) and in as many other slots spread over the rest.
func newLiveTraffic(t testing.TB, entry string, first, n int) *liveTraffic {
	lt := &liveTraffic{expected: map[string]string{}, replies: map[string]int{}}
	tags := slotTags(t, first, n)
	for i := 0; i < n; i++ {
		tags = append(tags, "spread"+strconv.Itoa(i))
	}
	for _, tag := range tags {
		lt.keys = append(lt.keys, "live:{"+tag+"}a", "live:{"+tag+"}b")
	}
	lt.cc = newClusterClient(entry, redirectCounter{lt})
	return lt
}

// run writes, deletes and reads random keys until ctx ends.
func (lt *liveTraffic) run(ctx context.Context) {
	rng := rand.New(rand.NewPCG(1, 2))
	for seq := 0; ctx.Err() == nil; seq++ {
		pair := rng.IntN(len(lt.keys) / 2)
		key := lt.keys[2*pair+rng.IntN(2)]
		var why string
		switch op := rng.IntN(10); {
		case op < 4:
			val := key + ":" + strconv.Itoa(seq)
			if err := lt.cc.Set(ctx, key, val, 0).Err(); err != nil {
				why = fmt.Sprintf("SET %s: %v", key, err)
				delete(lt.expected, key)
			} else {
				lt.expected[key] = val
			}
		case op < 5:
			if err := lt.cc.Del(ctx, key).Err(); err != nil {
				why = fmt.Sprintf("DEL %s: %v", key, err)
				delete(lt.expected, key)
			} else {
				lt.expected[key] = ""
			}
		case op < 8:
			got, err := lt.cc.Get(ctx, key).Result()
			why = lt.compare("GET", key, got, err)
		default:
			a, b := lt.keys[2*pair], lt.keys[2*pair+1]
			vals, err := lt.cc.MGet(ctx, a, b).Result()
			if err != nil {
				why = fmt.Sprintf("MGET %s %s: %v", a, b, err)
				break
			}
			for i, k := range []string{a, b} {
				s, _ := vals[i].(string)
				if w := lt.compare("MGET", k, s, nil); w != "" {
					why = w
				}
			}
		}
		if ctx.Err() != nil {
			return
		}
		lt.mu.Lock()
		lt.ops++
		if why != "" {
			lt.wrong = append(lt.wrong, why)
		}
		lt.mu.Unlock()
	}
}

// compare says what is wrong with a read of key ("" when it matches what was written).
func (lt *liveTraffic) compare(cmd, key, got string, err error) string {
	want, known := lt.expected[key]
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	if err != nil || (known && got != want) {
		return fmt.Sprintf("%s %s = %q, %v; want %q", cmd, key, got, err, want)
	}
	return ""
}

// start runs the traffic in the background; the returned stop ends it and checks it.
func (lt *liveTraffic) start(t testing.TB) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		lt.run(ctx)
	}()
	return func() {
		t.Helper()
		cancel()
		<-done
		lt.cc.Close()
		lt.check(t)
	}
}

// check fails the test on any wrong value or unexpected reply, and logs what was seen.
func (lt *liveTraffic) check(t testing.TB) {
	t.Helper()
	lt.mu.Lock()
	defer lt.mu.Unlock()
	t.Logf("live traffic: %d commands; node replies followed: MOVED=%d ASK=%d TRYAGAIN=%d",
		lt.ops, lt.replies["MOVED"], lt.replies["ASK"], lt.replies["TRYAGAIN"])
	for kind, n := range lt.replies {
		if kind != "MOVED" && kind != "ASK" && kind != "TRYAGAIN" {
			t.Errorf("a node replied %q %d times", kind, n)
		}
	}
	if len(lt.wrong) > 0 {
		t.Errorf("%d wrong reads or failed commands, the first: %s", len(lt.wrong), strings.Join(lt.wrong[:min(10, len(lt.wrong))], "; "))
	}
	if lt.ops == 0 {
		t.Error("the traffic ran no command")
	}
}

func (lt *liveTraffic) noteReply(err error) {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(err, context.Canceled) {
		return
	}
	kind := err.Error()
	if k, _, _ := strings.Cut(kind, " "); k == "MOVED" || k == "ASK" || k == "TRYAGAIN" {
		kind = k
	}
	lt.mu.Lock()
	lt.replies[kind]++
	lt.mu.Unlock()
}

// redirectCounter is the hook on each node connection of the cluster client.
type redirectCounter struct{ lt *liveTraffic }

func (h redirectCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h redirectCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		// go-redis names itself with CLIENT SETINFO (Redis 7.2), which 7.0 refuses too.
		if cmd.Name() != "client" {
			h.lt.noteReply(cmd.Err())
		}
		return err
	}
}

func (h redirectCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if cmd.Name() != "client" {
				h.lt.noteReply(cmd.Err())
			}
		}
		return err
	}
}
