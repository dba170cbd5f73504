// Package gcpace starts garbage collections from a goroutine of its own, before the heap
// reaches the point where Go's pacer would start them, so that the goroutines serving
// clients do not pay for them with mark assists.
//
// With GOGC=100 a cycle starts when an allocation crosses the trigger, and from then on
// every goroutine that allocates must do mark work in proportion - or park until the
// background workers have done it. On one core (rcnode's default on a 2-core machine) the
// background workers only run when the event loop lets them, so a loop allocating new keys
// during a cycle stalled for 15-40 ms (redis-benchmark's max latency; a runtime trace
// shows the loop in "GC mark assist"). Started early, with the runtime's own goal far away,
// a cycle needs no assists: the background workers mark at their usual 25% of the core
// plus whatever the loop leaves idle.
//
// The runtime's own trigger stays as a backstop, at a higher GOGC, for a heap that grows
// faster than the pacer checks it.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

const (
	// growth is how much the heap may grow over what the last cycle left live before a
	// cycle starts: what GOGC=100 allows, less a margin for the marking time.
	growth = 0.9
	// backstopGOGC is the runtime's own GOGC meanwhile: its goal, 5x the live heap, is far
	// enough that the cycles started here see no assists.
	backstopGOGC = 400
	// minHeap is the smallest heap that starts a cycle, as the runtime's 4 MB minimum.
	minHeap = 4 << 20
	// The heap is checked every minInterval while it grows by more than busyGrowth between
	// checks; the interval doubles up to maxInterval while it does not, so an idle node
	// wakes up rarely.
	minInterval = 5 * time.Millisecond
	maxInterval = 200 * time.Millisecond
	busyGrowth  = 1 << 20
)

// Start runs the pacer for the life of the process, unless GOGC is set in the environment:
// then the user chose how the collector runs, and the runtime's pacer is left alone.
func Start() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(backstopGOGC)
	go run()
}

func run() {
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
	}
	wait := minInterval
	var last uint64
	for {
		time.Sleep(wait)
		metrics.Read(samples)
		live, heap := samples[0].Value.Uint64(), samples[1].Value.Uint64()
		if heap >= max(minHeap, uint64(float64(live)*(1+growth))) {
			runtime.GC()
		}
		if heap > last+busyGrowth {
			wait = minInterval
		} else {
			wait = min(2*wait, maxInterval)
		}
		last = heap
	}
}
