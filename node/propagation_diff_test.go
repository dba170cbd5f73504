package node

import (
	"bufio"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
	"github.com/rcnode/rcnode/node/repl"
)

// propagationScript covers the commands whose replication form differs from what the client
// sent, and writes that change nothing (which propagate nothing).
var propagationScript = [][]string{
	{"SET", "a", "1", "EX", "100"},
	{"SET", "b", "1", "px", "100000", "get"},
	{"SET", "c", "2", "GET"},
	{"SETEX", "d", "100", "v"},
	{"PSETEX", "e", "100000", "v"},
	{"set", "f", "1", "keepttl", "nx"},
	{"SET", "f", "2", "NX"}, // no change
	{"EXPIRE", "a", "200"},
	{"EXPIRE", "a", "300", "GT"},
	{"EXPIRE", "a", "10", "GT"}, // no change
	{"PEXPIRE", "a", "300000"},
	{"EXPIREAT", "a", "1900000000"},
	{"pexpireat", "a", "1900000000000"},
	{"EXPIRE", "nokey", "10"}, // no change
	{"EXPIRE", "c", "-1"},
	{"PERSIST", "a"},
	{"PERSIST", "a"}, // no change
	{"INCRBYFLOAT", "g", "1.5"},
	{"HINCRBYFLOAT", "h", "f", "2.5"},
	{"SADD", "s1", "only"},
	{"SPOP", "s1"},
	{"SADD", "s2", "a", "b"},
	{"SPOP", "s2", "2"},
	{"SADD", "s3", "a", "b", "c"},
	{"SPOP", "s3", "5"},
	{"SADD", "s4", "x"},
	{"SPOP", "s4", "1"},
	{"SET", "x", "v"},
	{"GETEX", "x", "EX", "100"},
	{"GETEX", "x", "PERSIST"},
	{"GETEX", "x", "PERSIST"}, // no change
	{"GETEX", "x", "PXAT", "1"},
	{"SET", "y", "v"},
	{"GETDEL", "y"},
	{"GETDEL", "y"},      // no change
	{"GETSET", "y", "1"}, // as SET
	{"GETSET", "y", "2"},
	{"SETBIT", "bits", "3", "1"},
	{"SETBIT", "bits", "3", "1"}, // no change
	{"BITOP", "OR", "bits2", "bits"},
	{"BITOP", "OR", "bits3", "nokey"}, // no change
	{"DEL", "nokey"},                  // no change
	{"SREM", "s2", "zz"},              // no change
	{"SELECT", "3"},
	{"SET", "z", "1"},
	{"FLUSHDB"},
	{"SELECT", "0"},
	{"RPUSH", "l", "a", "b", "c"},
	{"LMPOP", "1", "l", "LEFT", "COUNT", "2"},
	{"LMPOP", "2", "nolist", "l", "RIGHT"},
	{"RPOPLPUSH", "l", "l2"},
	{"ZADD", "zs", "1", "a", "2", "b", "3", "c"},
	{"ZMPOP", "1", "zs", "MIN", "COUNT", "2"},
	{"ZPOPMAX", "zs"},
	{"RPUSH", "bl", "a", "b", "c"},
	{"BLPOP", "nolist", "bl", "0"},
	{"BLMPOP", "0", "1", "bl", "RIGHT", "COUNT", "5"},
	{"ZADD", "bz", "1", "a", "2", "b", "3", "c"},
	{"BZPOPMAX", "bz", "0"},
	{"BZMPOP", "0", "1", "bz", "MIN", "COUNT", "5"},
	{"RPUSH", "bm", "a", "b"},
	{"BLMOVE", "bm", "bm2", "Left", "right", "0"},
	{"BRPOPLPUSH", "bm", "bm2", "0"},
	{"SADD", "t1", "1", "2"},
	{"SINTERSTORE", "dst", "t1", "nokey"}, // dst did not exist: no change
	{"SET", "k1", "v"},
	{"RENAME", "k1", "k2"},
	{"SET", "p", "1", "PX", "1"},
	{"!sleep"},
	{"GET", "p"}, // expired: DEL
	{"SET", "q", "1", "PX", "1"},
	{"!sleep"},
	{"SET", "q", "2"}, // DEL, then the SET, in a MULTI
	{"SET", "r1", "1", "PX", "1"},
	{"SET", "r2", "1", "PX", "1"},
	{"!sleep"},
	{"EXISTS", "r1"},        // a read finding one expired key: a lone DEL
	{"MGET", "r2", "nokey"}, // ...
	{"SET", "r3", "1", "PX", "1"},
	{"SET", "r4", "1", "PX", "1"},
	{"!sleep"},
	{"MGET", "r3", "r4"}, // two: DELs in a MULTI
	{"HSET", "hh", "a", "1"},
	{"HINCRBYFLOAT", "hh", "a", "1e3"},
	{"SET", "n", "10"},
	{"INCRBYFLOAT", "n", "3.0e3"},
	{"SET", "cnt", "5", "EX", "1000"},
	{"INCRBYFLOAT", "cnt", "1"},
	{"MSETNX", "m1", "1", "m1", "2"},
	{"MSETNX", "m1", "3"}, // no change
	{"COPY", "n", "n5"},
	{"LPUSH", "ll", "a"},
	{"LPOP", "ll", "5"},
	{"ZADD", "zz", "1", "a"},
	{"ZADD", "zz", "INCR", "2", "a"},
	{"ZINCRBY", "zz", "1.5", "a"},
	{"SET", "nn", "1.0"},
	{"INCRBYFLOAT", "nn", "2"},
	// Transactions: more than one write goes out in MULTI/EXEC, SELECTs inside; one write
	// goes out alone; reads propagate nothing.
	{"MULTI"},
	{"SET", "tx1", "1"},
	{"INCRBYFLOAT", "tx1", "1.5"},
	{"SELECT", "2"},
	{"SET", "tx2", "v", "EX", "100"},
	{"SELECT", "0"},
	{"GET", "tx1"},
	{"EXEC"},
	{"MULTI"},
	{"GET", "tx1"},
	{"DEL", "tx1"},
	{"EXEC"},
	{"MULTI"},
	{"GET", "tx1"},
	{"EXEC"},
	{"SET", "txe", "1", "PX", "1"},
	{"!sleep"},
	{"MULTI"},
	{"GET", "txe"}, // expired: its DEL goes inside the transaction
	{"SET", "txf", "1"},
	{"EXEC"},
	{"FLUSHALL"},
}

