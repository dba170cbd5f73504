package clientproto

// PeekFirstArg returns the name and first argument of the next command in the buffer,
// without consuming anything, when that command is a multibulk of at least two arguments
// whose first two have arrived; nil otherwise. It is a hint for prefetching the next key
// while the current command runs: any unusual form answers nil, and Parse alone decides
// what the command is and whether it is valid. The slices point into the buffer, like
// Parse's, and are valid until the next Parse or Fill.
func (r *Reader) PeekFirstArg() (name, arg []byte) {
	if r.pending != 0 || r.err != nil {
		return nil, nil
	}
	b := r.buf[r.pos:r.end]
	if len(b) == 0 || b[0] != '*' {
		return nil, nil
	}
	n, i := peekLen(b, 1)
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
