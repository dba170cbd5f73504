// Package slots owns the hash-slot arithmetic of Redis Cluster: the key slot (CRC16/XMODEM of
// the key or of its first non-empty {hash tag}, mod 16384), slot bitmaps and the range lists
// ("0-5460 10923") that CLUSTER NODES and redis-cli print. It is pure: no I/O, no state.
package slots

import (
	"bytes"

	"github.com/sigurn/crc16"
)

// Count is the number of hash slots in a Redis Cluster.
const Count = 16384

// tables[0] is CRC16/XMODEM's byte table, read out of github.com/sigurn/crc16 (for a
// non-reflected CRC, updating 0 with byte n yields entry n). tables[j][n] is the CRC of byte
// n followed by j zero bytes: the CRC is linear, so eight bytes fold into the register with
// eight independent lookups (slicing-by-8) instead of eight dependent steps. The key slot
// runs for every key of every command.
var tables = func() (t [8][256]uint16) {
	lib := crc16.MakeTable(crc16.CRC16_XMODEM)
	for n := range t[0] {
		t[0][n] = crc16.Update(0, []byte{byte(n)}, lib)
	}
	for j := 1; j < len(t); j++ {
		for n, prev := range t[j-1] {
			t[j][n] = prev<<8 ^ t[0][prev>>8]
		}
	}
	return t
}()

func crc(data []byte) uint16 {
	var c uint16
	for ; len(data) >= 8; data = data[8:] {
		c ^= uint16(data[0])<<8 | uint16(data[1])
		c = tables[7][c>>8] ^ tables[6][c&0xff] ^ tables[5][data[2]] ^ tables[4][data[3]] ^
			tables[3][data[4]] ^ tables[2][data[5]] ^ tables[1][data[6]] ^ tables[0][data[7]]
	}
	for _, d := range data {
		c = c<<8 ^ tables[0][byte(c>>8)^d]
	}
	return c
}

// KeySlot returns the hash slot of key, honouring the first non-empty {hash tag}.
func KeySlot(key []byte) int {
	if i := bytes.IndexByte(key, '{'); i >= 0 {
		if j := bytes.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	return int(crc(key) & (Count - 1))
}

// KeySlotString is KeySlot for a string key.
func KeySlotString(key string) int {
	return KeySlot([]byte(key))
}
