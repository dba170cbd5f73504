package clientproto

// PeekFirstArg returns the name and first argument of the command after the next skip
// commands in the buffer, without consuming anything, when every command up to it is a
// multibulk that has fully arrived (the one peeked at: its first two arguments) and it has at
// least two arguments; nil otherwise. It is a hint for prefetching the keys of pipelined
// commands while earlier ones run: any unusual form answers nil, and Parse alone decides what
// the commands are and whether they are valid. The slices point into the buffer, like
// Parse's, and are valid until the next Parse or Fill.
func (r *Reader) PeekFirstArg(skip int) (name, arg []byte) {
	if r.pending != 0 || r.err != nil {
		return nil, nil
	}
	b := r.buf[r.pos:r.end]
	i := 0
	for ; skip > 0; skip-- {
		if i = peekCommandEnd(b, i); i < 0 {
			return nil, nil
		}
	}
	if i >= len(b) || b[i] != '*' {
		return nil, nil
	}
	n, i := peekLen(b, i+1)
	if n < 2 {
		return nil, nil
	}
	if name, i = peekBulk(b, i); name == nil {
		return nil, nil
	}
	if arg, _ = peekBulk(b, i); arg == nil {
		return nil, nil
	}
	return name, arg
}

// peekCommandEnd returns the index past the multibulk command at b[i:], or -1 when it is not
// one or has not fully arrived.
func peekCommandEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '*' {
		return -1
	}
	n, i := peekLen(b, i+1)
	if n < 1 {
		return -1
	}
	for ; n > 0; n-- {
		var arg []byte
		if arg, i = peekBulk(b, i); arg == nil {
			return -1
		}
	}
	return i
}

// peekLen reads the plain decimal number (up to 9 digits) at b[i:] that ends a line, and
// returns it and the index past the line's CR and the byte after it; -1 when that is not
// what b holds.
func peekLen(b []byte, i int) (int, int) {
	n, start := 0, i
	for ; i < len(b) && i-start <= 9; i++ {
		c := b[i]
		if c == '\r' {
			if i == start || i+1 >= len(b) {
				return -1, 0
			}
			return n, i + 2
		}
		if c < '0' || c > '9' {
			return -1, 0
		}
		n = n*10 + int(c-'0')
	}
	return -1, 0
}

// peekBulk returns the bulk string "$<len>\r\n<data>\r\n" at b[i:] and the index past it, or
// nil when it is not (all) there.
func peekBulk(b []byte, i int) ([]byte, int) {
	if i >= len(b) || b[i] != '$' {
		return nil, 0
	}
	n, i := peekLen(b, i+1)
	if n < 0 || len(b)-i < n+2 {
		return nil, 0
	}
	return b[i : i+n : i+n], i + n + 2
}
