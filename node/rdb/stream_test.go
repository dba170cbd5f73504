package rdb

import (
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// A snapshot streams through the encoder and the decoder (as in a diskless full sync)
// without either holding more than about one value: the heap stays far below the size of
// the data.
func TestStreamingMemory(t *testing.T) {
	const values, size = 1500, 64 << 10 // 96 MB of data
	val := newStr(strings.Repeat("x", size-7) + "0123456")
	pr, pw := io.Pipe()
	go func() {
		w := NewWriter(pw, EncodeOptions{}) // uncompressed, so the stream is really 96 MB
		w.WriteHeader(nil)
		w.SelectDB(0, values, 0)
		for i := range values {
			if err := w.WriteKey("k"+strconv.Itoa(i), val, -1); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	runtime.GC()
	var ms runtime.MemStats
	peak := uint64(0)
	n := 0
	info, err := Decode(pr, DecodeOptions{Limits: DefaultLimits()}, func(e *Entry) error {
		n++
		if n%100 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil || n != values || info.Bytes < values*size {
		t.Fatalf("%d keys, %d bytes: %v", n, info.Bytes, err)
	}
	if peak > 24<<20 {
		t.Fatalf("heap reached %d MB while streaming %d MB", peak>>20, info.Bytes>>20)
	}
}
