package rdb

import (
	"encoding/binary"
	"errors"
)

var errZipmap = errors.New("zipmap integrity check failed")

// zipmapEach validates a zipmap (Redis 2.x small hashes: <count u8> then
// <len><field><len><free><value><free bytes> pairs and 0xFF; a length byte of 254 or 255 is
// followed by a u32 LE length) and calls fn with each field and value.
func zipmapEach(zm []byte, fn func(field, value []byte) error) (int, error) {
	if len(zm) < 2 || zm[len(zm)-1] != 0xFF {
		return 0, errZipmap
	}
	end := len(zm) - 1
	readLen := func(p int) (l, next int, ok bool) {
		if p >= end {
			return 0, 0, false
		}
		if zm[p] < 254 {
			return int(zm[p]), p + 1, true
		}
		if p+5 > end {
			return 0, 0, false
		}
		return int(binary.LittleEndian.Uint32(zm[p+1:])), p + 5, true
	}
	n := 0
	p := 1
	for p < end && zm[p] != 0xFF { // like Redis, bytes after an early end marker are ignored
		fl, q, ok := readLen(p)
		if !ok || fl > end || q+fl > end {
			return n, errZipmap
		}
		field := zm[q : q+fl]
		vl, q2, ok := readLen(q + fl)
		if !ok || q2 >= end {
			return n, errZipmap
		}
		free := int(zm[q2])
		q2++
		if vl > end || q2+vl+free > end {
			return n, errZipmap
		}
		if err := fn(field, zm[q2:q2+vl]); err != nil {
			return n, err
		}
		p = q2 + vl + free
		n++
	}
	if n == 0 || (zm[0] != 254 && int(zm[0]) != n) {
		return n, errZipmap
	}
	return n, nil
}
