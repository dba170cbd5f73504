package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"time"
)

// memResult is one server's memory after loading the keys.
type memResult struct {
	server     string
	keys       int64 // DBSIZE after loading
	startRSS   int64 // bytes, before loading
	rss        int64 // bytes, after loading and settling
	usedMemory int64 // INFO memory used_memory
	load       time.Duration
}

// memory starts each server fresh, loads the same o.memKeys keys into it and measures it.
func memory(ctx context.Context, o *options, servers []serverSpec, work string) ([]memResult, error) {
	var out []memResult
	for _, spec := range servers {
		r, err := memoryOne(ctx, o, spec, work)
		if err != nil {
			return nil, fmt.Errorf("memory, %s: %w", spec.name, err)
		}
		logf("memory %-6s keys=%d rss=%s (at start %s) used_memory=%s load=%v",
			spec.name, r.keys, mib(r.rss), mib(r.startRSS), mib(r.usedMemory), r.load.Round(time.Millisecond))
		out = append(out, r)
	}
	return out, nil
}

func memoryOne(ctx context.Context, o *options, spec serverSpec, work string) (memResult, error) {
	r := memResult{server: spec.name}
	srv, err := startServer(ctx, spec, o.pinServer, work)
	if err != nil {
		return r, err
	}
	defer srv.stop()
	if err := sleepCtx(ctx, 500*time.Millisecond); err != nil {
		return r, err
	}
	kb, err := rssKB(srv.pid())
	if err != nil {
		return r, err
	}
	r.startRSS = kb << 10

	conn, err := dialResp(ctx, srv.addr())
	if err != nil {
		return r, err
	}
	defer conn.close()
	start := time.Now()
	if err := loadKeys(ctx, conn, o.memKeys, o.valueSize, o.batch); err != nil {
		return r, err
	}
	r.load = time.Since(start)
	if err := sleepCtx(ctx, o.settle); err != nil {
		return r, err
	}
	if kb, err = rssKB(srv.pid()); err != nil {
		return r, err
	}
	r.rss = kb << 10
	// DBSIZE and INFO come after the RSS reading so building their replies cannot count.
	if r.keys, err = conn.integer("DBSIZE"); err != nil {
		return r, err
	}
	info, err := conn.bulk("INFO", "memory")
	if err != nil {
		return r, err
	}
	if r.usedMemory, err = infoField(info, "used_memory"); err != nil {
		return r, err
	}
	return r, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// loadKeys SETs keys "key:%010d" (0..n-1) to valueSize random printable bytes, the same
// bytes for every server (fixed seed), in pipelined batches, reading every reply.
func loadKeys(ctx context.Context, c *respConn, n, valueSize, batch int) error {
	var errs int64
	var firstErr string
	rng := rand.New(rand.NewPCG(1, 2))
	val := make([]byte, valueSize)
	buf := make([]byte, 0, batch*(40+valueSize))
	for i := 0; i < n; {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		buf = buf[:0]
		cnt := 0
		for ; cnt < batch && i < n; cnt, i = cnt+1, i+1 {
			for j := range val {
				val[j] = byte('!' + rng.IntN('~'-'!'+1))
			}
			buf = append(buf, "*3\r\n$3\r\nSET\r\n$14\r\nkey:"...)
			buf = fmt.Appendf(buf, "%010d\r\n$%d\r\n", i, valueSize)
			buf = append(buf, val...)
			buf = append(buf, "\r\n"...)
		}
		c.deadline(time.Minute)
		if _, err := c.nc.Write(buf); err != nil {
			return err
		}
		for k := 0; k < cnt; k++ {
			line, err := c.line()
			if err != nil {
				return err
			}
			if line != "+OK" {
				if errs == 0 {
					firstErr = line
				}
				errs++
			}
		}
	}
	if errs > 0 {
		return fmt.Errorf("%d SETs failed, first: %s", errs, firstErr)
	}
	return nil
}

func infoField(info, name string) (int64, error) {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("INFO has no %s", name)
}

// respConn is a minimal RESP2 client: enough for SET batches, DBSIZE and INFO.
type respConn struct {
	nc   net.Conn
	rd   *bufio.Reader
	stop func() bool
}

func dialResp(ctx context.Context, addr string) (*respConn, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	// Interrupting bench closes the connection so a blocked read returns at once.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	return &respConn{nc: nc, rd: bufio.NewReaderSize(nc, 64<<10), stop: stop}, nil
}

func (c *respConn) close() {
	c.stop()
	c.nc.Close()
}

func (c *respConn) deadline(d time.Duration) { c.nc.SetDeadline(time.Now().Add(d)) }

func (c *respConn) line() (string, error) {
	s, err := c.rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(s, "\r\n"), nil
}

func (c *respConn) send(args ...string) error {
	b := fmt.Appendf(nil, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	c.deadline(30 * time.Second)
	_, err := c.nc.Write(b)
	return err
}

func (c *respConn) integer(args ...string) (int64, error) {
	if err := c.send(args...); err != nil {
		return 0, err
	}
	line, err := c.line()
	if err != nil {
		return 0, err
	}
	if !strings.HasPrefix(line, ":") {
		return 0, fmt.Errorf("%s: %q", args[0], line)
	}
	return strconv.ParseInt(line[1:], 10, 64)
}

func (c *respConn) bulk(args ...string) (string, error) {
	if err := c.send(args...); err != nil {
		return "", err
	}
	line, err := c.line()
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(line, "$") {
		return "", fmt.Errorf("%s: %q", args[0], line)
	}
	n, err := strconv.Atoi(line[1:])
	if err != nil || n < 0 {
		return "", errors.New(args[0] + ": bad bulk length " + line)
	}
	b := make([]byte, n+2)
	if _, err := io.ReadFull(c.rd, b); err != nil {
		return "", err
	}
	return string(b[:n]), nil
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
