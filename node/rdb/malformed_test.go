package rdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/node/datatype"
)

func decodeErr(b []byte, opts DecodeOptions) error {
	_, err := Decode(bytes.NewReader(b), opts, func(*Entry) error { return nil })
	return err
}

// rdbWith wraps one key's raw type+key+value bytes into a file with a valid checksum.
func rdbWith(body ...[]byte) []byte {
	b := []byte("REDIS0010")
	for _, p := range body {
		b = append(b, p...)
	}
	b = append(b, opEOF)
	return binary.LittleEndian.AppendUint64(b, CRC64(0, b))
}

func TestTruncatedFilesFail(t *testing.T) {
	b := writeSamples(t, samples()[:30], EncodeOptions{Compress: true})
	for n := 0; n < len(b); n += 1 + n/50 {
		err := decodeErr(b[:n], DecodeOptions{Limits: DefaultLimits()})
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("truncated at %d/%d: %v", n, len(b), err)
		}
	}
}

func TestEveryFlippedByteFails(t *testing.T) {
	b := writeSamples(t, samples()[:12], EncodeOptions{Compress: true})
	for i := range b {
		c := bytes.Clone(b)
		c[i] ^= 0x5a
		if err := decodeErr(c, DecodeOptions{Limits: DefaultLimits()}); err == nil {
			t.Fatalf("byte %d flipped: accepted", i)
		}
	}
}

func TestChecksum(t *testing.T) {
	b := writeSamples(t, samples()[:3], EncodeOptions{})
	b[len(b)-1] ^= 1
	err := decodeErr(b, DecodeOptions{Limits: DefaultLimits()})
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("bad checksum: %v", err)
	}
	if err := decodeErr(b, DecodeOptions{Limits: DefaultLimits(), SkipChecksum: true}); err != nil {
		t.Fatalf("SkipChecksum: %v", err)
	}
	// A zero checksum is not checked; the empty RDB a replica accepts decodes.
	empty := append([]byte("REDIS0010\xff"), make([]byte, 8)...)
	info, err := Decode(bytes.NewReader(empty), DecodeOptions{}, nil)
	if err != nil || info.Keys != 0 || info.ChecksumValid {
		t.Fatalf("empty RDB: %+v %v", info, err)
	}
}

// A length far beyond the input must fail as a short read, without allocating it.
func TestHugeLengthsDoNotAllocate(t *testing.T) {
	huge := func(n uint64) []byte { return binary.BigEndian.AppendUint64([]byte{len64Bit}, n) }
	cases := map[string][]byte{
		"string":    rdbWith([]byte{typeString, 1, 'k'}, huge(1<<60)),
		"key":       rdbWith([]byte{typeString}, huge(1<<62)),
		"list":      rdbWith([]byte{typeList, 1, 'k'}, huge(1<<60)),
		"set":       rdbWith([]byte{typeSet, 1, 'k'}, huge(1<<60)),
		"zset":      rdbWith([]byte{typeZSet2, 1, 'k'}, huge(1<<60)),
		"hash":      rdbWith([]byte{typeHash, 1, 'k'}, huge(1<<60)),
		"quicklist": rdbWith([]byte{typeListQuicklist2, 1, 'k'}, huge(1<<60)),
		"lzf":       rdbWith([]byte{typeString, 1, 'k', 0xC3, 0x05}, huge(1<<40), []byte("abcde")),
		"lzf-clen":  rdbWith([]byte{typeString, 1, 'k', 0xC3}, huge(1<<50), []byte{0x80, 0, 0, 0x10, 0}),
		"aux":       rdbWith([]byte{opAux}, huge(1<<60)),
		"blob":      rdbWith([]byte{typeHashListpack, 1, 'k'}, huge(1<<60)),
	}
	for name, b := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := decodeErr(b, DecodeOptions{Limits: DefaultLimits()})
		runtime.ReadMemStats(&after)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %v", name, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
			t.Errorf("%s: allocated %d bytes", name, grew)
		}
	}
}

