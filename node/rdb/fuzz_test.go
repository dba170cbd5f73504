package rdb

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// smallSamples are samples() without the big values, plus a list of several nodes: seeds
// the fuzzer can mutate quickly.
func smallSamples() []sample {
	var ss []sample
	for _, s := range samples() {
		if !strings.Contains(s.key, "big") && s.key != "list:5000" {
			ss = append(ss, s)
		}
	}
	var elems []string
	for i := range 150 {
		elems = append(elems, strings.Repeat(strconv.Itoa(i), 20))
	}
	return append(ss, sample{0, "list:nodes", newList(elems...), -1})
}

// seedFiles are the fuzzers' seeds: our files with and without compression, the old
// encodings, and the files redis-server wrote (testdata/*.rdb, made by TestWriteSeedFiles).
func seedFiles(t testing.TB) [][]byte {
	seeds := [][]byte{
		writeSamples(t, smallSamples(), EncodeOptions{}),
		writeSamples(t, smallSamples(), EncodeOptions{Compress: true, ListMaxListpackSize: 3}),
		oldFile(oldKeys()),
	}
	// One small file per key mutates fastest.
	for _, s := range smallSamples() {
		seeds = append(seeds, writeSamples(t, []sample{s}, EncodeOptions{Compress: true}))
	}
	files, _ := filepath.Glob("testdata/*.rdb")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic, and whatever it accepts
// must write back and decode to the same keys.
func FuzzDecode(f *testing.F) {
	for _, s := range seedFiles(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var first []sample
		var descs []string
		opts := DecodeOptions{Limits: DefaultLimits(), Databases: 16}
		_, err := Decode(bytes.NewReader(b), opts, func(e *Entry) error {
			first = append(first, sample{e.DB, string(e.Key), e.Value, e.ExpireMs})
			descs = append(descs, describeLoose(e.Value))
			return nil
		})
		if err != nil {
			return
		}
		// Keys of one DB may be spread over several SELECTDBs in the input; write them
		// grouped, stably.
		slices.SortStableFunc(first, func(a, b sample) int { return a.db - b.db })
		out := writeSamples(t, first, EncodeOptions{Compress: true})
		i := 0
		var again []string
		_, err = Decode(bytes.NewReader(out), opts, func(e *Entry) error {
			again = append(again, describeLoose(e.Value))
			if e.DB != first[i].db || string(e.Key) != first[i].key || e.ExpireMs != first[i].expire {
				t.Fatalf("key %d: %d %q %d, want %d %q %d", i, e.DB, e.Key, e.ExpireMs, first[i].db, first[i].key, first[i].expire)
			}
			i++
			return nil
		})
		if err != nil {
			t.Fatalf("our own output does not decode: %v", err)
		}
		var want []string
		for _, s := range first {
			want = append(want, describeLoose(s.value))
		}
		if !slices.Equal(again, want) {
			t.Fatalf("round trip changed values:\n%q\n%q", again, want)
		}
	})
}

// FuzzDecodeDump does the same for DUMP payloads (RESTORE's input).
func FuzzDecodeDump(f *testing.F) {
	for _, s := range smallSamples() {
		p, _ := DumpPayload(s.value, EncodeOptions{Compress: true})
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// The checksum would reject nearly every mutation; fuzz the value decoder behind it.
		v, err := DecodeDump(b, DefaultLimits(), true)
		if err != nil {
			return
		}
		p, err := DumpPayload(v, EncodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		v2, err := DecodeDump(p, DefaultLimits(), false)
		if err != nil {
			t.Fatalf("our own payload does not decode: %v", err)
		}
		if a, b := describeLoose(v), describeLoose(v2); a != b {
			t.Fatalf("round trip changed the value:\n%s\n%s", a, b)
		}
	})
}

// describeLoose is describe with -0 and 0 alike: a listpack stores the score -0 as the
// integer 0, so a "-0" text score read from a listpack is written back as 0, as Redis
// would if it re-inserted it.
func describeLoose(v any) string {
	return strings.ReplaceAll(describe(v), "=-0", "=0")
}

// TestWriteSeedFiles refreshes testdata/redis-7.0.15.rdb from a real redis-server when
// RDB_WRITE_SEEDS=1.
func TestWriteSeedFiles(t *testing.T) {
	if os.Getenv("RDB_WRITE_SEEDS") == "" {
		t.Skip("set RDB_WRITE_SEEDS=1 to rewrite testdata from redis-server")
	}
	for _, compress := range []string{"yes", "no"} {
		p, c := startRedis(t, "--rdbcompression", compress)
		fill(t, c, smallSamples())
		mustDo(t, c, "FUNCTION", "LOAD", "#!lua name=seedlib\nredis.register_function('seedf', function() return 1 end)")
		mustDo(t, c, "SAVE")
		b, err := os.ReadFile(filepath.Join(p.Dir, "dump.rdb"))
		if err != nil {
			t.Fatal(err)
		}
		name := "testdata/redis-7.0.15.rdb"
		if compress == "no" {
			name = "testdata/redis-7.0.15-nocompress.rdb"
		}
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
