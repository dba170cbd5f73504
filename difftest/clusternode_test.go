package difftest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/testutil"
)

// TestClusterNode runs the scripts of testdata/clusternode, which change the cluster state
// of a node for good (slots, epochs, its ID), against a fresh pair of cluster-enabled nodes
// for each script and protocol. The nodes' IDs and ports differ, so each side's own ID and
// ports are written as placeholders in the replies, and "{myid}" in a script's arguments is
// the node's own ID.
func TestClusterNode(t *testing.T) {
	for _, sc := range loadScripts(t, "clusternode") {
		for _, proto := range []int{2, 3} {
			if sc.only != 0 && sc.only != proto {
				continue
			}
			sc, proto := sc, proto
			t.Run(fmt.Sprintf("%s/resp%d", sc.name, proto), func(t *testing.T) {
				redis := testutil.StartRedis(t, "--cluster-enabled", "yes")
				rc := testutil.StartRcnode(t, "--cluster-enabled", "yes")
				if len(strconv.Itoa(redis.Port)) != len(strconv.Itoa(rc.Port)) {
					t.Fatalf("ports %d and %d differ in length: the placeholders would change bulk lengths", redis.Port, rc.Port)
				}
				conns := dialBoth(t, proto, redis.Addr, rc.Addr)
				runSteps(t, sc, conns, [2]rewriter{ownNames(t, redis), ownNames(t, rc)})
			})
		}
	}
}

// ownNames rewrites a script for one node: "{myid}" in arguments becomes its ID, and its
// ID, client port and bus port in replies become placeholders of the same length. The ID
// is asked for at every step, since CLUSTER RESET HARD changes it.
func ownNames(t *testing.T, p *testutil.Proc) rewriter {
	c, err := testutil.Dial(p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	myID := func() string {
		r, err := c.Do("CLUSTER", "MYID")
		if err != nil || len(r) != len("$40\r\n")+40+2 {
			t.Fatalf("CLUSTER MYID on %s: %q %v", p.Addr, r, err)
		}
		return string(r[5:45])
	}
	port, busPort := strconv.Itoa(p.Port), strconv.Itoa(p.Port+10000)
	return rewriter{
		args: func(args []string) []string {
			out := make([]string, len(args))
			for i, a := range args {
				out[i] = strings.ReplaceAll(a, "{myid}", myID())
			}
			return out
		},
		reply: func(r []byte) []byte {
			r = bytes.ReplaceAll(r, []byte(myID()), bytes.Repeat([]byte("I"), 40))
			r = bytes.ReplaceAll(r, []byte(busPort), bytes.Repeat([]byte("B"), len(busPort)))
			return bytes.ReplaceAll(r, []byte(port), bytes.Repeat([]byte("P"), len(port)))
		},
	}
}
