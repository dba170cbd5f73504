package node

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/slots"
)

// routingFixture is a three-node snapshot: myself (index 0, 127.0.0.1:7000), a master B
// (index 1, 127.0.0.2:7001, hostname "b.example") and a master C without hostname (index 2).
// Myself owns 0-999, B 1000-1999, C 2000-2999; the rest is unassigned.
func routingFixture() *gossip.Routing {
	r := &gossip.Routing{
		OK:       true,
		Myself:   0,
		MyMaster: -1,
		Nodes: []gossip.Endpoint{
			{ID: "a", IP: "127.0.0.1", Port: 7000},
			{ID: "b", IP: "127.0.0.2", Port: 7001, Hostname: "b.example"},
			{ID: "c", IP: "127.0.0.3", Port: 7002},
		},
	}
	for s := range r.Owner {
		r.Owner[s], r.Migrating[s], r.Importing[s] = -1, -1, -1
		if s < 3000 {
			r.Owner[s] = int16(s / 1000)
		}
	}
	return r
}

// keyIn returns a key of slot s.
func keyIn(t testing.TB, s int) string { return keysIn(t, s, 1)[0] }

// keysIn returns n different keys of slot s.
func keysIn(t testing.TB, s, n int) []string {
	t.Helper()
	var keys []string
	for i := 0; len(keys) < n && i < 10_000_000; i++ {
		if k := "k" + strconv.Itoa(i); slots.KeySlotString(k) == s {
			keys = append(keys, k)
		}
	}
	if len(keys) < n {
		t.Fatalf("found %d keys of slot %d, want %d", len(keys), s, n)
	}
	return keys
}

// clusterTestClient is a client of an in-process cluster-mode server that routes by r.
func clusterTestClient(t testing.TB, r *gossip.Routing, st *Settings) (*Server, *Client) {
	t.Helper()
	s := newTestServer(t, st)
	s.opts.ClusterEnabled = true
	s.setRouting(r) // as the bus publishes it: replication follows the topology
	server, client := net.Pipe()
	t.Cleanup(func() { server.Close(); client.Close() })
	return s, s.newClient(server)
}

// run executes one command and returns its reply bytes.
func run(c *Client, args ...string) string {
	a := make([][]byte, len(args))
	for i, x := range args {
		a[i] = []byte(x)
	}
	c.execute(a)
	out := string(c.w.Bytes())
	c.w.Reset(writeBufferKeep)
	return out
}

