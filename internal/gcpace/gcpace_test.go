package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

var sink [][]byte

// TestStart checks both ways Start can go; in one test because the pacer, once started,
// runs for the rest of the process.
func TestStart(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "100")
	Start()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC set, Start changed GOGC to %d", got)
	}

	t.Setenv("GOGC", "") // restored after the test; LookupEnv still sees it, so unset it
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	// Keep 16 MB live and churn garbage: the runtime's own goal is then 5x the live heap,
	// so a cycle before that is the pacer's. It shows as forced.
	live := make([][]byte, 16)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	Start()
	if got := debug.SetGCPercent(backstopGOGC); got != backstopGOGC {
		t.Fatalf("GOGC is %d under the pacer, want the backstop %d", got, backstopGOGC)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.NumForcedGC > before.NumForcedGC {
			if ms.NumGC != ms.NumForcedGC-before.NumForcedGC+before.NumGC {
				t.Fatalf("%d cycles, %d of them forced since the start: the runtime started one itself", ms.NumGC-before.NumGC, ms.NumForcedGC-before.NumForcedGC)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no cycle started by the pacer (heap %d MB)", ms.HeapAlloc>>20)
		}
		sink = append(sink, make([]byte, 64<<10))
		if len(sink) > 64 { // at most 4 MB of it reachable at once
			sink = sink[:0]
		}
		time.Sleep(100 * time.Microsecond)
	}
	runtime.KeepAlive(live)

	// Release: 64 MB dropped at once go back to the OS without any allocation to prompt it,
	// and sooner than a quiet heap would have them released.
	released := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	big := make([][]byte, 64)
	for i := range big {
		big[i] = make([]byte, 1<<20)
	}
	runtime.KeepAlive(big)
	big = nil
	before64 := released()
	Release()
	for deadline := time.Now().Add(quietAfter / 2); released() < before64+48<<20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after Release, %d MB released, want 48 MB more than %d", released()>>20, before64>>20)
		}
	}
}

// TestPacerCollectsWhileIdle: a heap grown past idleGrowth is collected once no client has
// been served for idleAfter, once per idle spell, and never for that while clients are
// served.
func TestPacerCollectsWhileIdle(t *testing.T) {
	const mb = 1 << 20
	var p pacer
	for i := range 200 { // serving clients, the heap moving (so never quiet) at 1.31-1.33x live
		h := heapState{live: 100 * mb, objects: uint64(131+2*(i%2)) * mb, active: true}
		if got := p.check(h, false); got != none {
			t.Fatalf("check %d while serving clients: %v", i, got)
		}
	}
	idleAt := func(objects uint64) (collected int, first time.Duration) {
		p = pacer{last: objects}
		var waited time.Duration
		for waited < quietAfter-maxInterval { // before the quiet rule may release
			waited += p.wait
			if p.check(heapState{live: 100 * mb, objects: objects}, false) == collect {
				if collected++; collected == 1 {
					first = waited
				}
			}
		}
		return collected, first
	}
	if n, first := idleAt(111 * mb); n != 1 || first < idleAfter {
		t.Fatalf("idle at 1.11x live: %d collections, the first after %v; want 1 after at least %v", n, first, idleAfter)
	}
	if n, _ := idleAt(109 * mb); n != 0 {
		t.Fatalf("idle at 1.09x live: %d collections, want none", n)
	}
}

func TestPacerCheck(t *testing.T) {
	const mb = 1 << 20
	var p pacer
	steady := heapState{live: 100 * mb, objects: 120 * mb, free: 2 * mb}

	if got := p.check(heapState{live: 100 * mb, objects: 191 * mb}, false); got != collect {
		t.Fatalf("heap at 1.91x live: %v, want collect", got)
	}
	if p.wait != minInterval {
		t.Fatalf("a growing heap is checked every %v, want %v", p.wait, minInterval)
	}
	if got := p.check(heapState{live: 100 * mb, objects: 189 * mb}, false); got != none {
		t.Fatalf("heap at 1.89x live: %v, want none", got)
	}
	if got := p.check(steady, true); got != release {
		t.Fatalf("asked to release: %v", got)
	}

	// Quiet with 22 MB uncollected or free (more than 16 MB and live/8): one release once
	// the heap has been quiet for quietAfter, then none while it stays so.
	p = pacer{last: steady.objects}
	var waited time.Duration
	released := 0
	for waited < 10*time.Second {
		waited += p.wait
		if p.check(steady, false) == release {
			released++
			if waited < quietAfter {
				t.Fatalf("released after %v of quiet, want at least %v", waited, quietAfter)
			}
		}
	}
	if released != 1 {
		t.Fatalf("released %d times in a 10 s quiet spell, want once", released)
	}
	if p.wait != maxInterval {
		t.Fatalf("a quiet heap is checked every %v, want %v", p.wait, maxInterval)
	}
	// A heap that moves starts a new spell; one with little slack is left alone.
	p.check(heapState{live: 100 * mb, objects: 150 * mb}, false)
	tight := heapState{live: 100 * mb, objects: 105 * mb, free: 1 * mb}
	p.check(tight, false)
	for waited = 0; waited < 10*time.Second; waited += p.wait {
		if got := p.check(tight, false); got != none {
			t.Fatalf("a quiet heap with 6 MB of slack: %v, want none", got)
		}
	}
	p.check(heapState{live: 100 * mb, objects: 80 * mb}, false) // shrank: moved
	for waited = 0; waited < 2*time.Second; waited += p.wait {
		if p.check(heapState{live: 100 * mb, objects: 80 * mb, free: 40 * mb}, false) == release {
			return
		}
	}
	t.Fatal("no release in the quiet spell after the heap shrank, with 40 MB free")
}
