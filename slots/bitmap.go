package slots

import (
	"math/bits"
	"strconv"
	"strings"
)

// Bitmap is a set of slots, laid out as Redis lays out the bus header's slot bitmap
// (slot s is bit s%8 of byte s/8).
type Bitmap [Count / 8]byte

// Set adds slot s.
func (b *Bitmap) Set(s int) { b[s>>3] |= 1 << (s & 7) }

// Clear removes slot s.
func (b *Bitmap) Clear(s int) { b[s>>3] &^= 1 << (s & 7) }

// Has reports whether slot s is in the set.
func (b *Bitmap) Has(s int) bool { return b[s>>3]&(1<<(s&7)) != 0 }

// Count returns the number of slots in the set.
func (b *Bitmap) Count() int {
	n := 0
	for _, x := range b {
		n += bits.OnesCount8(x)
	}
	return n
}

// Range is an inclusive run of slots.
type Range struct{ Start, End int }

// Ranges returns the set as ascending inclusive runs.
func (b *Bitmap) Ranges() []Range {
	var out []Range
	start := -1
	for s := 0; s <= Count; s++ {
		in := s < Count && b.Has(s)
		switch {
		case in && start < 0:
			start = s
		case !in && start >= 0:
			out = append(out, Range{start, s - 1})
			start = -1
		}
	}
	return out
}

// String formats the set the way CLUSTER NODES does: "0-5460 10923 10925-10930".
func (b *Bitmap) String() string {
	var sb strings.Builder
	for i, r := range b.Ranges() {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(r.String())
	}
	return sb.String()
}

// String formats one run as "a-b", or "a" for a single slot.
func (r Range) String() string {
	if r.Start == r.End {
		return strconv.Itoa(r.Start)
	}
	return strconv.Itoa(r.Start) + "-" + strconv.Itoa(r.End)
}

// ParseRange parses "a" or "a-b" with 0 <= a <= b < Count.
func ParseRange(s string) (Range, bool) {
	a, b, dash := strings.Cut(s, "-")
	start, err := strconv.Atoi(a)
	if err != nil || start < 0 || start >= Count {
		return Range{}, false
	}
	if !dash {
		return Range{start, start}, true
	}
	end, err := strconv.Atoi(b)
	if err != nil || end < start || end >= Count {
		return Range{}, false
	}
	return Range{start, end}, true
}
