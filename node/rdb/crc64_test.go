package rdb

import (
	"math/rand"
	"testing"
)

// crcBitwise is the textbook one-bit-at-a-time CRC the tables must agree with.
func crcBitwise(crc uint64, p []byte) uint64 {
	for _, b := range p {
		crc ^= uint64(b)
		for range 8 {
			if crc&1 == 1 {
				crc = crc>>1 ^ crcPoly
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

func TestCRC64CheckValue(t *testing.T) {
	if got := CRC64(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64(123456789) = %#x", got)
	}
	if got := CRC64(0, nil); got != 0 {
		t.Fatalf("crc64(empty) = %#x", got)
	}
}

func TestCRC64MatchesBitwiseAndSplits(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	buf := make([]byte, 4099)
	r.Read(buf)
	for n := 0; n < len(buf); n += 1 + n/3 {
		want := crcBitwise(0, buf[:n])
		if got := CRC64(0, buf[:n]); got != want {
			t.Fatalf("len %d: %#x, want %#x", n, got, want)
		}
		// Updating in two pieces gives the same checksum as one call.
		cut := r.Intn(n + 1)
		if got := CRC64(CRC64(0, buf[:cut]), buf[cut:n]); got != want {
			t.Fatalf("len %d cut %d: %#x, want %#x", n, cut, got, want)
		}
	}
}

func BenchmarkCRC64(b *testing.B) {
	buf := make([]byte, 1<<20)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		CRC64(0, buf)
	}
}
