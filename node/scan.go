package node

import (
	"math"
	"strconv"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
)

// scanKey starts HSCAN, SSCAN and ZSCAN (key cursor [MATCH pattern] [COUNT count]) in
// Redis's order: the cursor, then the key, whose absence is an empty scan, then the options
// (args[3:]). ok is false when it has replied already.
func scanKey[T collection](c *Client, args [][]byte) (v T, cursor uint64, pattern []byte, count int, ok bool) {
	if cursor, ok = scanCursor(c, args[2]); !ok {
		return v, 0, nil, 0, false
	}
	if v, ok = typed[T](c, args[1], true); !ok {
		return v, 0, nil, 0, false
	}
	var missing T
	if v == missing {
		writeScanReply(c, 0, nil)
		return v, 0, nil, 0, false
	}
	pattern, count, _, ok = scanOptions(c, args[3:], false)
	return v, cursor, pattern, count, ok
}

// scanOptions parses the options of the SCAN family the way scanGenericCommand does: COUNT
// is any long >= 1, MATCH a glob ("*" means none), and TYPE only for SCAN itself.
func scanOptions(c *Client, args [][]byte, allowType bool) (pattern []byte, count int, typ string, ok bool) {
	count = 10
	for i := 0; i < len(args); i += 2 {
		more := len(args) - i
		switch {
		case more >= 2 && argIs(args[i], "count"):
			n, ok := numconv.ParseInt(args[i+1])
			if !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return nil, 0, "", false
			}
			if n < 1 {
				c.w.Error(clientproto.ErrSyntax)
				return nil, 0, "", false
			}
			count = int(min(n, math.MaxInt))
		case more >= 2 && argIs(args[i], "match"):
			pattern = args[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		case more >= 2 && allowType && argIs(args[i], "type"):
			typ = lowerASCII(args[i+1])
		default:
			c.w.Error(clientproto.ErrSyntax)
			return nil, 0, "", false
		}
	}
	return pattern, count, typ, true
}

// scanCursor parses a HSCAN/SSCAN cursor like parseScanCursorOrReply: C's strtoul in base 10,
// so "" is 0, a sign is allowed ("-1" wraps around), leading white space and trailing junk
// are not, and the string ends at a NUL byte as a C string does.
func scanCursor(c *Client, b []byte) (uint64, bool) {
	for i, ch := range b {
		if ch == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) == 0 {
		return 0, true
	}
	bad := func() (uint64, bool) {
		c.w.Error("ERR invalid cursor")
		return 0, false
	}
	switch b[0] {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return bad()
	}
	neg := false
	i := 0
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		i = 1
	}
	if i == len(b) {
		return bad()
	}
	var v uint64
	for ; i < len(b); i++ {
		d := b[i] - '0'
		if d > 9 {
			return bad()
		}
		if v > (math.MaxUint64-uint64(d))/10 {
			return bad() // ERANGE
		}
		v = v*10 + uint64(d)
	}
	if neg {
		v = -v
	}
	return v, true
}

// writeScanReply writes [cursor, items].
func writeScanReply(c *Client, cursor uint64, items []string) {
	c.w.Array(2)
	var tmp [20]byte
	c.w.Bulk(strconv.AppendUint(tmp[:0], cursor, 10))
	c.w.Array(len(items))
	for _, s := range items {
		c.w.BulkString(s)
	}
}
