package datatype

// Clone returns a deep copy of l (COPY), each chunk in a buffer of its own.
func (l *List) Clone() *List {
	c := &List{n: l.n}
	for k := 0; k < l.chunks.len(); k++ {
		c.chunks.pushBack(l.chunks.at(k).clone())
	}
	return c
}
