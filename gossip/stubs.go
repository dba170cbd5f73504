package gossip

// TEMPORARY: signatures of the driver-facing API, bodies being written in other files.

import (
	"math/rand"

	"github.com/rcnode/rcnode/gossip/nodesconf"
	"github.com/rcnode/rcnode/gossip/wire"
)

// New builds the state machine from a loaded nodes.conf, or a fresh node (random name,
// myself,master) when conf is nil; the caller then saves NodesConf() at once, as Redis does.
// now is the current time in ms.
func New(cfg Config, conf *nodesconf.File, rnd *rand.Rand, now int64) (*Cluster, error) {
	panic("todo")
}

// Tick advances time; call it every TickInterval ms.
func (c *Cluster) Tick(now int64) {}

// Step processes a message read on link.
func (c *Cluster) Step(now int64, id LinkID, m *wire.Message) {}

// Accept registers a new inbound link; localIP is our end's address (for learning our own
// IP), peerIP the remote's.
func (c *Cluster) Accept(now int64, localIP, peerIP string) LinkID { return 0 }

// LinkConnected reports that a dialed link is now connected; localIP is our end's address.
func (c *Cluster) LinkConnected(now int64, id LinkID, localIP string) {}

// LinkClosed reports that a link failed to connect, was closed by the peer, hit a read or
// write error or sent a frame that could not be decoded.
func (c *Cluster) LinkClosed(now int64, id LinkID) {}

// NodesConf returns nodes.conf's content for the current state.
func (c *Cluster) NodesConf() []byte { return nil }

func (c *Cluster) applyMyAddress() {}

// ---- queries (CLUSTER NODES/INFO/SLOTS/SHARDS/LINKS/MYID/REPLICAS/COUNT-FAILURE-REPORTS)

// NodesText is CLUSTER NODES: one line per node (handshake nodes included), each ended by
// "\n", myself first.
func (c *Cluster) NodesText() []byte { return nil }

// ReplicaLines is CLUSTER REPLICAS id: the lines of id's replicas, without newlines.
// Errors: "ERR Unknown node <id>", "ERR The specified node is not a master".
func (c *Cluster) ReplicaLines(id string) ([][]byte, error) { return nil, nil }

// Info is CLUSTER INFO's figures.
func (c *Cluster) Info() Info { return Info{} }

// SlotRanges is CLUSTER SLOTS: runs of slots by master, in slot order, each with the master
// and then its replicas that are not failing and have a non-zero replication offset.
func (c *Cluster) SlotRanges() []SlotRange { return nil }

// Nodes returns every known node, ordered by name (for CLUSTER SHARDS and tests).
func (c *Cluster) Nodes() []*Node { return nil }

// Links is CLUSTER LINKS' list of links with a known node.
func (c *Cluster) Links() []LinkInfo { return nil }

// CountFailureReports is CLUSTER COUNT-FAILURE-REPORTS id ("ERR Unknown node <id>").
func (c *Cluster) CountFailureReports(id string) (int, error) { return 0, nil }

// Routing builds the routing snapshot for client commands.
func (c *Cluster) Routing() *Routing { return &Routing{} }

// ---- commands. Each returns an error whose text is Redis's full error reply
// ("ERR Slot 5 is already busy"). Argument parsing (numbers, ranges, arity) is the caller's.

// AddSlots is CLUSTER ADDSLOTS/ADDSLOTSRANGE with the slots already expanded (a slot listed
// twice is "ERR Slot %d specified multiple times"; owned: "ERR Slot %d is already busy").
func (c *Cluster) AddSlots(list []int) error { return nil }

// DelSlots is CLUSTER DELSLOTS/DELSLOTSRANGE ("ERR Slot %d is already unassigned").
func (c *Cluster) DelSlots(list []int) error { return nil }

// FlushSlots is CLUSTER FLUSHSLOTS (the caller checks the database is empty).
func (c *Cluster) FlushSlots() {}

// Meet is CLUSTER MEET ip port cport (ports already range-checked; ip as given).
// Error: "ERR Invalid node address specified: <ip>:<port>".
func (c *Cluster) Meet(ip string, port, cport int) error { return nil }

// Forget is CLUSTER FORGET id.
func (c *Cluster) Forget(id string) error { return nil }

// Replicate is CLUSTER REPLICATE id; empty says whether our database has no keys.
func (c *Cluster) Replicate(id string, empty bool) error { return nil }

// Reset is CLUSTER RESET SOFT|HARD (the caller refuses a master with keys and flushes a
// replica's data first).
func (c *Cluster) Reset(hard bool) {}

// SetConfigEpoch is CLUSTER SET-CONFIG-EPOCH (the caller parses the number;
// "ERR Invalid config epoch specified: %d" for a negative one is the caller's too).
func (c *Cluster) SetConfigEpoch(epoch uint64) error { return nil }

// BumpEpoch is CLUSTER BUMPEPOCH: bumped is false for "STILL".
func (c *Cluster) BumpEpoch() (bumped bool, epoch uint64) { return false, 0 }
