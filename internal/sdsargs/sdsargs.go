// Package sdsargs splits a line into arguments exactly as Redis's sdssplitargs does: it is
// how redis.conf, nodes.conf and redis-cli's input are read. Pure; no I/O.
package sdsargs

import "errors"

// Errors Split returns; Redis itself only reports "unbalanced quotes" for both.
var (
	ErrUnbalanced   = errors.New("unbalanced quotes")
	ErrClosingQuote = errors.New("closing quote followed by a character other than a space")
)

// Split splits line the way sdssplitargs does. The line is a C string: it ends at its first
// NUL byte. Blanks (C isspace) separate arguments; "double quotes" take \n \r \t \b \a \\
// \" and \xHH escapes; 'single quotes' take only \'; a closing quote must be followed by a
// blank or the end of the line. An empty or all-blank line gives an empty, non-nil slice.
func Split(line string) ([]string, error) {
	parts, err := SplitInPlace([]byte(line), nil)
	if err != nil {
		return nil, err
	}
	args := make([]string, len(parts))
	for i, p := range parts {
		args[i] = string(p)
	}
	return args, nil
}

// SplitInPlace is Split without allocating: it decodes the arguments over line itself (safe
// because decoding never makes text longer) and appends them to args, each capped at its own
// length. The request reader uses it for inline commands.
func SplitInPlace(line []byte, args [][]byte) ([][]byte, error) {
	for i, c := range line {
		if c == 0 {
			line = line[:i]
			break
		}
	}
	at := func(i int) byte { // 0 past the end, as the C string's terminator
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	p, w := 0, 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return args, nil
		}
		start := w
		inq, insq := false, false
		for done := false; !done; {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					line[w] = unhex(at(p+2))<<4 | unhex(at(p+3))
					w++
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					line[w] = unescape(line[p])
					w++
				case c == '"':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return args, ErrClosingQuote
					}
					done = true
				case c == 0:
					return args, ErrUnbalanced
				default:
					line[w] = c
					w++
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					line[w] = '\''
					w++
				case c == '\'':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return args, ErrClosingQuote
					}
					done = true
				case c == 0:
					return args, ErrUnbalanced
				default:
					line[w] = c
					w++
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0: // not \v or \f, which only separate arguments
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					line[w] = c
					w++
				}
			}
			if p < len(line) {
				p++
			}
		}
		args = append(args, line[start:w:w])
	}
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}
