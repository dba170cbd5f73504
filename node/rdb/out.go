package rdb

import (
	"encoding/binary"
	"io"
	"math"

	"github.com/rcnode/rcnode/internal/numconv"
)

// out accumulates encoded bytes. With a writer it hands them on in chunks of about
// flushAt bytes, keeping the running CRC of everything written; without one (DUMP
// payloads) the bytes stay in buf.
type out struct {
	buf      []byte
	w        io.Writer
	crc      uint64
	written  int64
	err      error
	compress bool
	lzf      *lzfCompressor
}

const flushAt = 64 << 10

func (o *out) flush() {
	if o.w == nil || len(o.buf) == 0 || o.err != nil {
		return
	}
	o.crc = CRC64(o.crc, o.buf)
	n, err := o.w.Write(o.buf)
	o.written += int64(n)
	if err != nil {
		o.err = err
	}
	o.buf = o.buf[:0]
}

func (o *out) maybeFlush() {
	if o.w != nil && len(o.buf) >= flushAt {
		o.flush()
	}
}

func (o *out) byte1(b byte) { o.buf = append(o.buf, b) }

// raw writes p; a big p goes straight to the writer instead of through buf.
func (o *out) raw(p []byte) {
	if o.w != nil && len(p) >= flushAt {
		o.flush()
		if o.err != nil {
			return
		}
		o.crc = CRC64(o.crc, p)
		n, err := o.w.Write(p)
		o.written += int64(n)
		if err != nil {
			o.err = err
		}
		return
	}
	o.buf = append(o.buf, p...)
	o.maybeFlush()
}

func rawString(o *out, s string) {
	if o.w != nil && len(s) >= flushAt {
		// Rare (values of 64 KB and more): one copy to reach io.Writer's []byte.
		o.raw([]byte(s))
		return
	}
	o.buf = append(o.buf, s...)
	o.maybeFlush()
}

// length writes n as rdbSaveLen does: 6, 14, 32 or 64 bits, big-endian beyond 6.
func (o *out) length(n uint64) {
	o.buf = appendLength(o.buf, n)
}

func appendLength(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|len14Bit<<6, byte(n))
	case n <= math.MaxUint32:
		b = append(b, len32Bit)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, len64Bit)
		return binary.BigEndian.AppendUint64(b, n)
	}
}

// appendIntEncoded writes v as an RDB_ENC_INT8/16/32 special string when it fits 32 bits
// (rdbEncodeInteger); ok is false otherwise.
func appendIntEncoded(b []byte, v int64) ([]byte, bool) {
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(b, lenEnc<<6|encInt8, byte(v)), true
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return append(b, lenEnc<<6|encInt16, byte(v), byte(v>>8)), true
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return append(b, lenEnc<<6|encInt32, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)), true
	}
	return b, false
}

// str writes a string as rdbSaveRawString does: integer-looking strings of at most 11
// bytes whose value fits 32 bits as an integer encoding, strings over 20 bytes LZF
// compressed when that saves at least 4 bytes (and compression is on), the rest verbatim.
func str[T ~string | ~[]byte](o *out, s T) {
	if len(s) <= 11 && len(s) > 0 {
		if v, ok := numconv.ParseInt([]byte(s)); ok {
			if b, ok := appendIntEncoded(o.buf, v); ok {
				o.buf = b
				return
			}
		}
	}
	if o.compress && len(s) > 20 {
		if o.lzf == nil {
			o.lzf = new(lzfCompressor)
		}
		// Compress after a worst-case header, then slide the data down behind the real
		// one: no second buffer, and the header's size is only known afterwards.
		mark := len(o.buf)
		const hdrMax = 1 + 9 + 9
		o.buf = append(o.buf, make([]byte, hdrMax)...)
		if c := lzfCompress(o.lzf, o.buf, s, len(s)-4); c != nil {
			clen := len(c) - mark - hdrMax
			hdr := append(make([]byte, 0, hdrMax), lenEnc<<6|encLZF)
			hdr = appendLength(hdr, uint64(clen))
			hdr = appendLength(hdr, uint64(len(s)))
			copy(c[mark:], hdr)
			copy(c[mark+len(hdr):], c[mark+hdrMax:])
			o.buf = c[:mark+len(hdr)+clen]
			o.maybeFlush()
			return
		}
		o.buf = o.buf[:mark]
	}
	o.length(uint64(len(s)))
	switch v := any(s).(type) {
	case string:
		rawString(o, v)
	case []byte:
		o.raw(v)
	default: // named types
		o.raw([]byte(s))
	}
}

// binaryDouble writes f as 8 bytes little-endian IEEE 754 (ZSET_2 scores).
func (o *out) binaryDouble(f float64) {
	o.buf = binary.LittleEndian.AppendUint64(o.buf, math.Float64bits(f))
}
