package testutil

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// Conn is a raw RESP connection: it sends commands and returns each reply's exact bytes.
type Conn struct {
	nc net.Conn
	r  *bufio.Reader
}

// Dial connects to addr.
func Dial(addr string) (*Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	return &Conn{nc: nc, r: bufio.NewReaderSize(nc, 64<<10)}, nil
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// EncodeCommand encodes args as a RESP multibulk.
func EncodeCommand(args ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.Bytes()
}

// Do sends one command and returns its reply's raw bytes.
func (c *Conn) Do(args ...string) ([]byte, error) {
	if err := c.Send(EncodeCommand(args...)); err != nil {
		return nil, err
	}
	return c.ReadReply()
}

// Buffered is how many bytes have arrived beyond the replies read so far.
func (c *Conn) Buffered() int { return c.r.Buffered() }

// Send writes raw bytes.
func (c *Conn) Send(raw []byte) error {
	c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.nc.Write(raw)
	return err
}

// ReadReply reads one complete reply (of any RESP2/RESP3 type) and returns its raw bytes.
func (c *Conn) ReadReply() ([]byte, error) {
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	var out bytes.Buffer
	err := c.readValue(&out)
	return out.Bytes(), err
}

func (c *Conn) readLine(out *bytes.Buffer) ([]byte, error) {
	line, err := c.r.ReadBytes('\n')
	out.Write(line)
	if err != nil {
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("bad reply line %q", line)
	}
	return line[:len(line)-2], nil
}

func (c *Conn) readValue(out *bytes.Buffer) error {
	line, err := c.readLine(out)
	if err != nil {
		return err
	}
	switch line[0] {
	case '+', '-', ':', ',', '#', '_', '(':
		return nil
	case '$', '=', '!':
		n, err := strconv.Atoi(string(line[1:]))
		if err != nil {
			return err
		}
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := readFull(c.r, buf); err != nil {
			return err
		}
		out.Write(buf)
		return nil
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(string(line[1:]))
		if err != nil {
			return err
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if err := c.readValue(out); err != nil {
				return err
			}
		}
		if line[0] == '|' {
			// An attribute is followed by the value it describes.
			return c.readValue(out)
		}
		return nil
	}
	return errors.New("unknown reply type " + strconv.Quote(string(line)))
}

func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
