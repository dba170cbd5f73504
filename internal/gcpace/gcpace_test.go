package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
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
}
