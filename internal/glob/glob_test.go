package glob

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

// refMatch is a direct model of Redis 7.0.15 stringmatchlen_impl (recursive, with the
// skipLongerMatches flag), reading a 0 byte past the end of the pattern the way C reads the
// sds terminator. It exists only to check the iterative Match against it.
func refMatch(p, s []byte, nocase bool) bool {
	skip := false
	return refImpl(p, 0, s, 0, nocase, &skip)
}

func refImpl(p []byte, pi int, s []byte, si int, nocase bool, skip *bool) bool {
	at := func(i int) byte {
		if i < len(p) {
			return p[i]
		}
		return 0
	}
	plen, slen := len(p)-pi, len(s)-si
	for plen > 0 && slen > 0 {
		switch p[pi] {
		case '*':
			for plen > 0 && at(pi+1) == '*' {
				pi++
				plen--
			}
			if plen == 1 {
				return true
			}
			for slen > 0 {
				if refImpl(p, pi+1, s, si, nocase, skip) {
					return true
				}
				if *skip {
					return false
				}
				si++
				slen--
			}
			*skip = true
			return false
		case '?':
			si++
			slen--
		case '[':
			pi++
			plen--
			not := at(pi) == '^'
			if not {
				pi++
				plen--
			}
			m := false
			for {
				if at(pi) == '\\' && plen >= 2 {
					pi++
					plen--
					if p[pi] == s[si] {
						m = true
					}
				} else if at(pi) == ']' {
					break
				} else if plen == 0 {
					pi--
					plen++
					break
				} else if plen >= 3 && p[pi+1] == '-' {
					start, end, c := schar(p[pi]), schar(p[pi+2]), schar(s[si])
					if start > end {
						start, end = end, start
					}
					if nocase {
						start, end, c = lowerInt(start), lowerInt(end), lowerInt(c)
					}
					pi += 2
					plen -= 2
					if c >= start && c <= end {
						m = true
					}
				} else {
					if !nocase {
						if p[pi] == s[si] {
							m = true
						}
					} else if lower(p[pi]) == lower(s[si]) {
						m = true
					}
				}
				pi++
				plen--
			}
			if not {
				m = !m
			}
			if !m {
				return false
			}
			si++
			slen--
		case '\\':
			if plen >= 2 {
				pi++
				plen--
			}
			fallthrough
		default:
			if !nocase {
				if p[pi] != s[si] {
					return false
				}
			} else if lower(p[pi]) != lower(s[si]) {
				return false
			}
			si++
			slen--
		}
		pi++
		plen--
		if slen == 0 {
			for at(pi) == '*' {
				pi++
				plen--
			}
			break
		}
	}
	return plen == 0 && slen == 0
}

