package gossip

import (
	"fmt"
	"math/rand"

	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// Timing constants of cluster.c (7.0).
const (
	TickInterval       = 100    // ms between Ticks (clusterCron runs at 10 Hz)
	failReportValidity = 2      // CLUSTER_FAIL_REPORT_VALIDITY_MULT: reports expire after 2x node timeout
	failUndoTimeMult   = 2      // CLUSTER_FAIL_UNDO_TIME_MULT
	blacklistTTL       = 60_000 // CLUSTER_BLACKLIST_TTL: a FORGET keeps a node out for 60 s
	writableDelay      = 2000   // CLUSTER_WRITABLE_DELAY: a master stays "fail" this long after start
	maxRejoinDelay     = 5000   // CLUSTER_MAX_REJOIN_DELAY
	minRejoinDelay     = 500    // CLUSTER_MIN_REJOIN_DELAY
)

// link is one bus connection as the state machine sees it.
type link struct {
	id       LinkID
	node     *Node // outbound: the node we dialed; inbound: the sender once known
	outbound bool
	ctime    int64
	up       bool   // outbound: connected (inbound links are up when accepted)
	localIP  string // our address on this connection, to learn our own IP from
	peerIP   string // inbound: the peer's address, for a MEET without myip
}

// Cluster is one node's view of the cluster. It is not safe for concurrent use: one driver
// goroutine owns it.
type Cluster struct {
	cfg Config
	rnd *rand.Rand
	now int64

	myself        *Node
	nodes         map[wire.Name]*Node
	order         []*Node // the nodes in the order they were added: every iteration uses it, so runs are reproducible
	currentEpoch  uint64
	lastVoteEpoch uint64
	owner         [slots.Count]*Node
	migratingTo   [slots.Count]*Node
	importingFrom [slots.Count]*Node
	// ownerNotClaiming marks slots whose owner stopped claiming them in its PINGs; such a
	// slot goes to the next claimant whatever its epoch (Redis 7.0's owner_not_claiming_slot).
	ownerNotClaiming slots.Bitmap
	blacklist        map[wire.Name]int64 // FORGET: name -> ms until which it is ignored

	stateOK        bool
	prevAnnounceIP string // the cluster-announce-ip last applied
	// clusterSize is the number of masters serving slots as of the last state update
	// (cluster->size): Redis's quorums use this stored figure, 1 until the first update.
	clusterSize       int
	stateDirty        bool  // recompute the state before the next Ready (CLUSTER_TODO_UPDATE_STATE)
	stateCalled       bool  // the state was computed once
	firstStateCall    int64 // ms of that first computation
	amongMinorityTime int64 // ms when this master last found itself in a minority

	links    map[LinkID]*link
	nextLink LinkID
	iter     int64 // Tick count

	replOffset int64 // our replication offset, sent in every header
	repl       Replication
	replKnown  bool // SetReplication was called

	elect              election
	mf                 manualFailover
	failoverDue        bool          // run the election logic before the next Ready (CLUSTER_TODO_HANDLE_FAILOVER)
	pausedUntil        int64         // ms until which writes are paused for a manual failover; 0 = not paused
	lastSpread         int64         // ms of the last spreadSuspicion
	wins               []electionWin // elections won, in order
	votes              []vote        // votes granted, in order
	routing            *Routing      // the current snapshot, nil when it must be rebuilt
	routeBuild         uint64        // counts Routing builds
	cantFailoverReason string
	cantFailoverLogged int64

	stats struct {
		sent, received [wire.TypeCount]uint64
	}
	ready Ready
}

// Myself returns this node.
func (c *Cluster) Myself() *Node { return c.myself }

// Lookup returns the node named id, or nil.
func (c *Cluster) Lookup(id string) *Node {
	name, ok := wire.ParseName(id)
	if !ok {
		return nil
	}
	return c.nodes[name]
}

// CurrentEpoch and LastVoteEpoch are the vars of nodes.conf.
func (c *Cluster) CurrentEpoch() uint64  { return c.currentEpoch }
func (c *Cluster) LastVoteEpoch() uint64 { return c.lastVoteEpoch }

// StateOK reports cluster_state:ok.
func (c *Cluster) StateOK() bool { return c.stateOK }

// SetReplOffset records our replication offset for the headers we send.
func (c *Cluster) SetReplOffset(off int64) { c.replOffset = off }

// SetConfig replaces the configuration (CONFIG SET of a cluster-* parameter). A new
// announced address reaches peers with the next PING.
// A nil Log keeps the current one.
func (c *Cluster) SetConfig(cfg Config) {
	if cfg.Log == nil {
		cfg.Log = c.cfg.Log
	}
	c.cfg = cfg
	c.applyMyAddress()
	c.routingChanged()
}

// Ready returns what must be done since the last call and forgets it.
func (c *Cluster) Ready() Ready {
	if c.failoverDue {
		c.failoverDue = false
		if c.myself.IsReplica() {
			c.handleManualFailover()
			c.handleReplicaFailover()
		}
	}
	if c.stateDirty {
		c.recomputeState()
	}
	r := c.ready
	c.ready = Ready{}
	return r
}

func (c *Cluster) logf(level Level, format string, args ...any) {
	if c.cfg.Log != nil {
		c.cfg.Log(level, fmt.Sprintf(format, args...))
	}
}

// todo flags (Redis's clusterDoBeforeSleep).
func (c *Cluster) saveConfig()  { c.ready.SaveConfig = true }
func (c *Cluster) fsyncConfig() { c.ready.SaveConfig, c.ready.FsyncConfig = true, true }
func (c *Cluster) routingChanged() {
	c.ready.RoutingChanged = true
	c.routing = nil
}
