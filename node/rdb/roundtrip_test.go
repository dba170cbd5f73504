package rdb

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/rcnode/rcnode/node/datatype"
)

// writeSamples writes ss as an RDB the way a server writes its databases: each database
// once, in order.
func writeSamples(t testing.TB, ss []sample, opts EncodeOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, opts)
	if err := w.WriteHeader(DefaultAux(1700000000, 123456, &ReplInfo{ID: "0123456789012345678901234567890123456789", Offset: 99}, false)); err != nil {
		t.Fatal(err)
	}
	byDB := map[int][]sample{}
	var dbs []int
	for _, s := range ss {
		if _, ok := byDB[s.db]; !ok {
			dbs = append(dbs, s.db)
		}
		byDB[s.db] = append(byDB[s.db], s)
	}
	slices.Sort(dbs)
	for _, db := range dbs {
		var exp int64
		for _, s := range byDB[db] {
			if s.expire >= 0 {
				exp++
			}
		}
		if err := w.SelectDB(db, int64(len(byDB[db])), exp); err != nil {
			t.Fatal(err)
		}
		for _, s := range byDB[db] {
			if err := w.WriteKey(s.key, s.value, s.expire); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Written() != int64(buf.Len()) {
		t.Fatalf("Written = %d, buffer has %d", w.Written(), buf.Len())
	}
	return buf.Bytes()
}

type decoded struct {
	db     int
	expire int64
	desc   string
}

func decodeAll(t testing.TB, b []byte, opts DecodeOptions) (map[string]decoded, Info) {
	t.Helper()
	got := map[string]decoded{}
	info, err := Decode(bytes.NewReader(b), opts, func(e *Entry) error {
		got[string(e.Key)] = decoded{e.DB, e.ExpireMs, describe(e.Value)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, info
}

func TestRoundTripEveryEncoding(t *testing.T) {
	ss := samples()
	for _, opts := range []EncodeOptions{{}, {Compress: true}, {Compress: true, ListMaxListpackSize: 5}, {NoChecksum: true, ListMaxListpackSize: -5}} {
		b := writeSamples(t, ss, opts)
		got, info := decodeAll(t, b, DecodeOptions{Limits: DefaultLimits(), Databases: 16})
		if len(got) != len(ss) || info.Keys != int64(len(ss)) {
			t.Fatalf("%+v: decoded %d keys (info %d), wrote %d", opts, len(got), info.Keys, len(ss))
		}
		for _, s := range ss {
			g := got[s.key]
			if want := describe(s.value); g.desc != want {
				t.Errorf("%+v: %s:\n got  %.300s\n want %.300s", opts, s.key, g.desc, want)
			}
			if g.db != s.db || g.expire != s.expire {
				t.Errorf("%+v: %s: db %d expire %d, want %d %d", opts, s.key, g.db, g.expire, s.db, s.expire)
			}
		}
		if info.Version != 10 || info.ChecksumValid == opts.NoChecksum || info.Bytes != int64(len(b)) {
			t.Errorf("%+v: info %+v (len %d)", opts, info, len(b))
		}
		if ri, ok := info.Repl(); !ok || ri.Offset != 99 || ri.StreamDB != 0 {
			t.Errorf("Repl() = %+v %v", ri, ok)
		}
		if v, _ := info.AuxValue("redis-ver"); v != RedisVersion {
			t.Errorf("redis-ver %q", v)
		}
	}
}

func TestCompressionShrinksRepetitiveData(t *testing.T) {
	ss := samples()
	plain, packed := writeSamples(t, ss, EncodeOptions{}), writeSamples(t, ss, EncodeOptions{Compress: true})
	if len(packed) >= len(plain)-50000 {
		t.Fatalf("compressed %d bytes, plain %d", len(packed), len(plain))
	}
}

func TestDumpPayloadRoundTrip(t *testing.T) {
	for _, s := range samples() {
		p, err := DumpPayload(s.value, EncodeOptions{Compress: true})
		if err != nil {
			t.Fatal(err)
		}
		v, err := DecodeDump(p, DefaultLimits(), false)
		if err != nil {
			t.Fatalf("%s: %v", s.key, err)
		}
		if got, want := describe(v), describe(s.value); got != want {
			t.Errorf("%s:\n got  %.300s\n want %.300s", s.key, got, want)
		}
		// Any flipped bit is caught by the checksum.
		p[len(p)/2] ^= 1
		if _, err := DecodeDump(p, DefaultLimits(), false); err != ErrDumpPayload {
			t.Errorf("%s: corrupted payload: %v", s.key, err)
		}
	}
}

func TestDumpPayloadBytes(t *testing.T) {
	// From the reference: SET b hello → 00 05 "hello" 0a00 <crc>.
	p, _ := DumpPayload(newStr("hello"), EncodeOptions{Compress: true})
	if want := []byte("\x00\x05hello\x0a\x00"); !bytes.Equal(p[:len(p)-8], want) {
		t.Fatalf("payload % x", p)
	}
	// SADD s 1 2 3 → 0b 0e <intset of 14 bytes>.
	p, _ = DumpPayload(newSet(datatype.DefaultSetLimits, "1", "2", "3"), EncodeOptions{})
	if want := []byte("\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\x0a\x00"); !bytes.Equal(p[:len(p)-8], want) {
		t.Fatalf("payload % x", p)
	}
	// RPUSH l a b c → 12 01 02 10 <listpack of 16 bytes>.
	p, _ = DumpPayload(newList("a", "b", "c"), EncodeOptions{})
	if want := []byte("\x12\x01\x02\x10\x10\x00\x00\x00\x03\x00\x81a\x02\x81b\x02\x81c\x02\xff\x0a\x00"); !bytes.Equal(p[:len(p)-8], want) {
		t.Fatalf("payload % x", p)
	}
}

func TestVerifyDump(t *testing.T) {
	p, _ := DumpPayload(newStr("x"), EncodeOptions{})
	if _, v, err := VerifyDump(p, false); err != nil || v != 10 {
		t.Fatal(v, err)
	}
	for _, bad := range [][]byte{nil, p[:9], append(p[:len(p)-10:len(p)-10], 11, 0, 0, 0, 0, 0, 0, 0, 0, 0)} {
		if _, _, err := VerifyDump(bad, false); err != ErrDumpPayload {
			t.Errorf("% x: %v", bad, err)
		}
	}
	q := bytes.Clone(p)
	q[len(q)-1] ^= 0xff
	if _, _, err := VerifyDump(q, true); err != nil {
		t.Errorf("skipChecksum: %v", err)
	}
	// An older version is accepted; a value that does not decode is Bad data format.
	body := AppendDumpFooter([]byte{0x0b, 0x02, 0x00, 0x00})
	body[len(body)-10] = 9
	body = AppendDumpFooter(body[:len(body)-10])
	if _, err := DecodeDump(body, DefaultLimits(), false); !errors.Is(err, ErrBadDataFormat) {
		t.Errorf("bad intset: %v", err)
	}
	if _, err := DecodeDump(AppendDumpFooter([]byte{typeList, 0}), DefaultLimits(), false); !errors.Is(err, ErrBadDataFormat) {
		t.Errorf("empty list: %v", err)
	}
}

func TestEncodeRejectsUnknownTypes(t *testing.T) {
	if _, err := EncodeValue("string", EncodeOptions{}); err == nil {
		t.Fatal("a Go string was encoded")
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, EncodeOptions{})
	if err := w.WriteKey("k", newStr("v"), -1); err == nil {
		t.Fatal("WriteKey before the header")
	}
	w.WriteHeader(nil)
	w.SelectDB(0, 1, 0)
	if err := w.WriteKey("k", 42, -1); err == nil {
		t.Fatal("an int was encoded")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := decodeAll(t, buf.Bytes(), DecodeOptions{Limits: DefaultLimits()})
	if len(got) != 0 {
		t.Fatalf("%v", got)
	}
}

// The decoded encodings follow the loader's limits, as in Redis.
func TestDecodeAppliesLimits(t *testing.T) {
	ss := []sample{
		{0, "h", newHash(datatype.DefaultHashLimits, "a", "1", "b", "2", "c", "3"), -1},
		{0, "z", newZSet(datatype.DefaultZSetLimits, "a", 1.0, "b", 2.0, "c", 3.0), -1},
		{0, "s", newSet(datatype.DefaultSetLimits, "1", "2", "3"), -1},
	}
	b := writeSamples(t, ss, EncodeOptions{})
	small := datatype.Limits{MaxEntries: 2, MaxValue: 64}
	got, _ := decodeAll(t, b, DecodeOptions{Limits: Limits{Hash: small, ZSet: small, Set: small}})
	for k, want := range map[string]string{"h": "hash hashtable", "z": "zset skiplist", "s": "set hashtable"} {
		if d := got[k].desc; len(d) < len(want) || d[:len(want)] != want {
			t.Errorf("%s: %s", k, d)
		}
	}
}

// Values encoded ahead (under a lock) and written later give the same file as WriteKey.
func TestWriteEncodedMatchesWriteKey(t *testing.T) {
	ss := samples()
	opts := EncodeOptions{Compress: true}
	var a, b bytes.Buffer
	wa, wb := NewWriter(&a, opts), NewWriter(&b, opts)
	wa.WriteHeader(nil)
	wb.WriteHeader(nil)
	wa.SelectDB(0, int64(len(ss)), 0)
	wb.SelectDB(0, int64(len(ss)), 0)
	for _, s := range ss {
		if err := wa.WriteKey(s.key, s.value, s.expire); err != nil {
			t.Fatal(err)
		}
		enc, err := EncodeValue(s.value, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := wb.WriteEncoded(s.key, enc, s.expire); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.WriteEncoded("k", []byte{0}, -1); err == nil {
		t.Fatal("a 1-byte value was accepted")
	}
	wa.Close()
	wb.Close()
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("WriteEncoded and WriteKey differ")
	}
}
