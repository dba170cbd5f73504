package node

import (
	"bytes"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// fuzzSkip are commands that sleep, stop the server, end the connection or change the
// process (CONFIG SET dir chdirs), and those that wait for replicas or turn the connection
// into a replication stream.
var fuzzSkip = map[string]bool{"debug": true, "shutdown": true, "client|kill": true, "quit": true, "config|set": true,
	"sync": true, "psync": true, "wait": true}

func fuzzCommandNames() []string {
	var names []string
	for n := range handlers {
		if !fuzzSkip[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// FuzzCommands runs arbitrary argument lists through every command handler on one keyspace:
// no input may panic. Each input line is a command: its first byte picks the command, the
// rest are space-separated arguments. Large numbers are folded into a small range so the
// fuzzer explores logic rather than allocating gigabytes (SRANDMEMBER -9e18 builds a reply of
// that size in redis-server too).
func FuzzCommands(f *testing.F) {
	names := fuzzCommandNames()
	index := func(name string) byte {
		i := sort.SearchStrings(names, name)
		return byte(i)
	}
	for _, seed := range []string{
		"set k v\nget k\nappend k x\nincr n\nincrbyfloat f 1.5",
		"rpush l a b c\nlrange l 0 -1\nlinsert l before b x\nlpos l b rank -1",
		"hset h f v\nhincrby h n 5\nhrandfield h -5 withvalues\nhscan h 0 match * count 3",
		"sadd s 1 2 3\nsadd s x\nspop s 2\nsinterstore d s s\nsrandmember s -3",
		"zadd z 1 a 2 b\nzrange z (1 +inf byscore limit 0 1\nzunionstore d 2 z z weights 1 2\nzrandmember z -4 withscores",
		"set k v ex 10\nexpire k 5 gt\ncopy k k2\nrename k2 k3\nscan 0 type string\nobject|encoding k3",
		"rpush l a b\nblpop l 0\nblmove l m left right 0\nblmpop 0 1 l left count 2\nzadd z 1 a\nbzmpop 0.5 1 z max\nsetbit b 7 1\nbitpos b 1 0 -1 bit",
	} {
		var b strings.Builder
		for _, line := range strings.Split(seed, "\n") {
			name, rest, _ := strings.Cut(line, " ")
			b.WriteByte(index(name))
			b.WriteString(" " + rest + "\n")
		}
		f.Add([]byte(b.String()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st := DefaultSettings()
		st.ProtoMaxBulkLen = 1 << 20
		s := newTestServer(t, st)
		server, client := net.Pipe()
		defer server.Close()
		defer client.Close()
		c := s.newClient(server)
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			name := names[int(line[0])%len(names)]
			args := [][]byte{}
			for _, part := range strings.Split(name, "|") {
				args = append(args, []byte(part))
			}
			for _, a := range bytes.Fields(line[1:]) {
				if n, err := strconv.ParseInt(string(a), 10, 64); err == nil && (n > 1000 || n < -1000) {
					a = []byte(strconv.FormatInt(n%1000, 10))
				}
				args = append(args, a)
			}
			if slices.Contains(blockingCommands, name) {
				// Inside a transaction it parses and pops as always, but never waits.
				c.execute([][]byte{[]byte("multi")})
				c.execute(args)
				c.execute([][]byte{[]byte("exec")})
			} else {
				c.execute(args)
			}
			if c.locked {
				t.Fatalf("%q left its slot locks held", args)
			}
			c.w.Reset(writeBufferKeep)
		}
	})
}
