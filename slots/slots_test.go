package slots

import (
	"bufio"
	"fmt"
	"github.com/sigurn/crc16"
	"math/rand"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
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
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	port := 7590
	dir := t.TempDir()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--cluster-enabled", "yes", "--dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var conn net.Conn
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if conn, err = net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
			break
		}
	}
	if conn == nil {
		t.Fatalf("redis-server did not start: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))

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
	w := bufio.NewWriter(conn)
	for _, k := range keys {
		fmt.Fprintf(w, "*3\r\n$7\r\nCLUSTER\r\n$7\r\nKEYSLOT\r\n$%d\r\n%s\r\n", len(k), k)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	for _, k := range keys {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		want, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, ":")))
		if err != nil {
			t.Fatalf("reply %q", line)
		}
		if got := KeySlotString(k); got != want {
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
