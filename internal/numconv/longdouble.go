package numconv

import (
	"math"
	"math/big"
	"math/bits"
)

// LongDouble is a number with the precision and range of the x87 80-bit long double that
// Redis 7.0 on x86-64 uses for INCRBYFLOAT and HINCRBYFLOAT: a 64-bit mantissa and a binary
// exponent up to 16383. Parsing (strtold), addition and "%.17Lf" printing round exactly as
// glibc and the FPU do (to nearest, ties to even), so
//
//	v, _ := ParseLongDouble(value); d, _ := ParseLongDouble(incr); v.Add(d).AppendHuman(nil)
//
// is byte for byte what Redis replies and stores. Integers (the common case) take a fast
// path; anything else goes through math/big (a few microseconds).
//
// One documented simplification: values below 2^-16382 (subnormal long doubles, about
// 3.4e-4932) keep a full 64-bit mantissa instead of losing precision. That is invisible in
// every reply: "%.17Lf" prints them as 0.
//
// The zero value is 0.
type LongDouble struct {
	form uint8 // formFinite, formInf or formNaN
	neg  bool
	mant uint64 // finite value = mant × 2^exp
	exp  int32
}

const (
	formFinite = iota
	formInf
	formNaN
)

// x87 extended precision limits.
const (
	ldPrec = 64
	// A finite long double is below 2^16384 (math/big exponent <= 16384).
	ldMaxExp = 16384
	// strtold returns 0 (ERANGE) for values at or below half the smallest subnormal,
	// 2^-16445 / 2.
	ldUnderflowExp = -16446
	// maxLongDoubleChars is Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects longer input.
	maxLongDoubleChars = 5 * 1024
)

// LongDoubleFromInt returns v as a long double (exact).
func LongDoubleFromInt(v int64) LongDouble {
	if v < 0 {
		return LongDouble{neg: true, mant: uint64(-v)} // -MinInt64 wraps to 1<<63: right
	}
	return LongDouble{mant: uint64(v)}
}

// LongDoubleFromFloat64 returns f as a long double (exact: every double is one).
func LongDoubleFromFloat64(f float64) LongDouble {
	switch {
	case math.IsNaN(f):
		return LongDouble{form: formNaN}
	case math.IsInf(f, 0):
		return LongDouble{form: formInf, neg: f < 0}
	}
	fr, e := math.Frexp(math.Abs(f))
	return LongDouble{neg: math.Signbit(f), mant: uint64(fr * (1 << 53)), exp: int32(e - 53)}
}

// ParseLongDouble parses b exactly as Redis's string2ld (getLongDoubleFromObject) does:
// the whole of b must be a strtold number, at most 5119 bytes, with no leading white space;
// "inf"/"-inf"/"infinity" are accepted, NaN is rejected, and so are values that overflow or
// underflow (to zero) a long double. Note the range: "1e400" is a valid long double.
func ParseLongDouble(b []byte) (LongDouble, bool) {
	if len(b) == 0 || len(b) >= maxLongDoubleChars || isSpace(b[0]) {
		return LongDouble{}, false
	}
	if v, ok := ParseInt(b); ok {
		return LongDoubleFromInt(v), true
	}
	s := scanFloat(b)
	if s.kind == kindNone || s.kind == kindNaN || s.end != len(b) {
		return LongDouble{}, false
	}
	if s.kind == kindInf {
		return LongDouble{form: formInf, neg: s.neg}, true
	}
	if !s.nonzero {
		return LongDouble{neg: s.neg}, true
	}
	x, ok := s.bigValue(b)
	if !ok {
		return LongDouble{}, false
	}
	if e := x.MantExp(nil); e > ldMaxExp {
		return LongDouble{}, false // ERANGE, ±HUGE_VALL
	}
	if x.Cmp(underflowLimit) <= 0 {
		return LongDouble{}, false // ERANGE, rounds to zero
	}
	return fromBig(x, s.neg), true
}

// ParseLongDoubleString is ParseLongDouble for a string.
func ParseLongDoubleString(s string) (LongDouble, bool) { return ParseLongDouble([]byte(s)) }

var underflowLimit = new(big.Float).SetMantExp(big.NewFloat(1), ldUnderflowExp)

// bigValue rounds the scanned (non-zero, finite) number to 64 bits, unsigned. ok is false
// when it is certainly out of the long double range (too large: overflow).
func (s floatScan) bigValue(b []byte) (*big.Float, bool) {
	num := b[s.body:s.end]
	base := 10
	if s.hex {
		num, base = num[2:], 16
	}
	// Split mantissa digits (without the point) and the exponent.
	var digits []byte
	frac := 0
	seenPoint := false
	i := 0
	for ; i < len(num); i++ {
		c := num[i]
		if c == '.' {
			seenPoint = true
			continue
		}
		if (base == 10 && c|0x20 == 'e') || (base == 16 && c|0x20 == 'p') {
			break
		}
		if len(digits) == 0 && c == '0' {
			if seenPoint {
				frac++
			}
			continue // leading zero
		}
		digits = append(digits, c)
		if seenPoint {
			frac++
		}
	}
	exp := int64(0)
	if i < len(num) {
		e, neg := int64(0), false
		i++
		if num[i] == '+' || num[i] == '-' {
			neg = num[i] == '-'
			i++
		}
		for ; i < len(num); i++ {
			if e < 1<<40 {
				e = e*10 + int64(num[i]-'0')
			}
		}
		if neg {
			e = -e
		}
		exp = e
	}
	mant, _ := new(big.Int).SetString(string(digits), base)
	if base == 16 {
		// value = mant × 2^(exp - 4·frac)
		e2 := exp - 4*int64(frac)
		top := int64(mant.BitLen()) + e2 // value < 2^top
		if top > ldMaxExp+1 {
			return nil, false
		}
		if top < ldUnderflowExp-1 {
			return new(big.Float), true // certainly rounds to zero
		}
		x := new(big.Float).SetInt(mant)
		x.SetMantExp(x, int(e2))
		return x.SetPrec(ldPrec), true
	}
	// value = mant × 10^e10, with mant < 10^len(digits)
	e10 := exp - int64(frac)
	top := int64(len(digits)) + e10 // value < 10^top
	if top > 4934 {
		return nil, false // >= 10^4933 > max long double (1.19e4932)
	}
	if top < -4951 {
		return new(big.Float), true // < 10^-4952, below half the smallest subnormal
	}
	if e10 >= 0 {
		mant.Mul(mant, new(big.Int).Exp(big.NewInt(10), big.NewInt(e10), nil))
		return new(big.Float).SetPrec(ldPrec).SetInt(mant), true
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(-e10), nil)
	return new(big.Float).SetPrec(ldPrec).Quo(new(big.Float).SetInt(mant), new(big.Float).SetInt(den)), true
}

