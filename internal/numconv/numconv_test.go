package numconv

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/testutil"
)

func TestParseInt(t *testing.T) {
	cases := []struct {
		s  string
		v  int64
		ok bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"-1", -1, true}, {"-0", 0, false}, {"+1", 0, false},
		{"01", 0, false}, {"-01", 0, false}, {"00", 0, false}, {" 1", 0, false}, {"1 ", 0, false},
		{"", 0, false}, {"-", 0, false}, {"1a", 0, false}, {"1.0", 0, false}, {"1e3", 0, false},
		{"9223372036854775807", math.MaxInt64, true}, {"9223372036854775808", 0, false},
		{"-9223372036854775808", math.MinInt64, true}, {"-9223372036854775809", 0, false},
		{"18446744073709551615", 0, false}, {"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false}, {"-99999999999999999999", 0, false},
		{"123456789012345678901", 0, false}, {"1\x00", 0, false}, {"\x001", 0, false},
	}
	for _, c := range cases {
		v, ok := ParseInt([]byte(c.s))
		if v != c.v || ok != c.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", c.s, v, ok, c.v, c.ok)
		}
		if ok {
			if got := string(AppendInt(nil, v)); got != c.s {
				t.Errorf("AppendInt(%d) = %q, want %q", v, got, c.s)
			}
		}
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 100000; i++ {
		v := int64(r.Uint64()) >> uint(r.Intn(64))
		s := strconv.FormatInt(v, 10)
		if got, ok := ParseIntString(s); !ok || got != v {
			t.Fatalf("ParseInt(%q) = %d, %v", s, got, ok)
		}
	}
}

func TestParseFloat(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		s  string
		v  float64
		ok bool
	}{
		{"1", 1, true}, {"-1.5", -1.5, true}, {"+1.5", 1.5, true}, {".5", .5, true}, {"5.", 5, true},
		{"1e5", 1e5, true}, {"1E+05", 1e5, true}, {"1e-5", 1e-5, true}, {"1e", 0, false}, {"1e+", 0, false},
		{".", 0, false}, {"", 0, false}, {" 1", 0, false}, {"\t1", 0, false}, {"1 ", 0, false},
		{"inf", inf, true}, {"+inf", inf, true}, {"-inf", -inf, true}, {"Infinity", inf, true},
		{"-INFINITY", -inf, true}, {"infinit", 0, false}, {"infx", 0, false},
		{"nan", 0, false}, {"NaN", 0, false}, {"-nan", 0, false}, {"nan(1)", 0, false},
		{"0x10", 16, true}, {"0x1p3", 8, true}, {"0X1.8P1", 3, true}, {"0x.8", .5, true},
		{"0x", 0, false}, {"0x.", 0, false}, {"0x1p", 0, false}, {"0xg", 0, false},
		{"1e400", 0, false}, {"-1e400", 0, false}, {"1e-400", 0, false}, {"0e400", 0, true},
		{"4.9e-324", 5e-324, true}, {"2e-324", 0, false}, {"3e-324", 5e-324, true},
		{"1_0", 0, false}, {"1,5", 0, false}, {"--1", 0, false}, {"+-1", 0, false}, {"1.5.5", 0, false},
		{"1\x00", 0, false}, {"00.5", .5, true}, {"-0", 0, true},
	}
	for _, c := range cases {
		v, ok := ParseFloat([]byte(c.s))
		if ok != c.ok || (ok && v != c.v) {
			t.Errorf("ParseFloat(%q) = %v, %v; want %v, %v", c.s, v, ok, c.v, c.ok)
		}
	}
	if v, _ := ParseFloat([]byte("-0")); !math.Signbit(v) {
		t.Errorf("ParseFloat(-0) lost the sign")
	}
}

