package difftest

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/rcnode/rcnode/internal/sdsargs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

type step struct {
	line  int
	mode  string // "", "unordered", "shape", "ignore", "sleep", "await"
	args  []string
	await string // "await": the text both replies must come to contain
}

type script struct {
	name  string
	steps []step
	only  int // 0 both protocols, or 2 or 3
}

func loadScripts(t *testing.T, dir string) []script {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []script
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := script{name: filepath.Base(f)}
		for n, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			st := step{line: n + 1}
			if line[0] == '!' {
				word, rest, _ := strings.Cut(line[1:], " ")
				switch word {
				case "resp2only":
					sc.only = 2
					continue
				case "resp3only":
					sc.only = 3
					continue
				case "unordered", "shape", "ignore", "sleep":
					st.mode = word
					line = rest
				case "await":
					st.mode = word
					st.await, line, _ = strings.Cut(rest, " ")
				default:
					t.Fatalf("%s:%d: unknown directive %q", f, n+1, word)
				}
			}
			st.args, err = sdsargs.Split(line)
			if err != nil || len(st.args) == 0 {
				t.Fatalf("%s:%d: %v", f, n+1, err)
			}
			sc.steps = append(sc.steps, st)
		}
		out = append(out, sc)
	}
	if len(out) == 0 {
		t.Fatalf("no scripts in testdata/%s", dir)
	}
	return out
}

func TestStandalone(t *testing.T) {
	runMode(t, "standalone", nil)
}

func TestCluster(t *testing.T) {
	runMode(t, "cluster", []string{"--cluster-enabled", "yes"})
}

func runMode(t *testing.T, dir string, extra []string) {
	scripts := loadScripts(t, dir)
	redis := testutil.StartRedis(t, extra...)
	rc := testutil.StartRcnode(t, extra...)
	if dir == "cluster" {
		giveAllSlots(t, redis.Addr)
		giveAllSlots(t, rc.Addr)
	}
	for _, sc := range scripts {
		for _, proto := range []int{2, 3} {
			if sc.only != 0 && sc.only != proto {
				continue
			}
			sc, proto := sc, proto
			t.Run(fmt.Sprintf("%s/resp%d", sc.name, proto), func(t *testing.T) {
				runScript(t, sc, proto, redis.Addr, rc.Addr)
			})
		}
	}
}

// giveAllSlots makes a lone cluster-enabled node serve every slot, so keyed commands are
// answered rather than refused with CLUSTERDOWN.
func giveAllSlots(t *testing.T, addr string) {
	c, err := testutil.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if r, err := c.Do("CLUSTER", "ADDSLOTSRANGE", "0", "16383"); err != nil || string(r) != "+OK\r\n" {
		t.Fatalf("ADDSLOTSRANGE: %q %v", r, err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r, _ := c.Do("CLUSTER", "INFO")
		if bytes.Contains(r, []byte("cluster_state:ok")) {
			return
		}
	}
	t.Fatalf("the node at %s did not reach cluster_state:ok", addr)
}

func dialBoth(t *testing.T, proto int, addrs ...string) []*testutil.Conn {
	var conns []*testutil.Conn
	for _, a := range addrs {
		c, err := testutil.Dial(a)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if r, err := c.Do("FLUSHALL"); err != nil || string(r) != "+OK\r\n" {
			t.Fatalf("FLUSHALL on %s: %q %v", a, r, err)
		}
		if proto == 3 {
			if _, err := c.Do("HELLO", "3"); err != nil {
				t.Fatal(err)
			}
		}
		conns = append(conns, c)
	}
	return conns
}

func runScript(t *testing.T, sc script, proto int, redisAddr, rcAddr string) {
	runSteps(t, sc, dialBoth(t, proto, redisAddr, rcAddr), [2]rewriter{})
}

// rewriter adapts a script to one server: the arguments it sends and the reply it compares
// (nil for as written).
type rewriter struct {
	args  func([]string) []string
	reply func([]byte) []byte
}

// runSteps runs a script on conns[0] (redis-server) and conns[1] (rcnode).
func runSteps(t *testing.T, sc script, conns []*testutil.Conn, rw [2]rewriter) {
	do := func(i int, st step) ([]byte, error) {
		args := st.args
		if rw[i].args != nil {
			args = rw[i].args(args)
		}
		r, err := conns[i].Do(args...)
		if err == nil && rw[i].reply != nil {
			r = rw[i].reply(r)
		}
		return r, err
	}
	for _, st := range sc.steps {
		switch st.mode {
		case "sleep":
			ms, _ := strconv.Atoi(st.args[0])
			time.Sleep(time.Duration(ms) * time.Millisecond)
			continue
		case "await":
			for i, name := range []string{"redis-server", "rcnode"} {
				var r []byte
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					if r, _ = do(i, st); bytes.Contains(r, []byte(st.await)) {
						break
					}
				}
				if !bytes.Contains(r, []byte(st.await)) {
					t.Fatalf("%s:%d %s: %s never replied with %q; last reply %q", sc.name, st.line, quoteArgs(st.args), name, st.await, r)
				}
			}
			continue
		}
		want, err := do(0, st)
		if err != nil {
			t.Fatalf("%s:%d redis-server: %v", sc.name, st.line, err)
		}
		got, err := do(1, st)
		if err != nil {
			t.Fatalf("%s:%d rcnode: %v (redis-server replied %q)", sc.name, st.line, err, want)
		}
		if !same(st.mode, want, got) {
			t.Errorf("%s:%d %s\n redis-server: %q\n rcnode:       %q", sc.name, st.line, quoteArgs(st.args), want, got)
		}
	}
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, " ")
}

func same(mode string, want, got []byte) bool {
	switch mode {
	case "ignore":
		return true
	case "unordered":
		return bytes.Equal(sortedElements(want), sortedElements(got))
	case "shape":
		return shape(want) == shape(got)
	}
	return bytes.Equal(want, got)
}

// elements splits an aggregate reply into its header and its top-level elements' raw bytes.
func elements(raw []byte) (string, [][]byte) {
	c := testutil.NewReplyParser(raw)
	header, n := c.Header()
	var out [][]byte
	for i := 0; i < n; i++ {
		out = append(out, c.Next())
	}
	return header, out
}

func sortedElements(raw []byte) []byte {
	header, els := elements(raw)
	if len(header) == 0 || !strings.ContainsAny(header[:1], "*~%") {
		return raw
	}
	if header[0] == '%' {
		// Map replies: sort key/value pairs, not single elements.
		var pairs [][]byte
		for i := 0; i+1 < len(els); i += 2 {
			pairs = append(pairs, append(append([]byte{}, els[i]...), els[i+1]...))
		}
		els = pairs
	}
	sort.Slice(els, func(i, j int) bool { return bytes.Compare(els[i], els[j]) < 0 })
	return append([]byte(header), bytes.Join(els, nil)...)
}

// shape is a reply's type and, for aggregates, its element count.
func shape(raw []byte) string {
	line, _, _ := bufio.NewReader(bytes.NewReader(raw)).ReadLine()
	if len(line) == 0 {
		return ""
	}
	switch line[0] {
	case '*', '~', '%', '>':
		return string(line)
	case '$':
		if string(line) == "$-1" {
			return "null"
		}
	}
	return string(line[:1])
}
