package keyspace

import (
	"slices"
	"testing"

	"github.com/rcnode/rcnode/slots"
)

// GETKEYSINSLOT lists the keys an expiry has not removed yet, as Redis does, so a slot being
// moved is emptied by MIGRATE rather than left with keys nobody lists.
func TestKeysInSlotListsExpiredKeysNotYetRemoved(t *testing.T) {
	ks, now := newTestKeyspace()
	db := ks.DBs[0]
	for _, k := range []string{"{t}a", "{t}b", "{t}c"} {
		db.Set([]byte(k), "v")
	}
	db.SetExpire([]byte("{t}b"), *now+10)
	*now += 20
	s := slots.KeySlotString("{t}")
	got := db.KeysInSlot(s, 10)
	slices.Sort(got)
	if want := []string{"{t}a", "{t}b", "{t}c"}; !slices.Equal(got, want) {
		t.Fatalf("KeysInSlot = %q, want %q", got, want)
	}
	if got := db.KeysInSlot(s, 2); len(got) != 2 {
		t.Fatalf("KeysInSlot(max 2) = %q", got)
	}
	if got := db.KeysInSlot(s, 0); len(got) != 0 {
		t.Fatalf("KeysInSlot(max 0) = %q", got)
	}
	if got := db.KeysInSlot(slots.KeySlotString("other"), 10); len(got) != 0 {
		t.Fatalf("KeysInSlot of an empty slot = %q", got)
	}
}
