package node

import (
	"math/bits"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

// Bitmap commands on string values (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP), with
// redis-server 7.0's argument order, errors and edge cases (bitops.c). Bit 0 is the most
// significant bit of the first byte.

func init() {
	register("setbit", cmdSetBit)
	register("getbit", cmdGetBit)
	register("bitcount", cmdBitCount)
	register("bitpos", cmdBitPos)
	register("bitop", cmdBitOp)
}

const (
	errBitOffset = "ERR bit offset is not an integer or out of range"
	errBitValue  = "ERR bit is not an integer or out of range"
)

// bitOffset parses a bit offset; the bytes it reaches must fit proto-max-bulk-len, except
// for our master's stream, which is applied as it comes.
func (c *Client) bitOffset(arg []byte) (int64, bool) {
	off, ok := numconv.ParseInt(arg)
	if !ok || off < 0 || (!c.isMaster && off>>3 >= c.srv.Settings().ProtoMaxBulkLen) {
		c.w.Error(errBitOffset)
		return 0, false
	}
	return off, true
}

// SETBIT key offset value: replies the bit's old value; the string grows with zero bytes to
// reach it.
func cmdSetBit(c *Client, args [][]byte) {
	off, ok := c.bitOffset(args[2])
	if !ok {
		return
	}
	on, ok := numconv.ParseInt(args[3])
	if !ok || on&^1 != 0 {
		c.w.Error(errBitValue)
		return
	}
	s, ok := typed[*datatype.Str](c, args[1], false)
	if !ok {
		return
	}
	byteIdx := int(off >> 3)
	grew := false
	if s == nil {
		s = &datatype.Str{B: make([]byte, byteIdx+1)}
		c.db.Set(args[1], s)
		grew = true
	} else if len(s.B) <= byteIdx {
		s.B = append(s.B, make([]byte, byteIdx+1-len(s.B))...)
		grew = true
	}
	mask := byte(1) << (7 - off&7)
	old := s.B[byteIdx]&mask != 0
	if grew || old != (on == 1) {
		if on == 1 {
			s.B[byteIdx] |= mask
		} else {
			s.B[byteIdx] &^= mask
		}
		c.changed(args[1], 1)
	}
	c.w.Int(int64(boolInt(old)))
}

// GETBIT key offset: 0 past the end of the string or for a missing key.
func cmdGetBit(c *Client, args [][]byte) {
	off, ok := c.bitOffset(args[2])
	if !ok {
		return
	}
	s, ok := typed[*datatype.Str](c, args[1], true)
	if !ok {
		return
	}
	bit := false
	if s != nil && off>>3 < int64(len(s.B)) {
		bit = s.B[off>>3]&(1<<(7-off&7)) != 0
	}
	c.w.Int(int64(boolInt(bit)))
}

// bitRange is a BITCOUNT/BITPOS range resolved against a string: bytes first..last, with
// the bits of the first byte before the range and of the last byte after it masked out.
type bitRange struct {
	first, last         int64
	firstMask, lastMask byte // bits of the first/last byte outside the range
}

// resolveBitRange turns start and end (bytes, or bits when inBits; negative ones count from
// the end) into byte positions over a string of n bytes, as Redis does. empty means the
// range holds nothing.
func resolveBitRange(start, end, n int64, inBits bool) (r bitRange, empty bool) {
	total := n
	if inBits {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	if start > end {
		return r, true
	}
	if inBits {
		r.firstMask = ^byte(0xff >> (start & 7))
		r.lastMask = byte(1<<(7-end&7)) - 1
		start, end = start>>3, end>>3
	}
	r.first, r.last = start, end
	return r, false
}

// BITCOUNT key [start end [BYTE|BIT]]
func cmdBitCount(c *Client, args [][]byte) {
	s, ok := typed[*datatype.Str](c, args[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.w.Int(0)
		return
	}
	p := s.B
	r := bitRange{first: 0, last: int64(len(p)) - 1}
	switch len(args) {
	case 2:
	case 4, 5:
		start, ok1 := numconv.ParseInt(args[2])
		end, ok2 := numconv.ParseInt(args[3])
		if !ok1 || !ok2 {
			c.w.Error(clientproto.ErrNotInteger)
			return
		}
		if start < 0 && end < 0 && start > end {
			c.w.Int(0)
			return
		}
		inBits := false
		if len(args) == 5 {
			if inBits, ok = oneOfTwo(c, args[4], "bit", "byte"); !ok {
				return
			}
		}
		var empty bool
		if r, empty = resolveBitRange(start, end, int64(len(p)), inBits); empty {
			c.w.Int(0)
			return
		}
	default:
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	if r.first > r.last {
		c.w.Int(0)
		return
	}
	n := popcount(p[r.first : r.last+1])
	n -= bits.OnesCount8(p[r.first]&r.firstMask) + bits.OnesCount8(p[r.last]&r.lastMask)
	c.w.Int(int64(n))
}

func popcount(p []byte) int {
	n := 0
	for len(p) >= 8 {
		n += bits.OnesCount64(uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16 | uint64(p[3])<<24 |
			uint64(p[4])<<32 | uint64(p[5])<<40 | uint64(p[6])<<48 | uint64(p[7])<<56)
		p = p[8:]
	}
	for _, b := range p {
		n += bits.OnesCount8(b)
	}
	return n
}

// firstBit is the position of the first bit equal to bit in p; without one, -1 when
// looking for a 1 and len(p)*8 (the bit after p) when looking for a 0 (redisBitpos).
func firstBit(p []byte, bit int) int64 {
	skip := byte(0)
	if bit == 0 {
		skip = 0xff
	}
	for i, b := range p {
		if b != skip {
			if bit == 0 {
				b = ^b
			}
			return int64(i)*8 + int64(bits.LeadingZeros8(b))
		}
	}
	if bit == 1 {
		return -1
	}
	return int64(len(p)) * 8
}

// BITPOS key bit [start [end [BYTE|BIT]]]
func cmdBitPos(c *Client, args [][]byte) {
	bit, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	if bit != 0 && bit != 1 {
		c.w.Error("ERR The bit argument must be 1 or 0.")
		return
	}
	s, ok := typed[*datatype.Str](c, args[1], true)
	if !ok {
		return
	}
	if s == nil {
		c.w.Int(-bit) // no 1 anywhere, and the first 0 is bit 0
		return
	}
	p := s.B
	r := bitRange{first: 0, last: int64(len(p)) - 1}
	endGiven := false
	switch len(args) {
	case 3:
	case 4, 5, 6:
		start, ok := numconv.ParseInt(args[3])
		if !ok {
			c.w.Error(clientproto.ErrNotInteger)
			return
		}
		inBits := false
		if len(args) == 6 {
			if inBits, ok = oneOfTwo(c, args[5], "bit", "byte"); !ok {
				return
			}
		}
		end := int64(len(p)) - 1
		if len(args) >= 5 {
			if end, ok = numconv.ParseInt(args[4]); !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return
			}
			endGiven = true
		}
		var empty bool
		if r, empty = resolveBitRange(start, end, int64(len(p)), inBits); empty {
			c.w.Int(-1)
			return
		}
	default:
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	if r.first > r.last {
		c.w.Int(-1)
		return
	}
	pos, from, n := bitposIn(p, r, int(bit))
	if endGiven && bit == 0 && pos == n<<3 {
		c.w.Int(-1) // the range is all ones: a 0 after it does not count
		return
	}
	if pos != -1 {
		pos += from << 3
	}
	c.w.Int(pos)
}

// bitposIn looks for bit in range r of p as Redis's bitposCommand does, one partial first
// byte, the whole bytes, then one partial last byte: it returns the position found relative
// to byte from, and the number of bytes n it was looking in.
func bitposIn(p []byte, r bitRange, bit int) (pos, from, n int64) {
	from, n = r.first, r.last-r.first+1
	// keep clears (for 1) or sets (for 0) the masked bits, so they are never found.
	keep := func(b, mask byte) byte {
		if bit == 1 {
			return b &^ mask
		}
		return b | mask
	}
	if r.firstMask != 0 {
		b := keep(p[from], r.firstMask)
		if r.lastMask != 0 && n == 1 {
			b = keep(b, r.lastMask)
		}
		pos = firstBit([]byte{b}, bit)
		if n == 1 || (pos != -1 && pos != 8) {
			return pos, from, n
		}
		from++
		n--
	}
	whole := n
	if r.lastMask != 0 {
		whole--
	}
	if whole > 0 {
		pos = firstBit(p[from:from+whole], bit)
		if n == whole || (pos != -1 && pos != whole<<3) {
			return pos, from, n
		}
		from += whole
		n -= whole
	}
	return firstBit([]byte{keep(p[r.last], r.lastMask)}, bit), from, n
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: the result, as long as the longest source
// (shorter ones read as zero bytes), replaces destkey; an empty result deletes it.
func cmdBitOp(c *Client, args [][]byte) {
	op := args[1]
	switch {
	case argIs(op, "and"), argIs(op, "or"), argIs(op, "xor"):
	case argIs(op, "not"):
		if len(args) != 4 {
			c.w.Error("ERR BITOP NOT must be called with a single source key.")
			return
		}
	default:
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	srcs := make([][]byte, 0, len(args)-3)
	maxLen := 0
	for _, k := range args[3:] {
		s, ok := typed[*datatype.Str](c, k, true)
		if !ok {
			return
		}
		var b []byte
		if s != nil {
			b = s.B
		}
		srcs = append(srcs, b)
		maxLen = max(maxLen, len(b))
	}
	dst := args[2]
	if maxLen == 0 {
		if c.db.Delete(dst) {
			c.changed(dst, 1)
		}
		c.w.Int(0)
		return
	}
	res := make([]byte, maxLen)
	copy(res, srcs[0])
	switch {
	case argIs(op, "not"):
		for i := range res {
			res[i] = ^res[i]
		}
	case argIs(op, "and"):
		for _, s := range srcs[1:] {
			for i := range res {
				if i < len(s) {
					res[i] &= s[i]
				} else {
					res[i] = 0
				}
			}
		}
	case argIs(op, "or"):
		for _, s := range srcs[1:] {
			for i, b := range s {
				res[i] |= b
			}
		}
	default: // xor
		for _, s := range srcs[1:] {
			for i, b := range s {
				res[i] ^= b
			}
		}
	}
	c.db.Set(dst, &datatype.Str{B: res})
	c.changed(dst, 1)
	c.w.Int(int64(maxLen))
}
