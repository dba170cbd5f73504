package config

import (
	"errors"
	"github.com/rcnode/rcnode/internal/sdsargs"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"syscall"

	"github.com/rcnode/rcnode/internal/glob"
)

// This file holds Go versions of the small C routines Redis's config code leans on
// (sdssplitargs, sdscatrepr, strtoll, memtoull, strerror; string2ll and stringmatchlen
// come from internal/numconv and internal/glob). Their quirks are part of what users
// observe, so each one follows the C behaviour, including the odd corners (strtoll skipping
// leading blanks, memtoull wrapping on overflow).

// isCSpace is C's isspace in the "C" locale.
func isCSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func toLowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// lowerASCII is sdstolower: C tolower byte by byte, so only ASCII letters change.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = toLowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// cstr cuts s at its first NUL byte, as every C string routine would see it.
func cstr(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// splitArgs is sdssplitargs; ok is false for unbalanced quotes (Redis returns NULL).
func splitArgs(line string) (args []string, ok bool) {
	args, err := sdsargs.Split(line)
	return args, err == nil
}

// repr is sdscatrepr: a double-quoted string that splitArgs reads back unchanged.
func repr(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c >= 0x20 && c <= 0x7e {
				b.WriteByte(c)
			} else {
				const hexd = "0123456789abcdef"
				b.WriteString(`\x`)
				b.WriteByte(hexd[c>>4])
				b.WriteByte(hexd[c&15])
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// trimSet is sdstrim.
func trimSet(s, cset string) string {
	return strings.Trim(s, cset)
}

// splitLen is sdssplitlen with a one-byte separator: an empty input gives no elements.
func splitLen(s string, sep string) []string {
	if len(s) == 0 {
		return nil
	}
	return strings.Split(s, sep)
}

// strtoll is C strtoll(s, &end, 10) on a C string: leading blanks, an optional sign, digits;
// saturating on overflow. end is the index of the first unparsed byte (0 if no digits).
func strtoll(s string) (v int64, end int) {
	v, end, _ = strtollBase(s, 10)
	return v, end
}

// strtollBase is strtoll in base 8 or 10; overflow reports what C signals with ERANGE.
func strtollBase(s string, base uint64) (v int64, end int, overflow bool) {
	s = cstr(s)
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var u uint64
	over := false
	for i < len(s) && s[i] >= '0' && uint64(s[i]-'0') < base {
		d := uint64(s[i] - '0')
		if u > (math.MaxUint64-d)/base {
			over = true
		} else {
			u = u*base + d
		}
		i++
	}
	if i == start {
		return 0, 0, false
	}
	switch {
	case neg && (over || u > 1<<63):
		return math.MinInt64, i, true
	case neg:
		return int64(-u), i, false
	case over || u > math.MaxInt64:
		return math.MaxInt64, i, true
	}
	return int64(u), i, false
}

// strtollAll is strtoll plus the "*eptr == '\0'" test Redis applies after it.
func strtollAll(s string) (int64, bool) {
	v, end := strtoll(s)
	return v, end == len(cstr(s))
}

// memtoull is Redis's memory-size parser: digits followed by nothing, b, k, kb, m, mb, g or
// gb (any case); k/m/g are powers of 1000 and kb/mb/gb powers of 1024. Like the C code it
// saturates on a too-long number and wraps on multiplication, and "" is 0.
func memtoull(s string) (uint64, bool) {
	s = cstr(s)
	if len(s) > 0 && s[0] == '-' {
		return 0, false
	}
	u := 0
	for u < len(s) && isDigit(s[u]) {
		u++
	}
	var mul uint64
	switch lowerASCII(s[u:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if u >= 128 {
		return 0, false
	}
	var v uint64
	for i := 0; i < u; i++ {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			v = math.MaxUint64 // strtoull saturates; Redis does not check ERANGE
			break
		}
		v = v*10 + d
	}
	return v * mul, true
}

// formatMemory is rewriteConfigFormatMemory: the largest of gb, mb, kb that divides exactly.
// Departure: Redis prints values above 2^63 (maxmemory 99999999999999999999 saturates to
// 2^64-1) as negative numbers it then refuses to read back; they are written unsigned here.
func formatMemory(bytes int64) string {
	const gb, mb, kb = 1024 * 1024 * 1024, 1024 * 1024, 1024
	switch {
	case bytes < 0:
		return strconv.FormatUint(uint64(bytes), 10)
	case bytes != 0 && bytes%gb == 0:
		return strconv.FormatInt(bytes/gb, 10) + "gb"
	case bytes != 0 && bytes%mb == 0:
		return strconv.FormatInt(bytes/mb, 10) + "mb"
	case bytes != 0 && bytes%kb == 0:
		return strconv.FormatInt(bytes/kb, 10) + "kb"
	}
	return strconv.FormatInt(bytes, 10)
}

// stringMatch is Redis's stringmatch: stringmatchlen on two C strings, so each ends at its
// first NUL byte.
func stringMatch(pattern, str string, nocase bool) bool {
	return glob.MatchString([]byte(cstr(pattern)), cstr(str), nocase)
}

// strerror renders an OS error the way C's strerror does ("No such file or directory"):
// Go's messages for errno values are glibc's with a lower-case first letter.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return capitalize(errno.Error())
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	}
	return capitalize(err.Error())
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// yesno parses a boolean config value (yesnotoi).
func yesno(s string) (bool, bool) {
	switch lowerASCII(s) {
	case "yes":
		return true, true
	case "no":
		return false, true
	}
	return false, false
}

func yesnoStr(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
