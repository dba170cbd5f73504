package node

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

func withDir(dir string) func(*Settings) {
	return func(st *Settings) {
		st.Dir = dir
		st.SavePoints = []SavePoint{{3600, 1}}
	}
}

// A node restarted after a clean shutdown has all its keys, their expiries included, and
// its replicas' history as a secondary ID.
func TestRestartAfterCleanShutdownKeepsKeys(t *testing.T) {
	dir := t.TempDir()
	s := startNode(t, withDir(dir))
	fillMixed(t, s, 20_000)
	before := dump(s)
	if err := s.ShutdownOnSignal(); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	if _, err := os.Stat(filepath.Join(dir, "dump.rdb")); err != nil {
		t.Fatalf("no dump.rdb after shutdown: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "temp-*.rdb")); len(matches) != 0 {
		t.Fatalf("temporary files left: %v", matches)
	}
	again := startNode(t, withDir(dir))
	after := dump(again)
	if len(after) != len(before) {
		t.Fatalf("%d keys after restart, %d before", len(after), len(before))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("%s: %q after restart, %q before", k, after[k], v)
		}
	}
	if got := infoField(again, "persistence", "rdb_last_load_keys_loaded"); got != strconv.Itoa(len(before)) {
		t.Fatalf("rdb_last_load_keys_loaded %s", got)
	}
}

func TestSaveBgsaveLastsave(t *testing.T) {
	dir := t.TempDir()
	s := startNode(t, withDir(dir))
	c := testutil.NewClient(t, addrOf(s))
	mustDo(t, c, "SET", "a", "1")
	if got := infoField(s, "persistence", "rdb_changes_since_last_save"); got != "1" {
		t.Fatalf("rdb_changes_since_last_save %s", got)
	}
	if v := mustDo(t, c, "SAVE"); v != "OK" {
		t.Fatalf("SAVE: %v", v)
	}
	if got := infoField(s, "persistence", "rdb_changes_since_last_save"); got != "0" {
		t.Fatalf("rdb_changes_since_last_save %s after SAVE", got)
	}
	mustDo(t, c, "SET", "b", "2")
	if v := mustDo(t, c, "BGSAVE"); v != "Background saving started" {
		t.Fatalf("BGSAVE: %v", v)
	}
	if _, err := c.Do("BGSAVE", "x"); err == nil || err.Error() != "ERR syntax error" {
		t.Fatalf("BGSAVE x: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for infoField(s, "persistence", "rdb_bgsave_in_progress") != "0" {
		if time.Now().After(deadline) {
			t.Fatal("background save never ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := infoField(s, "persistence", "rdb_last_bgsave_status"); got != "ok" {
		t.Fatalf("rdb_last_bgsave_status %s", got)
	}
	if v := mustDo(t, c, "LASTSAVE").(int64); time.Now().Unix()-v > 5 {
		t.Fatalf("LASTSAVE %d", v)
	}
	if _, err := c.Do("SHUTDOWN", "SAVE", "NOSAVE"); err == nil || err.Error() != "ERR syntax error" {
		t.Fatalf("SHUTDOWN SAVE NOSAVE: %v", err)
	}
}

// dump.rdb written by rcnode loads in redis-server 7.0 with the same keys, and the reverse.
func TestDumpRDBInteropWithRedisServer(t *testing.T) {
	dir := t.TempDir()
	s := startNode(t, withDir(dir))
	fillMixed(t, s, 20_000)
	sc := testutil.NewClient(t, addrOf(s))
	mustDo(t, sc, "SAVE")
	rp := startRedis(t, "--dir", dir, "--dbfilename", "dump.rdb")
	rc := testutil.NewClient(t, rp.addr)
	sameNetData(t, sc, rc)

	// The reverse: redis-server's own dump.rdb, loaded by a new rcnode.
	mustDo(t, rc, "SET", "written-by", "redis-server")
	mustDo(t, rc, "SAVE")
	rdir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rdir, "dump.rdb"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	again := startNode(t, withDir(rdir))
	ac := testutil.NewClient(t, addrOf(again))
	sameNetData(t, rc, ac)
}

// A master restarted from its dump.rdb keeps its replication history as its secondary ID,
// so its replica continues partially instead of loading everything again.
func TestRestartedMasterContinuesItsReplica(t *testing.T) {
	dir := t.TempDir()
	master := startNode(t, withDir(dir))
	fillMixed(t, master, 5000)
	replica := startNode(t, nil)
	rc := testutil.NewClient(t, addrOf(replica))
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(master))
	waitCaughtUp(t, master, replica, 20*time.Second)
	if err := master.ShutdownOnSignal(); err != nil {
		t.Fatal(err)
	}
	master.Wait()
	again := startNode(t, withDir(dir))
	mustDo(t, rc, "REPLICAOF", "127.0.0.1", portOf(again))
	mustDo(t, testutil.NewClient(t, addrOf(again)), "SET", "after", "restart")
	waitCaughtUp(t, again, replica, 20*time.Second)
	sameData(t, again, replica)
	if full, partial := infoField(again, "stats", "sync_full"), infoField(again, "stats", "sync_partial_ok"); full != "0" || partial != "1" {
		t.Fatalf("restarted master: sync_full %s sync_partial_ok %s, want 0 and 1", full, partial)
	}
}

// The save points start a background save on their own.
func TestSavePointsSave(t *testing.T) {
	dir := t.TempDir()
	s := startNode(t, func(st *Settings) {
		st.Dir = dir
		st.SavePoints = []SavePoint{{Seconds: 1, Changes: 2}}
	})
	c := testutil.NewClient(t, addrOf(s))
	mustDo(t, c, "SET", "a", "1")
	mustDo(t, c, "SET", "b", "2")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "dump.rdb")); err == nil && infoField(s, "persistence", "rdb_bgsave_in_progress") == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no save from the save point")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := infoField(s, "persistence", "rdb_changes_since_last_save"); got != "0" {
		t.Fatalf("rdb_changes_since_last_save %s after the scheduled save", got)
	}
}
