package gossip

import (
	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// Config is what the state machine needs of the node's configuration. SetConfig replaces it
// at run time (CONFIG SET cluster-node-timeout ...).
type Config struct {
	NodeTimeout           int64  // cluster-node-timeout, ms
	Port                  int    // announced client port (cluster-announce-port or port)
	CPort                 int    // announced bus port (cluster-announce-bus-port, cluster-port or port+10000)
	PPort                 int    // announced plaintext port under TLS; 0
	AnnounceIP            string // cluster-announce-ip; "" = learn it from the sockets
	Hostname              string // cluster-announce-hostname; "" = none
	RequireFullCoverage   bool
	AllowReplicaMigration bool
	ReplicaNoFailover     bool
	MigrationBarrier      int
	ValidityFactor        int   // cluster-replica-validity-factor; 0 = a replica may always fail over
	ReplPingPeriod        int64 // repl-ping-replica-period, ms

	// Log receives the state machine's log lines (Redis's wording); nil discards them.
	Log func(level Level, msg string)
}

// Level is a log line's level, as Redis's serverLog levels.
type Level int

// Log levels.
const (
	LevelDebug Level = iota
	LevelVerbose
	LevelNotice
	LevelWarning
)

// Dial asks the driver to open our outbound link Link to a node's bus port. The driver
// reports the outcome with LinkConnected or LinkClosed.
type Dial struct {
	Link  LinkID
	Node  wire.Name
	IP    string
	CPort int
}

// Send is one message to write on a link.
type Send struct {
	Link LinkID
	Msg  *wire.Message
}

// Ready is what the state machine wants done since the last call to Ready.
type Ready struct {
	Closes []LinkID // links to close (no LinkClosed is needed for these)
	Dials  []Dial
	Sends  []Send
	// SaveConfig asks for nodes.conf to be written (NodesConf gives the bytes); FsyncConfig
	// asks that the write be durable before the node acts on it (Redis's
	// CLUSTER_TODO_FSYNC_CONFIG: epochs, votes, slot ownership).
	SaveConfig  bool
	FsyncConfig bool
	// RoutingChanged says Routing() would now return something different (slot owners,
	// addresses, roles, cluster state).
	RoutingChanged bool
	// DropSlotKeys are slots we owned and lost to a node with a newer configuration: their
	// keys must be deleted (Redis's "dirty slots").
	DropSlotKeys []int
	// DrainWrites asks the node, now that writes are paused for a manual failover
	// (Routing.WritesPausedUntil), to wait until no write is in flight and then call
	// WritesDrained with the offset the replication stream ends at.
	DrainWrites bool
	// Published are PUBLISH and SPUBLISH messages from other nodes, to deliver to this
	// node's subscribers.
	Published []Published
}

// Endpoint is a node as clients are redirected to it.
type Endpoint struct {
	ID       string
	IP       string
	Port     int
	Hostname string
}

// Routing is the immutable snapshot of what client commands need to route a key: who owns
// each slot and whether the cluster is up. The node publishes it behind an atomic pointer.
type Routing struct {
	OK       bool       // cluster_state:ok
	Myself   int        // index in Nodes
	MyMaster int        // index in Nodes of the master myself replicates, -1 when myself is a master
	Nodes    []Endpoint // every node that owns a slot, plus myself and my master
	// Owner is the index in Nodes of each slot's owner, -1 when unassigned.
	Owner [slots.Count]int16
	// Migrating and Importing give the index in Nodes of the node a slot is being moved to /
	// from, -1 when none.
	Migrating [slots.Count]int16
	Importing [slots.Count]int16
	// WritesPausedUntil is the unix ms until which a master in a manual failover holds
	// write commands (so its replica can catch up exactly); 0 when not paused.
	WritesPausedUntil int64
}

// Info holds the CLUSTER INFO figures the state machine knows.
type Info struct {
	StateOK       bool
	SlotsAssigned int
	SlotsOK       int
	SlotsPFail    int
	SlotsFail     int
	KnownNodes    int
	Size          int // masters serving at least one slot
	CurrentEpoch  uint64
	MyEpoch       uint64
	Sent          [wire.TypeCount]uint64 // messages sent, by type
	Received      [wire.TypeCount]uint64 // messages received, by type
}

// SlotRange is one entry of CLUSTER SLOTS: a run of slots with the same master, and the
// master followed by its replicas that CLUSTER SLOTS lists.
type SlotRange struct {
	Start, End int
	Nodes      []*Node
}

// LinkInfo describes one link for CLUSTER LINKS.
type LinkInfo struct {
	Link     LinkID
	Outbound bool // "to" (our link) or "from" (the peer's)
	Node     wire.Name
	CTime    int64 // ms when the link was created
}