// replicaTap is a hand-made replica that records the stream its master sends.
type replicaTap struct {
	nc    net.Conn
	br    *bufio.Reader
	start int64 // the FULLRESYNC offset
}

func tapReplication(t *testing.T, addr string) *replicaTap {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(nc)
	nc.Write(testutil.EncodeCommand("REPLCONF", "capa", "psync2"))
	if line, err := repl.ReadLine(br); err != nil || line != "+OK" {
		t.Fatalf("REPLCONF: %q %v", line, err)
	}
	nc.Write(testutil.EncodeCommand("PSYNC", "?", "-1"))
	var line string
	for line == "" {
		if line, err = repl.ReadLine(br); err != nil {
			t.Fatal(err)
		}
	}
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "+FULLRESYNC" {
		t.Fatalf("PSYNC reply %q", line)
	}
	start, _ := strconv.ParseInt(f[2], 10, 64)
	pl, err := repl.ReadPayloadHeader(br)
	if err != nil || pl.Len < 0 {
		t.Fatalf("payload header: %+v %v", pl, err)
	}
	if _, err := io.CopyN(io.Discard, br, pl.Len); err != nil {
		t.Fatal(err)
	}
	return &replicaTap{nc: nc, br: br, start: start}
}

// commands reads the stream up to the master's offset end and returns its commands, one
// line each, with what legitimately differs between two masters blurred: absolute times,
// the members a random pop chose, and PINGs.
func (rt *replicaTap) commands(t *testing.T, end int64) []string {
	t.Helper()
	raw := make([]byte, end-rt.start)
	if _, err := io.ReadFull(rt.br, raw); err != nil {
		t.Fatalf("reading %d bytes of stream: %v", len(raw), err)
	}
	rd := bufio.NewReader(strings.NewReader(string(raw)))
	ts := regexp.MustCompile(`^1[0-9]{12}$`)
	var out []string
	for {
		args, err := readCommand(rd)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		if strings.EqualFold(args[0], "ping") {
			continue
		}
		for i, a := range args {
			if ts.MatchString(a) {
				args[i] = "<time>"
			}
		}
		if strings.EqualFold(args[0], "SREM") && len(args) == 3 && strings.HasPrefix(args[1], "s") {
			args[2] = "<member>"
		}
		out = append(out, strings.Join(args, " "))
	}
}

func readCommand(rd *bufio.Reader) ([]string, error) {
	line, err := repl.ReadLine(rd)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "*") {
		return nil, io.ErrUnexpectedEOF
	}
	n, _ := strconv.Atoi(line[1:])
	args := make([]string, n)
	for i := range args {
		h, err := repl.ReadLine(rd)
		if err != nil {
			return nil, err
		}
		l, _ := strconv.Atoi(h[1:])
		b := make([]byte, l+2)
		if _, err := io.ReadFull(rd, b); err != nil {
			return nil, err
		}
		args[i] = string(b[:l])
	}
	return args, nil
}

// runScript runs the script on addr and returns the master's offset after it.
func runScript(t *testing.T, addr string) int64 {
	c := testutil.NewClient(t, addr)
	// Only lookups expire keys, so both servers delete them at the same point.
	mustDo(t, c, "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	for _, cmd := range propagationScript {
		if cmd[0] == "!sleep" {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		args := make([]any, len(cmd))
		for i, a := range cmd {
			args[i] = a
		}
		if _, err := c.Do(args...); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	off, _ := strconv.ParseInt(infoOf(t, c, "replication", "master_repl_offset"), 10, 64)
	return off
}

// TestPropagationMatchesRedisServer runs one script on a redis-server master and on an
// rcnode master, each with a replica attached, and compares what the two replicas receive.
func TestPropagationMatchesRedisServer(t *testing.T) {
	rp := startRedis(t, "--enable-debug-command", "yes")
	redisTap := tapReplication(t, rp.addr)
	want := redisTap.commands(t, runScript(t, rp.addr))

	rc := startNode(t, func(st *Settings) { st.EnableDebugCommand = "yes" })
	rcTap := tapReplication(t, addrOf(rc))
	got := rcTap.commands(t, runScript(t, addrOf(rc)))

	if !strings.Contains(strings.Join(want, "\n"), "MULTI\nDEL r3\nDEL r4\nEXEC") {
		t.Fatalf("the script no longer shows redis-server wrapping two expired keys in MULTI:\n%s", strings.Join(want, "\n"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("replication streams differ:\nredis-server:\n  %s\nrcnode:\n  %s",
			strings.Join(want, "\n  "), strings.Join(got, "\n  "))
	}
}
