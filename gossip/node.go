package gossip

import (
	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// Node flags: Redis's CLUSTER_NODE_* bits, the same u16 the bus carries.
const (
	FlagMaster     = wire.NodeMaster
	FlagSlave      = wire.NodeSlave
	FlagPFail      = wire.NodePFail
	FlagFail       = wire.NodeFail
	FlagMyself     = wire.NodeMyself
	FlagHandshake  = wire.NodeHandshake
	FlagNoAddr     = wire.NodeNoAddr
	FlagMeet       = wire.NodeMeet
	FlagMigrateTo  = wire.NodeMigrateTo
	FlagNoFailover = wire.NodeNoFailover
)

// LinkID names one TCP connection of the cluster bus. The state machine hands out the IDs
// of the links it dials (Ready.Dials) and of the inbound ones the driver reports (Accept);
// 0 is "no link".
type LinkID uint64

// Node is what this node knows of one cluster node (clusterNode in Redis).
type Node struct {
	Name     wire.Name
	IP       string // "" until known
	Port     int    // client port
	CPort    int    // bus port
	PPort    int    // plaintext port under TLS; 0 otherwise
	Hostname string // announced hostname, "" for none
	Flags    uint16

	Master   *Node   // the master this node replicates, nil for none
	Replicas []*Node // the nodes that replicate this one

	ConfigEpoch uint64
	Slots       slots.Bitmap
	NumSlots    int

	CTime        int64 // when the node object was created (ms)
	PingSent     int64 // ms of the unanswered PING, 0 for none
	PongReceived int64 // ms of the last PONG
	DataReceived int64 // ms of the last byte read from the node on any link
	FailTime     int64 // ms when FAIL was set
	VotedTime    int64 // ms of our last vote for a replica of this master
	ReplOffset   int64 // the replication offset from its last header
	ReplOffsetAt int64 // ms when ReplOffset was updated
	OrphanedTime int64 // ms since when this master has had no working replica, 0 if it has one

	Link        LinkID // our outbound link to it (we PING on it), 0 for none
	InboundLink LinkID // its outbound link to us, once we know who is on it

	failReports []failReport

	routeBuild uint64 // the Routing build routeIdx belongs to
	routeIdx   int16  // this node's index in that build's Routing.Nodes
}

// failReport is one master's claim, carried in gossip, that a node is failing.
type failReport struct {
	reporter *Node
	time     int64
}

// Has reports whether all of flags are set.
func (n *Node) Has(flags uint16) bool { return n.Flags&flags == flags }

// HasAny reports whether any of flags is set.
func (n *Node) HasAny(flags uint16) bool { return n.Flags&flags != 0 }

// IsMaster and IsReplica read the role flags.
func (n *Node) IsMaster() bool  { return n.Flags&FlagMaster != 0 }
func (n *Node) IsReplica() bool { return n.Flags&FlagSlave != 0 }

// ID returns the 40-character name as a string.
func (n *Node) ID() string { return n.Name.String() }

// EffectiveConfigEpoch is the epoch Redis prints and sends for a node: a replica's is its
// master's.
func (n *Node) EffectiveConfigEpoch() uint64 {
	if n.IsReplica() && n.Master != nil {
		return n.Master.ConfigEpoch
	}
	return n.ConfigEpoch
}

func (n *Node) addReplica(r *Node) bool {
	for _, x := range n.Replicas {
		if x == r {
			return false
		}
	}
	n.Replicas = append(n.Replicas, r)
	// A master that has had a replica is one replica migration may give a new one.
	n.Flags |= FlagMigrateTo
	return true
}

func (n *Node) removeReplica(r *Node) bool {
	for i, x := range n.Replicas {
		if x == r {
			n.Replicas = append(n.Replicas[:i], n.Replicas[i+1:]...)
			if len(n.Replicas) == 0 {
				n.Flags &^= FlagMigrateTo
			}
			return true
		}
	}
	return false
}
