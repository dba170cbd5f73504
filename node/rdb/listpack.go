package rdb

import (
	"encoding/binary"
	"errors"

	"github.com/rcnode/rcnode/internal/numconv"
)

// A listpack (Redis 7.0's compact encoding of small hashes, sorted sets and list nodes) is
//
//	<total bytes u32 LE> <count u16 LE, 65535 = unknown> <entry>... <0xFF>
//
// and each entry is an encoding byte (with the string length, or the integer) followed by
// its data and by a "backlen": the size of encoding+data in 7-bit groups, written so it can
// be read from its last byte backwards.

const lpHeaderSize = 6

var errListpack = errors.New("listpack integrity check failed")

// lpBuilder appends entries to a listpack.
type lpBuilder struct {
	b     []byte
	start int
	n     int
}

func newLP(b []byte) lpBuilder {
	return lpBuilder{b: append(b, make([]byte, lpHeaderSize)...), start: len(b)}
}

// size is the listpack's size so far, terminator included.
func (lp *lpBuilder) size() int { return len(lp.b) - lp.start + 1 }

func (lp *lpBuilder) backlen(l int) {
	switch {
	case l <= 127:
		lp.b = append(lp.b, byte(l))
	case l < 16383:
		lp.b = append(lp.b, byte(l>>7), byte(l&127|128))
	case l < 2097151:
		lp.b = append(lp.b, byte(l>>14), byte(l>>7&127|128), byte(l&127|128))
	case l < 268435455:
		lp.b = append(lp.b, byte(l>>21), byte(l>>14&127|128), byte(l>>7&127|128), byte(l&127|128))
	default:
		lp.b = append(lp.b, byte(l>>28), byte(l>>21&127|128), byte(l>>14&127|128), byte(l>>7&127|128), byte(l&127|128))
	}
}

