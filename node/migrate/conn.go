package migrate

import (
	"bufio"
	"errors"
	"net"
	"os"
	"time"
)

// chunkSize is how much of a pipeline one write sends, each chunk with its own timeout, as
// Redis sends MIGRATE's buffer in 64 KiB pieces: a slow target fails the write only when it
// stops reading for a whole timeout, not because the value is large.
const chunkSize = 64 << 10

// maxLine bounds a reply line. A target answers RESTORE, AUTH and SELECT with one short line;
// anything longer is not a Redis node.
const maxLine = 64 << 10

// Conn is one connection to a target node.
type Conn struct {
	nc   net.Conn
	rd   *bufio.Reader
	name string // the cache key, "host:port" as MIGRATE named it

	// LastDB is the database last SELECTed successfully on this connection, -1 when unknown,
	// so MIGRATE sends SELECT only when it needs another one.
	LastDB int64

	lastUse time.Time
}

// Name is the "host:port" the connection was cached under.
func (c *Conn) Name() string { return c.name }

// Write sends buf in chunks of 64 KiB, each allowed timeout to complete.
func (c *Conn) Write(buf []byte, timeout time.Duration) error {
	for len(buf) > 0 {
		n := min(len(buf), chunkSize)
		if err := c.nc.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
			return err
		}
		if _, err := c.nc.Write(buf[:n]); err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// errLineTooLong is a reply line longer than maxLine.
var errLineTooLong = errors.New("migrate: reply line too long")

// ReadLine reads one reply line, without its "\r\n", within timeout. A line that does not end
// in time is an error matching os.ErrDeadlineExceeded.
func (c *Conn) ReadLine(timeout time.Duration) (string, error) {
	if err := c.nc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return "", err
	}
	line, err := c.rd.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return "", errLineTooLong
	}
	if err != nil {
		return "", err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return string(line), nil
}

// IsTimeout reports whether err is a timeout. MIGRATE retries after a socket error on a
// cached connection, which has most likely been closed by the target while idle, but not
// after a timeout: the target is alive and slow, and would be sent the keys twice.
func IsTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (c *Conn) close() { c.nc.Close() }
