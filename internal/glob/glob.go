// Package glob is Redis's glob-style matcher (stringmatchlen in util.c) as used by KEYS,
// SCAN/HSCAN/SSCAN/ZSCAN MATCH, PUBSUB CHANNELS, PSUBSCRIBE, CONFIG GET and COMMAND LIST
// FILTERBY PATTERN: `*`, `?`, `[abc]`, `[^a]`, `[a-z]` (reversed ranges too), `\` escapes,
// with Redis's quirks on malformed patterns kept byte for byte (an unterminated `[` class, a
// trailing `\`, a `-` at the end of a class, bytes >= 0x80 compared as signed chars inside
// ranges and, with nocase, folded the way glibc's tolower folds them).
//
// It is pure: no allocation, no I/O, no state. It must not know about keys, slots or
// commands; callers decide what to match (KEYS, for instance, special-cases the pattern
// "*" before ever calling Match, exactly as Redis does, because stringmatchlen("*", "") is
// false).
//
// Redis matches recursively and, since 7.0.9 (CVE-2022-36021), stops as soon as one `*`
// has tried every remaining position (the skipLongerMatches flag). That rule makes the
// backtracking equivalent to remembering only the innermost `*`, which is how Match works:
// iteratively, in O(len(pattern)*len(s)) time and O(1) space, whatever the pattern.
package glob

// Match reports whether s matches pattern, with exactly the result of Redis 7.0's
// stringmatchlen(pattern, s, nocase). nocase folds ASCII letters only (C locale tolower).
func Match(pattern, s []byte, nocase bool) bool { return match(pattern, s, nocase) }

// MatchString is Match for a string subject (stored members and keys), without copying it.
func MatchString(pattern []byte, s string, nocase bool) bool { return match(pattern, s, nocase) }

// lower is C's tolower in the "C" locale.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// schar is a byte read as C's (signed) char, which is how Redis compares range bounds.
func schar(c byte) int { return int(int8(c)) }

func match[S ~string | ~[]byte](p []byte, s S, nocase bool) bool {
	pi, si := 0, 0
	np, ns := len(p), len(s)
	// The innermost '*' seen so far: the pattern index just after it and the string
	// index its current attempt started at. starP < 0 means no '*' yet.
	starP, starS := -1, 0
	for {
		ok := false
		if pi < np && si < ns {
			ok = true
			switch p[pi] {
			case '*':
				// Collapse a run of stars (Redis reads one byte past the end here, the
				// sds terminator, which is never '*').
				for pi+1 < np && p[pi+1] == '*' {
					pi++
				}
				if pi == np-1 {
					return true // a trailing star matches whatever is left
				}
				starP, starS = pi+1, si
				pi = starP
				continue
			case '?':
				si++
			case '[':
				pi++
				not := pi < np && p[pi] == '^'
				if not {
					pi++
				}
				hit := false
				c := s[si]
				for {
					rem := np - pi
					if rem >= 2 && p[pi] == '\\' {
						// An escaped byte inside a class is compared case-sensitively,
						// even with nocase: Redis does the same.
						pi++
						if p[pi] == c {
							hit = true
						}
					} else if rem > 0 && p[pi] == ']' {
						break
					} else if rem == 0 {
						// Unterminated class: Redis steps back onto the last byte so the
						// common "advance one" below lands on the end of the pattern.
						pi--
						break
					} else if rem >= 3 && p[pi+1] == '-' {
						start, end, v := schar(p[pi]), schar(p[pi+2]), schar(c)
						if start > end {
							start, end = end, start
						}
						if nocase {
							start, end, v = lowerInt(start), lowerInt(end), lowerInt(v)
						}
						pi += 2
						if v >= start && v <= end {
							hit = true
						}
					} else if nocase {
						if lower(p[pi]) == lower(c) {
							hit = true
						}
					} else if p[pi] == c {
						hit = true
					}
					pi++
				}
				if not {
					hit = !hit
				}
				if !hit {
					ok = false
					break
				}
				si++
			case '\\':
				if np-pi >= 2 {
					pi++
				}
				fallthrough
			default:
				if nocase {
					ok = lower(p[pi]) == lower(s[si])
				} else {
					ok = p[pi] == s[si]
				}
				if ok {
					si++
				}
			}
			if ok {
				pi++
				if si < ns {
					continue
				}
				// The string is used up: only stars may remain in the pattern.
				for pi < np && p[pi] == '*' {
					pi++
				}
				if pi == np {
					return true
				}
				ok = false
			}
		} else if pi == np && si == ns {
			return true
		}
		// This attempt failed: let the innermost star swallow one more byte. When it
		// has tried every position, no longer match for an earlier star can succeed
		// either (Redis's skipLongerMatches), so the whole match fails.
		if starP < 0 {
			return false
		}
		starS++
		if starS >= ns {
			return false
		}
		pi, si = starP, starS
	}
}

// lowerInt is glibc's tolower on a C char value (-128..127) in the "C" locale, as Redis's
// nocase range check calls it: A-Z fold to a-z, and the table glibc indexes maps the
// negative chars -128..-2 to their unsigned values 128..254 while -1 (EOF) stays -1. So with
// nocase, a range bound or subject byte of 0x80..0xfe compares above every ASCII byte, but
// 0xff below it, exactly as redis-server does.
func lowerInt(c int) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + ('a' - 'A')
	case c >= -128 && c <= -2:
		return c + 256
	}
	return c
}