func TestParseRangeBound(t *testing.T) {
	cases := []struct {
		s      string
		v      float64
		ex, ok bool
	}{
		{"1.5", 1.5, false, true}, {"(1.5", 1.5, true, true}, {"-inf", math.Inf(-1), false, true},
		{"+inf", math.Inf(1), false, true}, {"(inf", math.Inf(1), true, true}, {"", 0, false, true},
		{"(", 0, true, true}, {" 1", 1, false, true}, {"( 1", 1, true, true}, {"1 ", 0, false, false},
		{"((1", 0, false, false}, {"nan", 0, false, false}, {"1e400", math.Inf(1), false, true},
		{"1e-400", 0, false, true}, {"1\x00garbage", 1, false, true}, {"\x00", 0, false, true},
		{"a", 0, false, false}, {" ", 0, false, false}, {"[1", 0, false, false},
	}
	for _, c := range cases {
		v, ex, ok := ParseRangeBound([]byte(c.s))
		if ok != c.ok || (ok && (v != c.v || ex != c.ex)) {
			t.Errorf("ParseRangeBound(%q) = %v, %v, %v; want %v, %v, %v", c.s, v, ex, ok, c.v, c.ex, c.ok)
		}
	}
}

func TestParseLexBound(t *testing.T) {
	cases := []struct {
		s  string
		b  LexBound
		ok bool
	}{
		{"-", LexBound{Inf: -1, Exclusive: true}, true}, {"+", LexBound{Inf: 1, Exclusive: true}, true},
		{"[a", LexBound{Value: []byte("a")}, true}, {"(a", LexBound{Value: []byte("a"), Exclusive: true}, true},
		{"[", LexBound{Value: []byte{}}, true}, {"(", LexBound{Value: []byte{}, Exclusive: true}, true},
		{"a", LexBound{}, false}, {"", LexBound{}, false}, {"+a", LexBound{}, false}, {"--", LexBound{}, false},
		{"+\x00x", LexBound{Inf: 1, Exclusive: true}, true},
	}
	for _, c := range cases {
		b, ok := ParseLexBound([]byte(c.s))
		if ok != c.ok || b.Inf != c.b.Inf || b.Exclusive != c.b.Exclusive || string(b.Value) != string(c.b.Value) {
			t.Errorf("ParseLexBound(%q) = %+v, %v; want %+v, %v", c.s, b, ok, c.b, c.ok)
		}
	}
}

func TestLongDouble(t *testing.T) {
	add := func(a, b string) string {
		x, ok1 := ParseLongDoubleString(a)
		y, ok2 := ParseLongDoubleString(b)
		if !ok1 || !ok2 {
			return "parse error"
		}
		return x.Add(y).String()
	}
	cases := [][3]string{
		{"10.5", "0.1", "10.6"}, {"0.1", "0.2", "0.3"}, {"5.0e3", "2.0e2", "5200"},
		{"3", "-3", "0"}, {"-0", "0", "0"}, {"1.5", "-1.5", "0"}, {"0x1p-3", "0", "0.125"},
		{"9223372036854775807", "1", "9223372036854775808"},
		{"-9223372036854775808", "-1", "-9223372036854775809"},
		{"1e4932", "1e4932", "inf"}, {"inf", "1", "inf"}, {"-inf", "1", "-inf"},
		{"1e-20", "0", "0"}, {"-1e-20", "0", "0"}, {"1000.1", "0", "1000.09999999999999998"},
		{"0", "0.000003814697265625", "0.00000381469726562"}, // a tie at the 18th decimal: to even
		{"1e5000", "0", "parse error"}, {"1e-5000", "0", "parse error"}, {"nan", "0", "parse error"},
		{" 1", "0", "parse error"}, {"1 ", "0", "parse error"}, {"", "0", "parse error"},
	}
	for _, c := range cases {
		if got := add(c[0], c[1]); got != c[2] {
			t.Errorf("%s + %s = %s, want %s", c[0], c[1], got, c[2])
		}
	}
	x, _ := ParseLongDoubleString("inf")
	y, _ := ParseLongDoubleString("-inf")
	if s := x.Add(y); !s.IsNaN() {
		t.Errorf("inf + -inf = %v, want NaN", s)
	}
	if _, ok := ParseLongDouble([]byte("1." + strings.Repeat("0", 5117))); !ok {
		t.Error("5119-byte number rejected")
	}
	if _, ok := ParseLongDouble([]byte("1." + strings.Repeat("0", 5118))); ok {
		t.Error("5120-byte number accepted")
	}
	// Every double survives the trip through LongDouble.
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 10000; i++ {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) {
			continue
		}
		if g := LongDoubleFromFloat64(f).Float64(); g != f || math.Signbit(g) != math.Signbit(f) {
			t.Fatalf("LongDoubleFromFloat64(%v).Float64() = %v", f, g)
		}
	}
}

