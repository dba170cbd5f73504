package keyspace

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/rcnode/rcnode/slots"
)

func newTestKeyspace() (*Keyspace, *int64) {
	ks := New(2)
	now := int64(1000)
	ks.Clock = func() int64 { return now }
	return ks, &now
}

func TestSetGetDeleteAndCounts(t *testing.T) {
	ks, _ := newTestKeyspace()
	db := ks.DBs[0]
	db.Set([]byte("a"), "1")
	db.Set([]byte("a"), "2")
	db.Set([]byte("{a}b"), "3")
	if got := db.Get([]byte("a")); got != "2" {
		t.Fatalf("Get = %v", got)
	}
	if db.Size() != 2 || ks.DBs[1].Size() != 0 {
		t.Fatalf("sizes %d %d", db.Size(), ks.DBs[1].Size())
	}
	if n := db.CountInSlot(slots.KeySlotString("a")); n != 2 {
		t.Fatalf("CountInSlot = %d", n)
	}
	if !db.Delete([]byte("a")) || db.Delete([]byte("a")) {
		t.Fatal("Delete twice")
	}
	if db.Size() != 1 {
		t.Fatalf("size after delete %d", db.Size())
	}
}

func TestLazyExpiry(t *testing.T) {
	ks, now := newTestKeyspace()
	db := ks.DBs[0]
	var expired []string
	ks.OnExpire = func(_ int, key []byte) { expired = append(expired, string(key)) }
	db.Set([]byte("k"), "v")
	db.SetExpire([]byte("k"), 1500)
	if db.Expire([]byte("k")) != 1500 || db.Volatile() != 1 {
		t.Fatal("expire not recorded")
	}
	*now = 1499
	if db.Get([]byte("k")) == nil {
		t.Fatal("expired early")
	}
	*now = 1500
	if db.Get([]byte("k")) != nil {
		t.Fatal("not expired at its time")
	}
	if db.Size() != 0 || db.Volatile() != 0 || len(expired) != 1 {
		t.Fatalf("size %d volatile %d expired %v", db.Size(), db.Volatile(), expired)
	}
}

func TestReplicaKeepsExpiredKeys(t *testing.T) {
	ks, now := newTestKeyspace()
	ks.NoExpiry.Store(true)
	db := ks.DBs[0]
	db.Set([]byte("k"), "v")
	db.SetExpire([]byte("k"), 1001)
	*now = 2000
	if db.Get([]byte("k")) != nil {
		t.Fatal("expired key visible on replica")
	}
	if db.Size() != 1 {
		t.Fatal("replica deleted an expired key")
	}
	if n := ks.ActiveExpire(&ExpireCursor{}, 100); n != 0 {
		t.Fatalf("replica actively expired %d keys", n)
	}
}

func TestSetClearsTTLAndKeepTTLKeeps(t *testing.T) {
	ks, _ := newTestKeyspace()
	db := ks.DBs[0]
	db.Set([]byte("k"), "v")
	db.SetExpire([]byte("k"), 5000)
	db.SetKeepTTL([]byte("k"), "w")
	if db.Expire([]byte("k")) != 5000 {
		t.Fatal("SetKeepTTL dropped the TTL")
	}
	db.Set([]byte("k"), "x")
	if db.Expire([]byte("k")) != -1 || db.Volatile() != 0 {
		t.Fatal("Set kept the TTL")
	}
}

func TestActiveExpireRemovesAllExpired(t *testing.T) {
	ks, now := newTestKeyspace()
	db := ks.DBs[1]
	for i := 0; i < 5000; i++ {
		k := []byte(fmt.Sprintf("key:%d", i))
		db.Set(k, i)
		if i%2 == 0 {
			db.SetExpire(k, 1100)
		}
	}
	*now = 2000
	var cur ExpireCursor
	total := 0
	for i := 0; i < 100 && total < 2500; i++ {
		total += ks.ActiveExpire(&cur, 200)
	}
	if total != 2500 || db.Size() != 2500 || db.Volatile() != 0 {
		t.Fatalf("removed %d, size %d, volatile %d", total, db.Size(), db.Volatile())
	}
	if st := ks.Stats(); st.ExpiredKeys != 2500 {
		t.Fatalf("expired_keys %d", st.ExpiredKeys)
	}
}

func BenchmarkGetHit(b *testing.B) {
	ks, _ := newTestKeyspace()
	db := ks.DBs[0]
	key := []byte("key:000000123456")
	db.Set(key, "v")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if db.Get(key) == nil {
			b.Fatal("miss")
		}
	}
}

// BenchmarkGetRandom100k looks up random keys among 100k, as redis-benchmark -r 100000
// does: the cost is the cache misses on the way to a value.
func BenchmarkGetRandom100k(b *testing.B) {
	ks, _ := newTestKeyspace()
	db := ks.DBs[0]
	keys := make([][]byte, 100000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%012d", i))
		db.Set(keys[i], "v")
	}
	r := rand.New(rand.NewSource(1))
	order := make([]int, 1<<16)
	for i := range order {
		order[i] = r.Intn(len(keys))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if db.Get(keys[order[i&(len(order)-1)]]) == nil {
			b.Fatal("miss")
		}
	}
}
