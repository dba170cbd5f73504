package keyspace

import (
	"fmt"
	"testing"
)

// TestPrefetchRacingResizes prefetches keys of one slot while another goroutine fills and
// empties it, so its table grows, shrinks and goes back to nil under the prefetches: whatever
// address a racing resize leaves behind, a prefetch must not fault, nor change anything, nor
// count as a data race (go test -race).
func TestPrefetchRacingResizes(t *testing.T) {
	ks, _ := newTestKeyspace()
	db := ks.DBs[0]
	keys := make([][]byte, 3000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("{same}%d", i))
	}
	s := slotOf(keys[0])
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			for _, k := range keys {
				ks.Lock(s)
				db.SetAt(s, k, "v")
				ks.Unlock(s)
			}
			for _, k := range keys {
				ks.Lock(s)
				db.DeleteAt(s, k)
				ks.Unlock(s)
			}
		}
	}()
	for prefetches := 0; ; prefetches++ {
		select {
		case <-done:
			if db.Size() != 0 || prefetches == 0 {
				t.Fatalf("%d keys left after %d prefetch rounds", db.Size(), prefetches)
			}
			return
		default:
		}
		for _, k := range keys {
			db.PrefetchCell(s, k)
			db.PrefetchEntry(s, k)
		}
		db.PrefetchCell(slotOf([]byte("elsewhere")), []byte("elsewhere")) // an empty slot
	}
}