func TestFormatFloatHuman(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{10.6, "10.6"}, {0, "0"}, {math.Copysign(0, -1), "0"}, {-1.5, "-1.5"}, {1e20, "100000000000000000000"},
		{1e-5, "0.00001"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {5200, "5200"},
	}
	for _, c := range cases {
		if got := string(FormatFloatHuman(c.f)); got != c.want {
			t.Errorf("FormatFloatHuman(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}

// edgeNumbers are strings probing every acceptance rule, used against the real server.
func edgeNumbers(r *rand.Rand) []string {
	s := []string{
		"0", "-0", "+0", "1", "-1", "+1", "01", "-01", "00", " 1", "1 ", "\t1", "\n1", "1\n", "",
		"-", "+", "1a", "a1", "1.0", "1.", ".1", ".", "1e3", "1E3", "1e", "1e+", "1e-", "1e+3", "1e-3",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "99999999999999999999", "-99999999999999999999",
		"123456789012345678901", "1\x00", "\x001", "1\x002",
		"inf", "+inf", "-inf", "Inf", "INF", "infinity", "-Infinity", "INFINITY", "infinit", "infx",
		"nan", "NaN", "-nan", "+nan", "nan(1)", "nan(", "nanx",
		"0x10", "0X10", "0x1p3", "0x1P-2", "0x1.8p1", "0x.8", "0x", "0x.", "0x1p", "0xg", "-0x10", "0x1e1",
		"1e308", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309", "1e400", "-1e400",
		"1e-300", "1e-320", "4.9e-324", "3e-324", "2.5e-324", "2e-324", "1e-400", "0e400", "0.0e-400",
		"1e4932", "1.18973149535723176502e+4932", "1.2e4932", "1e4933", "-1e4933", "1e5000",
		"1e-4940", "3.6e-4951", "1.9e-4951", "1.8e-4951", "1e-4951", "1e-4952", "1e-5000",
		"1_000", "1,5", "1.5.5", "--1", "+-1", "-+1", "(1", "[1", "١", "1e1.5", "0.5e", "e5", "E5",
		"00.5", "-00.5", "000", "0000000000000000000001", "-0.0", "+.5", "-.5e-3", ".e1", "0x.p1",
		"1." + strings.Repeat("0", 5117), "1." + strings.Repeat("0", 5118), "1" + strings.Repeat("0", 400), "0." + strings.Repeat("0", 400) + "1",
		"0.000003814697265625", "2.5e-18", "-2.5e-18", "(", "((1", "( 1", "(inf", "(-inf", "(+inf", "(1e400", "(nan", "(1.5", "(", "( ", " ", "\x00",
	}
	toks := []string{"0", "1", "9", ".", "e", "E", "-", "+", "x", "p", "inf", "nan", " ", "(", "5", "00"}
	for i := 0; i < 200; i++ {
		var b []byte
		for n := 1 + r.Intn(6); n > 0; n-- {
			b = append(b, toks[r.Intn(len(toks))]...)
		}
		s = append(s, string(b))
	}
	return s
}

// TestParseAgainstRedis checks acceptance and value of ParseInt (INCRBY), ParseFloat (ZADD,
// ZSCORE), ParseLongDouble (INCRBYFLOAT), ParseRangeBound (ZCOUNT) and ParseLexBound
// (ZLEXCOUNT) over a few hundred edge strings.
func TestParseAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	r := rand.New(rand.NewSource(11))
	inputs := edgeNumbers(r)

	// ParseInt: SET k s; INCRBY k 0.
	for _, s := range inputs {
		o.Send("SET", "k", s)
		o.Send("INCRBY", "k", "0")
		// The increment goes through the same parser.
		o.Send("INCRBY", "zero", s)
		o.Send("DEL", "zero")
	}
	for _, s := range inputs {
		o.Receive()
		for _, what := range []string{"value", "increment"} {
			v, err := o.Receive()
			got, ok := ParseIntString(s)
			if (err == nil) != ok {
				t.Errorf("ParseInt(%q) ok=%v, redis INCRBY (%s): %v %v", s, ok, what, v, err)
			} else if ok && v.(int64) != got {
				t.Errorf("ParseInt(%q) = %d, redis %d", s, got, v)
			}
		}
		o.Receive()
	}

	// ParseFloat: ZADD z s m; ZSCORE z m.
	for i, s := range inputs {
		o.Send("ZADD", "z", s, i)
		o.Send("ZSCORE", "z", i)
	}
	for _, s := range inputs {
		_, err := o.Receive()
		sc, _ := o.Receive()
		got, ok := ParseFloat([]byte(s))
		if (err == nil) != ok {
			t.Errorf("ParseFloat(%q) ok=%v, redis ZADD: %v", s, ok, err)
			continue
		}
		if ok {
			want, _ := strconv.ParseFloat(sc.(string), 64)
			if got != want {
				t.Errorf("ParseFloat(%q) = %v, redis ZSCORE %v", s, got, sc)
			}
		}
	}

	// ParseLongDouble: SET k s; INCRBYFLOAT k 0; and INCRBYFLOAT k2 s from 0.
	for _, s := range inputs {
		o.Send("SET", "k", s)
		o.Send("INCRBYFLOAT", "k", "0")
		o.Send("SET", "k2", "0")
		o.Send("INCRBYFLOAT", "k2", s)
		o.Send("HSET", "h", "f", "0")
		o.Send("HINCRBYFLOAT", "h", "f", s)
	}
	zero := LongDoubleFromInt(0)
	for _, s := range inputs {
		o.Receive()
		v1, err1 := o.Receive()
		o.Receive()
		v2, err2 := o.Receive()
		o.Receive()
		v3, err3 := o.Receive()
		ld, ok := ParseLongDoubleString(s)
		var want string
		var wantErr string
		switch {
		case !ok:
			wantErr = "ERR value is not a valid float"
		case ld.Add(zero).IsInf() || ld.Add(zero).IsNaN():
			wantErr = "ERR increment would produce NaN or Infinity"
		default:
			want = ld.Add(zero).String()
		}
		for i, res := range []struct {
			v   any
			err error
		}{{v1, err1}, {v2, err2}, {v3, err3}} {
			e := wantErr
			if i == 2 && ok && ld.IsInf() {
				e = "ERR value is NaN or Infinity" // HINCRBYFLOAT checks the increment first
			}
			if e != "" {
				if res.err == nil || res.err.Error() != e {
					t.Errorf("LongDouble %q (case %d): want error %q, redis %v %v", s, i, e, res.v, res.err)
				}
			} else if res.err != nil || res.v.(string) != want {
				t.Errorf("LongDouble %q (case %d): got %q, redis %v %v", s, i, want, res.v, res.err)
			}
		}
	}

	// ParseRangeBound: ZCOUNT over a zset whose scores straddle every interesting value.
	o.Do("DEL", "z")
	scores := []float64{math.Inf(-1), -1e308, -1.5, -1, -5e-324, 0, 5e-324, 0.5, 1, 1.5, 5, 16, 1e5, 1e308, math.Inf(1)}
	for i, sc := range scores {
		o.Do("ZADD", "z", strconv.FormatFloat(sc, 'g', -1, 64), i)
	}
	count := func(min, max float64, minex, maxex bool) int64 {
		n := int64(0)
		for _, sc := range scores {
			if (sc > min || (!minex && sc == min)) && (sc < max || (!maxex && sc == max)) {
				n++
			}
		}
		return n
	}
	for _, s := range inputs {
		o.Send("ZCOUNT", "z", s, "+inf")
		o.Send("ZCOUNT", "z", "-inf", s)
	}
	for _, s := range inputs {
		v1, err1 := o.Receive()
		v2, err2 := o.Receive()
		v, ex, ok := ParseRangeBound([]byte(s))
		if (err1 == nil) != ok || (err2 == nil) != ok {
			t.Errorf("ParseRangeBound(%q) ok=%v, redis ZCOUNT: %v %v", s, ok, err1, err2)
			continue
		}
		if !ok {
			if err1.Error() != "ERR min or max is not a float" {
				t.Errorf("ZCOUNT error %q", err1)
			}
			continue
		}
		if c := count(v, math.Inf(1), ex, false); c != v1.(int64) {
			t.Errorf("ParseRangeBound(%q) = %v ex=%v: count above %d, redis %d", s, v, ex, c, v1)
		}
		if c := count(math.Inf(-1), v, false, ex); c != v2.(int64) {
			t.Errorf("ParseRangeBound(%q) = %v ex=%v: count below %d, redis %d", s, v, ex, c, v2)
		}
	}

	// ParseLexBound: ZLEXCOUNT acceptance.
	lex := append([]string{"-", "+", "[a", "(a", "[", "(", "a", "", "+a", "-a", "--", "++", "+\x00x", "-\x00", "[\x00"}, inputs...)
	for _, s := range lex {
		o.Send("ZLEXCOUNT", "z", s, "+")
	}
	for _, s := range lex {
		_, err := o.Receive()
		_, ok := ParseLexBound([]byte(s))
		if (err == nil) != ok {
			t.Errorf("ParseLexBound(%q) ok=%v, redis ZLEXCOUNT: %v", s, ok, err)
		}
	}
}

// randDecimal returns the kind of number people pass to INCRBYFLOAT.
func randDecimal(r *rand.Rand) string {
	sign := ""
	if r.Intn(3) == 0 {
		sign = "-"
	}
	switch r.Intn(8) {
	case 0:
		return sign + strconv.Itoa(r.Intn(1000))
	case 1:
		return sign + fmt.Sprintf("%d.%0*d", r.Intn(100), 1+r.Intn(3), r.Intn(1000))
	case 2:
		return sign + fmt.Sprintf("0.%0*d", 1+r.Intn(6), r.Intn(1000000))
	case 3:
		return sign + fmt.Sprintf("%de%d", 1+r.Intn(9), r.Intn(40)-20)
	case 4:
		return sign + strconv.FormatFloat(r.Float64()*math.Pow(10, float64(r.Intn(30)-15)), 'g', -1, 64)
	case 5:
		return sign + fmt.Sprintf("%d.%d", r.Int63n(1e12), r.Int63n(1e12))
	case 6:
		return sign + strconv.FormatFloat(math.Abs(r.NormFloat64()), 'f', 1+r.Intn(17), 64)
	default:
		return sign + fmt.Sprintf("%.1f", r.Float64()*100)
	}
}

// TestIncrByFloatAgainstRedis chains a few hundred random increments through INCRBYFLOAT and
// checks every reply against LongDouble, and reports how often plain float64 arithmetic
// with FormatFloatHuman would have matched.
func TestIncrByFloatAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	r := rand.New(rand.NewSource(5))
	const n = 600
	var incrs, starts []string
	for i := 0; i < n; i++ {
		if i%20 == 0 {
			starts = append(starts, randDecimal(r))
		}
		incrs = append(incrs, randDecimal(r))
	}
	for i, inc := range incrs {
		if i%20 == 0 {
			o.Send("SET", "k", starts[i/20])
		}
		o.Send("INCRBYFLOAT", "k", inc)
	}
	var cur string
	same := 0
	for i, inc := range incrs {
		if i%20 == 0 {
			o.Receive()
			cur = starts[i/20]
		}
		v, err := o.Receive()
		if err != nil {
			t.Fatalf("INCRBYFLOAT %s by %s: %v", cur, inc, err)
		}
		x, ok1 := ParseLongDoubleString(cur)
		d, ok2 := ParseLongDoubleString(inc)
		if !ok1 || !ok2 {
			t.Fatalf("parse %q %q", cur, inc)
		}
		got := x.Add(d).String()
		if got != v.(string) {
			t.Errorf("INCRBYFLOAT %s by %s: LongDouble %s, redis %s", cur, inc, got, v)
		}
		f1, _ := strconv.ParseFloat(cur, 64)
		f2, _ := strconv.ParseFloat(inc, 64)
		if string(FormatFloatHuman(f1+f2)) == v.(string) {
			same++
		}
		cur = v.(string)
	}
	t.Logf("float64 + FormatFloatHuman matched Redis in %d of %d increments; LongDouble in all", same, n)
}

func BenchmarkParseInt(b *testing.B) {
	in := []byte("-1234567890123")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ParseInt(in)
	}
}

func BenchmarkParseFloat(b *testing.B) {
	in := []byte("3.14159265358979")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ParseFloat(in)
	}
}

