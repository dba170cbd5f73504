package rdb

import (
	"encoding/binary"
	"errors"
)

// A ziplist (the small-collection encoding before Redis 7.0, still loaded from old files)
// is
//
//	<total bytes u32 LE> <tail offset u32 LE> <count u16 LE, 65535 = unknown> <entry>... <0xFF>
//
// and each entry is <prevlen: 1 byte < 254, or 0xFE + u32 LE> <encoding> <data>, where the
// encoding is 00llllll (string, 6-bit length), 01llllll llllllll (14-bit, big-endian),
// 10xxxxxx + u32 BE length, or an integer: C0 int16, D0 int32, E0 int64, F0 int24, FE int8,
// F1-FD the immediate values 0-12.

const zlHeaderSize = 10

var errZiplist = errors.New("ziplist integrity check failed")

// zlEach validates a ziplist as ziplistValidateIntegrity does in deep mode (sizes, each
// entry inside the blob, each prevlen equal to the previous entry's size, the tail offset
// pointing at the last entry, the count) and calls fn with each entry.
func zlEach(zl []byte, fn func(s []byte, v int64, isInt bool) error) (int, error) {
	if len(zl) < zlHeaderSize+1 || int(binary.LittleEndian.Uint32(zl)) != len(zl) || zl[len(zl)-1] != 0xFF {
		return 0, errZiplist
	}
	tail := int(binary.LittleEndian.Uint32(zl[4:]))
	want := int(binary.LittleEndian.Uint16(zl[8:]))
	end := len(zl) - 1
	if tail > end {
		return 0, errZiplist
	}
	n, prevSize, last := 0, 0, -1
	for p := zlHeaderSize; p < end; {
		q := p
		prevlen := int(zl[q])
		q++
		if prevlen == 0xFE {
			if q+4 > end {
				return n, errZiplist
			}
			prevlen = int(binary.LittleEndian.Uint32(zl[q:]))
			q += 4
		}
		if prevlen != prevSize || q >= end {
			return n, errZiplist
		}
		c := zl[q]
		var hdr, dlen int
		var v int64
		isInt := true
		need := func(k int) bool { return q+k <= end }
		switch {
		case c>>6 == 0:
			hdr, dlen, isInt = 1, int(c&0x3F), false
		case c>>6 == 1:
			if !need(2) {
				return n, errZiplist
			}
			hdr, dlen, isInt = 2, int(c&0x3F)<<8|int(zl[q+1]), false
		case c>>6 == 2:
			if !need(5) {
				return n, errZiplist
			}
			hdr, dlen, isInt = 5, int(binary.BigEndian.Uint32(zl[q+1:])), false
		case c == 0xC0:
			if !need(3) {
				return n, errZiplist
			}
			hdr, v = 3, int64(int16(binary.LittleEndian.Uint16(zl[q+1:])))
		case c == 0xD0:
			if !need(5) {
				return n, errZiplist
			}
			hdr, v = 5, int64(int32(binary.LittleEndian.Uint32(zl[q+1:])))
		case c == 0xE0:
			if !need(9) {
				return n, errZiplist
			}
			hdr, v = 9, int64(binary.LittleEndian.Uint64(zl[q+1:]))
		case c == 0xF0:
			if !need(4) {
				return n, errZiplist
			}
			u := uint32(zl[q+1]) | uint32(zl[q+2])<<8 | uint32(zl[q+3])<<16
			hdr, v = 4, int64(int32(u<<8)>>8)
		case c == 0xFE:
			if !need(2) {
				return n, errZiplist
			}
			hdr, v = 2, int64(int8(zl[q+1]))
		case c >= 0xF1 && c <= 0xFD:
			hdr, v = 1, int64(c&0x0F)-1
		default:
			return n, errZiplist
		}
		if dlen > end || q+hdr+dlen > end {
			return n, errZiplist
		}
		if err := fn(zl[q+hdr:q+hdr+dlen], v, isInt); err != nil {
			return n, err
		}
		last = p
		next := q + hdr + dlen
		prevSize = next - p
		p = next
		n++
	}
	if last >= 0 && last != tail {
		return n, errZiplist
	}
	if want != 65535 && want != n {
		return n, errZiplist
	}
	return n, nil
}