// appendInt adds an integer entry in the smallest of listpack's integer encodings.
func (lp *lpBuilder) appendInt(v int64) {
	b := lp.b
	n := len(b)
	switch {
	case v >= 0 && v <= 127:
		b = append(b, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint64(v) & (1<<13 - 1)
		b = append(b, byte(u>>8)|0xC0, byte(u))
	case v >= -32768 && v <= 32767:
		b = append(b, 0xF1, byte(v), byte(v>>8))
	case v >= -8388608 && v <= 8388607:
		b = append(b, 0xF2, byte(v), byte(v>>8), byte(v>>16))
	case v >= -2147483648 && v <= 2147483647:
		b = append(b, 0xF3, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	default:
		b = append(b, 0xF4)
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	lp.b = b
	lp.backlen(len(b) - n)
	lp.n++
}

// appendStr adds an element as lpAppend does: as an integer when it is the canonical form
// of an int64, else as a string.
func lpAppendStr[T ~string | ~[]byte](lp *lpBuilder, s T) {
	if len(s) > 0 && len(s) < 21 {
		if v, ok := numconv.ParseInt([]byte(s)); ok {
			lp.appendInt(v)
			return
		}
	}
	b := lp.b
	n := len(b)
	switch l := len(s); {
	case l < 64:
		b = append(b, byte(l)|0x80)
	case l < 4096:
		b = append(b, byte(l>>8)|0xE0, byte(l))
	default:
		b = append(b, 0xF0)
		b = binary.LittleEndian.AppendUint32(b, uint32(l))
	}
	b = append(b, s...)
	lp.b = b
	lp.backlen(len(b) - n)
	lp.n++
}

// lpEntrySize is how many bytes lpAppendStr adds for s, without adding it.
func lpEntrySize(s string) int {
	var l int
	if v, ok := numconv.ParseIntString(s); ok && len(s) < 21 {
		switch {
		case v >= 0 && v <= 127:
			l = 1
		case v >= -4096 && v <= 4095:
			l = 2
		case v >= -32768 && v <= 32767:
			l = 3
		case v >= -8388608 && v <= 8388607:
			l = 4
		case v >= -2147483648 && v <= 2147483647:
			l = 5
		default:
			l = 9
		}
	} else {
		switch n := len(s); {
		case n < 64:
			l = 1 + n
		case n < 4096:
			l = 2 + n
		default:
			l = 5 + n
		}
	}
	return l + backlenSize(l)
}

func backlenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// finish writes the terminator and the header and returns the whole buffer.
func (lp *lpBuilder) finish() []byte {
	lp.b = append(lp.b, 0xFF)
	h := lp.b[lp.start:]
	binary.LittleEndian.PutUint32(h, uint32(len(h)))
	binary.LittleEndian.PutUint16(h[4:], uint16(min(lp.n, 65535)))
	return lp.b
}

// lpEach walks every entry of the listpack lp, validating it as lpValidateIntegrity does
// in deep mode: the header's size is the blob's, the last byte is the terminator, every
// entry and its backlen lie inside and agree, and the count matches unless it is 65535.
// fn gets a string entry's bytes (a sub-slice of lp) or an integer entry's value.
func lpEach(lp []byte, fn func(s []byte, v int64, isInt bool) error) (int, error) {
	if len(lp) < lpHeaderSize+1 || int(binary.LittleEndian.Uint32(lp)) != len(lp) || lp[len(lp)-1] != 0xFF {
		return 0, errListpack
	}
	want := int(binary.LittleEndian.Uint16(lp[4:]))
	end := len(lp) - 1
	n := 0
	for p := lpHeaderSize; p < end; {
		c := lp[p]
		var hdr, dlen int // encoding bytes, data bytes
		var v int64
		isInt := true
		switch {
		case c&0x80 == 0:
			hdr, v = 1, int64(c)
		case c&0xC0 == 0x80:
			hdr, dlen, isInt = 1, int(c&0x3F), false
		case c&0xE0 == 0xC0:
			if p+2 > end {
				return n, errListpack
			}
			hdr = 2
			v = int64(uint64(c&0x1F)<<8 | uint64(lp[p+1]))
			if v >= 1<<12 {
				v -= 1 << 13
			}
		case c&0xF0 == 0xE0:
			if p+2 > end {
				return n, errListpack
			}
			hdr, dlen, isInt = 2, int(c&0x0F)<<8|int(lp[p+1]), false
		case c == 0xF0:
			if p+5 > end {
				return n, errListpack
			}
			hdr, isInt = 5, false
			dlen = int(binary.LittleEndian.Uint32(lp[p+1:]))
		case c >= 0xF1 && c <= 0xF4:
			size := [...]int{2, 3, 4, 8}[c-0xF1]
			if p+1+size > end {
				return n, errListpack
			}
			hdr = 1 + size
			var u uint64
			for i := size - 1; i >= 0; i-- {
				u = u<<8 | uint64(lp[p+1+i])
			}
			shift := 64 - 8*size
			v = int64(u<<shift) >> shift // sign-extend
		default:
			return n, errListpack // 0xF5-0xFE are unused, 0xFF ends the listpack early
		}
		l := hdr + dlen
		if dlen > end || p+l > end {
			return n, errListpack
		}
		bl := backlenSize(l)
		if p+l+bl > end || lpDecodeBacklen(lp, p+l+bl-1, p+l) != l {
			return n, errListpack
		}
		if err := fn(lp[p+hdr:p+l], v, isInt); err != nil {
			return n, err
		}
		p += l + bl
		n++
	}
	if want != 65535 && want != n {
		return n, errListpack
	}
	return n, nil
}

// lpDecodeBacklen reads the backlen whose last byte is at lp[i], going back no further than
// lp[lo]; -1 when it is malformed.
func lpDecodeBacklen(lp []byte, i, lo int) int {
	v, shift := 0, 0
	for ; i >= lo; i-- {
		v |= int(lp[i]&127) << shift
		if lp[i]&128 == 0 {
			return v
		}
		shift += 7
		if shift > 28 {
			return -1
		}
	}
	return -1
}
