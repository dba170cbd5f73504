package clientproto

import (
	"math"
	"strconv"
)

// Writer appends replies to a buffer in the connection's protocol (2 or 3). The owner flushes
// Bytes() to the socket once per batch of pipelined commands and then calls Reset.
type Writer struct {
	buf    []byte
	Proto  int   // 2 or 3
	Errors int64 // error replies written, for INFO's total_error_replies
}

// NewWriter returns a RESP2 writer with room for size bytes.
func NewWriter(size int) *Writer { return &Writer{buf: make([]byte, 0, size), Proto: 2} }

// Bytes returns what has been written since the last Reset.
func (w *Writer) Bytes() []byte { return w.buf }

// Len is the number of buffered bytes.
func (w *Writer) Len() int { return len(w.buf) }

// Reset empties the buffer, keeping its storage unless it grew past keep bytes.
func (w *Writer) Reset(keep int) {
	if cap(w.buf) > keep {
		w.buf = make([]byte, 0, keep)
		return
	}
	w.buf = w.buf[:0]
}

// Truncate drops everything written after length n (used to discard a partial reply).
func (w *Writer) Truncate(n int) { w.buf = w.buf[:n] }

// Raw appends bytes that are already RESP.
func (w *Writer) Raw(b []byte) { w.buf = append(w.buf, b...) }

func (w *Writer) header(prefix byte, n int64) {
	w.buf = append(w.buf, prefix)
	w.buf = strconv.AppendInt(w.buf, n, 10)
	w.buf = append(w.buf, '\r', '\n')
}

// Simple appends +s.
func (w *Writer) Simple(s string) {
	w.buf = append(w.buf, '+')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// OK appends +OK.
func (w *Writer) OK() { w.buf = append(w.buf, "+OK\r\n"...) }

// Error appends -msg. msg carries its own code ("ERR ...", "WRONGTYPE ..."). Newlines are
// replaced so the reply stays one line.
func (w *Writer) Error(msg string) {
	w.Errors++
	w.buf = append(w.buf, '-')
	if len(msg) > 0 && msg[0] == '-' {
		msg = msg[1:]
	}
	start := len(w.buf)
	w.buf = append(w.buf, msg...)
	for i := start; i < len(w.buf); i++ {
		if w.buf[i] == '\r' || w.buf[i] == '\n' {
			w.buf[i] = ' '
		}
	}
	w.buf = append(w.buf, '\r', '\n')
}

// Int appends :n.
func (w *Writer) Int(n int64) { w.header(':', n) }

// Bulk appends a bulk string.
func (w *Writer) Bulk(b []byte) {
	w.header('$', int64(len(b)))
	w.buf = append(w.buf, b...)
	w.buf = append(w.buf, '\r', '\n')
}

// BulkString appends a bulk string.
func (w *Writer) BulkString(s string) {
	w.header('$', int64(len(s)))
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// BulkInt appends n as a bulk string (e.g. INCRBYFLOAT-like replies of integers).
func (w *Writer) BulkInt(n int64) {
	var tmp [24]byte
	w.Bulk(strconv.AppendInt(tmp[:0], n, 10))
}

// Null appends the null bulk ($-1 in RESP2, _ in RESP3).
func (w *Writer) Null() {
	if w.Proto >= 3 {
		w.buf = append(w.buf, "_\r\n"...)
		return
	}
	w.buf = append(w.buf, "$-1\r\n"...)
}

// NullArray appends the null array (*-1 in RESP2, _ in RESP3).
func (w *Writer) NullArray() {
	if w.Proto >= 3 {
		w.buf = append(w.buf, "_\r\n"...)
		return
	}
	w.buf = append(w.buf, "*-1\r\n"...)
}

// Array appends an array header of n elements.
func (w *Writer) Array(n int) { w.header('*', int64(n)) }

// Map appends a map header of n pairs (a flat array of 2n in RESP2).
func (w *Writer) Map(n int) {
	if w.Proto >= 3 {
		w.header('%', int64(n))
		return
	}
	w.header('*', int64(2*n))
}

// Set appends a set header of n elements (an array in RESP2).
func (w *Writer) Set(n int) {
	if w.Proto >= 3 {
		w.header('~', int64(n))
		return
	}
	w.header('*', int64(n))
}

// Push appends a push header of n elements (an array in RESP2).
func (w *Writer) Push(n int) {
	if w.Proto >= 3 {
		w.header('>', int64(n))
		return
	}
	w.header('*', int64(n))
}

// Bool appends a boolean (#t/#f in RESP3, :1/:0 in RESP2).
func (w *Writer) Bool(b bool) {
	if w.Proto >= 3 {
		if b {
			w.buf = append(w.buf, "#t\r\n"...)
		} else {
			w.buf = append(w.buf, "#f\r\n"...)
		}
		return
	}
	if b {
		w.buf = append(w.buf, ":1\r\n"...)
	} else {
		w.buf = append(w.buf, ":0\r\n"...)
	}
}

// AppendDouble formats f the way Redis 7.0's addReplyDouble does ("%.17g", inf, -inf, and
// glibc's nan/-nan).
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f) && math.Signbit(f):
		return append(dst, "-nan"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return appendG17(dst, f)
}

// appendG17 reproduces C's printf("%.17g").
func appendG17(dst []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	exp := int(math.Floor(math.Log10(math.Abs(f))))
	// Log10 can be off by one near powers of ten; take the exponent from %e instead.
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', 16, 64)
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == 'e' {
			exp, _ = strconv.Atoi(string(e[i+1:]))
			break
		}
	}
	if exp < -4 || exp >= 17 {
		// %e form with trailing zeros of the mantissa removed, exponent at least two digits.
		mant := e
		var expPart []byte
		for i := range e {
			if e[i] == 'e' {
				mant, expPart = e[:i], e[i+1:]
				break
			}
		}
		mant = trimFractionZeros(mant)
		dst = append(dst, mant...)
		dst = append(dst, 'e')
		sign := byte('+')
		if expPart[0] == '-' || expPart[0] == '+' {
			sign = expPart[0]
			expPart = expPart[1:]
		}
		dst = append(dst, sign)
		if len(expPart) < 2 {
			dst = append(dst, '0')
		}
		return append(dst, expPart...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', 16-exp, 64)
	return append(dst[:start], trimFractionZeros(dst[start:])...)
}

func trimFractionZeros(b []byte) []byte {
	dot := -1
	for i, c := range b {
		if c == '.' {
			dot = i
			break
		}
	}
	if dot < 0 {
		return b
	}
	end := len(b)
	for end > dot+1 && b[end-1] == '0' {
		end--
	}
	if end == dot+1 {
		end = dot
	}
	return b[:end]
}

// Double appends a double: a bulk string in RESP2, ",<value>" in RESP3.
func (w *Writer) Double(f float64) {
	var tmp [40]byte
	s := AppendDouble(tmp[:0], f)
	if w.Proto >= 3 {
		w.buf = append(w.buf, ',')
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.Bulk(s)
}

// Verbatim appends a verbatim string of format fmt ("txt"); a bulk string in RESP2.
func (w *Writer) Verbatim(s string, format string) {
	if w.Proto >= 3 {
		w.header('=', int64(len(s)+4))
		w.buf = append(w.buf, format...)
		w.buf = append(w.buf, ':')
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.BulkString(s)
}

// BigNumber appends a big number ("(" in RESP3, bulk string in RESP2).
func (w *Writer) BigNumber(s string) {
	if w.Proto >= 3 {
		w.buf = append(w.buf, '(')
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.BulkString(s)
}
