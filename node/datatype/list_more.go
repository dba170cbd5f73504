package datatype

// Clone returns a deep copy of l (COPY). Elements are immutable strings, so copying the
// ring buffer copies the list; the copy is compacted to start at slot 0.
func (l *List) Clone() *List {
	c := &List{n: l.n}
	if l.n > 0 {
		c.buf = make([]string, len(l.buf))
		first := copy(c.buf, l.buf[l.head:min(l.head+l.n, len(l.buf))])
		copy(c.buf[first:], l.buf[:l.n-first])
	}
	return c
}