// fromBig converts a finite big.Float already rounded to 64 bits (sign ignored).
func fromBig(x *big.Float, neg bool) LongDouble {
	if x.Sign() == 0 {
		return LongDouble{neg: neg}
	}
	m := new(big.Float)
	e := x.MantExp(m) // |x| = |m| × 2^e, 0.5 <= |m| < 1
	m.Abs(m)
	m.SetMantExp(m, ldPrec)
	u, _ := m.Uint64()
	return LongDouble{neg: neg, mant: u, exp: int32(e - ldPrec)}
}

func (x LongDouble) big() *big.Float {
	f := new(big.Float).SetPrec(ldPrec).SetUint64(x.mant)
	f.SetMantExp(f, int(x.exp))
	if x.neg {
		f.Neg(f)
	}
	return f
}

// IsInf reports whether x is +inf or -inf.
func (x LongDouble) IsInf() bool { return x.form == formInf }

// IsNaN reports whether x is not a number (only inf + -inf makes one).
func (x LongDouble) IsNaN() bool { return x.form == formNaN }

// Float64 returns x rounded to the nearest double (±Inf when out of range).
func (x LongDouble) Float64() float64 {
	switch x.form {
	case formInf:
		if x.neg {
			return math.Inf(-1)
		}
		return math.Inf(1)
	case formNaN:
		return math.NaN()
	}
	if x.mant == 0 {
		if x.neg {
			return math.Copysign(0, -1)
		}
		return 0
	}
	f, _ := x.big().Float64()
	return f
}

// integer returns x as an int64 when it is an integer that fits.
func (x LongDouble) integer() (int64, bool) {
	if x.form != formFinite {
		return 0, false
	}
	var u uint64
	switch {
	case x.mant == 0:
		return 0, true
	case x.exp >= 0:
		if x.exp >= 64 || bits.LeadingZeros64(x.mant) < int(x.exp)+1 {
			return 0, false
		}
		u = x.mant << uint(x.exp)
	default:
		if x.exp <= -64 || x.mant&(1<<uint(-x.exp)-1) != 0 {
			return 0, false
		}
		u = x.mant >> uint(-x.exp)
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	if x.neg {
		return -int64(u), true
	}
	return int64(u), true
}

// Add returns x + y rounded to a long double, as the FPU computes it: an infinite operand
// gives an infinity (NaN for inf + -inf), and a finite sum beyond the long double range
// becomes an infinity.
func (x LongDouble) Add(y LongDouble) LongDouble {
	if x.form == formNaN || y.form == formNaN {
		return LongDouble{form: formNaN}
	}
	if x.form == formInf || y.form == formInf {
		if x.form == formInf && y.form == formInf && x.neg != y.neg {
			return LongDouble{form: formNaN}
		}
		if x.form == formInf {
			return x
		}
		return y
	}
	if a, ok := x.integer(); ok {
		if b, ok := y.integer(); ok {
			if s := a + b; (s > a) == (b > 0) {
				return LongDoubleFromInt(s)
			}
		}
	}
	s := new(big.Float).SetPrec(ldPrec).Add(x.big(), y.big())
	if s.Sign() == 0 {
		return LongDouble{} // x + (-x) is +0 when rounding to nearest
	}
	if s.MantExp(nil) > ldMaxExp {
		return LongDouble{form: formInf, neg: s.Sign() < 0}
	}
	return fromBig(s, s.Sign() < 0)
}

// AppendHuman appends x as Redis's ld2string(LD_STR_HUMAN) prints it: "%.17Lf", then the
// trailing zeros and a trailing '.' removed, "-0" turned into "0"; "inf"/"-inf" for
// infinities.
func (x LongDouble) AppendHuman(dst []byte) []byte {
	switch x.form {
	case formInf:
		if x.neg {
			return append(dst, "-inf"...)
		}
		return append(dst, "inf"...)
	case formNaN:
		if x.neg {
			return append(dst, "-nan"...)
		}
		return append(dst, "nan"...)
	}
	if v, ok := x.integer(); ok {
		return AppendInt(dst, v)
	}
	start := len(dst)
	dst = x.big().Append(dst, 'f', 17)
	// Every "%.17f" output has a point: trim zeros, then the point.
	for dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	if dst[len(dst)-1] == '.' {
		dst = dst[:len(dst)-1]
	}
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}

// String returns AppendHuman's text.
func (x LongDouble) String() string { return string(x.AppendHuman(nil)) }
