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
