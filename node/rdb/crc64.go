package rdb

import "encoding/binary"

// crcPoly is the Jones polynomial in reflected (right-shift) form, the CRC-64 variant Redis
// uses for RDB files and DUMP payloads: init 0, no final xor. The standard library's
// hash/crc64 inverts the register before and after every update, so it cannot compute it
// directly, and it rebuilds its slicing tables on every call for a custom polynomial.
const crcPoly = 0x95ac9329ac4bc9b5

// crcTab[k][b] is the CRC of byte b followed by k zero bytes (slicing-by-8).
var crcTab = func() *[8][256]uint64 {
	t := new([8][256]uint64)
	for i := range 256 {
		c := uint64(i)
		for range 8 {
			if c&1 == 1 {
				c = c>>1 ^ crcPoly
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][c&0xff] ^ c>>8
			t[k][i] = c
		}
	}
	return t
}()

// CRC64 returns crc updated with p: Redis's crc64(crc, p, len). The checksum of a whole
// buffer is CRC64(0, buf); crc64("123456789") is 0xe9c6d914c4b8d9ca.
func CRC64(crc uint64, p []byte) uint64 {
	t := crcTab
	// Eight bytes per step: one table lookup per byte, independent of each other.
	for len(p) >= 8 {
		crc ^= binary.LittleEndian.Uint64(p)
		crc = t[7][crc&0xff] ^ t[6][crc>>8&0xff] ^ t[5][crc>>16&0xff] ^ t[4][crc>>24&0xff] ^
			t[3][crc>>32&0xff] ^ t[2][crc>>40&0xff] ^ t[1][crc>>48&0xff] ^ t[0][crc>>56]
		p = p[8:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return crc
}
