// Package slots owns the hash-slot arithmetic of Redis Cluster: the key slot (CRC16/XMODEM of
// the key or of its first non-empty {hash tag}, mod 16384), slot bitmaps and the range lists
// ("0-5460 10923") that CLUSTER NODES and redis-cli print. It is pure: no I/O, no state.
package slots

import "github.com/sigurn/crc16"

// Count is the number of hash slots in a Redis Cluster.
const Count = 16384

// table is CRC16/XMODEM's byte table, read out of github.com/sigurn/crc16 (for a
// non-reflected CRC, updating 0 with byte n yields entry n). The loop in crc below is the
// library's without its per-byte reflection check: the key slot runs for every key of every
// command.
var table = func() (t [256]uint16) {
	lib := crc16.MakeTable(crc16.CRC16_XMODEM)
	for n := range t {
		t[n] = crc16.Update(0, []byte{byte(n)}, lib)
	}
	return t
}()

func crc(data []byte) uint16 {
	var c uint16
	for _, d := range data {
		c = c<<8 ^ table[byte(c>>8)^d]
	}
	return c
}

// KeySlot returns the hash slot of key, honouring the first non-empty {hash tag}.
func KeySlot(key []byte) int {
	for i, c := range key {
		if c != '{' {
			continue
		}
		for j := i + 1; j < len(key); j++ {
			if key[j] == '}' {
				if j > i+1 {
					key = key[i+1 : j]
				}
				return int(crc(key) & (Count - 1))
			}
		}
		break
	}
	return int(crc(key) & (Count - 1))
}

// KeySlotString is KeySlot for a string key.
func KeySlotString(key string) int {
	return KeySlot([]byte(key))
}
