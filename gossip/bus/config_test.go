package bus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/gossip/nodesconf"
)

func myID(b *Bus) string {
	var id string
	b.Do(func(c *gossip.Cluster) { id = c.Myself().ID() })
	return id
}

// TestMissingConfigIsCreated: a node without nodes.conf is a new node, written to disk before
// Open returns, and the same node when it starts again.
func TestMissingConfigIsCreated(t *testing.T) {
	log, _ := testLogger(t)
	opts := testOptions(t, t.TempDir(), log)
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(opts.ConfigFile)
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	id := myID(b)
	b.Close()
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 2 || !contains(lines[0], id+" ", " myself,master ") ||
		lines[1] != "vars currentEpoch 0 lastVoteEpoch 0" {
		t.Fatalf("new nodes.conf:\n%s", data)
	}

	b, err = Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := myID(b); got != id {
		t.Fatalf("restarted as %s, was %s", got, id)
	}
}

// TestEmptyConfigIsANewNode: an empty file is what a node that died before its first save
// leaves; Redis starts as a new node then, and so do we.
func TestEmptyConfigIsANewNode(t *testing.T) {
	log, _ := testLogger(t)
	opts := testOptions(t, t.TempDir(), log)
	if err := os.WriteFile(opts.ConfigFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if data, _ := os.ReadFile(opts.ConfigFile); !strings.Contains(string(data), "myself,master") {
		t.Fatalf("nodes.conf:\n%s", data)
	}
}

// TestCorruptConfigStopsTheNode: Open refuses a corrupt file with Redis's line and where the
// problem is, leaves the file alone, and holds no lock afterwards.
func TestCorruptConfigStopsTheNode(t *testing.T) {
	log, _ := testLogger(t)
	opts := testOptions(t, t.TempDir(), log)
	corrupt := "vars currentEpoch 0 lastVoteEpoch 0\nnot a node line\n"
	if err := os.WriteFile(opts.ConfigFile, []byte(corrupt), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // twice: the first failure must not leave the lock held
		b, err := Open(opts)
		if err == nil {
			b.Close()
			t.Fatal("Open accepted a corrupt nodes.conf")
		}
		var pe *nodesconf.ParseError
		if !errors.As(err, &pe) || pe.Line != 2 {
			t.Fatalf("error %v, want a ParseError on line 2", err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "Unrecoverable error: corrupted cluster config file. ") ||
			!contains(msg, opts.ConfigFile, "line 2", "not a node line") {
			t.Fatalf("error text %q", msg)
		}
	}
	if data, _ := os.ReadFile(opts.ConfigFile); string(data) != corrupt {
		t.Fatalf("corrupt nodes.conf was changed to:\n%s", data)
	}
}

// TestUnreadableConfigStopsTheNode: a nodes.conf that exists but cannot be read is not a
// missing one (starting as a new node would throw the old identity away).
func TestUnreadableConfigStopsTheNode(t *testing.T) {
	log, _ := testLogger(t)
	opts := testOptions(t, t.TempDir(), log)
	if err := os.Mkdir(opts.ConfigFile, 0o755); err != nil { // reading a directory fails
		t.Fatal(err)
	}
	b, err := Open(opts)
	if err == nil {
		b.Close()
		t.Fatal("Open accepted an unreadable nodes.conf")
	}
	if !strings.HasPrefix(err.Error(), "Loading the cluster node config from "+opts.ConfigFile+": ") {
		t.Fatalf("error text %q", err)
	}
}

// TestSecondNodeOnSameConfigIsRefused: the lock keeps two nodes off one nodes.conf, and is
// released by Close.
func TestSecondNodeOnSameConfigIsRefused(t *testing.T) {
	log, _ := testLogger(t)
	opts := testOptions(t, t.TempDir(), log)
	first, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Open(opts)
	if err == nil {
		second.Close()
		first.Close()
		t.Fatal("a second Open on the same nodes.conf succeeded")
	}
	want := "Sorry, the cluster configuration file " + opts.ConfigFile +
		" is already used by a different Redis Cluster node."
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error text %q, want %q...", err, want)
	}
	first.Close()
	second, err = Open(opts)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	second.Close()
}

// TestFailedSaveIsRetried: a save that fails is reported by SaveNow, the node keeps running,
// and the next tick writes the file once writing works again.
func TestFailedSaveIsRetried(t *testing.T) {
	n := startNode(t)
	path := n.opts.ConfigFile
	dir := filepath.Dir(path)
	if err := os.RemoveAll(dir); err != nil { // nowhere to write the temporary file
		t.Fatal(err)
	}
	var err error
	n.Do(func(c *gossip.Cluster) { err = n.SaveNow(c) })
	if err == nil {
		t.Fatal("SaveNow into a removed directory succeeded")
	}
	if n.countLogs("Can't update cluster config file") == 0 {
		t.Fatal("failed save not logged")
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "nodes.conf not rewritten after the failure", func() bool {
		data, err := os.ReadFile(path)
		return err == nil && strings.Contains(string(data), myID(n.Bus))
	})
	if n.countLogs("saved after earlier failures") == 0 {
		t.Fatal("recovery not logged")
	}
}

// TestDoAfterClose: a CLUSTER command that races with shutdown still runs, and does not hang.
func TestDoAfterClose(t *testing.T) {
	n := startNode(t)
	n.Close()
	done := make(chan string)
	go func() { done <- myID(n.Bus) }()
	select {
	case id := <-done:
		if len(id) != 40 {
			t.Fatalf("Do after Close saw myself %q", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Do after Close hung")
	}
}
