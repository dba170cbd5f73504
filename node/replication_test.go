package node

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
	"github.com/rcnode/rcnode/node/config"
	"github.com/rcnode/rcnode/node/datatype"
	"github.com/rcnode/rcnode/slots"
)

// startNode starts an in-process standalone server on a loopback port.
func startNode(t testing.TB, tune func(*Settings)) *Server {
	t.Helper()
	st := DefaultSettings()
	if tune != nil {
		tune(st)
	}
	store := NewConfigStore(config.Default())
	s, err := New(Options{Bind: []string{"127.0.0.1"}, LogFile: t.TempDir() + "/log.txt", LogLevel: "verbose"}, st, store)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.Wait() })
	return s
}

func addrOf(s *Server) string { return s.Addr().String() }

func portOf(s *Server) int { p, _ := s.listenAddr(); return p }

// localClient is a client of s that runs commands in process, without a network round trip.
func localClient(t testing.TB, s *Server) *Client {
	t.Helper()
	server, client := net.Pipe()
	t.Cleanup(func() { server.Close(); client.Close() })
	return s.newClient(server)
}

// mustDo runs a command over the network and fails the test on an error reply.
func mustDo(t testing.TB, c *testutil.Client, args ...any) any {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

// fillMixed writes n keys of every type (small and large encodings, some with an expiry)
// through the command handlers.
func fillMixed(t testing.TB, s *Server, n int) {
	t.Helper()
	c := localClient(t, s)
	for i := 0; i < n; i++ {
		k := "k:" + strconv.Itoa(i)
		switch i % 8 {
		case 0:
			run(c, "SET", k, strings.Repeat("v", i%50))
		case 1:
			run(c, "SET", k, strconv.Itoa(i), "PX", "3600000")
		case 2:
			run(c, "RPUSH", k, "a", strconv.Itoa(i), "c")
		case 3:
			run(c, "HSET", k, "f1", "v1", "f2", strconv.Itoa(i))
		case 4:
			run(c, "SADD", k, "1", "2", strconv.Itoa(i))
		case 5:
			run(c, "ZADD", k, "1.5", "a", strconv.Itoa(i), "b")
		case 6:
			run(c, "SADD", k, "x", "y", "z"+strconv.Itoa(i))
		case 7:
			if i%800 == 7 { // some large encodings
				args := []string{"HSET", k}
				for j := 0; j < 600; j++ {
					args = append(args, "f"+strconv.Itoa(j), strconv.Itoa(j*i))
				}
				run(c, args...)
				zargs := []string{"ZADD", "z" + k}
				for j := 0; j < 200; j++ {
					zargs = append(zargs, strconv.Itoa(j), "m"+strconv.Itoa(j))
				}
				run(c, zargs...)
			} else {
				run(c, "INCRBY", k, strconv.Itoa(i))
			}
		}
	}
}

// dump returns every live key of s (all databases) with a canonical form of its value and
// its expiry, for comparing two nodes' data.
func dump(s *Server) map[string]string {
	out := map[string]string{}
	for _, db := range s.ks.DBs {
		for slot := 0; slot < slots.Count; slot++ {
			if db.CountInSlot(slot) == 0 {
				continue
			}
			s.ks.Lock(slot)
			db.ForEachWithExpiry(slot, func(key string, v any, exp int64) bool {
				out[strconv.Itoa(db.ID)+"/"+key] = canonical(v) + " exp=" + strconv.FormatInt(exp, 10)
				return true
			})
			s.ks.Unlock(slot)
		}
	}
	return out
}

func canonical(v any) string {
	var parts []string
	switch x := v.(type) {
	case *datatype.Str:
		return "string:" + string(x.B)
	case *datatype.List:
		x.ForEach(func(e string) bool { parts = append(parts, e); return true })
		return "list:" + strings.Join(parts, ",")
	case *datatype.Hash:
		x.ForEach(func(f, v string) bool { parts = append(parts, f+"="+v); return true })
		slices.Sort(parts)
		return "hash:" + strings.Join(parts, ",")
	case *datatype.Set:
		x.ForEach(func(m string) bool { parts = append(parts, m); return true })
		slices.Sort(parts)
		return "set:" + strings.Join(parts, ",")
	case *datatype.ZSet:
		x.RangeByRank(0, x.Len(), false, func(m string, sc float64) {
			parts = append(parts, m+"="+strconv.FormatFloat(sc, 'g', 17, 64))
		})
		return "zset:" + strings.Join(parts, ",")
	}
	return fmt.Sprintf("%T", v)
}

// sameData fails the test when the two nodes' data differ, showing a few differences.
func sameData(t testing.TB, a, b *Server) {
	t.Helper()
	da, db := dump(a), dump(b)
	var diffs []string
	for k, v := range da {
		if db[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: master %.80q replica %.80q", k, v, db[k]))
		}
	}
	for k, v := range db {
		if _, ok := da[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: only on the replica: %.80q", k, v))
		}
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		t.Fatalf("%d of %d keys differ, e.g.:\n%s", len(diffs), len(da), strings.Join(diffs[:min(len(diffs), 8)], "\n"))
	}
	if len(da) == 0 {
		t.Fatal("no data compared")
	}
}

// waitCaughtUp waits until replica's link is up and it has processed master's whole stream.
func waitCaughtUp(t testing.TB, master, replica *Server, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if replica.repl.linkUp() && replica.repl.stream.End() == master.repl.stream.End() && master.repl.stream.Active() {
			return
		}
		// INFO and ROLE read the link's state while it syncs (for the race detector).
		replica.info(map[string]bool{"replication": true}, false)
		master.info(map[string]bool{"replication": true}, false)
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("replica not caught up after %s: link up %v, offsets master %d replica %d\n%s", limit,
		replica.repl.linkUp(), master.repl.stream.End(), replica.repl.stream.End(), master.info(map[string]bool{"replication": true}, false))
}

func infoField(s *Server, section, name string) string {
	for _, line := range strings.Split(s.info(map[string]bool{section: true}, false), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	return ""
}

// writeLoad sends mixed writes to addr until stop is closed, pipelined in batches.
func writeLoad(t testing.TB, addr string, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	conn, err := testutil.Dial(addr)
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		var batch []byte
		for j := 0; j < 50; j++ {
			k := "w:" + strconv.Itoa(rnd.IntN(2000))
			var cmd []string
			switch rnd.IntN(12) {
			case 0:
				cmd = []string{"SET", k, strconv.Itoa(i), "EX", "1000"}
			case 1:
				cmd = []string{"INCR", "n" + k}
			case 2:
				cmd = []string{"LPUSH", "l" + k, strconv.Itoa(j)}
			case 3:
				cmd = []string{"HINCRBYFLOAT", "h" + k, "f", "1.5"}
			case 4:
				cmd = []string{"SADD", "s" + k, strconv.Itoa(rnd.IntN(50)), strconv.Itoa(j)}
			case 5:
				cmd = []string{"SPOP", "s" + k, "2"}
			case 6:
				cmd = []string{"ZINCRBY", "z" + k, "2.5", strconv.Itoa(j % 7)}
			case 7:
				cmd = []string{"EXPIRE", k, "500"}
			case 8:
				cmd = []string{"INCRBYFLOAT", "f" + k, "0.1"}
			case 9:
				cmd = []string{"DEL", "n" + k}
			case 10:
				cmd = []string{"LMPOP", "1", "l" + k, "RIGHT", "COUNT", "2"}
			case 11:
				cmd = []string{"SET", "p" + k, "x", "PX", "1"} // expires: the master's DEL must follow
			}
			batch = append(batch, testutil.EncodeCommand(cmd...)...)
		}
		if err := conn.Send(batch); err != nil {
			t.Error(err)
			return
		}
		for j := 0; j < 50; j++ {
			if _, err := conn.ReadReply(); err != nil {
				t.Error(err)
				return
			}
		}
	}
}

func TestReplicaSyncsThenResumesPartially(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	master := startNode(t, nil)
	fillMixed(t, master, n)
	replica := startNode(t, nil)
	rc := testutil.NewClient(t, addrOf(replica))
	start := time.Now()
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(master))
	waitCaughtUp(t, master, replica, 120*time.Second)
	t.Logf("full sync of %d keys: %s", master.ks.KeyCount(), time.Since(start).Round(time.Millisecond))
	sameData(t, master, replica)

	// Writes keep coming while the link is cut: the replica continues from the backlog.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go writeLoad(t, addrOf(master), stop, &wg)
	time.Sleep(300 * time.Millisecond)
	if v := mustDo(t, rc, "CLIENT", "KILL", "TYPE", "master"); v != int64(1) {
		t.Fatalf("CLIENT KILL TYPE master killed %v clients", v)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	waitCaughtUp(t, master, replica, 60*time.Second)
	sameData(t, master, replica)
	if full, partial := infoField(master, "stats", "sync_full"), infoField(master, "stats", "sync_partial_ok"); full != "1" || partial != "1" {
		t.Fatalf("sync_full %s sync_partial_ok %s, want 1 and 1", full, partial)
	}
	if got := infoField(replica, "replication", "master_link_status"); got != "up" {
		t.Fatalf("master_link_status %s", got)
	}
	if a, b := infoField(master, "replication", "master_replid"), infoField(replica, "replication", "master_replid"); a != b {
		t.Fatalf("replids differ: %s %s", a, b)
	}
}

func TestReplicaRefusesWritesAndReplicaofErrors(t *testing.T) {
	master := startNode(t, nil)
	replica := startNode(t, nil)
	rc := testutil.NewClient(t, addrOf(replica))
	for _, c := range []struct {
		args []any
		want string
	}{
		{[]any{"REPLICAOF", "127.0.0.1", "99999"}, "ERR Invalid master port"},
		{[]any{"REPLICAOF", "127.0.0.1", "x"}, "ERR Invalid master port"},
		{[]any{"WAIT", "x", "0"}, "ERR value is not an integer or out of range"},
		{[]any{"WAIT", "1", "-1"}, "ERR timeout is negative"},
		{[]any{"REPLCONF", "foo", "bar"}, "ERR Unrecognized REPLCONF option: foo"},
		{[]any{"REPLCONF", "ack"}, "ERR syntax error"},
		{[]any{"REPLCONF", "rdb-only", "2"}, "ERR value is out of range, value must between 0 and 1"},
	} {
		if _, err := rc.Do(c.args...); err == nil || err.Error() != c.want {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(master))
	if v := mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(master)); v != "OK Already connected to specified master" {
		t.Fatalf("second REPLICAOF: %v", v)
	}
	waitCaughtUp(t, master, replica, 20*time.Second)
	for _, args := range [][]any{{"SET", "a", "b"}, {"FLUSHALL"}, {"DEL", "a"}} {
		if _, err := rc.Do(args...); err == nil || err.Error() != "READONLY You can't write against a read only replica." {
			t.Errorf("%v on a replica: %v", args, err)
		}
	}
	if _, err := rc.Do("WAIT", "0", "0"); err == nil || !strings.HasPrefix(err.Error(), "ERR WAIT cannot be used with replica instances.") {
		t.Errorf("WAIT on a replica: %v", err)
	}
	role := mustDo(t, rc, "ROLE").([]any)
	if role[0] != "slave" || role[3] != "connected" {
		t.Errorf("ROLE %v", role)
	}
	mustDo(t, rc, "REPLICAOF", "NO", "ONE")
	mustDo(t, rc, "SET", "a", "b") // a master again
	if got := infoField(replica, "replication", "master_replid2"); got != infoField(master, "replication", "master_replid") {
		t.Errorf("promoted replica's replid2 %s, want its old master's ID", got)
	}
}

func TestWaitCountsAcknowledgingReplicas(t *testing.T) {
	master := startNode(t, nil)
	replica := startNode(t, nil)
	mustDo(t, testutil.NewClient(t, addrOf(replica)), "REPLICAOF", "127.0.0.1", portOf(master))
	mc := testutil.NewClient(t, addrOf(master))
	mustDo(t, mc, "SET", "k", "v")
	waitCaughtUp(t, master, replica, 20*time.Second)
	mustDo(t, mc, "SET", "k", "v2")
	start := time.Now()
	if v := mustDo(t, mc, "WAIT", "1", "5000"); v != int64(1) {
		t.Fatalf("WAIT 1: %v", v)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("WAIT 1 took %s: GETACK should have been answered at once", d)
	}
	start = time.Now()
	if v := mustDo(t, mc, "WAIT", "2", "300"); v != int64(1) {
		t.Fatalf("WAIT 2: %v", v)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 3*time.Second {
		t.Fatalf("WAIT 2 300 returned after %s", d)
	}
	role := mustDo(t, mc, "ROLE").([]any)
	if role[0] != "master" || len(role[2].([]any)) != 1 {
		t.Fatalf("ROLE %v", role)
	}
}

// A replica promoted to master keeps its old master's history as replid2: a sibling that
// followed the same master continues with it partially.
func TestPromotedReplicaContinuesSiblings(t *testing.T) {
	master := startNode(t, nil)
	fillMixed(t, master, 2000)
	a, b := startNode(t, nil), startNode(t, nil)
	ac, bc := testutil.NewClient(t, addrOf(a)), testutil.NewClient(t, addrOf(b))
	mustDo(t, ac, "REPLICAOF", "127.0.0.1", portOf(master))
	mustDo(t, bc, "REPLICAOF", "127.0.0.1", portOf(master))
	mustDo(t, testutil.NewClient(t, addrOf(master)), "SET", "late", "write")
	waitCaughtUp(t, master, a, 20*time.Second)
	waitCaughtUp(t, master, b, 20*time.Second)
	mustDo(t, ac, "REPLICAOF", "NO", "ONE")
	mustDo(t, bc, "REPLICAOF", "127.0.0.1", portOf(a))
	mustDo(t, ac, "SET", "after", "promotion")
	waitCaughtUp(t, a, b, 20*time.Second)
	sameData(t, a, b)
	if full, partial := infoField(a, "stats", "sync_full"), infoField(a, "stats", "sync_partial_ok"); full != "0" || partial != "1" {
		t.Fatalf("promoted replica: sync_full %s sync_partial_ok %s, want 0 and 1", full, partial)
	}
}

// Replicas that ask at about the same time share one snapshot.
func TestConcurrentFullSyncsShareOneSnapshot(t *testing.T) {
	master := startNode(t, nil)
	fillMixed(t, master, 5000)
	var replicas []*Server
	for i := 0; i < 3; i++ {
		r := startNode(t, nil)
		replicas = append(replicas, r)
		mustDo(t, testutil.NewClient(t, addrOf(r)), "REPLICAOF", "127.0.0.1", portOf(master))
	}
	for _, r := range replicas {
		waitCaughtUp(t, master, r, 20*time.Second)
		sameData(t, master, r)
	}
	if got := strings.Count(readLog(t, master), "Snapshot for SYNC taken"); got != 1 {
		t.Fatalf("%d snapshots taken for 3 replicas within the sharing window", got)
	}
}

func readLog(t testing.TB, s *Server) string {
	t.Helper()
	s.log.Sync()
	return readFile(t, s.opts.LogFile)
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fakeReplica does a full sync by hand and then reads nothing more.
func fakeReplica(t *testing.T, addr string) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.Write(testutil.EncodeCommand("REPLCONF", "capa", "psync2"))
	nc.Write(testutil.EncodeCommand("PSYNC", "?", "-1"))
	// +OK, then +FULLRESYNC, then $<len> and the RDB: read until the RDB's end.
	buf := make([]byte, 1<<16)
	var got []byte
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(string(got), "REDIS0010") || !endsRDB(got) {
		nc.SetReadDeadline(deadline)
		n, err := nc.Read(buf)
		if err != nil {
			t.Fatalf("fake replica: %v after %q", err, got)
		}
		got = append(got, buf[:n]...)
	}
	nc.SetReadDeadline(time.Time{})
	nc.Write(testutil.EncodeCommand("REPLCONF", "ACK", "0"))
	return nc
}

// endsRDB reports whether b holds a whole "$<len>\r\n<RDB>" payload.
func endsRDB(b []byte) bool {
	i := strings.Index(string(b), "$")
	j := strings.Index(string(b[max(i, 0):]), "\r\n")
	if i < 0 || j < 0 {
		return false
	}
	n, err := strconv.Atoi(string(b[i+1 : i+j]))
	return err == nil && len(b) >= i+j+2+n
}

// A replica that stops reading is disconnected once its unsent stream passes the hard
// output-buffer limit, instead of holding the master's memory without bound.
func TestReplicaOverOutputLimitIsDisconnected(t *testing.T) {
	master := startNode(t, func(st *Settings) {
		st.ReplicaOutputHardLimit = 1 << 20
		st.ReplDisklessSync = false
	})
	fakeReplica(t, addrOf(master))
	mc := testutil.NewClient(t, addrOf(master))
	val := strings.Repeat("x", 10_000)
	deadline := time.Now().Add(20 * time.Second)
	for infoField(master, "replication", "connected_slaves") != "0" {
		for i := 0; i < 100; i++ {
			mc.Send("SET", "k"+strconv.Itoa(i), val)
		}
		for i := 0; i < 100; i++ {
			mc.Receive()
		}
		if time.Now().After(deadline) {
			t.Fatal("a replica that reads nothing is still connected")
		}
	}
	if log := readLog(t, master); !strings.Contains(log, "for overcoming of output buffer limits") {
		t.Fatalf("no output-limit line in the log:\n%s", log)
	}
}

// A master without replicas frees its backlog after repl-backlog-ttl, under a new ID.
func TestBacklogFreedWithoutReplicas(t *testing.T) {
	master := startNode(t, func(st *Settings) { st.ReplBacklogTTL = 1 })
	replica := startNode(t, nil)
	rc := testutil.NewClient(t, addrOf(replica))
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(master))
	waitCaughtUp(t, master, replica, 20*time.Second)
	id := infoField(master, "replication", "master_replid")
	mustDo(t, rc, "REPLICAOF", "NO", "ONE")
	deadline := time.Now().Add(10 * time.Second)
	for infoField(master, "replication", "repl_backlog_active") != "0" {
		if time.Now().After(deadline) {
			t.Fatal("backlog still active without replicas")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if infoField(master, "replication", "master_replid") == id {
		t.Fatal("replication ID kept when the backlog was freed")
	}
}

// After a partial resync the master's stream goes on in the database it had selected (it
// sends no new SELECT), so the replica must still be in it.
func TestPartialResyncKeepsSelectedDB(t *testing.T) {
	master := startNode(t, nil)
	replica := startNode(t, nil)
	rc := testutil.NewClient(t, addrOf(replica))
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(master))
	mc := testutil.NewClient(t, addrOf(master))
	mustDo(t, mc, "SET", "synced", "1") // db 0, so that the snapshot is in db 0
	waitCaughtUp(t, master, replica, 20*time.Second)
	mustDo(t, mc, "SELECT", 3)
	mustDo(t, mc, "SET", "before", "1")
	waitCaughtUp(t, master, replica, 20*time.Second)
	mustDo(t, rc, "CLIENT", "KILL", "TYPE", "master")
	mustDo(t, mc, "SET", "after", "1")
	waitCaughtUp(t, master, replica, 20*time.Second)
	if got := infoField(master, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok %s", got)
	}
	mustDo(t, rc, "SELECT", 3)
	if v := mustDo(t, rc, "GET", "after"); v != "1" {
		t.Fatalf("the write after the partial resync is not in db 3: %v", v)
	}
}

// A writable replica's own writes stay local: its stream is its master's, byte for byte.
func TestWritableReplicaDoesNotPropagate(t *testing.T) {
	master := startNode(t, nil)
	replica := startNode(t, func(st *Settings) { st.ReplicaReadOnly = false })
	rc := testutil.NewClient(t, addrOf(replica))
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(master))
	mustDo(t, testutil.NewClient(t, addrOf(master)), "SET", "m", "1")
	waitCaughtUp(t, master, replica, 20*time.Second)
	mustDo(t, rc, "SET", "local", "1")
	if a, b := master.repl.stream.End(), replica.repl.stream.End(); a != b {
		t.Fatalf("the replica's offset moved with its own write: master %d replica %d", a, b)
	}
}

// PSYNC ... FAILOVER from our master (its FAILOVER command) makes us the master, and the
// old master continues as our replica without a full sync.
func TestPsyncFailoverPromotes(t *testing.T) {
	master := startNode(t, nil)
	replica := startNode(t, nil)
	mustDo(t, testutil.NewClient(t, addrOf(replica)), "REPLICAOF", "127.0.0.1", portOf(master))
	mc := testutil.NewClient(t, addrOf(master))
	mustDo(t, mc, "SET", "k", "v")
	waitCaughtUp(t, master, replica, 20*time.Second)
	id := infoField(replica, "replication", "master_replid")
	off := master.repl.stream.End()
	if _, err := mc.Do("PSYNC", id, off+1, "FAILOVER"); err == nil || err.Error() != "ERR PSYNC FAILOVER can't be sent to a master." {
		t.Fatalf("PSYNC FAILOVER to a master: %v", err)
	}
	raw := testutil.NewClient(t, addrOf(replica))
	if _, err := raw.Do("PSYNC", "0000000000000000000000000000000000000001", off+1, "FAILOVER"); err == nil || err.Error() != "ERR PSYNC FAILOVER replid must match my replid." {
		t.Fatalf("PSYNC FAILOVER with another replid: %v", err)
	}
	mustDo(t, mc, "REPLICAOF", "127.0.0.1", portOf(replica)) // as FAILOVER's last step does
	time.Sleep(50 * time.Millisecond)
	conn, err := testutil.Dial(addrOf(replica))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	reply, err := conn.Do("PSYNC", id, strconv.FormatInt(off+1, 10), "FAILOVER")
	if err != nil || !strings.HasPrefix(string(reply), "+CONTINUE") {
		t.Fatalf("PSYNC FAILOVER with our replid: %q %v", reply, err)
	}
	if got := infoField(replica, "replication", "role"); got != "master" {
		t.Fatalf("role %s after PSYNC FAILOVER", got)
	}
}
