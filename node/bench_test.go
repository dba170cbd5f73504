package node

import (
	"bytes"
	"fmt"
	"math/rand"
	"net"
	"testing"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/testutil"
)

// benchPipeline parses and executes a pipeline of 16 copies of one command per iteration,
// the way a connection's loop does (reader, dispatcher, handler, reply buffer), and reports
// allocations per command.
func benchPipeline(b *testing.B, args ...string) {
	benchPipelineOn(b, newTestServer(b, DefaultSettings()), args...)
}

func benchPipelineOn(b *testing.B, s *Server, args ...string) {
	server, client := net.Pipe()
	defer server.Close()
	defer client.Close()
	c := s.newClient(server)
	one := testutil.EncodeCommand(args...)
	batch := bytes.Repeat(one, 16)
	rd := clientproto.NewReader(len(batch) * 2)
	// Warm up: create the key and grow every buffer once.
	src := bytes.NewReader(nil)
	run := func() {
		src.Reset(batch)
		rd.Fill(src)
		for {
			a, err := rd.Parse()
			if err != nil {
				break
			}
			c.execute(a)
		}
		c.w.Reset(writeBufferKeep)
	}
	run()
	b.ReportAllocs()
	b.SetBytes(int64(len(batch)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*16), "ns/cmd")
}

func BenchmarkPipelineSET(b *testing.B) {
	benchPipeline(b, "SET", "key:000000123456", "xxxxxxxxxxxxxxxx")
}

func BenchmarkPipelineGET(b *testing.B) {
	benchPipeline(b, "GET", "key:000000123456")
}

func BenchmarkPipelineINCR(b *testing.B) {
	benchPipeline(b, "INCR", "counter:000000123456")
}

// TestHotPathDoesNotAllocate guards the zero-allocation promise for GET and SET over an
// existing key (DESIGN.md principle 5).
func TestHotPathDoesNotAllocate(t *testing.T) {
	for _, args := range [][]string{
		{"SET", "key:000000123456", "xxxxxxxxxxxxxxxx"},
		{"GET", "key:000000123456"},
		{"INCR", "counter"},
	} {
		res := testing.Benchmark(func(b *testing.B) { benchPipeline(b, args...) })
		if a := res.AllocsPerOp(); a != 0 {
			t.Errorf("%v: %d allocations per 16-command pipeline", args, a)
		}
	}
}

// benchRandomKeys runs pipelines of 16 commands on random keys among 100k existing ones, as
// redis-benchmark -r 100000 -P 16 does, through the event loop's sequence (parse, look up,
// prefetch the next key, execute) or without the prefetch: the cost is mostly cache misses.
func benchRandomKeys(b *testing.B, prefetch bool, cmd string) {
	s := newTestServer(b, DefaultSettings())
	server, client := net.Pipe()
	defer server.Close()
	defer client.Close()
	c := s.newClient(server)
	const keys = 100_000
	var load []byte
	for i := 0; i < keys; i++ {
		load = append(load, testutil.EncodeCommand("SET", fmt.Sprintf("key:%012d", i), "1")...)
	}
	rng := rand.New(rand.NewSource(1))
	batches := make([][]byte, 4096)
	for i := range batches {
		for range 16 {
			batches[i] = append(batches[i], testutil.EncodeCommand(cmd, fmt.Sprintf("key:%012d", rng.Intn(keys)))...)
		}
	}
	src := bytes.NewReader(nil)
	run := func(in []byte) {
		src.Reset(in)
		for src.Len() > 0 {
			c.rd.Fill(src)
			for {
				args, err := c.rd.Parse()
				if err != nil {
					break
				}
				spec := c.commands.lookup(args[0])
				if prefetch {
					c.prefetchNext()
				}
				c.executeSpec(spec, args)
			}
			c.w.Reset(writeBufferKeep)
		}
	}
	run(load)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(batches[i%len(batches)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*16), "ns/cmd")
}

func BenchmarkRandomGET(b *testing.B)           { benchRandomKeys(b, true, "GET") }
func BenchmarkRandomGETNoPrefetch(b *testing.B) { benchRandomKeys(b, false, "GET") }
func BenchmarkRandomINCR(b *testing.B)          { benchRandomKeys(b, true, "INCR") }
func BenchmarkRandomINCRNoPrefetch(b *testing.B) {
	benchRandomKeys(b, false, "INCR")
}
