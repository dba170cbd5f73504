package difftest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/testutil"
)

// TestMigrate runs the scripts of testdata/migrate, whose lines are each run on a source node
// ("src ...") or on the target it migrates to ("dst ..."), on four pairs: redis-server to
// redis-server (the reference), rcnode to rcnode, and both mixed pairs. Every reply of the
// other three must equal the reference's byte for byte, so MIGRATE's replies, RESTORE's
// replies to it and the values that arrive are Redis's whichever side is rcnode.
func TestMigrate(t *testing.T) {
	closed := testutil.FreePort(t)
	for _, sc := range loadScripts(t, "migrate") {
		t.Run(sc.name, func(t *testing.T) {
			ref := startMigratePair(t, false, false)
			pairs := map[string]*migratePair{
				"rcnode->rcnode":       startMigratePair(t, true, true),
				"rcnode->redis-server": startMigratePair(t, true, false),
				"redis-server->rcnode": startMigratePair(t, false, true),
			}
			for _, st := range sc.steps {
				want := ref.do(t, st, closed)
				for name, p := range pairs {
					if got := p.do(t, st, closed); !same(st.mode, want, got) {
						t.Errorf("%s:%d %s on %s\n redis-server pair: %q\n %s: %q", sc.name, st.line, quoteArgs(st.args), name, want, name, got)
					}
				}
			}
		})
	}
}

// migratePair is a source node and the target its MIGRATEs name.
type migratePair struct {
	src, dst   *testutil.Conn
	dstPort    int
	srcRcnode  bool
	dstRcnode  bool
	srcProcess *testutil.Proc
}

func startMigratePair(t *testing.T, srcRcnode, dstRcnode bool) *migratePair {
	start := func(rc bool) (*testutil.Proc, *testutil.Conn) {
		var p *testutil.Proc
		if rc {
			p = testutil.StartRcnode(t)
		} else {
			p = testutil.StartRedis(t)
		}
		c, err := testutil.Dial(p.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return p, c
	}
	sp, sc := start(srcRcnode)
	dp, dc := start(dstRcnode)
	return &migratePair{src: sc, dst: dc, dstPort: dp.Port, srcRcnode: srcRcnode, dstRcnode: dstRcnode, srcProcess: sp}
}

// do runs one step on the pair's source or target, with the placeholders filled in.
func (p *migratePair) do(t *testing.T, st step, closedPort int) []byte {
	t.Helper()
	role, args := st.args[0], make([]string, len(st.args)-1)
	for i, a := range st.args[1:] {
		a = strings.ReplaceAll(a, "{dsthost}", "127.0.0.1")
		a = strings.ReplaceAll(a, "{dstport}", strconv.Itoa(p.dstPort))
		args[i] = strings.ReplaceAll(a, "{closedport}", strconv.Itoa(closedPort))
	}
	conn := p.src
	switch role {
	case "src":
	case "dst":
		conn = p.dst
	default:
		t.Fatalf("line %d: %q is neither src nor dst", st.line, role)
	}
	r, err := conn.Do(args...)
	if err != nil {
		t.Fatalf("line %d %s %q (src rcnode=%v, dst rcnode=%v): %v", st.line, role, args, p.srcRcnode, p.dstRcnode, err)
	}
	return r
}

func (p *migratePair) String() string {
	return fmt.Sprintf("src rcnode=%v dst rcnode=%v", p.srcRcnode, p.dstRcnode)
}