func TestRejectedContent(t *testing.T) {
	lim := DefaultLimits()
	intset := appendIntset(nil, []int64{1, 2})
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"magic", []byte("RODIS0010\xff"), "wrong signature"},
		{"version 11", []byte("REDIS0011\xff"), "can't handle RDB format version 11"},
		{"version 0", []byte("REDIS0000\xff"), "can't handle RDB format version 0"},
		{"version text", []byte("REDIS00x0\xff"), "bad RDB version"},
		{"stream", rdbWith([]byte{typeStreamListpack2, 1, 'k', 0}), "stream values are not supported"},
		{"stream v1", rdbWith([]byte{typeStreamListpacks, 1, 'k', 0}), "stream values are not supported"},
		{"module", rdbWith([]byte{typeModule2, 1, 'k', 0}), "module values are not supported"},
		{"module aux", rdbWith([]byte{opModuleAux, 0}), "module aux data are not supported"},
		{"unknown type", rdbWith([]byte{8, 1, 'k'}), "unknown value type 8"},
		{"unknown type 20", rdbWith([]byte{20, 1, 'k'}), "unknown value type 20"},
		{"selectdb", rdbWith([]byte{opSelectDB, 16}), "SELECTDB 16"},
		{"dup set", rdbWith([]byte{typeSet, 1, 'k', 2, 1, 'a', 1, 'a'}), "duplicate set members"},
		{"dup intset", rdbWith([]byte{typeSet, 1, 'k', 2, 0xC0, 5, 1, '5'}), "duplicate set members"},
		{"dup hash", rdbWith([]byte{typeHash, 1, 'k', 2, 1, 'a', 1, 'b', 1, 'a', 1, 'c'}), "duplicate hash fields"},
		{"dup zset", rdbWith([]byte{typeZSet, 1, 'k', 2, 1, 'a', 1, '1', 1, 'a', 1, '2'}), "duplicate zset fields"},
		{"nan zset", rdbWith([]byte{typeZSet, 1, 'k', 1, 1, 'a', 253}), "NaN score"},
		{"bad score", rdbWith([]byte{typeZSet, 1, 'k', 1, 1, 'a', 2, '1', 'x'}), "invalid score"},
		{"container", rdbWith([]byte{typeListQuicklist2, 1, 'k', 1, 3, 1, 'x'}), "container 3"},
		{"empty node", rdbWith([]byte{typeListQuicklist2, 1, 'k', 1, 2, 0}), "empty quicklist node"},
		{"bad listpack", rdbWith([]byte{typeListQuicklist2, 1, 'k', 1, 2, 7, 7, 0, 0, 0, 0, 0, 0xfe}), "listpack integrity"},
		{"unsorted intset", rdbWith([]byte{typeSetIntset, 1, 'k'}, append([]byte{byte(len(intset))}, appendIntset(nil, []int64{2, 1})...)), "intset integrity"},
		{"odd hash listpack", rdbWith([]byte{typeHashListpack, 1, 'k'}, lpBlob("a", "b", "c")), "odd number"},
		{"dup hash listpack", rdbWith([]byte{typeHashListpack, 1, 'k'}, lpBlob("a", "b", "a", "c")), "duplicate hash fields"},
		{"nan zset listpack", rdbWith([]byte{typeZSetListpack, 1, 'k'}, lpBlob("a", "nan")), "invalid score"},
		{"string encoding", rdbWith([]byte{typeString, 1, 'k', 0xC4}), "unknown string encoding 4"},
		{"length as count", rdbWith([]byte{typeList, 1, 'k', 0xC0}), "string encoding where a length"},
		{"lzf", rdbWith([]byte{typeString, 1, 'k', 0xC3, 2, 10, 5, 'a'}), "LZF"},
		{"eof in opcode", []byte("REDIS0010\xfc\x01"), "unexpected end"},
		{"no eof", []byte("REDIS0010"), "unexpected end"},
	}
	for _, c := range cases {
		err := decodeErr(c.b, DecodeOptions{Limits: lim, Databases: 16})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if err := decodeErr(rdbWith([]byte{typeStreamListpack2, 1, 'k', 0}), DecodeOptions{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("stream error does not match ErrUnsupported: %v", err)
	}
}

func lpBlob(elems ...string) []byte {
	lp := newLP(nil)
	for _, e := range elems {
		lpAppendStr(&lp, e)
	}
	b := lp.finish()
	return append(appendLength(nil, uint64(len(b))), b...)
}

// Empty collections are skipped (Redis skips them too, logging a warning).
func TestEmptyCollectionsSkipped(t *testing.T) {
	b := rdbWith(
		[]byte{typeList, 1, 'a', 0},
		[]byte{typeSet, 1, 'b', 0},
		[]byte{typeHash, 1, 'c', 0},
		[]byte{typeZSet2, 1, 'd', 0},
		[]byte{typeListQuicklist2, 1, 'e', 0},
		[]byte{typeHashListpack, 1, 'f'}, lpBlob(),
		[]byte{typeListQuicklist2, 1, 'g', 1, 2}, lpBlob(),
		[]byte{opExpireTimeMs, 1, 0, 0, 0, 0, 0, 0, 0, typeString, 1, 'h', 1, 'v'},
	)
	var keys []string
	info, err := Decode(bytes.NewReader(b), DecodeOptions{Limits: DefaultLimits()}, func(e *Entry) error {
		keys = append(keys, string(e.Key))
		if e.ExpireMs != 1 {
			t.Errorf("expiry %d", e.ExpireMs)
		}
		return nil
	})
	if err != nil || info.EmptySkipped != 7 || len(keys) != 1 || keys[0] != "h" {
		t.Fatalf("%+v %v %q", info, err, keys)
	}
}

func TestCallbackErrorStops(t *testing.T) {
	b := writeSamples(t, samples(), EncodeOptions{})
	stop := errors.New("stop")
	n := 0
	_, err := Decode(bytes.NewReader(b), DecodeOptions{Limits: DefaultLimits()}, func(*Entry) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("%v after %d keys", err, n)
	}
	_, err = Decode(bytes.NewReader(b), DecodeOptions{Function: func(string) error { return stop }}, func(*Entry) error { return nil })
	if err != nil {
		t.Fatalf("no functions in the file: %v", err)
	}
}

// With a bufio.Reader, Decode stops right after the checksum: the replication stream that
// follows stays readable.
func TestDecodeLeavesTrailingBytes(t *testing.T) {
	b := writeSamples(t, samples()[:5], EncodeOptions{})
	br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(b), strings.NewReader("*1\r\n$4\r\nPING\r\n")), 16)
	if _, err := Decode(br, DecodeOptions{Limits: DefaultLimits()}, func(*Entry) error { return nil }); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(br)
	if string(rest) != "*1\r\n$4\r\nPING\r\n" {
		t.Fatalf("left %q", rest)
	}
}

