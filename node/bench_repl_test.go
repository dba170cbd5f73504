package node

import (
	"strconv"
	"testing"
	"time"
)

// withStreamReader activates s's replication stream with one reader that drains it, as an
// attached replica does, and stops it when the benchmark ends.
func withStreamReader(tb testing.TB, s *Server) {
	st := s.repl.stream
	st.Lock()
	st.Activate()
	rd, _ := st.NewReader(st.BacklogLocked().End)
	st.Unlock()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var bufs [][]byte
		for {
			var n int64
			bufs, n, _ = rd.Peek(bufs[:0], 1<<20)
			if n > 0 {
				rd.Advance(n)
				continue
			}
			select {
			case <-rd.C:
			case <-done:
				return
			}
		}
	}()
	tb.Cleanup(func() { close(done); <-stopped; rd.Close() })
}

// BenchmarkPipelineSETReplicated is BenchmarkPipelineSET with a replica attached: every SET
// is also encoded into the replication stream.
func BenchmarkPipelineSETReplicated(b *testing.B) {
	s := newTestServer(b, DefaultSettings())
	withStreamReader(b, s)
	benchPipelineOn(b, s, "SET", "key:000000123456", "xxxxxxxxxxxxxxxx")
}

// TestReplicatedHotPathDoesNotAllocate extends the zero-allocation promise to writes made
// while a replica is attached (the stream's blocks are reused).
func TestReplicatedHotPathDoesNotAllocate(t *testing.T) {
	for _, args := range [][]string{
		{"SET", "key:000000123456", "xxxxxxxxxxxxxxxx"},
		{"INCR", "counter"},
	} {
		res := testing.Benchmark(func(b *testing.B) {
			s := newTestServer(b, DefaultSettings())
			withStreamReader(b, s)
			benchPipelineOn(b, s, args...)
		})
		if a := res.AllocsPerOp(); a != 0 {
			t.Errorf("%v with a replica: %d allocations per 16-command pipeline", args, a)
		}
	}
}

// BenchmarkSnapshot measures the pause a full sync's snapshot imposes (every slot lock held
// while the keyspace is encoded) for 1M small keys of mixed types:
//
//	go test ./node/ -run XXX -bench Snapshot -benchtime 3x
func BenchmarkSnapshot(b *testing.B) {
	s := newTestServer(b, DefaultSettings())
	fillMixed(b, s, 1_000_000)
	b.ResetTimer()
	var pause time.Duration
	var size int64
	for i := 0; i < b.N; i++ {
		sn, err := s.takeSnapshot(false, false)
		if err != nil {
			b.Fatal(err)
		}
		pause += sn.pause
		size = sn.size
		sn.release()
	}
	b.ReportMetric(float64(pause.Milliseconds())/float64(b.N), "ms-locked/op")
	b.ReportMetric(float64(size)/(1<<20), "MB-rdb")
	b.Logf("%d keys: %s", s.ks.KeyCount(), strconv.FormatInt(size, 10))
}
