package rdb

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// reader reads RDB primitives from a bufio.Reader, keeping the CRC64 of every byte it
// consumes and their count. It never reads past what it consumes, so bytes that follow the
// RDB in the caller's bufio.Reader (the replication stream) stay there.
type reader struct {
	br  *bufio.Reader
	crc uint64
	off int64
}

// chunk is how much a long string may grow per read: memory follows the bytes that
// actually arrive, so a corrupt length of 2^60 ends in "unexpected end" instead of a huge
// allocation.
const chunk = 1 << 20

// corrupt is a decoding error at the reader's offset.
func (r *reader) corrupt(format string, args ...any) error {
	return &FormatError{Offset: r.off, Msg: fmt.Sprintf(format, args...)}
}

func (r *reader) eof(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FormatError{Offset: r.off, Msg: "unexpected end of data", Err: io.ErrUnexpectedEOF}
	}
	return err // an I/O error of the source, passed on as is
}

func (r *reader) byte1() (byte, error) {
	b, err := r.br.ReadByte()
	if err != nil {
		return 0, r.eof(err)
	}
	r.crc = crcTab[0][byte(r.crc)^b] ^ r.crc>>8
	r.off++
	return b, nil
}

// fixed returns the next n (at most 16) bytes; the slice is valid until the next read.
func (r *reader) fixed(n int) ([]byte, error) {
	b, err := r.br.Peek(n)
	if err != nil {
		return nil, r.eof(err)
	}
	r.crc = CRC64(r.crc, b)
	r.br.Discard(n)
	r.off += int64(n)
	return b, nil
}

// appendN appends the next n bytes to dst.
func (r *reader) appendN(dst []byte, n uint64) ([]byte, error) {
	for n > 0 {
		c := int(min(n, chunk))
		dst = slices.Grow(dst, c)
		start := len(dst)
		dst = dst[:start+c]
		if _, err := io.ReadFull(r.br, dst[start:]); err != nil {
			return nil, r.eof(err)
		}
		r.crc = CRC64(r.crc, dst[start:])
		r.off += int64(c)
		n -= uint64(c)
	}
	return dst, nil
}

// length reads a length (rdbLoadLenByRef); special is true when it is a string encoding
// (the 11xxxxxx form), whose number is then in n.
func (r *reader) length() (n uint64, special bool, err error) {
	b, err := r.byte1()
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case lenEnc:
		return uint64(b & 0x3F), true, nil
	case len6Bit:
		return uint64(b & 0x3F), false, nil
	case len14Bit:
		b2, err := r.byte1()
		return uint64(b&0x3F)<<8 | uint64(b2), false, err
	}
	switch b {
	case len32Bit:
		p, err := r.fixed(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(p)), false, nil
	case len64Bit:
		p, err := r.fixed(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(p), false, nil
	}
	return 0, false, r.corrupt("unknown length encoding 0x%02x", b)
}

// count reads a plain length (an element count, a DB number).
func (r *reader) count() (uint64, error) {
	n, special, err := r.length()
	if err == nil && special {
		err = r.corrupt("string encoding where a length was expected")
	}
	return n, err
}

// appendString reads an RDB string (plain, integer-encoded or LZF) and appends it to dst.
func (r *reader) appendString(dst []byte) ([]byte, error) {
	n, special, err := r.length()
	if err != nil {
		return nil, err
	}
	if !special {
		return r.appendN(dst, n)
	}
	switch n {
	case encInt8:
		b, err := r.byte1()
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(dst, int64(int8(b)), 10), nil
	case encInt16:
		p, err := r.fixed(2)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(dst, int64(int16(binary.LittleEndian.Uint16(p))), 10), nil
	case encInt32:
		p, err := r.fixed(4)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(dst, int64(int32(binary.LittleEndian.Uint32(p))), 10), nil
	case encLZF:
		return r.appendLZF(dst)
	}
	return nil, r.corrupt("unknown string encoding %d", n)
}

func (r *reader) appendLZF(dst []byte) ([]byte, error) {
	clen, err := r.count()
	if err != nil {
		return nil, err
	}
	ulen, err := r.count()
	if err != nil {
		return nil, err
	}
	if clen == 0 || ulen == 0 || ulen/lzfMaxRatio > clen {
		return nil, r.corrupt("invalid LZF lengths %d -> %d", clen, ulen)
	}
	c, err := r.appendN(nil, clen)
	if err != nil {
		return nil, err
	}
	start := len(dst)
	dst = slices.Grow(dst, int(ulen))[:start+int(ulen)]
	if err := lzfDecompress(c, dst[start:]); err != nil {
		return nil, r.corrupt("%v", err)
	}
	return dst, nil
}

// string reads an RDB string into new memory.
func (r *reader) string() (string, error) {
	b, err := r.appendString(nil)
	return string(b), err
}

// bytes reads an RDB string into new memory that the caller keeps.
func (r *reader) bytes() ([]byte, error) {
	b, err := r.appendString(nil)
	if err == nil && b == nil {
		b = []byte{}
	}
	return b, err
}

// binaryDouble reads a little-endian IEEE 754 double (ZSET_2 scores).
func (r *reader) binaryDouble() (float64, error) {
	p, err := r.fixed(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(p)), nil
}

// textDouble reads a double in the old ZSET format: a length byte (253 nan, 254 +inf,
// 255 -inf) and that many bytes of text.
func (r *reader) textDouble() (float64, error) {
	n, err := r.byte1()
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	p, err := r.appendN(nil, uint64(n))
	if err != nil {
		return 0, err
	}
	f, ok := parseScore(p)
	if !ok {
		return 0, r.corrupt("invalid score %q", p)
	}
	return f, nil
}
