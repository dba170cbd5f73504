package integration

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// dataset is a set of keys of every type rcnode stores, some with a TTL, written through a
// cluster client so they spread over every master; verify reads each back after the slots
// have moved. Key i's type and content follow from i alone.
type dataset struct {
	n      int
	prefix string
}

// datasetTTL is the TTL of every seventh key: long enough that none expires during a test,
// so a missing TTL, or one that grew, shows a payload or MIGRATE that lost it.
const datasetTTL = time.Hour

// datasetBatch is how many commands one pipeline carries while loading or verifying.
const datasetBatch = 2000

func newDataset(n int) *dataset { return &dataset{n: n, prefix: "data:"} }

func (d *dataset) key(i int) string { return d.prefix + strconv.Itoa(i) }

// newClusterClient is a go-redis cluster client entering at entry, patient enough for nodes
// built with -race on two busy cores.
func newClusterClient(entry string, hook redis.Hook) *redis.ClusterClient {
	opts := &redis.ClusterOptions{
		Addrs:        []string{entry},
		DialTimeout:  2 * time.Second,
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 10 * time.Second,
		MaxRedirects: 8,
	}
	if hook != nil {
		opts.NewClient = func(o *redis.Options) *redis.Client {
			c := redis.NewClient(o)
			c.AddHook(hook)
			return c
		}
	}
	return redis.NewClusterClient(opts)
}

// load writes the dataset through a cluster client entering at entry.
func (d *dataset) load(t testing.TB, entry string) {
	t.Helper()
	ctx := context.Background()
	cc := newClusterClient(entry, nil)
	defer cc.Close()
	for start := 0; start < d.n; start += datasetBatch {
		_, err := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := start; i < min(start+datasetBatch, d.n); i++ {
				k := d.key(i)
				switch i % 10 {
				case 0:
					p.RPush(ctx, k, "a", i, "c")
				case 1:
					p.HSet(ctx, k, "f", i, "g", "x")
				case 2:
					p.SAdd(ctx, k, 1, 2, 1000000+i)
				case 3:
					p.ZAdd(ctx, k, redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: float64(i), Member: "b"})
				default:
					p.Set(ctx, k, d.stringValue(i), 0)
				}
				if i%7 == 0 {
					p.PExpire(ctx, k, datasetTTL)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("loading keys %d..: %v", start, err)
		}
	}
}

// stringValue is key i's value when it is a string; some are long enough to be compressed
// in a DUMP payload, some are integers.
func (d *dataset) stringValue(i int) string {
	switch i % 10 {
	case 4:
		return strconv.Itoa(i)
	case 5:
		return fmt.Sprintf("%0100d", i)
	}
	return "value:" + strconv.Itoa(i)
}

// verify reads every key back through a cluster client and checks its value and TTL.
func (d *dataset) verify(t testing.TB, entry string) {
	t.Helper()
	ctx := context.Background()
	cc := newClusterClient(entry, nil)
	defer cc.Close()
	bad := 0
	for start := 0; start < d.n && bad < 10; start += datasetBatch {
		var reads []redis.Cmder
		var ttls []*redis.DurationCmd
		_, err := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := start; i < min(start+datasetBatch, d.n); i++ {
				k := d.key(i)
				switch i % 10 {
				case 0:
					reads = append(reads, p.LRange(ctx, k, 0, -1))
				case 1:
					reads = append(reads, p.HGetAll(ctx, k))
				case 2:
					reads = append(reads, p.SMembers(ctx, k))
				case 3:
					reads = append(reads, p.ZRangeWithScores(ctx, k, 0, -1))
				default:
					reads = append(reads, p.Get(ctx, k))
				}
				ttls = append(ttls, p.PTTL(ctx, k))
			}
			return nil
		})
		if err != nil && err != redis.Nil {
			t.Fatalf("reading keys %d..: %v", start, err)
		}
		for j, cmd := range reads {
			i := start + j
			if why := d.check(i, cmd, ttls[j]); why != "" {
				t.Errorf("%s: %s", d.key(i), why)
				if bad++; bad >= 10 {
					break
				}
			}
		}
	}
	if bad > 0 {
		t.FailNow()
	}
}

// check says what is wrong with key i's value and TTL as read ("" when nothing).
func (d *dataset) check(i int, cmd redis.Cmder, pttl *redis.DurationCmd) string {
	if err := cmd.Err(); err != nil {
		return "read: " + err.Error()
	}
	var got, want string
	switch c := cmd.(type) {
	case *redis.StringSliceCmd:
		vals := c.Val()
		if i%10 == 2 {
			slices.Sort(vals)
			want = fmt.Sprint(sortedStrings("1", "2", strconv.Itoa(1000000+i)))
		} else {
			want = fmt.Sprint([]string{"a", strconv.Itoa(i), "c"})
		}
		got = fmt.Sprint(vals)
	case *redis.MapStringStringCmd:
		got, want = fmt.Sprint(c.Val()), fmt.Sprint(map[string]string{"f": strconv.Itoa(i), "g": "x"})
	case *redis.ZSliceCmd:
		got = fmt.Sprint(c.Val())
		want = fmt.Sprint([]redis.Z{{Score: 1.5, Member: "a"}, {Score: float64(i), Member: "b"}})
		if float64(i) < 1.5 {
			want = fmt.Sprint([]redis.Z{{Score: float64(i), Member: "b"}, {Score: 1.5, Member: "a"}})
		}
	case *redis.StringCmd:
		got, want = c.Val(), d.stringValue(i)
	}
	if got != want {
		return fmt.Sprintf("value %s, want %s", got, want)
	}
	ttl, err := pttl.Result()
	switch {
	case err != nil:
		return "PTTL: " + err.Error()
	case i%7 == 0 && (ttl <= 0 || ttl > datasetTTL):
		return fmt.Sprintf("TTL %v, want within (0, %v]", ttl, datasetTTL)
	case i%7 != 0 && ttl != -1:
		return fmt.Sprintf("TTL %v on a key without one", ttl)
	}
	return ""
}

func sortedStrings(s ...string) []string {
	slices.Sort(s)
	return s
}

// dbsizeTotal sums DBSIZE over the masters of view v.
func (c *cluster) dbsizeTotal(v clusterView) int64 {
	c.t.Helper()
	var total int64
	for id, nv := range v {
		if nv.Role != "master" {
			continue
		}
		n, err := query(c.nodeByID(id).addr, "DBSIZE")
		if err != nil {
			c.t.Fatalf("DBSIZE on %s: %v", c.nodeByID(id), err)
		}
		total += n.(int64)
	}
	return total
}
