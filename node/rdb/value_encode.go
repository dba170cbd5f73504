package rdb

import (
	"fmt"
	"math"
	"strconv"

	"github.com/rcnode/rcnode/node/datatype"
)

// valueEncoder writes values in the encodings Redis 7.0's rdbSaveObject picks for them.
type valueEncoder struct {
	fill    int    // list-max-listpack-size
	scratch []byte // one listpack or intset at a time
}

// prepare returns the RDB type byte v will be written with, or an error for a type this
// package does not know. For a listpack hash or sorted set it builds the listpack in
// e.scratch, for body to write; one that would pass Redis's 1 GB listpack limit is written
// in its table form instead.
func (e *valueEncoder) prepare(v any) (byte, error) {
	switch v := v.(type) {
	case *datatype.Str:
		return typeString, nil
	case *datatype.List:
		return typeListQuicklist2, nil
	case *datatype.Set:
		if _, ok := v.IntsetMembers(); ok {
			return typeSetIntset, nil
		}
		return typeSet, nil
	case *datatype.Hash:
		if v.Encoding() == datatype.EncListpack && e.hashListpack(v) {
			return typeHashListpack, nil
		}
		return typeHash, nil
	case *datatype.ZSet:
		if v.Encoding() == datatype.EncListpack && e.zsetListpack(v) {
			return typeZSetListpack, nil
		}
		return typeZSet2, nil
	case nil:
		return 0, fmt.Errorf("rdb: cannot encode a nil value")
	}
	return 0, fmt.Errorf("rdb: cannot encode a %T value", v)
}

// body writes the value after its type byte t (from prepare).
func (e *valueEncoder) body(o *out, t byte, v any) {
	switch t {
	case typeString:
		str(o, v.(*datatype.Str).B)
	case typeListQuicklist2:
		e.list(o, v.(*datatype.List))
	case typeSetIntset:
		ints, _ := v.(*datatype.Set).IntsetMembers()
		e.scratch = appendIntset(e.scratch[:0], ints)
		str(o, e.scratch)
	case typeSet:
		s := v.(*datatype.Set)
		o.length(uint64(s.Len()))
		s.ForEach(func(m string) bool { str(o, m); return o.err == nil })
	case typeHashListpack, typeZSetListpack:
		str(o, e.scratch) // built by prepare
	case typeHash:
		h := v.(*datatype.Hash)
		o.length(uint64(h.Len()))
		h.ForEach(func(f, val string) bool { str(o, f); str(o, val); return o.err == nil })
	case typeZSet2:
		z := v.(*datatype.ZSet)
		o.length(uint64(z.Len()))
		// Highest score first, as Redis writes them, so its loader inserts each at the head.
		z.ForEachReverse(func(m string, score float64) bool {
			str(o, m)
			o.binaryDouble(score)
			return o.err == nil
		})
	}
}

func (e *valueEncoder) hashListpack(h *datatype.Hash) bool {
	lp := newLP(e.scratch[:0])
	h.ForEach(func(f, v string) bool {
		lpAppendStr(&lp, f)
		lpAppendStr(&lp, v)
		return lp.size() <= listpackMaxSafety
	})
	e.scratch = lp.finish()
	return len(e.scratch) <= listpackMaxSafety
}

func (e *valueEncoder) zsetListpack(z *datatype.ZSet) bool {
	lp := newLP(e.scratch[:0])
	z.ForEach(func(m string, score float64) bool {
		lpAppendStr(&lp, m)
		// zzlInsertAt: a score that is an exact integer is stored as one, anything else as
		// its %.17g text.
		if i, ok := double2ll(score); ok {
			lp.appendInt(i)
		} else {
			lpAppendStr(&lp, d2string(score))
		}
		return lp.size() <= listpackMaxSafety
	})
	e.scratch = lp.finish()
	return len(e.scratch) <= listpackMaxSafety
}

