package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode: Decode never panics, every error is one of the three kinds, and whatever
// decodes re-encodes to the identical bytes (so nothing Redis sends is lost or altered on a
// round trip through rcnode). ReadMessage over the same bytes agrees with Decode.
//
// Random mutations almost always break totlen first, so each input is also tried with its
// totlen rewritten to its length: that lets the fuzzer explore the type-specific rules.
func FuzzDecode(f *testing.F) {
	for _, v := range vectors() {
		f.Add(v.b)
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "redis-7.0.15", "*.bin"))
	for _, g := range golden {
		if b, err := os.ReadFile(g); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("RCmb\x00\x00\x08\xd0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecode(t, b)
		if len(b) >= 8 {
			fixed := bytes.Clone(b)
			binary.BigEndian.PutUint32(fixed[4:], uint32(len(fixed)))
			checkDecode(t, fixed)
		}
	})
}

func checkDecode(t *testing.T, b []byte) {
	t.Helper()
	m, err := Decode(b)
	if err != nil {
		if m != nil {
			t.Fatal("message returned with an error")
		}
		if !errors.Is(err, ErrFrame) && !errors.Is(err, ErrVersion) && !errors.Is(err, ErrLength) {
			t.Fatalf("error of no kind: %v", err)
		}
	} else {
		enc := Encode(m)
		if !bytes.Equal(enc, b) {
			t.Fatalf("re-encoding differs at byte %d (len %d vs %d)", firstDiff(enc, b), len(enc), len(b))
		}
		var again Message
		if err := DecodeInto(&again, enc); err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
	}
	// The framing reader sees the same message (it reads only totlen bytes and leaves the
	// rest, so compare against what it consumed).
	r := bytes.NewReader(b)
	fm, ferr := ReadMessage(r, len(b))
	switch {
	case err == nil && (ferr != nil || !bytes.Equal(Encode(fm), b)):
		t.Fatalf("Decode accepted, ReadMessage: %v", ferr)
	case ferr == nil && !bytes.Equal(Encode(fm), b[:len(b)-r.Len()]):
		t.Fatal("ReadMessage result does not re-encode to the bytes it read")
	}
}

// TestMutations is a deterministic sweep the fuzzer would take long to cover: every byte of
// every vector and golden frame set to 0, 0xff, +1 and -1, with and without totlen fixed up.
func TestMutations(t *testing.T) {
	var inputs [][]byte
	for _, v := range vectors() {
		inputs = append(inputs, v.b)
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "redis-7.0.15", "*.bin"))
	for _, g := range golden {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
	}
	accepted, rejected := 0, 0
	for _, in := range inputs {
		for i := range in {
			orig := in[i]
			for _, v := range []byte{0, 0xff, orig + 1, orig - 1} {
				if v == orig {
					continue
				}
				b := bytes.Clone(in)
				b[i] = v
				checkDecode(t, b)
				if _, err := Decode(b); err == nil {
					accepted++
				} else {
					rejected++
				}
			}
		}
		for _, n := range []int{0, 7, 8, HeaderLen - 1, HeaderLen, len(in) - 1, len(in) + 1} { // truncations and extensions
			b := make([]byte, n)
			copy(b, in)
			checkDecode(t, b)
		}
	}
	if accepted == 0 || rejected == 0 {
		t.Fatalf("accepted %d, rejected %d: the sweep tests nothing", accepted, rejected)
	}
}