func TestRedirection(t *testing.T) {
	r := routingFixture()
	mine, atB, atC, unassigned := keyIn(t, 500), keyIn(t, 1500), keyIn(t, 2500), keyIn(t, 9000)
	_, c := clusterTestClient(t, r, DefaultSettings())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"SET", mine, "v"}, "+OK\r\n"},
		{[]string{"GET", atB}, "-MOVED 1500 127.0.0.2:7001\r\n"},
		{[]string{"SET", atC, "v"}, "-MOVED 2500 127.0.0.3:7002\r\n"},
		{[]string{"GET", unassigned}, "-CLUSTERDOWN Hash slot not served\r\n"},
		// The first key's slot is looked at before the keys are compared.
		{[]string{"MGET", unassigned, mine}, "-CLUSTERDOWN Hash slot not served\r\n"},
		{[]string{"MGET", mine, atB}, "-CROSSSLOT Keys in request don't hash to the same slot\r\n"},
		{[]string{"FLUSHALL"}, "+OK\r\n"},
		{[]string{"PING"}, "+PONG\r\n"},
	} {
		if got := run(c, tc.args...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestRedirectionEndpointTypes(t *testing.T) {
	atB, atC := keyIn(t, 1500), keyIn(t, 2500)
	for _, tc := range []struct{ endpointType, wantB, wantC string }{
		{"ip", "-MOVED 1500 127.0.0.2:7001\r\n", "-MOVED 2500 127.0.0.3:7002\r\n"},
		{"hostname", "-MOVED 1500 b.example:7001\r\n", "-MOVED 2500 ?:7002\r\n"},
		{"unknown-endpoint", "-MOVED 1500 :7001\r\n", "-MOVED 2500 :7002\r\n"},
	} {
		st := DefaultSettings()
		st.ClusterPreferredEndpointType = tc.endpointType
		_, c := clusterTestClient(t, routingFixture(), st)
		if got := run(c, "GET", atB); got != tc.wantB {
			t.Errorf("%s: got %q, want %q", tc.endpointType, got, tc.wantB)
		}
		if got := run(c, "GET", atC); got != tc.wantC {
			t.Errorf("%s: got %q, want %q", tc.endpointType, got, tc.wantC)
		}
	}
}

func TestRedirectionClusterDown(t *testing.T) {
	r := routingFixture()
	r.OK = false
	mine, atB := keyIn(t, 500), keyIn(t, 1500)
	_, c := clusterTestClient(t, r, DefaultSettings())
	for _, args := range [][]string{{"GET", mine}, {"SET", mine, "v"}, {"GET", atB}} {
		if got := run(c, args...); got != "-CLUSTERDOWN The cluster is down\r\n" {
			t.Errorf("%q: got %q", args, got)
		}
	}
	st := DefaultSettings()
	st.ClusterAllowReadsWhenDown = true
	_, c = clusterTestClient(t, r, st)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"GET", mine}, "$-1\r\n"},
		{[]string{"SET", mine, "v"}, "-CLUSTERDOWN The cluster is down and only accepts read commands\r\n"},
		{[]string{"GET", atB}, "-MOVED 1500 127.0.0.2:7001\r\n"},
	} {
		if got := run(c, tc.args...); got != tc.want {
			t.Errorf("reads when down %q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestRedirectionOnReplica(t *testing.T) {
	r := routingFixture()
	r.MyMaster = 1 // myself replicates B
	for s := 0; s < 1000; s++ {
		r.Owner[s] = -1
	}
	atB, atC := keyIn(t, 1500), keyIn(t, 2500)
	_, c := clusterTestClient(t, r, DefaultSettings())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"GET", atB}, "-MOVED 1500 127.0.0.2:7001\r\n"},
		{[]string{"READONLY"}, "+OK\r\n"},
		{[]string{"GET", atB}, "$-1\r\n"},
		{[]string{"SET", atB, "v"}, "-MOVED 1500 127.0.0.2:7001\r\n"},
		{[]string{"GET", atC}, "-MOVED 2500 127.0.0.3:7002\r\n"},
		{[]string{"FLUSHALL"}, "-READONLY You can't write against a read only replica.\r\n"},
		{[]string{"READWRITE"}, "+OK\r\n"},
		{[]string{"GET", atB}, "-MOVED 1500 127.0.0.2:7001\r\n"},
	} {
		if got := run(c, tc.args...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestRedirectionOpenSlots(t *testing.T) {
	r := routingFixture()
	r.Migrating[500] = 1  // moving 500 from myself to B
	r.Importing[1500] = 1 // moving 1500 from B to myself
	two := keysIn(t, 500, 2)
	k500, other500 := two[0], two[1]
	k1500 := keyIn(t, 1500)
	_, c := clusterTestClient(t, r, DefaultSettings())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"GET", k500}, "-ASK 500 127.0.0.2:7001\r\n"},
		{[]string{"SET", k500, "v"}, "-ASK 500 127.0.0.2:7001\r\n"},
		// ASKING lets the importing node serve the slot for the next command only.
		{[]string{"GET", k1500}, "-MOVED 1500 127.0.0.2:7001\r\n"},
		{[]string{"ASKING"}, "+OK\r\n"},
		{[]string{"SET", k1500, "v"}, "+OK\r\n"},
		{[]string{"GET", k1500}, "-MOVED 1500 127.0.0.2:7001\r\n"},
		{[]string{"ASKING"}, "+OK\r\n"},
		{[]string{"PING"}, "+PONG\r\n"},
		{[]string{"GET", k1500}, "-MOVED 1500 127.0.0.2:7001\r\n"},
		// A rejected command uses up ASKING too.
		{[]string{"ASKING"}, "+OK\r\n"},
		{[]string{"GET"}, "-ERR wrong number of arguments for 'get' command\r\n"},
		{[]string{"GET", k1500}, "-MOVED 1500 127.0.0.2:7001\r\n"},
	} {
		if got := run(c, tc.args...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
		}
	}
	// A key still here is served; with some keys here and some gone, TRYAGAIN.
	r.Migrating[500] = -1
	run(c, "SET", k500, "v")
	r.Migrating[500] = 1
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"GET", k500}, "$1\r\nv\r\n"},
		{[]string{"MGET", k500, other500}, "-TRYAGAIN Multiple keys request during rehashing of slot\r\n"},
	} {
		if got := run(c, tc.args...); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.args, got, tc.want)
		}
	}
}

// TestSlotMovedWhileWaitingForLock: a command that chose to serve a slot by one snapshot
// must not write once the slot has moved while it waited for the slot's lock.
func TestSlotMovedWhileWaitingForLock(t *testing.T) {
	key := keyIn(t, 500)
	s, c := clusterTestClient(t, routingFixture(), DefaultSettings())
	s.ks.Lock(500)
	reply := make(chan string)
	go func() { reply <- run(c, "SET", key, "v") }()
	time.Sleep(50 * time.Millisecond) // SET has loaded the snapshot and waits for the lock
	moved := routingFixture()
	for slot := 0; slot < 1000; slot++ {
		moved.Owner[slot] = 1
	}
	s.routing.Store(moved)
	s.ks.Unlock(500)
	if got := <-reply; got != "-MOVED 500 127.0.0.2:7001\r\n" {
		t.Errorf("SET: %q", got)
	}
	if n := s.ks.DBs[0].CountInSlot(500); n != 0 {
		t.Errorf("%d keys written in the moved slot", n)
	}
}

// TestClusterHotPathDoesNotAllocate is TestHotPathDoesNotAllocate with the cluster's
// routing check in the way.
func TestClusterHotPathDoesNotAllocate(t *testing.T) {
	for _, args := range [][]string{
		{"SET", "key:000000123456", "xxxxxxxxxxxxxxxx"},
		{"GET", "key:000000123456"},
	} {
		res := testing.Benchmark(func(b *testing.B) {
			r := routingFixture()
			for s := range r.Owner {
				r.Owner[s] = 0
			}
			s, _ := clusterTestClient(b, r, DefaultSettings())
			benchPipelineOn(b, s, args...)
		})
		if a := res.AllocsPerOp(); a != 0 {
			t.Errorf("%v: %d allocations per 16-command pipeline", args, a)
		}
	}
}

// BenchmarkClusterPipelineGET is BenchmarkPipelineGET on a cluster node that owns the key's
// slot, to compare the cost of the routing check.
func BenchmarkClusterPipelineGET(b *testing.B) {
	r := routingFixture()
	for s := range r.Owner {
		r.Owner[s] = 0
	}
	s, _ := clusterTestClient(b, r, DefaultSettings())
	benchPipelineOn(b, s, "GET", "key:000000123456")
}
