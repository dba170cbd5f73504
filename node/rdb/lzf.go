package rdb

import "errors"

// LZF is the compression Redis applies to strings longer than 20 bytes when rdbcompression
// is on (liblzf's format, written here from its description). A compressed stream is a
// sequence of runs, each starting with a control byte c:
//
//	c < 32:  a literal run of c+1 bytes follows
//	c >= 32: a back reference: length = c>>5 (7 means "7 + next byte"), then the low byte
//	         of the offset; it copies length+2 bytes from (c&31)<<8 + low + 1 bytes back
//	         in the output, which may overlap the bytes being written.

var errLZF = errors.New("invalid LZF compressed string")

// lzfMaxRatio bounds how much output one input byte can produce: a 3-byte back reference
// copies at most 264 bytes. A claimed length above clen*lzfMaxRatio cannot be genuine, so
// the decoder refuses it before allocating.
const lzfMaxRatio = 88

// lzfDecompress decompresses in into out, which must be exactly the original length; any
// stream that does not fill out exactly, or refers outside it, is an error.
func lzfDecompress(in, out []byte) error {
	ip, op := 0, 0
	for ip < len(in) {
		c := int(in[ip])
		ip++
		if c < 32 {
			n := c + 1
			if ip+n > len(in) || op+n > len(out) {
				return errLZF
			}
			copy(out[op:], in[ip:ip+n])
			ip += n
			op += n
			continue
		}
		n := c >> 5
		if n == 7 {
			if ip >= len(in) {
				return errLZF
			}
			n += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return errLZF
		}
		ref := op - (c&0x1f)<<8 - int(in[ip]) - 1
		ip++
		n += 2
		if ref < 0 || op+n > len(out) {
			return errLZF
		}
		if ref+n <= op {
			copy(out[op:op+n], out[ref:ref+n])
		} else {
			for i := range n { // overlapping: byte by byte repeats the pattern
				out[op+i] = out[ref+i]
			}
		}
		op += n
	}
	if op != len(out) {
		return errLZF
	}
	return nil
}

const (
	lzfHashLog = 14
	lzfMaxOff  = 1 << 13
	lzfMaxRef  = 7 + 255 + 2
	lzfMaxLit  = 32
)

// lzfCompressor keeps its hash table between calls, so compressing many strings neither
// allocates nor clears 64 KB each time: entries are positions offset by base, which grows
// past every position of the previous call, so older entries read as empty.
type lzfCompressor struct {
	table [1 << lzfHashLog]uint32 // base+position+1 of the last 3-byte sequence with this hash
	base  uint32
}

// lzfCompress appends the LZF form of in to dst and returns it, or returns nil when it
// would be longer than max bytes (Redis asks for at least 4 bytes saved).
func lzfCompress[T ~string | ~[]byte](z *lzfCompressor, dst []byte, in T, max int) []byte {
	if len(in) >= 1<<31 {
		return nil // positions must fit the table's uint32 entries; stored verbatim instead
	}
	if uint64(z.base)+uint64(len(in))+1 >= 1<<32 {
		clear(z.table[:])
		z.base = 0
	}
	base := z.base
	z.base += uint32(len(in)) + 1
	start := len(dst)
	lit := 0 // length of the pending literal run, whose control byte is at litAt
	litAt := len(dst)
	dst = append(dst, 0)
	emitLit := func(b byte) {
		dst = append(dst, b)
		lit++
		if lit == lzfMaxLit {
			dst[litAt] = lzfMaxLit - 1
			litAt = len(dst)
			dst = append(dst, 0)
			lit = 0
		}
	}
	ip := 0
	for ip+2 < len(in) {
		if len(dst)-start > max {
			return nil
		}
		h := (uint32(in[ip])<<16 | uint32(in[ip+1])<<8 | uint32(in[ip+2])) * 2654435761 >> (32 - lzfHashLog)
		ref := -1
		if e := z.table[h]; e > base {
			ref = int(e - base - 1)
		}
		z.table[h] = base + uint32(ip) + 1
		off := ip - ref - 1
		if ref < 0 || off >= lzfMaxOff || in[ref] != in[ip] || in[ref+1] != in[ip+1] || in[ref+2] != in[ip+2] {
			emitLit(in[ip])
			ip++
			continue
		}
		n := 3
		for n < lzfMaxRef && ip+n < len(in) && in[ref+n] == in[ip+n] {
			n++
		}
		// Close the literal run (or drop its unused control byte).
		if lit > 0 {
			dst[litAt] = byte(lit - 1)
		} else {
			dst = dst[:len(dst)-1]
		}
		l := n - 2
		if l < 7 {
			dst = append(dst, byte(l<<5|off>>8), byte(off))
		} else {
			dst = append(dst, byte(7<<5|off>>8), byte(l-7), byte(off))
		}
		for j := ip + 1; j < ip+n && j+2 < len(in); j++ {
			h := (uint32(in[j])<<16 | uint32(in[j+1])<<8 | uint32(in[j+2])) * 2654435761 >> (32 - lzfHashLog)
			z.table[h] = base + uint32(j) + 1
		}
		ip += n
		litAt = len(dst)
		dst = append(dst, 0)
		lit = 0
	}
	for ; ip < len(in); ip++ {
		emitLit(in[ip])
	}
	if lit > 0 {
		dst[litAt] = byte(lit - 1)
	} else {
		dst = dst[:len(dst)-1]
	}
	if len(dst)-start > max {
		return nil
	}
	return dst
}