// double2ll is Redis's double2ll: d as an int64 when that loses nothing (and |d| <= 2^62).
func double2ll(d float64) (int64, bool) {
	if d < -float64(math.MaxInt64/2) || d > float64(math.MaxInt64/2) {
		return 0, false
	}
	i := int64(d)
	return i, float64(i) == d
}

// d2string is Redis 7.0's d2string for a score that double2ll rejected.
func d2string(d float64) string {
	switch {
	case math.IsNaN(d):
		return "nan"
	case math.IsInf(d, 1):
		return "inf"
	case math.IsInf(d, -1):
		return "-inf"
	case d == 0:
		if math.Signbit(d) {
			return "-0"
		}
		return "0"
	}
	return strconv.FormatFloat(d, 'g', 17, 64)
}

// Quicklist node sizing (quicklist.c): with a negative fill a node holds up to 4, 8, 16, 32
// or 64 KB of listpack (-1..-5); with a positive one up to fill elements within 8 KB.
var optimizationLevel = [...]int{4096, 8192, 16384, 32768, 65536}

const (
	sizeSafetyLimit      = 8192
	sizeEstimateOverhead = 8
	emptyListpackSize    = lpHeaderSize + 1
)

// allowInsert is _quicklistNodeAllowInsert for a packed node of size bytes and count
// elements, and a new element of sz bytes.
func allowInsert(fill, size, count, sz int) bool {
	if sz >= packedThreshold {
		return false
	}
	newSize := size + sz + sizeEstimateOverhead
	if fill < 0 {
		if off := -fill - 1; off < len(optimizationLevel) && newSize <= optimizationLevel[off] {
			return true
		}
	}
	if newSize > sizeSafetyLimit {
		return false
	}
	return count < fill
}

// list writes a LIST_QUICKLIST_2 body: the node count, then each node's container and
// listpack. Nodes are cut where quicklistPushTail would cut them when the list is built by
// RPUSH, so a list Redis built that way is written byte for byte as Redis writes it. It
// walks the list twice, once to count the nodes and once to write them; fetching each node's
// range by index would walk from an end of the list for every node.
func (e *valueEncoder) list(o *out, l *datatype.List) {
	nodes := 0
	cut := e.nodeCutter()
	l.ForEach(func(v string) bool {
		if starts, _ := cut.next(v); starts {
			nodes++
		}
		return true
	})
	o.length(uint64(nodes))

	cut = e.nodeCutter()
	var lp lpBuilder
	open := false // a packed node is being built in lp
	closeNode := func() {
		if open {
			e.scratch = lp.finish()
			str(o, e.scratch)
			o.maybeFlush()
			open = false
		}
	}
	l.ForEach(func(v string) bool {
		starts, plain := cut.next(v)
		if starts {
			closeNode()
		}
		switch {
		case plain:
			o.length(containerPlain)
			str(o, v)
		case starts:
			o.length(containerPacked)
			lp = newLP(e.scratch[:0])
			open = true
			lpAppendStr(&lp, v)
		default:
			lpAppendStr(&lp, v)
		}
		return o.err == nil
	})
	closeNode()
}

// quicklistCutter tells, element by element, where quicklistPushTail starts a new node.
type quicklistCutter struct {
	fill, size, count int
	inNode            bool // a packed node is open
}

func (e *valueEncoder) nodeCutter() quicklistCutter {
	fill := e.fill
	if fill == 0 {
		fill = -2 // Redis's default; 0 is not a valid setting
	}
	return quicklistCutter{fill: fill}
}

// next takes the list's next element: starts says it begins a new node, plain that the node
// is a plain one, holding it alone.
func (c *quicklistCutter) next(v string) (starts, plain bool) {
	switch {
	case len(v) >= packedThreshold:
		c.inNode = false
		return true, true
	case c.inNode && allowInsert(c.fill, c.size, c.count, len(v)):
		c.size += lpEntrySize(v)
		c.count++
		return false, false
	default:
		c.size, c.count, c.inNode = emptyListpackSize+lpEntrySize(v), 1, true
		return true, false
	}
}
