package rdb

import (
	"encoding/binary"
	"errors"
	"math"
)

// An intset (the encoding of small all-integer sets) is
//
//	<width u32 LE: 2, 4 or 8> <count u32 LE> <count values of width bytes, LE, ascending>

var errIntset = errors.New("intset integrity check failed")

// appendIntset appends the intset of the sorted, distinct values vs, in the narrowest width
// that holds them all (Redis widens an intset when needed and never narrows it, so a set
// that once held a wide member may be wider in Redis; both load the same).
func appendIntset(b []byte, vs []int64) []byte {
	width := 2
	if len(vs) > 0 {
		lo, hi := vs[0], vs[len(vs)-1]
		switch {
		case lo < math.MinInt32 || hi > math.MaxInt32:
			width = 8
		case lo < math.MinInt16 || hi > math.MaxInt16:
			width = 4
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(width))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vs)))
	for _, v := range vs {
		switch width {
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	return b
}

// intsetEach validates an intset as intsetValidateIntegrity does in deep mode (known width,
// size matching the count, not empty, strictly ascending) and calls fn with each value.
func intsetEach(b []byte, fn func(v int64) error) error {
	if len(b) < 8 {
		return errIntset
	}
	width := binary.LittleEndian.Uint32(b)
	count := uint64(binary.LittleEndian.Uint32(b[4:]))
	if (width != 2 && width != 4 && width != 8) || 8+count*uint64(width) != uint64(len(b)) || count == 0 {
		return errIntset
	}
	prev := int64(0)
	for i := 0; i < int(count); i++ {
		p := b[8+i*int(width):]
		var v int64
		switch width {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(p)))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(p)))
		default:
			v = int64(binary.LittleEndian.Uint64(p))
		}
		if i > 0 && v <= prev {
			return errIntset
		}
		prev = v
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}
