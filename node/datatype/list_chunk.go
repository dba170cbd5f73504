package datatype

// A listChunk holds consecutive list elements packed in one byte buffer, the way a
// quicklist node holds a listpack: each entry is the element's length (uvarint), its bytes,
// then the size of those two as a "back length" read from its end, so the chunk can be
// walked in both directions. The garbage collector sees one pointer per chunk, not one per
// element, and a small element costs its bytes plus two or three.
type listChunk struct {
	buf    []byte // the entries are buf[lo:hi]; the rest is room to push at either end
	lo, hi int
	n      int // entries
}

// listChunkBytes is the most a chunk packs before a new one starts (Redis's default
// list-max-listpack-size -2 is 8 KB). An element bigger than that gets a chunk of its own.
// A variable so tests can make chunks tiny.
var listChunkBytes = 8192

const listChunkMinCap = 16

func uvarintLen(x int) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// entrySize is the packed size of an element of length l.
func entrySize(l int) int {
	h := uvarintLen(l) + l
	return h + uvarintLen(h)
}

// putEntry packs v at the start of dst, which has room for it.
func putEntry[S ~string | ~[]byte](dst []byte, v S) {
	l := len(v)
	p := 0
	for x := l; ; x >>= 7 {
		if x < 0x80 {
			dst[p] = byte(x)
			p++
			break
		}
		dst[p] = byte(x) | 0x80
		p++
	}
	p += copy(dst[p:], v)
	// The back length: most significant group first; every byte but the first has the
	// high bit set, meaning "more before me" to a reader going backwards.
	m := uvarintLen(p)
	for j, h := m-1, p; j >= 0; j-- {
		b := byte(h & 0x7f)
		h >>= 7
		if j > 0 {
			b |= 0x80
		}
		dst[p+j] = b
	}
}

// entry returns the element starting at p and where the next one starts.
func (c *listChunk) entry(p int) (data []byte, next int) {
	b := c.buf
	l, s := int(b[p]), p+1
	if l >= 0x80 {
		l &= 0x7f
		for shift := 7; ; shift += 7 {
			x := b[s]
			s++
			l |= int(x&0x7f) << shift
			if x < 0x80 {
				break
			}
		}
	}
	e := s + l
	return b[s:e], e + uvarintLen(e-p)
}

// prev returns where the entry that ends at e starts.
func (c *listChunk) prev(e int) int {
	h, p := 0, e-1
	for shift := 0; ; shift += 7 {
		x := c.buf[p]
		h |= int(x&0x7f) << shift
		if x < 0x80 {
			break
		}
		p--
	}
	return p - h
}

func (c *listChunk) used() int { return c.hi - c.lo }

// offset returns where entry j (0 <= j < n) starts, walking from the nearer end.
func (c *listChunk) offset(j int) int {
	if j < c.n/2 {
		p := c.lo
		for ; j > 0; j-- {
			_, p = c.entry(p)
		}
		return p
	}
	e := c.hi
	for k := c.n - j; k > 0; k-- {
		e = c.prev(e)
	}
	return e
}

// fits reports whether an entry of size sz may join the chunk.
func (c *listChunk) fits(sz int) bool { return c.used()+sz <= listChunkBytes }

// makeRoom makes sure sz bytes are free at the chunk's back (or front), moving the entries
// to a new buffer when they are not.
func (c *listChunk) makeRoom(sz int, back bool) {
	free := c.lo
	if back {
		free = len(c.buf) - c.hi
	}
	if free >= sz {
		return
	}
	used := c.used()
	size := max(used+sz, min(2*len(c.buf), listChunkBytes), listChunkMinCap)
	nb := make([]byte, size)
	spare := size - used - sz
	// Pushed at both ends: share the spare room. Pushed at one end only: all of it there.
	other := len(c.buf) - c.hi
	if back {
		other = c.lo
	}
	lead := sz + spare // room before the entries when pushing at the front
	if back {
		lead = 0
	}
	if other > 0 {
		lead = spare / 2
		if !back {
			lead += sz
		}
	}
	copy(nb[lead:], c.buf[c.lo:c.hi])
	c.buf, c.lo, c.hi = nb, lead, lead+used
}

func (c *listChunk) pushBack(v []byte, sz int) {
	c.makeRoom(sz, true)
	putEntry(c.buf[c.hi:], v)
	c.hi += sz
	c.n++
}

func (c *listChunk) pushFront(v []byte, sz int) {
	c.makeRoom(sz, false)
	c.lo -= sz
	putEntry(c.buf[c.lo:], v)
	c.n++
}

// chunkOf packs the entries buf[from:to] (n of them) into a chunk of their own.
func chunkOf(buf []byte, from, to, n int) listChunk {
	nb := make([]byte, to-from)
	copy(nb, buf[from:to])
	return listChunk{buf: nb, lo: 0, hi: len(nb), n: n}
}

// clone copies the chunk's entries into a buffer of their own.
func (c *listChunk) clone() listChunk { return chunkOf(c.buf, c.lo, c.hi, c.n) }
