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
//
// The pacer also hands memory back to the OS, as redis-server's allocator does on its own.
// Go finds garbage only when it collects, and collects only when something allocates, so
// after FLUSHALL a quiet node kept its whole former heap resident (270 MB for 1.26M keys,
// for minutes); and the runtime's scavenger keeps free memory up to its heap goal, which
// the backstop puts at 5x the live heap. So the pacer collects and releases free memory
// when asked (Release, after a bulk drop of data), and once the heap has been quiet for a
// second with a good deal of it free or not yet collected.
//
// And it collects while no client is being served (Active marks the moments one is), once
// the heap has grown by a tenth over what the last cycle left live: a cycle there costs no
// one any latency, and leaves the whole growth allowance to the next burst of work. Without
// it, a cycle started during a burst took a quarter of the single core for 150-200 ms (a
// 50 MB heap), and most cycles landed in the middle of benchmark runs.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
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
	// A heap that grew or shrank by less than busyGrowth per check for quietAfter is quiet;
	// then, with more than max(minSlack, live/slackDivisor) free or uncollected, the pacer
	// collects and releases what is free, once per quiet spell.
	quietAfter   = time.Second
	minSlack     = 16 << 20
	slackDivisor = 8
	// With no client served for idleAfter, a heap grown past idleGrowth over what the last
	// cycle left live is collected, once per idle spell.
	idleAfter  = 250 * time.Millisecond
	idleGrowth = 0.1
)

var releaseWanted, active atomic.Bool

// Active tells the pacer that clients are being served now: cheap enough to call for every
// round of an event loop (it writes only when the flag is down).
func Active() {
	if !active.Load() {
		active.Store(true)
	}
}

// Release asks the pacer to collect and hand freed memory back to the OS at its next check
// (within minInterval once the heap moves, maxInterval when idle): for code that just
// dropped much of the data set at once, whose garbage no allocation would make the collector
// look for.
func Release() { releaseWanted.Store(true) }

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
		{Name: "/memory/classes/heap/free:bytes"},
	}
	var p pacer
	for {
		time.Sleep(p.wait)
		metrics.Read(samples)
		h := heapState{live: samples[0].Value.Uint64(), objects: samples[1].Value.Uint64(), free: samples[2].Value.Uint64(),
			active: active.Swap(false)}
		switch p.check(h, releaseWanted.Swap(false)) {
		case collect:
			runtime.GC()
		case release:
			debug.FreeOSMemory()
		}
	}
}

// heapState is what the pacer reads at a check.
type heapState struct {
	live    uint64 // what the last collection left live
	objects uint64 // in objects, live or not yet collected
	free    uint64 // in free spans not yet returned to the OS
	active  bool   // clients were served since the last check
}

type action int

const (
	none action = iota
	collect
	release // collect, then return every free span to the OS
)

// pacer decides, check by check, when to collect; it keeps the time between checks.
type pacer struct {
	wait     time.Duration // until the next check
	last     uint64        // objects at the last check
	quiet    time.Duration // how long the heap has been quiet
	released bool          // already released in this quiet spell
	idle     time.Duration // how long no client has been served
	idleDone bool          // already collected in this idle spell
}

// check takes the heap's state, and whether a release was asked for, and says what to do.
func (p *pacer) check(h heapState, asked bool) action {
	elapsed := p.wait
	grew := h.objects > p.last+busyGrowth
	moved := grew || h.objects+busyGrowth < p.last
	if grew {
		p.wait = minInterval
	} else {
		p.wait = min(max(2*p.wait, minInterval), maxInterval)
	}
	p.last = h.objects
	if moved {
		p.quiet, p.released = 0, false
	} else {
		p.quiet += elapsed
	}
	if h.active {
		p.idle, p.idleDone = 0, false
	} else {
		p.idle += elapsed
	}
	switch {
	case asked:
		p.released = true
		return release
	case h.objects >= max(minHeap, uint64(float64(h.live)*(1+growth))):
		return collect
	case p.idle >= idleAfter && !p.idleDone && h.objects >= max(minHeap, uint64(float64(h.live)*(1+idleGrowth))):
		p.idleDone = true
		return collect
	case p.quiet >= quietAfter && !p.released &&
		h.free+(h.objects-min(h.live, h.objects)) > max(minSlack, h.live/slackDivisor):
		p.released = true
		return release
	}
	return none
}