func TestMatchTable(t *testing.T) {
	cases := []struct {
		p, s   string
		nocase bool
		want   bool
	}{
		{"", "", false, true},
		{"*", "", false, false}, // stringmatchlen quirk; KEYS special-cases "*"
		{"**", "", false, false},
		{"", "a", false, false},
		{"*", "abc", false, true},
		{"a*", "abc", false, true},
		{"a*c", "abc", false, true},
		{"a*c", "abd", false, false},
		{"*c", "abc", false, true},
		{"a*", "a", false, true},
		{"a**", "a", false, true},
		{"?", "", false, false},
		{"?", "a", false, true},
		{"??", "a", false, false},
		{"h?llo", "hello", false, true},
		{"h[ae]llo", "hallo", false, true},
		{"h[ae]llo", "hillo", false, false},
		{"h[^e]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hallo", false, true}, // reversed range
		{"h[a-b]llo", "hcllo", false, false},
		{`h\*llo`, "h*llo", false, true},
		{`h\*llo`, "hello", false, false},
		{`\`, `\`, false, true}, // trailing backslash is literal
		{`a\`, `a\`, false, true},
		{"[", "a", false, false},
		{"[^", "a", false, true}, // unterminated negated empty class matches one byte
		{"[a", "a", false, true},
		{"[a", "b", false, false},
		{"[a-", "-", false, true},
		{"[a-]", "^", false, true}, // range a..']', reversed: 0x5d..0x61
		{"[a-]", "b", false, false},
		{"[]", "a", false, false},
		{"[^]", "a", false, true},
		{`[\]]`, "]", false, true},
		{`[\`, `\`, false, true},
		{"HELLO", "hello", true, true},
		{"H[A-Z]LLO", "hello", true, true},
		{"h[E]llo", "hello", true, true},
		{`h[\E]llo`, "hello", true, false}, // escaped byte in a class is case-sensitive
		{"[\x80-z]et", "get", false, true}, // signed: -128..'z'
		{"[\x80-z]et", "get", true, false}, // nocase: glibc tolower(-128) is 128, above 'z'
		{"[\xff-z]et", "get", true, true},  // tolower(-1) is -1 (EOF)
		{"[z-\xfe]et", "get", true, false},
		{"*a*a*a*a*b", strings.Repeat("a", 60), false, false},
		{"a*b*c", "aXbYc", false, true},
		{"a*b*c", "aXbYcZ", false, false},
		{"*ab", "aab", false, true},
		{"*?", "", false, false},
		{"a*?", "ab", false, true},
		{"a*?", "a", false, false},
	}
	for _, c := range cases {
		got := Match([]byte(c.p), []byte(c.s), c.nocase)
		if got != c.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", c.p, c.s, c.nocase, got, c.want)
		}
		if ref := refMatch([]byte(c.p), []byte(c.s), c.nocase); ref != c.want {
			t.Errorf("refMatch(%q, %q, %v) = %v, want %v (table wrong?)", c.p, c.s, c.nocase, ref, c.want)
		}
		if ms := MatchString([]byte(c.p), c.s, c.nocase); ms != got {
			t.Errorf("MatchString(%q, %q) = %v, Match = %v", c.p, c.s, ms, got)
		}
	}
}

// alphabet biased towards the metacharacters, a few letters of both cases, a NUL and bytes
// that are negative as C chars.
const alphabet = "**??[[]]^^--\\\\aAbBcz\x00\x7f\x80\xff"
const subjectAlphabet = "aAbBcz-^]\\*?[\x00\x7f\x80\xff"

func randBytes(r *rand.Rand, n int, from string) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = from[r.Intn(len(from))]
	}
	return b
}

func TestMatchAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	for i := 0; i < n; i++ {
		p := randBytes(r, r.Intn(10), alphabet)
		s := randBytes(r, r.Intn(10), subjectAlphabet)
		nocase := r.Intn(2) == 0
		if got, want := Match(p, s, nocase), refMatch(p, s, nocase); got != want {
			t.Fatalf("Match(%q, %q, %v) = %v, reference %v", p, s, nocase, got, want)
		}
	}
	// The fuzz test Redis itself runs: random bytes 0..127, lengths up to 31.
	for i := 0; i < n/4; i++ {
		p := make([]byte, r.Intn(32))
		s := make([]byte, r.Intn(32))
		for j := range p {
			p[j] = byte(r.Intn(128))
		}
		for j := range s {
			s[j] = byte(r.Intn(128))
		}
		if got, want := Match(p, s, false), refMatch(p, s, false); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference %v", p, s, got, want)
		}
	}
}

func TestPathologicalPatternIsFast(t *testing.T) {
	// CVE-2022-36021: before skipLongerMatches this took exponential time.
	p := []byte(strings.Repeat("*a", 2000) + "b")
	s := []byte(strings.Repeat("a", 20000))
	start := time.Now()
	if Match(p, s, false) {
		t.Fatal("unexpected match")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("pathological pattern took %v", d)
	}
	// A huge pattern made of stars must not recurse (no stack growth).
	p = []byte(strings.Repeat("*x", 1_000_000))
	if Match(p, []byte("xxxx"), false) {
		t.Fatal("unexpected match")
	}
}

func FuzzMatch(f *testing.F) {
	f.Add([]byte("h[^e]l*o"), []byte("hallo"), false)
	f.Add([]byte("*a*a*a*b"), []byte("aaaaaaaaaaaaaa"), true)
	f.Add([]byte("[a-"), []byte("\x80"), false)
	f.Add([]byte(`\`), []byte(`\`), false)
	f.Fuzz(func(t *testing.T, p, s []byte, nocase bool) {
		got := Match(p, s, nocase)
		if len(p) <= 64 && len(s) <= 64 {
			if want := refMatch(p, s, nocase); got != want {
				t.Fatalf("Match(%q, %q, %v) = %v, reference %v", p, s, nocase, got, want)
			}
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	cases := []struct{ name, p, s string }{
		{"literal", "user:1000:profile", "user:1000:profile"},
		{"prefix-star", "user:*", "user:1000:profile"},
		{"class", "user:[0-9][0-9][0-9][0-9]:*", "user:1000:profile"},
		{"pathological", strings.Repeat("*a", 20) + "b", strings.Repeat("a", 200)},
	}
	for _, c := range cases {
		p, s := []byte(c.p), []byte(c.s)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Match(p, s, false)
			}
		})
	}
}

// randomPatterns returns fixed followed by patterns of 1 to 5 random tokens, n in all.
func randomPatterns(r *rand.Rand, n int, fixed, tokens []string) []string {
	patterns := append([]string{}, fixed...)
	for len(patterns) < n {
		var p []byte
		for k := 1 + r.Intn(5); k > 0; k-- {
			p = append(p, tokens[r.Intn(len(tokens))]...)
		}
		patterns = append(patterns, string(p))
	}
	return patterns
}

// checkListings sends cmd followed by each pattern (a command that lists the subjects the
// pattern matches, such as KEYS) in one pipeline, and checks that redis-server lists exactly
// the subjects match accepts. It returns how many (pattern, subject) pairs matched.
func checkListings(t *testing.T, o *testutil.Client, cmd []any, patterns, subjects []string, match func(p, s string) bool) int {
	t.Helper()
	for _, p := range patterns {
		o.Send(append(cmd, p)...)
	}
	matched := 0
	for _, p := range patterns {
		v, err := o.Receive()
		if err != nil {
			t.Fatalf("%v %q: %v", cmd, p, err)
		}
		want := map[string]bool{}
		for _, s := range v.([]any) {
			want[s.(string)] = true
		}
		matched += len(want)
		for _, s := range subjects {
			if got := match(p, s); got != want[s] {
				t.Errorf("pattern %q subject %q: Match %v, %v says %v", p, s, got, cmd, want[s])
			}
		}
	}
	return matched
}

// TestMatchAgainstRedis stores a few hundred keys in a real redis-server and compares
// KEYS <pattern> with Match over the same keys for a few hundred generated patterns.
func TestMatchAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	r := rand.New(rand.NewSource(7))
	const keyAlphabet = "abcAB-^]\\*?[:\x00\x80\xff"
	keySet := map[string]bool{"": true, "*": true, "?": true, "[": true, "\\": true, "a": true, "ab": true, "abc": true}
	for len(keySet) < 400 {
		keySet[string(randBytes(r, 1+r.Intn(8), keyAlphabet))] = true
	}
	keys := make([]string, 0, len(keySet))
	for k := range keySet {
		keys = append(keys, k)
		o.Send("SET", k, "1")
	}
	for range keys {
		if _, err := o.Receive(); err != nil {
			t.Fatal(err)
		}
	}
	tokens := []string{"*", "*", "?", "a", "b", "c", "A", "-", "^", "]", "[", "\\", ":", "\x00", "\x80", "\xff",
		"[ab]", "[^a]", "[a-c]", "[c-a]", "[^b-c]", "[\\]]", "[a-]", "[", "[^", "\\*", "\\?", "\\[", "\\a", "[\x80-\xff]", "[\x00-a]", "**"}
	patterns := randomPatterns(r, 600, []string{"*", "**", "", "?", "[", "[^", "\\", "*\\", "[a-", "a*", "*a", "*a*", "[]", "[^]"}, tokens)
	matched := checkListings(t, o, []any{"KEYS"}, patterns, keys, func(p, k string) bool {
		// keysCommand matches every key for the pattern "*" without calling
		// stringmatchlen (which would reject the empty key).
		return p == "*" || Match([]byte(p), []byte(k), false)
	})
	t.Logf("%d keys, %d patterns, %d matching (pattern, key) pairs", len(keys), len(patterns), matched)
}

// TestMatchNocaseAgainstRedis checks nocase matching against a real redis-server through
// COMMAND LIST FILTERBY PATTERN, which calls stringmatchlen(pattern, fullname, nocase=1) on
// every command name. Range bounds that are negative as C chars are where nocase differs
// most: glibc's tolower maps -128..-2 to 128..254 and leaves -1 (EOF) alone.
func TestMatchNocaseAgainstRedis(t *testing.T) {
	o := testutil.StartRedis(t).Client(t)
	v, err := o.Do("COMMAND", "LIST")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range v.([]any) {
		names = append(names, n.(string))
	}
	r := rand.New(rand.NewSource(11))
	tokens := []string{"*", "*", "?", "g", "E", "t", "s", "|", "_", "Z", "\\", "\x80", "\xfe", "\xff",
		"[a-z]", "[A-Z]", "[^e]", "[G-s]", "[s-G]", "[\\E]", "[_-z]", "[Z-a]", "[\x80-z]", "[z-\x80]",
		"[\xfe-z]", "[\xff-z]", "[z-\xff]", "[\x80-\xff]", "[\xff-\x80]", "[\x00-g]", "[", "[^", "**"}
	patterns := randomPatterns(r, 600, []string{"*", "g*", "G*", "*|*", "[\x80-z]et", "[\xff-z]et", "[\xfe-z]et", "[z-\xff]et"}, tokens)
	matched := checkListings(t, o, []any{"COMMAND", "LIST", "FILTERBY", "PATTERN"}, patterns, names, func(p, n string) bool {
		return MatchString([]byte(p), n, true)
	})
	t.Logf("%d names, %d patterns, %d matching (pattern, name) pairs", len(names), len(patterns), matched)
}
