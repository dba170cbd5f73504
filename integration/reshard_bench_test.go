package integration

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/slots"
)

// BenchmarkReshard moves the same keys between two masters of a redis-server cluster and of
// an rcnode cluster, in one run, with `redis-cli --cluster reshard`, and reports both times
// and their ratio. Benchmarks do not run in CI's `go test`; run it with
//
//	go test ./integration/ -run '^$' -bench BenchmarkReshard -benchtime 1x -timeout 60m
//
// without -race (rcnode is then built without it too). RESHARD_KEYS (default 1000000) and
// RESHARD_SLOTS (default 4000) size the move; RESHARD_PIPELINE sets redis-cli's
// --cluster-pipeline (default: redis-cli's, 10 keys per MIGRATE).
func BenchmarkReshard(b *testing.B) {
	keys := envInt(b, "RESHARD_KEYS", 1_000_000)
	nslots := envInt(b, "RESHARD_SLOTS", 4000)
	pipeline := os.Getenv("RESHARD_PIPELINE")
	took := map[serverKind]time.Duration{}
	for i := 0; i < b.N; i++ {
		for _, kind := range []serverKind{redisServer, rcnode} {
			took[kind] += reshardOnce(b, kind, keys, nslots, pipeline)
		}
	}
	r, rc := took[redisServer]/time.Duration(b.N), took[rcnode]/time.Duration(b.N)
	b.ReportMetric(r.Seconds(), "redis-server-s")
	b.ReportMetric(rc.Seconds(), "rcnode-s")
	b.ReportMetric(float64(rc)/float64(r), "rcnode/redis-server")
	b.Logf("reshard of %d keys in %d slots (pipeline %q): redis-server %v, rcnode %v, rcnode/redis-server %.2f (rcnode-race=%v)",
		keys, nslots, pipeline, r.Round(time.Millisecond), rc.Round(time.Millisecond), float64(rc)/float64(r), rcnodeRace())
}

// reshardOnce builds a 3-master cluster of kind, fills the first nslots slots of the first
// master with keys (evenly), and times moving those slots to the second master.
func reshardOnce(b *testing.B, kind serverKind, keys, nslots int, pipeline string) time.Duration {
	b.StopTimer()
	defer b.StartTimer()
	c := startMasters(b, kind, kind, kind)
	v := c.waitAgreement()
	from, to := c.ids[0], c.ids[1]
	first, ok := slots.ParseRange(strings.Fields(v[from].Slots)[0])
	if !ok || first.End-first.Start+1 < nslots {
		b.Fatalf("master %s slots %q: fewer than %d in its first range", from, v[from].Slots, nslots)
	}
	fillSlots(b, c.nodeByID(from).addr, first.Start, nslots, keys)
	args := []string{"reshard", c.nodes[0].addr, "--cluster-from", from, "--cluster-to", to,
		"--cluster-slots", strconv.Itoa(nslots)}
	if pipeline != "" {
		args = append(args, "--cluster-pipeline", pipeline)
	}
	b.StartTimer()
	_, took := c.clusterTool(args...)
	b.StopTimer()
	after := c.waitAgreement()
	if got := slotsOf(b, after)[to]; got != 16384/3+nslots && got != 16384/3+1+nslots {
		b.Fatalf("%s: master %s has %d slots after the reshard", kind, to, got)
	}
	n, err := query(c.nodeByID(to).addr, "DBSIZE")
	if err != nil || n.(int64) != int64(keys) {
		b.Fatalf("%s: DBSIZE on the target after the reshard: %v %v, want %d", kind, n, err, keys)
	}
	b.Logf("%s: %d keys in %d slots moved in %v", kind, keys, nslots, took.Round(time.Millisecond))
	return took
}

// fillSlots writes keys string keys spread evenly over slots first..first+nslots-1 straight
// to the master that owns them, pipelined.
func fillSlots(b testing.TB, addr string, first, nslots, keys int) {
	tags := slotTags(b, first, nslots)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	errs := make(chan error, 1)
	go func() { // read the +OKs while writing
		rd := bufio.NewReaderSize(nc, 1<<16)
		for i := 0; i < keys; i++ {
			line, err := rd.ReadString('\n')
			if err == nil && line != "+OK\r\n" {
				err = fmt.Errorf("SET replied %q", line)
			}
			if err != nil {
				errs <- err
				return
			}
		}
		errs <- nil
	}()
	w := bufio.NewWriterSize(nc, 1<<16)
	for i := 0; i < keys; i++ {
		key := "{" + tags[i%nslots] + "}:" + strconv.Itoa(i)
		val := "value:" + strconv.Itoa(i)
		fmt.Fprintf(w, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(key), key, len(val), val)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
}

// slotTags returns, for each slot first..first+n-1, a hash tag that maps to it.
func slotTags(b testing.TB, first, n int) []string {
	tags := make([]string, n)
	found := 0
	for i := 0; found < n && i < 10_000_000; i++ {
		tag := strconv.Itoa(i)
		s := slots.KeySlotString(tag) - first
		if s >= 0 && s < n && tags[s] == "" {
			tags[s] = tag
			found++
		}
	}
	if found < n {
		b.Fatalf("found tags for %d of %d slots", found, n)
	}
	return tags
}

func envInt(b testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}
