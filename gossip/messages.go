package gossip

import (
	"github.com/rcnode/rcnode/gossip/wire"
)

// header builds the header every message starts with (clusterBuildMessageHdr): a replica
// sends its master's slots and configEpoch.
func (c *Cluster) header(t wire.Type) wire.Header {
	me := c.myself
	master := c.shardMaster()
	h := wire.Header{
		Type:         t,
		CurrentEpoch: c.currentEpoch,
		ConfigEpoch:  master.ConfigEpoch,
		Offset:       uint64(c.replOffset),
		Sender:       me.Name,
		MySlots:      master.Slots,
		MyIP:         wire.MakeIP(c.cfg.AnnounceIP),
		Port:         uint16(c.cfg.Port),
		PPort:        uint16(c.cfg.PPort),
		CPort:        uint16(c.cfg.CPort),
		Flags:        me.Flags,
	}
	if me.Master != nil {
		h.SlaveOf = me.Master.Name
	}
	if !c.stateOK {
		h.State = wire.StateFail
	}
	if me.IsMaster() && c.mf.end != 0 && !c.mf.draining {
		h.MFlags[0] |= wire.MFlagPaused
	}
	return h
}

// shardMaster is the master of our shard: ourselves, or the master we replicate (a
// replica's headers carry its master's slots and epoch).
func (c *Cluster) shardMaster() *Node {
	if c.myself.IsReplica() && c.myself.Master != nil {
		return c.myself.Master
	}
	return c.myself
}

// sendPing sends a PING, PONG or MEET with a gossip section on l (clusterSendPing).
func (c *Cluster) sendPing(l *link, t wire.Type) {
	if l == nil || !l.up {
		return
	}
	m := &wire.Message{Header: c.header(t)}
	// A few random nodes (a tenth of the cluster, at least 3) plus every node we suspect:
	// the suspects must spread fast so failure reports reach a quorum in time.
	fresh := len(c.order) - 2
	wanted := max(len(c.order)/10, 3)
	wanted = min(wanted, fresh)
	if l.outbound && t == wire.TypePing {
		l.node.PingSent = c.now
	}
	chosen := make(map[*Node]bool, wanted)
	for tries := wanted * 3; fresh > 0 && len(m.Gossip) < wanted && tries > 0; tries-- {
		n := c.order[c.rnd.Intn(len(c.order))]
		if n == c.myself || n.HasAny(FlagPFail) {
			continue
		}
		if n.HasAny(FlagHandshake|FlagNoAddr) || (n.Link == 0 && n.NumSlots == 0) {
			fresh--
			continue
		}
		if chosen[n] {
			continue
		}
		chosen[n] = true
		m.Gossip = append(m.Gossip, gossipEntry(n))
		fresh--
	}
	for _, n := range c.order {
		if n.HasAny(FlagPFail) && !n.HasAny(FlagHandshake|FlagNoAddr) && !chosen[n] {
			m.Gossip = append(m.Gossip, gossipEntry(n))
		}
	}
	if c.cfg.Hostname != "" {
		m.Exts = []wire.Ext{wire.HostnameExt(c.cfg.Hostname)}
	}
	c.send(l, m)
}

// gossipEntry is n as we describe it to others (clusterSetGossipEntry); times in seconds.
func gossipEntry(n *Node) wire.Gossip {
	return wire.Gossip{
		Node:         n.Name,
		PingSent:     uint32(n.PingSent / 1000),
		PongReceived: uint32(n.PongReceived / 1000),
		IP:           wire.MakeIP(n.IP),
		Port:         uint16(n.Port),
		CPort:        uint16(n.CPort),
		Flags:        n.Flags,
		PPort:        uint16(n.PPort),
	}
}

// broadcastPong sends a PONG to every connected node, so a change (new role, new epoch,
// new slots) spreads without waiting for the next PING (clusterBroadcastPong).
func (c *Cluster) broadcastPong(localReplicasOnly bool) {
	for _, n := range c.order {
		if n == c.myself || n.HasAny(FlagHandshake) || n.Link == 0 {
			continue
		}
		if localReplicasOnly && (!n.IsReplica() || n.Master != c.shardMaster()) {
			continue
		}
		c.sendPing(c.links[n.Link], wire.TypePong)
	}
}

// sendFail tells everyone that n is failing (clusterSendFail).
func (c *Cluster) sendFail(n *Node) {
	m := &wire.Message{Header: c.header(wire.TypeFail), Fail: n.Name}
	c.broadcast(m)
}

// sendUpdate tells the node on l that n owns its slots with a newer epoch (clusterSendUpdate).
func (c *Cluster) sendUpdate(l *link, n *Node) {
	if l == nil {
		return
	}
	m := &wire.Message{Header: c.header(wire.TypeUpdate)}
	m.Update = wire.Update{ConfigEpoch: n.ConfigEpoch, Node: n.Name, Slots: n.Slots}
	// Slots the owner no longer claims are not ours to hand out (Redis 7.0.15 masks them).
	for i := range m.Update.Slots {
		m.Update.Slots[i] &^= c.ownerNotClaiming[i]
	}
	c.send(l, m)
}
