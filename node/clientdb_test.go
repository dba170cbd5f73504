package node

import (
	"testing"

	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/slots"
)

func TestClientDBSlotCacheAnswersLikeKeySlot(t *testing.T) {
	var d clientDB
	d.use(keyspace.New(1).DBs[0])
	long := make([]byte, 100) // too long to remember
	for _, step := range []struct {
		prefetch bool
		key      string
	}{
		{false, ""}, {false, "a"}, {true, "b"}, {false, "a"}, {false, "b"}, {true, "{a}x"},
		{false, "b"}, {false, "{a}x"}, {true, string(long)}, {false, string(long)}, {false, "{a}x"},
	} {
		key := []byte(step.key)
		if step.prefetch {
			d.prefetchCell(key)
			continue
		}
		if got, want := d.slotOf(key), slots.KeySlot(key); got != want {
			t.Fatalf("slotOf(%.10q) = %d, KeySlot says %d", key, got, want)
		}
	}
	if _, ok := d.cachedSlot([]byte("{a}x")); !ok || !d.last.holds([]byte("a")) {
		t.Fatal("the prefetched key is not remembered, or it displaced the running command's")
	}
}
