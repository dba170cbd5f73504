package testutil

import (
	"bufio"
	"bytes"
	"strconv"
)

// ReplyParser walks the raw bytes of one reply, so tests can take an aggregate apart.
type ReplyParser struct {
	raw []byte
	pos int
}

// NewReplyParser parses raw, the bytes ReadReply returned.
func NewReplyParser(raw []byte) *ReplyParser { return &ReplyParser{raw: raw} }

// Header returns the first line (with CRLF) and, for an aggregate, its number of elements
// (maps count keys and values separately); for a simple value it returns 0 elements.
func (p *ReplyParser) Header() (string, int) {
	end := bytes.Index(p.raw[p.pos:], []byte("\r\n"))
	if end < 0 {
		return string(p.raw), 0
	}
	line := p.raw[p.pos : p.pos+end]
	p.pos += end + 2
	if len(line) == 0 {
		return "", 0
	}
	n, _ := strconv.Atoi(string(line[1:]))
	switch line[0] {
	case '*', '~', '>':
		return string(line) + "\r\n", max(n, 0)
	case '%':
		return string(line) + "\r\n", 2 * n
	}
	p.pos = 0
	return string(line) + "\r\n", 0
}

// Next returns the raw bytes of the next element.
func (p *ReplyParser) Next() []byte {
	c := &Conn{r: bufio.NewReader(bytes.NewReader(p.raw[p.pos:]))}
	var out bytes.Buffer
	c.readValue(&out)
	p.pos += out.Len()
	return out.Bytes()
}
