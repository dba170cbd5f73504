package testutil

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"testing"
)

// RedisError is an error reply, without its leading '-' ("ERR syntax error").
type RedisError string

func (e RedisError) Error() string { return string(e) }

// Client is a connection for tests that compare reply values rather than bytes. Send only
// queues a command; the next Receive (or Do) writes every queued command at once, so a test
// can pipeline thousands of them. An I/O or protocol error fails the test.
type Client struct {
	t      testing.TB
	c      *Conn
	queued []byte
}

// NewClient connects to addr and closes the connection when the test ends.
func NewClient(t testing.TB, addr string) *Client {
	t.Helper()
	c, err := Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &Client{t: t, c: c}
}

// Send queues a command. Arguments are strings, []byte, int or int64; anything else is
// written as fmt.Sprint prints it.
func (c *Client) Send(args ...any) {
	c.queued = fmt.Appendf(c.queued, "*%d\r\n", len(args))
	for _, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case []byte:
			s = string(v)
		case int:
			s = strconv.Itoa(v)
		case int64:
			s = strconv.FormatInt(v, 10)
		default:
			s = fmt.Sprint(v)
		}
		c.queued = fmt.Appendf(c.queued, "$%d\r\n%s\r\n", len(s), s)
	}
	if len(c.queued) >= 64<<10 {
		c.flush()
	}
}

func (c *Client) flush() {
	c.t.Helper()
	if len(c.queued) == 0 {
		return
	}
	if err := c.c.Send(c.queued); err != nil {
		c.t.Fatal(err)
	}
	c.queued = c.queued[:0]
}

// Receive reads the next reply as ParseReply returns it.
func (c *Client) Receive() (any, error) {
	c.t.Helper()
	c.flush()
	raw, err := c.c.ReadReply()
	if err != nil {
		c.t.Fatal(err)
	}
	v, err := ParseReply(raw)
	var rerr RedisError
	if err != nil && !errors.As(err, &rerr) {
		c.t.Fatal(err)
	}
	return v, err
}

// Do sends one command and returns its reply as ParseReply does.
func (c *Client) Do(args ...any) (any, error) {
	c.t.Helper()
	c.Send(args...)
	return c.Receive()
}

// ParseReply turns the raw bytes of one reply into Go values: a simple, bulk, verbatim,
// double or big-number reply is a string, an integer an int64, a boolean a bool, a null nil,
// an array, set or push a []any, a map a []any of keys and values alternating. An error reply
// is returned as (nil, RedisError); inside an aggregate it is a RedisError element.
func ParseReply(raw []byte) (any, error) {
	v, n, err := parseValue(raw)
	if err == nil && n != len(raw) {
		err = fmt.Errorf("%d bytes after the reply", len(raw)-n)
	}
	if e, ok := v.(RedisError); ok && err == nil {
		return nil, e
	}
	return v, err
}

func parseValue(b []byte) (any, int, error) {
	end := bytes.Index(b, []byte("\r\n"))
	if end < 1 {
		return nil, 0, fmt.Errorf("bad reply %q", b)
	}
	line, n := string(b[1:end]), end+2
	switch b[0] {
	case '+', ',', '(':
		return line, n, nil
	case '-':
		return RedisError(line), n, nil
	case ':':
		v, err := strconv.ParseInt(line, 10, 64)
		return v, n, err
	case '_':
		return nil, n, nil
	case '#':
		return line == "t", n, nil
	case '$', '=', '!':
		size, err := strconv.Atoi(line)
		if err != nil || size < 0 {
			return nil, n, err
		}
		if len(b) < n+size+2 {
			return nil, 0, fmt.Errorf("short bulk reply %q", b)
		}
		s := string(b[n : n+size])
		if b[0] == '!' {
			return RedisError(s), n + size + 2, nil
		}
		return s, n + size + 2, nil
	case '*', '~', '>', '%', '|':
		count, err := strconv.Atoi(line)
		if err != nil || count < 0 {
			return nil, n, err
		}
		if b[0] == '%' || b[0] == '|' {
			count *= 2
		}
		out := make([]any, count)
		for i := range out {
			v, m, err := parseValue(b[n:])
			if err != nil {
				return nil, 0, err
			}
			out[i], n = v, n+m
		}
		if b[0] == '|' { // an attribute: the value it describes follows
			v, m, err := parseValue(b[n:])
			return v, n + m, err
		}
		return out, n, nil
	}
	return nil, 0, fmt.Errorf("unknown reply type %q", b[:end])
}