func TestIOErrorPassedOn(t *testing.T) {
	b := writeSamples(t, samples()[:5], EncodeOptions{})
	boom := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader(b[:100]), &errReader{boom})
	if err := decodeErr2(r); !errors.Is(err, boom) {
		t.Fatalf("%v", err)
	}
	w := NewWriter(&errWriter{boom}, EncodeOptions{})
	w.WriteHeader(nil)
	w.SelectDB(0, 1, 0)
	w.WriteKey("k", newStr(strings.Repeat("x", 200<<10)), -1)
	if err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("writer: %v", err)
	}
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

type errWriter struct{ err error }

func (e *errWriter) Write([]byte) (int, error) { return 0, e.err }

func decodeErr2(r io.Reader) error {
	_, err := Decode(r, DecodeOptions{Limits: DefaultLimits()}, func(*Entry) error { return nil })
	return err
}

// The function libraries of the 7.0 release candidates (FUNCTION opcode) become the same
// "#!engine name=" code that FUNCTION2 carries.
func TestOldFunctionOpcode(t *testing.T) {
	o := out{}
	o.byte1(opFunction)
	str(&o, "lib")
	str(&o, "lua")
	o.length(1)
	str(&o, "a description")
	str(&o, "redis.register_function('f', function() return 1 end)")
	o.byte1(opFunction2)
	str(&o, "#!lua name=two\n")
	var codes []string
	_, err := Decode(bytes.NewReader(rdbWith(o.buf)), DecodeOptions{Function: func(c string) error { codes = append(codes, c); return nil }}, nil)
	if err != nil || len(codes) != 2 || codes[0] != "#!lua name=lib\nredis.register_function('f', function() return 1 end)" {
		t.Fatalf("%q %v", codes, err)
	}
}

func TestDecodeValueRejectsEmptyAndUnknown(t *testing.T) {
	for _, b := range [][]byte{nil, {typeSet, 0}, {typeStreamListpack2}, {42}, {typeString}} {
		if _, err := DecodeValue(b, DefaultLimits()); !errors.Is(err, ErrBadDataFormat) {
			t.Errorf("% x: %v", b, err)
		}
	}
	v, err := DecodeValue([]byte{typeSetIntset, 14, 2, 0, 0, 0, 3, 0, 0, 0, 1, 0, 2, 0, 3, 0}, DefaultLimits())
	if err != nil || v.(*datatype.Set).Len() != 3 {
		t.Fatal(v, err)
	}
}
