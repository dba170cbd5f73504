// Package numconv holds Redis 7.0's number parsing and formatting rules, byte for byte:
// which strings a command accepts as an integer (string2ll), as a double (string2d, used by
// ZADD, ZINCRBY, weights), as a long double (string2ld, used by INCRBYFLOAT and
// HINCRBYFLOAT), as a ZRANGEBYSCORE bound (zslParseRange) or a ZRANGEBYLEX bound
// (zslParseLexRangeItem), and how INCRBYFLOAT/HINCRBYFLOAT print their result (ld2string
// LD_STR_HUMAN).
//
// It is pure: no I/O, no state, no locking, and it knows nothing about commands, keys or
// replies (the reply writer formats doubles for ZSCORE and friends itself). The acceptance
// rules are checked against a real redis-server in the tests.
package numconv

import (
	"math"
	"strconv"
)

// maxIntLen is Redis's LONG_STR_SIZE (21): string2ll rejects strings of 21 bytes or more.
const maxIntLen = 21

// ParseInt parses b exactly as Redis's string2ll does: an optional '-', then "0" alone or a
// digit 1-9 followed by digits; no '+', no spaces, no leading zeros, no "-0", at most 20
// bytes, and the value must fit an int64. Every string it accepts is the canonical decimal
// form of its value (AppendInt gives the same bytes back).
func ParseInt(b []byte) (int64, bool) {
	n := len(b)
	if n == 0 || n >= maxIntLen {
		return 0, false
	}
	if n == 1 && b[0] == '0' {
		return 0, true
	}
	i := 0
	neg := b[0] == '-'
	if neg {
		i++
		if i == n {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < n; i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > math.MaxUint64/10 {
			return 0, false
		}
		v *= 10
		if v > math.MaxUint64-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// ParseIntString is ParseInt for a string.
func ParseIntString(s string) (int64, bool) {
	// The conversion does not allocate: ParseInt does not retain its argument.
	return ParseInt([]byte(s))
}

// AppendInt appends the decimal form of v (Redis's ll2string) to dst.
func AppendInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// floatKind is what a strtod-style scan found.
type floatKind uint8

const (
	kindNone   floatKind = iota // no conversion: strtod leaves eptr at the start
	kindNumber                  // decimal or hexadecimal number
	kindInf                     // "inf" or "infinity"
	kindNaN                     // "nan" or "nan(...)"
)

// floatScan describes the longest prefix of a string that glibc's strtod/strtold would
// convert (in the C locale).
type floatScan struct {
	kind    floatKind
	end     int  // bytes consumed, including leading white space; 0 for kindNone
	neg     bool // a '-' sign was present
	body    int  // index just after the sign
	hex     bool // a "0x" number
	nonzero bool // the mantissa has a non-zero digit
	hasExp  bool // an exponent part was consumed (hex: 'p', decimal: 'e')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// hasPrefixFold reports whether b[i:] starts with word (lower case ASCII), ignoring case.
func hasPrefixFold(b []byte, i int, word string) bool {
	if len(b)-i < len(word) {
		return false
	}
	for j := 0; j < len(word); j++ {
		if b[i+j]|0x20 != word[j] {
			return false
		}
	}
	return true
}

// scanFloat finds the prefix of b that strtod would consume, leading white space included
// (string2d and string2ld reject leading white space before calling it).
func scanFloat(b []byte) floatScan {
	var s floatScan
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		s.neg = b[i] == '-'
		i++
	}
	s.body = i
	if hasPrefixFold(b, i, "inf") {
		s.kind = kindInf
		s.end = i + 3
		if hasPrefixFold(b, i, "infinity") {
			s.end = i + 8
		}
		return s
	}
	if hasPrefixFold(b, i, "nan") {
		s.kind = kindNaN
		s.end = i + 3
		if j := s.end; j < len(b) && b[j] == '(' {
			for j++; j < len(b); j++ {
				c := b[j]
				if c == ')' {
					s.end = j + 1
					break
				}
				if !(isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c == '_') {
					break
				}
			}
		}
		return s
	}
	// Hexadecimal: "0x" must be followed by at least one hex digit (possibly after the
	// point), otherwise strtod converts just the "0".
	if i+1 < len(b) && b[i] == '0' && b[i+1]|0x20 == 'x' {
		j := i + 2
		digits := 0
		for j < len(b) && isHexDigit(b[j]) {
			if b[j] != '0' {
				s.nonzero = true
			}
			j++
			digits++
		}
		if j < len(b) && b[j] == '.' {
			k := j + 1
			for k < len(b) && isHexDigit(b[k]) {
				if b[k] != '0' {
					s.nonzero = true
				}
				k++
				digits++
			}
			j = k
		}
		if digits > 0 {
			s.kind, s.hex = kindNumber, true
			s.end = j
			if j < len(b) && b[j]|0x20 == 'p' {
				k := j + 1
				if k < len(b) && (b[k] == '+' || b[k] == '-') {
					k++
				}
				if k < len(b) && isDigit(b[k]) {
					for k < len(b) && isDigit(b[k]) {
						k++
					}
					s.end, s.hasExp = k, true
				}
			}
			return s
		}
		// Only "0" converts; eptr is left on the 'x'.
		s.kind = kindNumber
		s.end = i + 1
		return s
	}
	j := i
	digits := 0
	for j < len(b) && isDigit(b[j]) {
		if b[j] != '0' {
			s.nonzero = true
		}
		j++
		digits++
	}
	if j < len(b) && b[j] == '.' {
		k := j + 1
		for k < len(b) && isDigit(b[k]) {
			if b[k] != '0' {
				s.nonzero = true
			}
			k++
			digits++
		}
		if digits > 0 {
			j = k
		}
	}
	if digits == 0 {
		return floatScan{} // no conversion
	}
	s.kind = kindNumber
	s.end = j
	if j < len(b) && b[j]|0x20 == 'e' {
		k := j + 1
		if k < len(b) && (b[k] == '+' || b[k] == '-') {
			k++
		}
		if k < len(b) && isDigit(b[k]) {
			for k < len(b) && isDigit(b[k]) {
				k++
			}
			s.end, s.hasExp = k, true
		}
	}
	return s
}

// value converts a scanned number to float64 with glibc strtod's round-to-nearest result.
// overflow reports a finite number too large for a double (strtod: ±HUGE_VAL, ERANGE);
// underflow a non-zero number that rounds to zero (strtod: 0, ERANGE).
func (s floatScan) value(b []byte) (f float64, overflow, underflow bool) {
	switch s.kind {
	case kindInf:
		f = math.Inf(1)
	case kindNaN:
		f = math.NaN()
	case kindNumber:
		num := b[s.body:s.end]
		if s.hex && !s.hasExp {
			// Go insists on a binary exponent for hexadecimal floats; C does not.
			num = append(append(make([]byte, 0, len(num)+2), num...), 'p', '0')
		}
		v, err := strconv.ParseFloat(string(num), 64)
		if err != nil && !math.IsInf(v, 0) {
			// Cannot happen for a string scanFloat accepted; fail safe.
			return math.NaN(), false, false
		}
		f = v
		overflow = math.IsInf(v, 0)
		underflow = v == 0 && s.nonzero
	}
	if s.neg {
		f = -f
	}
	return f, overflow, underflow
}

// ParseFloat parses b exactly as Redis's string2d (getDoubleFromObject) does: the whole of
// b must be a strtod number, with no leading white space; "inf", "+inf", "-inf",
// "infinity" (any case), hexadecimal floats ("0x1p3") and exponents are accepted; NaN,
// values overflowing a double and non-zero values underflowing to zero are rejected.
func ParseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || isSpace(b[0]) {
		return 0, false
	}
	if v, ok := ParseInt(b); ok {
		// strtod rounds the decimal integer to nearest even, as the conversion does.
		return float64(v), true
	}
	s := scanFloat(b)
	if s.kind == kindNone || s.kind == kindNaN || s.end != len(b) {
		return 0, false
	}
	f, overflow, underflow := s.value(b)
	if overflow || underflow {
		return 0, false
	}
	return f, true
}

// ParseScore parses a sorted set score or increment (ZADD, ZINCRBY, ZUNIONSTORE WEIGHTS):
// Redis uses getDoubleFromObject for those, so the rules are ParseFloat's ("+inf" and
// "-inf" are valid scores; "nan" is "ERR value is not a valid float").
func ParseScore(b []byte) (float64, bool) { return ParseFloat(b) }

// ParseRangeBound parses one end of a ZRANGEBYSCORE / ZCOUNT / ZREMRANGEBYSCORE range the
// way Redis's zslParseRange does: a leading '(' makes the bound exclusive, and the rest goes
// through plain strtod, which is laxer than ParseFloat: leading white space is skipped, an
// empty string (or "(" alone) is 0, values out of range become ±Inf or 0, and parsing stops
// at the first NUL byte (Redis hands strtod a C string). Only NaN and trailing garbage are
// rejected.
func ParseRangeBound(b []byte) (v float64, exclusive, ok bool) {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) > 0 && b[0] == '(' {
		exclusive = true
		b = b[1:]
	}
	s := scanFloat(b)
	if s.kind == kindNone {
		// No conversion: strtod leaves eptr at the start, which is acceptable only when
		// the string is empty.
		return 0, exclusive, len(b) == 0
	}
	if s.kind == kindNaN || s.end != len(b) {
		return 0, false, false
	}
	v, _, _ = s.value(b)
	return v, exclusive, true
}

// LexBound is one end of a ZRANGEBYLEX / ZLEXCOUNT / ZREMRANGEBYLEX range.
type LexBound struct {
	// Inf is -1 for "-" (below every member), +1 for "+" (above every member), and 0 when
	// the bound is Value.
	Inf int8
	// Value is the member after the '(' or '[' prefix; it aliases the parsed input.
	Value []byte
	// Exclusive is true for '(' (and, as in Redis, for "-" and "+").
	Exclusive bool
}

// ParseLexBound parses "(member", "[member", "-" or "+" (zslParseLexRangeItem); anything
// else is invalid ("ERR min or max not valid string range item").
func ParseLexBound(b []byte) (LexBound, bool) {
	if len(b) == 0 {
		return LexBound{}, false
	}
	switch b[0] {
	case '+', '-':
		// Redis checks the byte after the sign against the C terminator, so "+\x00..."
		// counts as "+".
		if len(b) > 1 && b[1] != 0 {
			return LexBound{}, false
		}
		if b[0] == '+' {
			return LexBound{Inf: 1, Exclusive: true}, true
		}
		return LexBound{Inf: -1, Exclusive: true}, true
	case '(':
		return LexBound{Value: b[1:], Exclusive: true}, true
	case '[':
		return LexBound{Value: b[1:]}, true
	}
	return LexBound{}, false
}

// FormatFloatHuman returns f the way INCRBYFLOAT prints a result, for a value computed in
// float64 (see AppendFloatHuman).
func FormatFloatHuman(f float64) []byte { return AppendFloatHuman(nil, f) }

// AppendFloatHuman appends f in plain decimal notation, without exponent and without
// trailing zeros, "inf"/"-inf" for infinities, and "0" for negative zero.
//
// Redis computes INCRBYFLOAT in x87 long double (64-bit mantissa) and prints "%.17Lf" with
// the trailing zeros removed. A float64 cannot reproduce that in general, so this prints
// the shortest decimal that round-trips to f, which is what Redis shows whenever the long
// double result, rounded to 17 decimals, is the same short decimal ("10.5" + "0.1" gives
// "10.6" both ways). It differs when float64 rounding shows through (0.1+0.2 is
// "0.30000000000000004" here, "0.3" in Redis) or when the long double's extra digits do
// (Redis prints 1e300 as its exact 301-digit binary expansion). Use LongDouble for
// byte-exact INCRBYFLOAT/HINCRBYFLOAT replies.
func AppendFloatHuman(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case f == 0:
		return append(dst, '0')
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}
