package rdb

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

func TestLZFRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	var z lzfCompressor
	inputs := [][]byte{
		[]byte(strings.Repeat("a", 1000)),
		[]byte(strings.Repeat("hello world ", 500)),
		[]byte("abcabcabcabcabcabcabcabcabcabcabcabcabc"),
	}
	for range 200 {
		n := r.Intn(20000)
		b := make([]byte, n)
		alpha := 1 + r.Intn(8) // small alphabets compress, large ones do not
		for i := range b {
			b[i] = byte('a' + r.Intn(alpha))
		}
		inputs = append(inputs, b)
	}
	compressed := 0
	for i, in := range inputs {
		if i == len(inputs)/2 {
			z.base = 1<<32 - 5000 // the table's generations wrap around
		}
		c := lzfCompress(&z, nil, in, len(in)+len(in)/16+64)
		if c == nil {
			t.Fatalf("compress(%d bytes) gave up with a generous limit", len(in))
		}
		out := make([]byte, len(in))
		if err := lzfDecompress(c, out); err != nil {
			t.Fatalf("decompress: %v", err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes differs", len(in))
		}
		if len(c) < len(in) {
			compressed++
		}
		if len(in) > 0 && len(c) > len(in)*lzfMaxRatio {
			t.Fatal("ratio bound is wrong")
		}
	}
	if compressed < len(inputs)/2 {
		t.Fatalf("only %d of %d inputs got smaller", compressed, len(inputs))
	}
}

func TestLZFCompressRespectsLimit(t *testing.T) {
	var z lzfCompressor
	r := rand.New(rand.NewSource(3))
	b := make([]byte, 100)
	r.Read(b)
	if c := lzfCompress(&z, nil, b, len(b)-4); c != nil {
		t.Fatalf("random bytes compressed to %d", len(c))
	}
}

func TestLZFDecompressRejects(t *testing.T) {
	cases := []struct {
		in   []byte
		outN int
	}{
		{[]byte{5, 'a'}, 6},             // literal past the input
		{[]byte{0, 'a'}, 2},             // output shorter than claimed
		{[]byte{0, 'a', 0x20, 5}, 4},    // reference before the start
		{[]byte{0, 'a', 0xe0}, 10},      // truncated long reference
		{[]byte{1, 'a', 'b', 0x20}, 10}, // truncated offset
		{[]byte{2, 'a', 'b', 'c'}, 2},   // literal past the output
	}
	for i, c := range cases {
		if err := lzfDecompress(c.in, make([]byte, c.outN)); err == nil {
			t.Errorf("case %d: accepted", i)
		}
	}
}
