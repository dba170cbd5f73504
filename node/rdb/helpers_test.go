package rdb

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strconv"
	"strings"

	"github.com/rcnode/rcnode/node/datatype"
)

// describe renders a value canonically, encoding included, so two values compare as
// strings: ordered contents stay in order, unordered ones are sorted.
func describe(v any) string {
	var b strings.Builder
	switch v := v.(type) {
	case *datatype.Str:
		fmt.Fprintf(&b, "string %q", v.B)
	case *datatype.List:
		fmt.Fprintf(&b, "list %d:", v.Len())
		v.ForEach(func(s string) bool { fmt.Fprintf(&b, " %q", s); return true })
	case *datatype.Set:
		var ms []string
		v.ForEach(func(m string) bool { ms = append(ms, strconv.Quote(m)); return true })
		if v.Encoding() != datatype.EncIntset {
			slices.Sort(ms)
		}
		fmt.Fprintf(&b, "set %s %d: %s", v.Encoding(), v.Len(), strings.Join(ms, " "))
	case *datatype.Hash:
		var ps []string
		v.ForEach(func(f, val string) bool { ps = append(ps, strconv.Quote(f)+"="+strconv.Quote(val)); return true })
		if v.Encoding() != datatype.EncListpack {
			slices.Sort(ps)
		}
		fmt.Fprintf(&b, "hash %s %d: %s", v.Encoding(), v.Len(), strings.Join(ps, " "))
	case *datatype.ZSet:
		fmt.Fprintf(&b, "zset %s %d:", v.Encoding(), v.Len())
		v.ForEach(func(m string, s float64) bool { fmt.Fprintf(&b, " %q=%s", m, scoreText(s)); return true })
	default:
		fmt.Fprintf(&b, "%T", v)
	}
	return b.String()
}

func scoreText(f float64) string {
	if f == 0 && math.Signbit(f) {
		return "-0"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// sample is one key of a test data set.
type sample struct {
	db     int
	key    string
	value  any
	expire int64 // -1: none
}

func newStr(s string) *datatype.Str { return &datatype.Str{B: []byte(s)} }

func newList(elems ...string) *datatype.List {
	l := &datatype.List{}
	for _, e := range elems {
		l.PushBackString(e)
	}
	return l
}

func newSet(lim datatype.Limits, members ...string) *datatype.Set {
	s := &datatype.Set{}
	for _, m := range members {
		s.AddString(m, lim)
	}
	return s
}

func newHash(lim datatype.Limits, pairs ...string) *datatype.Hash {
	h := &datatype.Hash{}
	for i := 0; i < len(pairs); i += 2 {
		h.Set([]byte(pairs[i]), []byte(pairs[i+1]), lim)
	}
	return h
}

func newZSet(lim datatype.Limits, pairs ...any) *datatype.ZSet {
	z := &datatype.ZSet{}
	for i := 0; i < len(pairs); i += 2 {
		if _, err := z.AddExact([]byte(pairs[i].(string)), pairs[i+1].(float64), 0, lim); err != nil {
			panic(err)
		}
	}
	return z
}

func randString(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

// samples returns every type in each of its encodings, with and without expiries, across
// several databases.
func samples() []sample {
	r := rand.New(rand.NewSource(7))
	hl, zl, sl := datatype.DefaultHashLimits, datatype.DefaultZSetLimits, datatype.DefaultSetLimits
	var out []sample
	add := func(db int, key string, v any, exp int64) { out = append(out, sample{db, key, v, exp}) }

	for i, s := range []string{"", "a", "hello", "0", "-1", "127", "-128", "128", "32767", "-32769",
		"2147483647", "-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
		"007", "+1", "-0", "1.5", " 1", "12345678901", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		strings.Repeat("abc", 30), "\x00\xff\r\n binary"} {
		add(0, "str:"+strconv.Itoa(i), newStr(s), -1)
	}
	add(0, "str:big-random", newStr(randString(r, 100<<10, "abcdefghijklmnopqrstuvwxyz0123456789")), -1)
	add(0, "str:big-repeat", newStr(strings.Repeat("0123456789", 10<<10)), 1893456000000)
	add(1, "str:ttl", newStr("v"), 1893456000123)

	add(0, "list:5", newList("a", "1", "-5", "hello world", "9999999999999"), -1)
	var long []string
	for i := range 5000 {
		switch i % 4 {
		case 0:
			long = append(long, strconv.Itoa(i*7919-20000))
		case 1:
			long = append(long, "element-"+strconv.Itoa(i))
		case 2:
			long = append(long, randString(r, r.Intn(200), "xyz"))
		default:
			long = append(long, strconv.FormatInt(int64(i)<<40, 10))
		}
	}
	add(0, "list:5000", newList(long...), -1)
	add(2, "list:bigelem", newList("x", strings.Repeat("y", 10000), "z", strings.Repeat("w", 70000)), 1893456000000)

	add(0, "set:intset", newSet(sl, "1", "-7", "300", "5"), -1)
	add(0, "set:intset64", newSet(sl, "1", "9223372036854775807", "-9223372036854775808"), -1)
	add(0, "set:intset32", newSet(sl, "70000", "-70000"), -1)
	add(0, "set:strings", newSet(sl, "a", "b", "1", "c d"), -1)
	var ints []string
	for i := range 600 {
		ints = append(ints, strconv.Itoa(i*3))
	}
	add(3, "set:manyints", newSet(sl, ints...), 1893456000000)

	add(0, "hash:small", newHash(hl, "f1", "v1", "n", "42", "neg", "-3", "empty", ""), -1)
	add(0, "hash:longvalue", newHash(hl, "f", strings.Repeat("v", 65), "g", "1"), -1)
	var many []string
	for i := range 600 {
		many = append(many, "field"+strconv.Itoa(i), strconv.Itoa(i))
	}
	add(15, "hash:many", newHash(hl, many...), -1)

	add(0, "zset:small", newZSet(zl, "a", 1.0, "b", 2.5, "c", -3.0, "d", math.Inf(1), "e", math.Inf(-1),
		"f", 0.1, "g", 1e20, "h", -1e-300, "10", 10.0, "z", 4611686018427387904.0), -1)
	add(0, "zset:longmember", newZSet(zl, strings.Repeat("m", 65), 1.0, "x", -0.5), -1)
	var zpairs []any
	for i := range 300 {
		zpairs = append(zpairs, "member"+strconv.Itoa(i), float64(i%17)*1.25-3)
	}
	add(4, "zset:many", newZSet(zl, zpairs...), 1893456000999)
	return out
}
