package rdb

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// Redis 7.0 no longer writes the encodings of older versions but still loads them. These
// tests build such files by hand (ziplists, zipmaps, linked lists, text-double sorted sets,
// quicklists of ziplists, second-precision expiries, LRU/LFU opcodes) and check that our
// decoder and redis-server 7.0 read the same data from them.

// zlBuild makes a ziplist of elems, integer-looking ones in ziplist's integer encodings.
func zlBuild(elems []string) []byte {
	b := make([]byte, zlHeaderSize)
	prev, tail := 0, zlHeaderSize
	for _, e := range elems {
		start := len(b)
		tail = start
		if prev < 254 {
			b = append(b, byte(prev))
		} else {
			b = append(b, 0xFE)
			b = binary.LittleEndian.AppendUint32(b, uint32(prev))
		}
		if v, ok := numconv.ParseInt([]byte(e)); ok && len(e) < 32 {
			switch {
			case v >= 0 && v <= 12:
				b = append(b, 0xF1+byte(v))
			case v >= math.MinInt8 && v <= math.MaxInt8:
				b = append(b, 0xFE, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				b = append(b, 0xC0, byte(v), byte(v>>8))
			case v >= -1<<23 && v < 1<<23:
				b = append(b, 0xF0, byte(v), byte(v>>8), byte(v>>16))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				b = append(b, 0xD0)
				b = binary.LittleEndian.AppendUint32(b, uint32(v))
			default:
				b = append(b, 0xE0)
				b = binary.LittleEndian.AppendUint64(b, uint64(v))
			}
		} else {
			switch n := len(e); {
			case n <= 63:
				b = append(b, byte(n))
			case n <= 16383:
				b = append(b, 0x40|byte(n>>8), byte(n))
			default:
				b = append(b, 0x80)
				b = binary.BigEndian.AppendUint32(b, uint32(n))
			}
			b = append(b, e...)
		}
		prev = len(b) - start
	}
	b = append(b, 0xFF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint32(b[4:], uint32(tail))
	binary.LittleEndian.PutUint16(b[8:], uint16(min(len(elems), 65535)))
	return b
}

// zmBuild makes a zipmap of field/value pairs, with free bytes after the values.
func zmBuild(pairs []string) []byte {
	b := []byte{byte(min(len(pairs)/2, 254))}
	putLen := func(n int) {
		if n < 254 {
			b = append(b, byte(n))
		} else {
			b = append(b, 254)
			b = binary.LittleEndian.AppendUint32(b, uint32(n))
		}
	}
	for i := 0; i < len(pairs); i += 2 {
		putLen(len(pairs[i]))
		b = append(b, pairs[i]...)
		putLen(len(pairs[i+1]))
		free := i % 3
		b = append(b, byte(free))
		b = append(b, pairs[i+1]...)
		b = append(b, make([]byte, free)...)
	}
	return append(b, 0xFF)
}

// textDouble is the old ZSET score format.
func textDouble(o *out, f float64) {
	switch {
	case math.IsInf(f, 1):
		o.byte1(254)
	case math.IsInf(f, -1):
		o.byte1(255)
	default:
		s := strconv.FormatFloat(f, 'g', 17, 64)
		o.byte1(byte(len(s)))
		o.buf = append(o.buf, s...)
	}
}

type oldKey struct {
	sample
	write func(o *out) // type byte and value
}

func oldKeys() []oldKey {
	hl, zl, sl := datatype.DefaultHashLimits, datatype.DefaultZSetLimits, datatype.DefaultSetLimits
	var ks []oldKey
	add := func(key string, v any, exp int64, w func(o *out)) {
		ks = append(ks, oldKey{sample{0, key, v, exp}, w})
	}
	hpairs := []string{"name", "redis", "n", "12", "neg", "-40000", "big", "123456789012", "e", "", "long", strings.Repeat("L", 300)}
	add("old:zipmap", newHash(hl, hpairs...), -1, func(o *out) {
		o.byte1(typeHashZipmap)
		str(o, zmBuild(hpairs))
	})
	hsmall := hpairs[:10]
	add("old:hashziplist", newHash(hl, hsmall...), -1, func(o *out) {
		o.byte1(typeHashZiplist)
		str(o, zlBuild(hsmall))
	})
	lelems := []string{"a", "0", "12", "13", "-1", "127", "-129", "32767", "-32769", "8388607", "-8388609",
		"2147483647", "2147483648", "9223372036854775807", strings.Repeat("s", 70), strings.Repeat("t", 20000), "x"}
	add("old:listziplist", newList(lelems...), -1, func(o *out) {
		o.byte1(typeListZiplist)
		str(o, zlBuild(lelems))
	})
	add("old:linkedlist", newList(lelems...), 1893456000000, func(o *out) {
		o.byte1(typeList)
		o.length(uint64(len(lelems)))
		for _, e := range lelems {
			str(o, e)
		}
	})
	add("old:quicklist", newList(append(lelems, lelems...)...), -1, func(o *out) {
		o.byte1(typeListQuicklist)
		o.length(3)
		str(o, zlBuild(lelems[:5]))
		str(o, zlBuild(lelems[5:]))
		str(o, zlBuild(lelems))
	})
	zpairs := []any{"a", 1.0, "b", -2.5, "c", 1e-7, "d", 3.0, "e", 123456789.0}
	var zstr []string
	for i := 0; i < len(zpairs); i += 2 {
		zstr = append(zstr, zpairs[i].(string), strconv.FormatFloat(zpairs[i+1].(float64), 'g', 17, 64))
	}
	add("old:zsetziplist", newZSet(zl, zpairs...), -1, func(o *out) {
		o.byte1(typeZSetZiplist)
		str(o, zlBuild(zstr))
	})
	zv1 := []any{"x", math.Inf(1), "y", math.Inf(-1), "z", 0.1, "w", -7.0}
	add("old:zsetv1", newZSet(zl, zv1...), -1, func(o *out) {
		o.byte1(typeZSet)
		o.length(uint64(len(zv1) / 2))
		for i := 0; i < len(zv1); i += 2 {
			str(o, zv1[i].(string))
			textDouble(o, zv1[i+1].(float64))
		}
	})
	sm := []string{"5", "1", "-3", "100000"}
	add("old:setints", newSet(sl, sm...), -1, func(o *out) {
		o.byte1(typeSet)
		o.length(uint64(len(sm)))
		for _, m := range sm {
			str(o, m)
		}
	})
	add("old:hashplain", newHash(hl, "f", "v", "g", "w"), -1, func(o *out) {
		o.byte1(typeHash)
		o.length(2)
		for _, s := range []string{"f", "v", "g", "w"} {
			str(o, s)
		}
	})
	return ks
}

// oldFile writes the keys as an RDB version 9 file, with a seconds expiry and LRU/LFU
// opcodes on some keys.
func oldFile(ks []oldKey) []byte {
	o := out{}
	o.buf = append(o.buf, "REDIS0009"...)
	o.byte1(opSelectDB)
	o.length(0)
	for i, k := range ks {
		switch {
		case k.expire >= 0 && k.expire%1000 == 0:
			o.byte1(opExpireTime)
			o.buf = binary.LittleEndian.AppendUint32(o.buf, uint32(k.expire/1000))
		case k.expire >= 0:
			o.byte1(opExpireTimeMs)
			o.buf = binary.LittleEndian.AppendUint64(o.buf, uint64(k.expire))
		}
		if i%2 == 0 {
			o.byte1(opIdle)
			o.length(uint64(i * 10))
		} else {
			o.byte1(opFreq)
			o.byte1(byte(i))
		}
		// The type byte, then the key name, then the value.
		var v out
		k.write(&v)
		o.byte1(v.buf[0])
		str(&o, k.key)
		o.buf = append(o.buf, v.buf[1:]...)
	}
	o.byte1(opEOF)
	return binary.LittleEndian.AppendUint64(o.buf, CRC64(0, o.buf))
}

func TestDecodeOldEncodings(t *testing.T) {
	ks := oldKeys()
	b := oldFile(ks)
	got := map[string]Entry{}
	descs := map[string]string{}
	info, err := Decode(bytes.NewReader(b), DecodeOptions{Limits: DefaultLimits()}, func(e *Entry) error {
		got[string(e.Key)] = *e
		descs[string(e.Key)] = describe(e.Value)
		return nil
	})
	if err != nil || info.Version != 9 || !info.ChecksumValid {
		t.Fatal(info, err)
	}
	for i, k := range ks {
		e := got[k.key]
		if want := describe(k.value); descs[k.key] != want {
			t.Errorf("%s:\n got  %.300s\n want %.300s", k.key, descs[k.key], want)
		}
		if e.ExpireMs != k.expire {
			t.Errorf("%s: expire %d, want %d", k.key, e.ExpireMs, k.expire)
		}
		if (i%2 == 0 && e.Idle != int64(i*10)) || (i%2 == 1 && e.Freq != i) {
			t.Errorf("%s: idle %d freq %d", k.key, e.Idle, e.Freq)
		}
	}
}

func TestRedisLoadsOldEncodings(t *testing.T) {
	ks := oldKeys()
	var ss []sample
	for _, k := range ks {
		ss = append(ss, k.sample)
	}
	_, ref := startRedis(t)
	fill(t, ref, ss)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "old.rdb"), oldFile(ks), 0o644); err != nil {
		t.Fatal(err)
	}
	_, c := startRedis(t, "--dir", dir, "--dbfilename", "old.rdb")
	for _, s := range ss {
		got, want := facts(t, c, s.db, s.key), facts(t, ref, s.db, s.key)
		if got != want {
			t.Errorf("%s: loaded %+v, reference %+v", s.key, got, want)
		}
	}
}
