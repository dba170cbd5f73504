package gossip

import (
	"bytes"

	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// Step processes a message read on link id (clusterProcessPacket). Messages Redis would drop
// never reach here: the driver decodes with package wire, which refuses them.
func (c *Cluster) Step(now int64, id LinkID, m *wire.Message) {
	c.now = now
	l := c.links[id]
	if l == nil {
		return
	}
	if m.Type < wire.TypeCount {
		c.stats.received[m.Type]++
	}
	sender := c.senderOf(l, m)
	if sender != nil {
		sender.DataReceived = now
	}
	if sender != nil && !sender.Has(FlagHandshake) {
		c.adoptHeader(sender, m)
	}
	switch m.Type {
	case wire.TypePing, wire.TypePong, wire.TypeMeet:
		c.processPing(l, sender, m)
	case wire.TypeFail:
		c.processFail(sender, m)
	case wire.TypeUpdate:
		c.processUpdate(sender, m)
	case wire.TypeFailoverAuthRequest:
		if sender != nil {
			c.processAuthRequest(sender, m)
		}
	case wire.TypeFailoverAuthAck:
		if sender != nil {
			c.processAuthAck(sender, m)
		}
	case wire.TypeMFStart:
		if sender != nil {
			c.processMFStart(l, sender)
		}
	case wire.TypePublish, wire.TypePublishShard:
		if sender != nil {
			c.processPublish(m)
		}
	case wire.TypeModule:
		// No modules: Redis hands these to modules' receivers.
	default:
		c.logf(LevelWarning, "Received unknown packet type: %d", m.Type)
	}
}

// adoptHeader takes what every header says about a known sender: the epochs (the greatest
// currentEpoch wins; a sender's own configEpoch only grows) and its replication offset.
func (c *Cluster) adoptHeader(sender *Node, m *wire.Message) {
	if m.CurrentEpoch > c.currentEpoch {
		c.currentEpoch = m.CurrentEpoch
	}
	if m.ConfigEpoch > sender.ConfigEpoch {
		sender.ConfigEpoch = m.ConfigEpoch
		c.fsyncConfig()
		c.routingChanged()
	}
	sender.ReplOffset = int64(m.Offset)
	sender.ReplOffsetAt = c.now
	// Our master, paused for our manual failover, tells us the offset to reach.
	if c.mf.end != 0 && c.myself.IsReplica() && c.myself.Master == sender &&
		m.MFlags[0]&wire.MFlagPaused != 0 && c.mf.masterOffset == -1 {
		c.mf.masterOffset = sender.ReplOffset
		c.failoverDue = true
		c.logf(LevelWarning, "Received replication offset for paused master manual failover: %d", c.mf.masterOffset)
	}
}

// senderOf finds the node that sent m (getNodeFromLinkAndMsg): the link's node once the
// handshake is over, else the header's sender, binding an inbound link to it.
func (c *Cluster) senderOf(l *link, m *wire.Message) *Node {
	if l.node != nil && !l.node.Has(FlagHandshake) {
		return l.node
	}
	sender := c.nodes[m.Sender]
	if sender != nil && l.node == nil && !l.outbound {
		c.bindInbound(l, sender)
	}
	return sender
}

func (c *Cluster) processPing(l *link, sender *Node, m *wire.Message) {
	me := c.myself
	if m.Type == wire.TypePing || m.Type == wire.TypeMeet {
		// The address others reach us on is our address: learn it from a MEET (or any
		// PING while we know none), unless it is announced.
		if (m.Type == wire.TypeMeet || me.IP == "") && c.cfg.AnnounceIP == "" &&
			l.localIP != "" && l.localIP != me.IP {
			me.IP = l.localIP
			c.logf(LevelWarning, "IP address for this node updated to %s", me.IP)
			c.saveConfig()
			c.routingChanged()
		}
		if sender == nil && m.Type == wire.TypeMeet {
			n := c.createNode(c.randomName(), FlagHandshake)
			n.IP = c.peerAddr(l, m)
			n.Port, n.PPort, n.CPort = int(m.Port), int(m.PPort), int(m.CPort)
			c.addNode(n)
			c.saveConfig()
			// A MEET is trusted: its gossip may introduce the rest of the cluster.
			c.processGossip(nil, m)
		}
		c.sendPing(l, wire.TypePong)
	}

	if l.outbound {
		n := l.node
		if n.Has(FlagHandshake) {
			if sender != nil {
				// We already know this node under its real name: adopt the address and
				// drop the handshake node (and with it this link).
				c.logf(LevelVerbose, "Handshake: we already know node %.40s, updating the address if needed.", sender.ID())
				c.updateAddress(sender, l, m)
				c.delNode(n) // closes l too
				return
			}
			c.renameNode(n, m.Sender)
			c.logf(LevelDebug, "Handshake with node %.40s completed.", n.ID())
			n.Flags &^= FlagHandshake | FlagMeet
			n.Flags |= m.Flags & (FlagMaster | FlagSlave)
			c.saveConfig()
			// Redis ignores the rest of this PONG (its sender was unknown when it arrived)
			// and learns the node's role and slots from the next message; we take them
			// now, with the header's epochs first so its slots are not bound with epoch 0.
			sender = n
			c.adoptHeader(n, m)
		} else if n.Name != m.Sender {
			// Someone else answers at this node's address: forget the address until
			// gossip tells us the new one.
			c.logf(LevelDebug, "PONG contains mismatching sender ID. About node %.40s added %d ms ago, having flags %d",
				n.ID(), c.now-n.CTime, n.Flags)
			n.Flags |= FlagNoAddr
			n.IP, n.Port, n.PPort, n.CPort = "", 0, 0, 0
			c.closeLink(l.id)
			c.saveConfig()
			c.routingChanged()
			return
		}
	}

	if sender != nil {
		sender.Flags = sender.Flags&^FlagNoFailover | m.Flags&FlagNoFailover
	}
	if sender != nil && m.Type == wire.TypePing && !sender.Has(FlagHandshake) {
		c.updateAddress(sender, l, m)
	}
	if l.outbound && m.Type == wire.TypePong {
		n := l.node
		n.PongReceived = c.now
		n.PingSent = 0
		if n.HasAny(FlagPFail) {
			n.Flags &^= FlagPFail
			c.saveConfig()
			c.updateState()
		} else if n.HasAny(FlagFail) {
			c.clearFailureIfNeeded(n)
		}
	}
	if sender == nil {
		return
	}
	c.updateRole(sender, m)

	senderMaster := sender
	if !sender.IsMaster() {
		senderMaster = sender.Master
	}
	dirty := senderMaster != nil && senderMaster.Slots != m.MySlots
	if sender.IsMaster() && dirty {
		c.updateSlotsConfigWith(sender, m.ConfigEpoch, &m.MySlots)
	}
	if dirty {
		// The sender claims slots that a node with a newer epoch owns: tell it.
		for s := 0; s < slots.Count; s++ {
			if !m.MySlots.Has(s) {
				continue
			}
			o := c.owner[s]
			if o == sender || o == nil || c.ownerNotClaiming.Has(s) {
				continue
			}
			if o.ConfigEpoch > m.ConfigEpoch {
				c.logf(LevelVerbose, "Node %.40s has old slots configuration, sending an UPDATE message about %.40s",
					sender.ID(), o.ID())
				c.sendUpdate(c.links[sender.Link], o)
				break
			}
		}
	}
	if me.IsMaster() && sender.IsMaster() && m.ConfigEpoch == me.ConfigEpoch {
		c.handleEpochCollision(sender)
	}
	c.processGossip(sender, m)
	c.processExtensions(sender, m)
}

// peerAddr is the address a node announces, or the one its connection comes from
// (nodeIp2String).
func (c *Cluster) peerAddr(l *link, m *wire.Message) string {
	if !m.MyIP.IsZero() {
		return m.MyIP.String()
	}
	return l.peerIP
}

// updateAddress adopts the address the sender's PING says it has, when it changed
// (nodeUpdateAddressIfNeeded): our link to the old address is closed and redialed.
func (c *Cluster) updateAddress(n *Node, l *link, m *wire.Message) {
	if l.id == n.Link {
		return
	}
	ip := c.peerAddr(l, m)
	if ip == "" {
		return
	}
	if n.Port == int(m.Port) && n.CPort == int(m.CPort) && n.PPort == int(m.PPort) && n.IP == ip {
		return
	}
	n.IP, n.Port, n.PPort, n.CPort = ip, int(m.Port), int(m.PPort), int(m.CPort)
	c.closeLink(n.Link)
	n.Flags &^= FlagNoAddr
	c.logf(LevelWarning, "Address updated for node %.40s, now %s:%d", n.ID(), n.IP, n.Port)
	c.saveConfig()
	c.routingChanged()
	c.updateState()
}

// updateRole applies the role the header announces: master, or replica of slaveof.
func (c *Cluster) updateRole(sender *Node, m *wire.Message) {
	if m.SlaveOf.IsZero() {
		if !sender.IsMaster() {
			c.setNodeAsMaster(sender)
		}
		return
	}
	master := c.nodes[m.SlaveOf]
	if sender.IsMaster() {
		c.delNodeSlots(sender)
		sender.Flags &^= FlagMaster | FlagMigrateTo
		sender.Flags |= FlagSlave
		c.saveConfig()
		c.routingChanged()
		c.updateState()
	}
	if master != nil && sender.Master != master {
		if sender.Master != nil {
			sender.Master.removeReplica(sender)
		}
		master.addReplica(sender)
		sender.Master = master
		c.saveConfig()
		c.routingChanged()
	}
}

// handleEpochCollision resolves two masters with the same configEpoch
// (clusterHandleConfigEpochCollision): the one with the smaller name takes a new epoch, so
// every pair ends up ordered and slot conflicts always have a winner.
func (c *Cluster) handleEpochCollision(sender *Node) {
	me := c.myself
	if sender.ConfigEpoch != me.ConfigEpoch || !sender.IsMaster() || !me.IsMaster() ||
		bytes.Compare(sender.Name[:], me.Name[:]) <= 0 {
		return
	}
	c.currentEpoch++
	me.ConfigEpoch = c.currentEpoch
	c.fsyncConfig()
	c.routingChanged()
	c.logf(LevelVerbose, "WARNING: configEpoch collision with node %.40s. configEpoch set to %d", sender.ID(), me.ConfigEpoch)
}

// processGossip reads the gossip section (clusterProcessGossipSection). sender is nil for a
// MEET from a node we don't know yet.
func (c *Cluster) processGossip(sender *Node, m *wire.Message) {
	for i := range m.Gossip {
		g := &m.Gossip[i]
		n := c.nodes[g.Node]
		if n == nil {
			if sender != nil && g.Flags&FlagNoAddr == 0 && !c.blacklisted(g.Node) && g.Node.Valid() {
				n = c.createNode(g.Node, g.Flags&^(FlagMyself|FlagMeet))
				n.IP = g.IP.String()
				n.Port, n.PPort, n.CPort = int(g.Port), int(g.PPort), int(g.CPort)
				c.addNode(n)
				c.saveConfig()
			}
			continue
		}
		failing := g.Flags&(FlagFail|FlagPFail) != 0
		if sender != nil && sender.IsMaster() && n != c.myself {
			if failing {
				if n.addFailureReport(sender, c.now) {
					c.logf(LevelVerbose, "Node %.40s reported node %.40s as not reachable.", sender.ID(), n.ID())
				}
				c.markFailingIfNeeded(n)
			} else if n.removeFailureReport(sender) {
				c.logf(LevelVerbose, "Node %.40s reported node %.40s is back online.", sender.ID(), n.ID())
			}
		}
		// Someone heard from n recently: take that as our pong time, so we don't all
		// ping n at once (only while we have no doubt of our own about it).
		if !failing && n.PingSent == 0 && n.failureReportCount(c.now, c.cfg.NodeTimeout) == 0 {
			pong := int64(g.PongReceived) * 1000
			if pong <= c.now+500 && pong > n.PongReceived {
				n.PongReceived = pong
			}
		}
		// We can't reach n, someone else can, at another address: try that one.
		if n.HasAny(FlagFail|FlagPFail) && g.Flags&FlagNoAddr == 0 && !failing {
			ip := g.IP.String()
			if ip != n.IP || n.Port != int(g.Port) || n.CPort != int(g.CPort) {
				c.closeLink(n.Link)
				n.IP, n.Port, n.PPort, n.CPort = ip, int(g.Port), int(g.PPort), int(g.CPort)
				n.Flags &^= FlagNoAddr
				c.routingChanged()
			}
		}
	}
}

// processExtensions applies the ping extensions: the hostname, cleared when absent
// (clusterProcessPingExtensions).
func (c *Cluster) processExtensions(sender *Node, m *wire.Message) {
	h, _ := m.Hostname()
	for _, e := range m.Exts {
		if e.Type != wire.ExtHostname {
			c.logf(LevelWarning, "Received unknown extension type %d", e.Type)
		}
	}
	if sender.Hostname != h {
		sender.Hostname = h
		c.saveConfig()
		c.routingChanged()
	}
}

func (c *Cluster) processFail(sender *Node, m *wire.Message) {
	if sender == nil {
		c.logf(LevelNotice, "Ignoring FAIL message from unknown node %.40s about %.40s", m.Sender.String(), m.Fail.String())
		return
	}
	n := c.nodes[m.Fail]
	if n == nil || n.HasAny(FlagFail|FlagMyself) {
		return
	}
	c.logf(LevelNotice, "FAIL message received from %.40s about %.40s", m.Sender.String(), m.Fail.String())
	n.Flags |= FlagFail
	n.Flags &^= FlagPFail
	n.FailTime = c.now
	c.saveConfig()
	c.updateState()
}

func (c *Cluster) processUpdate(sender *Node, m *wire.Message) {
	if sender == nil {
		return
	}
	n := c.nodes[m.Update.Node]
	if n == nil || n.ConfigEpoch >= m.Update.ConfigEpoch {
		return
	}
	if n.IsReplica() {
		c.setNodeAsMaster(n)
	}
	n.ConfigEpoch = m.Update.ConfigEpoch
	c.fsyncConfig()
	c.updateSlotsConfigWith(n, m.Update.ConfigEpoch, &m.Update.Slots)
}

// markFailingIfNeeded turns our PFAIL about n into FAIL when a majority of masters agree
// (markNodeAsFailingIfNeeded), and tells everyone.
func (c *Cluster) markFailingIfNeeded(n *Node) {
	quorum := c.clusterSize/2 + 1
	if !n.HasAny(FlagPFail) || n.HasAny(FlagFail) {
		return
	}
	failures := n.failureReportCount(c.now, c.cfg.NodeTimeout)
	if c.myself.IsMaster() {
		failures++
	}
	if failures < quorum {
		return
	}
	c.logf(LevelNotice, "Marking node %.40s as failing (quorum reached).", n.ID())
	n.Flags &^= FlagPFail
	n.Flags |= FlagFail
	n.FailTime = c.now
	c.sendFail(n)
	c.saveConfig()
	c.updateState()
}

// clearFailureIfNeeded lifts FAIL from a node that answers again (clearNodeFailureIfNeeded):
// at once for a replica or a master without slots; for a master with slots only when nobody
// took them over for a while.
func (c *Cluster) clearFailureIfNeeded(n *Node) {
	if n.IsReplica() || n.NumSlots == 0 {
		what := "master without slots"
		if n.IsReplica() {
			what = "replica"
		}
		c.logf(LevelNotice, "Clear FAIL state for node %.40s: %s is reachable again.", n.ID(), what)
		n.Flags &^= FlagFail
		c.saveConfig()
		c.updateState()
	}
	if n.IsMaster() && n.NumSlots > 0 && c.now-n.FailTime > c.cfg.NodeTimeout*failUndoTimeMult {
		c.logf(LevelNotice, "Clear FAIL state for node %.40s: is reachable again and nobody is serving its slots after some time.", n.ID())
		n.Flags &^= FlagFail
		c.saveConfig()
		c.updateState()
	}
}

// blacklisted reports whether a FORGET still keeps name out.
func (c *Cluster) blacklisted(name wire.Name) bool {
	until, ok := c.blacklist[name]
	if ok && until <= c.now {
		delete(c.blacklist, name)
		return false
	}
	return ok
}
