package slots

import (
	"math/rand"
	"testing"

	"github.com/sigurn/crc16"

	"github.com/rcnode/rcnode/internal/testutil"
)

func TestKeySlotKnownValues(t *testing.T) {
	cases := map[string]int{
		"123456789":     0x31C3 & (Count - 1),
		"":              0,
		"foo":           12182,
		"{user1000}.a":  KeySlotString("user1000"),
		"{user1000}.b":  KeySlotString("user1000"),
		"foo{}{bar}":    KeySlotString("foo{}{bar}"),
		"foo{{bar}}zap": KeySlotString("{bar"),
		"foo{bar}{zap}": KeySlotString("bar"),
		"{}":            KeySlotString("{}"),
		"{":             KeySlotString("{"),
	}
	for k, want := range cases {
		if got := KeySlotString(k); got != want {
			t.Errorf("KeySlot(%q) = %d, want %d", k, got, want)
		}
	}
}

func TestCRCMatchesLibrary(t *testing.T) {
	lib := crc16.MakeTable(crc16.CRC16_XMODEM)
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 1000; i++ {
		b := make([]byte, rng.Intn(40))
		rng.Read(b)
		if got, want := crc(b), crc16.Checksum(b, lib); got != want {
			t.Fatalf("crc(%x) = %#x, library %#x", b, got, want)
		}
	}
}

func TestBitmapRanges(t *testing.T) {
	var b Bitmap
	for s := 0; s <= 5460; s++ {
		b.Set(s)
	}
	b.Set(10923)
	b.Set(16383)
	if got, want := b.String(), "0-5460 10923 16383"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	if b.Count() != 5463 {
		t.Fatalf("Count() = %d", b.Count())
	}
	b.Clear(0)
	if b.Has(0) || !b.Has(1) {
		t.Fatal("Clear/Has disagree")
	}
	for _, bad := range []string{"", "-1", "16384", "5-4", "a-b", "1-16384"} {
		if _, ok := ParseRange(bad); ok {
			t.Errorf("ParseRange(%q) accepted", bad)
		}
	}
	if r, ok := ParseRange("10-20"); !ok || r != (Range{10, 20}) {
		t.Errorf("ParseRange(10-20) = %v %v", r, ok)
	}
}

// TestKeySlotAgainstRedis compares KeySlot with CLUSTER KEYSLOT of a real cluster-enabled
// redis-server over random and edge-case keys.
func TestKeySlotAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t, "--cluster-enabled", "yes").Client(t)

	rng := rand.New(rand.NewSource(1))
	keys := []string{"", "{", "}", "{}", "{{}}", "a{b}c", "{a}{b}", "}{a}", "{\x00}", "\xff\xfe{", "x{}y{z}"}
	alphabet := []byte("ab{}\x00\xff")
	for i := 0; i < 3000; i++ {
		n := rng.Intn(12)
		k := make([]byte, n)
		for j := range k {
			if rng.Intn(2) == 0 {
				k[j] = alphabet[rng.Intn(len(alphabet))]
			} else {
				k[j] = byte(rng.Intn(256))
			}
		}
		keys = append(keys, string(k))
	}
	for _, k := range keys {
		o.Send("CLUSTER", "KEYSLOT", k)
	}
	for _, k := range keys {
		v, err := o.Receive()
		want, ok := v.(int64)
		if err != nil || !ok {
			t.Fatalf("reply %v %v", v, err)
		}
		if got := KeySlotString(k); got != int(want) {
			t.Errorf("KeySlot(%q) = %d, redis says %d", k, got, want)
		}
	}
}

func BenchmarkKeySlot(b *testing.B) {
	key := []byte("key:000000123456")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		KeySlot(key)
	}
}