func BenchmarkIncrByFloat(b *testing.B) {
	for _, c := range [][2]string{{"10", "5"}, {"10.5", "0.1"}} {
		v, inc := []byte(c[0]), []byte(c[1])
		b.Run(c[0]+"+"+c[1], func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for i := 0; i < b.N; i++ {
				x, _ := ParseLongDouble(v)
				d, _ := ParseLongDouble(inc)
				buf = x.Add(d).AppendHuman(buf[:0])
			}
		})
	}
}

// FuzzParse feeds arbitrary bytes to every parser: none may panic, and their answers must be
// consistent with each other (string2d accepts a subset of what strtod-based range parsing
// accepts, with the same value; string2ll's numbers are doubles too).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "-0", "1e5", "0x1p3", "inf", "(1.5", "[a", "nan", " 1", "1e400", "0x.8"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok := ParseInt(b); ok {
			if string(AppendInt(nil, v)) != string(b) {
				t.Fatalf("ParseInt(%q) = %d does not round-trip", b, v)
			}
			if fv, fok := ParseFloat(b); !fok || fv != float64(v) {
				t.Fatalf("integer %q rejected by ParseFloat", b)
			}
		}
		fv, fok := ParseFloat(b)
		if fok && len(b) > 0 && b[0] != '(' {
			rv, ex, rok := ParseRangeBound(b)
			if !rok || ex || (rv != fv && !(math.IsNaN(rv) && math.IsNaN(fv))) {
				t.Fatalf("ParseFloat(%q) = %v but ParseRangeBound = %v %v %v", b, fv, rv, ex, rok)
			}
		}
		if fok && fv != 0 && !math.IsInf(fv, 0) && len(b) < maxLongDoubleChars {
			if _, ok := ParseLongDouble(b); !ok {
				t.Fatalf("ParseFloat accepts %q but ParseLongDouble does not", b)
			}
		}
		if ld, ok := ParseLongDouble(b); ok {
			_ = ld.Add(ld).AppendHuman(nil)
		}
		ParseLexBound(b)
		_ = FormatFloatHuman(fv)
	})
}
