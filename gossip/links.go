package gossip

import "github.com/rcnode/rcnode/gossip/wire"

// Accept registers a new inbound link; localIP is our end's address (for learning our own
// IP), peerIP the remote's (for a MEET that carries no address).
func (c *Cluster) Accept(now int64, localIP, peerIP string) LinkID {
	c.now = now
	l := c.newLink(nil, false)
	l.up = true
	l.localIP, l.peerIP = localIP, peerIP
	return l.id
}

// LinkConnected reports that a dialed link is now connected; localIP is our end's address.
// The first message on it is a MEET for a node we were told to meet, a PING otherwise
// (clusterLinkConnectHandler).
func (c *Cluster) LinkConnected(now int64, id LinkID, localIP string) {
	c.now = now
	l := c.links[id]
	if l == nil || !l.outbound || l.up {
		return
	}
	l.up = true
	l.localIP = localIP
	n := l.node
	// Keep the time of a ping that was in flight before the link dropped, or a node that
	// keeps reconnecting would never time out.
	oldPingSent := n.PingSent
	if n.Has(FlagMeet) {
		c.sendPing(l, wire.TypeMeet)
	} else {
		c.sendPing(l, wire.TypePing)
	}
	if oldPingSent != 0 {
		n.PingSent = oldPingSent
	}
	// Redis clears MEET after the first send; we keep it until the handshake completes, so
	// a MEET lost with its connection is sent again on the next one instead of leaving the
	// other node never knowing us.
	c.logf(LevelDebug, "Connecting with Node %.40s at %s:%d", n.ID(), n.IP, n.CPort)
}

// LinkClosed reports that a link failed to connect, was closed by the peer, hit a read or
// write error or sent a frame that could not be decoded.
func (c *Cluster) LinkClosed(now int64, id LinkID) {
	c.now = now
	l := c.links[id]
	if l == nil {
		return
	}
	if l.outbound && !l.up {
		// A failed connect: claim a ping was sent so failure detection still runs for a
		// node we cannot reach at all (Redis does this for a synchronous connect error).
		if l.node.PingSent == 0 {
			l.node.PingSent = now
		}
		c.logf(LevelVerbose, "Connection with Node %.40s at %s:%d failed", l.node.ID(), l.node.IP, l.node.CPort)
	} else if l.outbound && l.node.PingSent == 0 {
		// Our link to a node broke: start its timeout clock now rather than at the next
		// scheduled PING (up to half a timeout later), so a dead node is detected after
		// one node timeout. A live node answers the PING of the new link and clears it.
		l.node.PingSent = now
	}
	c.dropLink(l)
}

// newLink creates a link; an outbound one becomes n's link and is dialed.
func (c *Cluster) newLink(n *Node, outbound bool) *link {
	c.nextLink++
	l := &link{id: c.nextLink, node: n, outbound: outbound, ctime: c.now}
	c.links[l.id] = l
	if outbound {
		l.peerIP = n.IP // the address we dial is the peer's, for a header without myip
		n.Link = l.id
		c.ready.Dials = append(c.ready.Dials, Dial{Link: l.id, Node: n.Name, IP: n.IP, CPort: n.CPort})
	}
	return l
}

// closeLink closes link id if it exists (freeClusterLink).
func (c *Cluster) closeLink(id LinkID) {
	if l := c.links[id]; l != nil {
		c.dropLink(l)
		c.ready.Closes = append(c.ready.Closes, id)
	}
}

// dropLink forgets l and detaches it from its node.
func (c *Cluster) dropLink(l *link) {
	delete(c.links, l.id)
	if n := l.node; n != nil {
		if n.Link == l.id {
			n.Link = 0
		}
		if n.InboundLink == l.id {
			n.InboundLink = 0
		}
	}
}

// bindInbound records that the inbound link l carries n's messages
// (setClusterNodeToInboundClusterLink). A node has one inbound link: a newer one replaces
// an older one, which is closed, since a peer only keeps its latest outbound link.
func (c *Cluster) bindInbound(l *link, n *Node) {
	if n.InboundLink == l.id {
		return
	}
	if n.InboundLink != 0 {
		c.logf(LevelVerbose, "Replacing an existing inbound link of node %.40s", n.ID())
		c.closeLink(n.InboundLink)
	}
	n.InboundLink = l.id
	l.node = n
}

// send queues m on link l, counting it for CLUSTER INFO.
func (c *Cluster) send(l *link, m *wire.Message) {
	if l == nil || !l.up {
		return
	}
	c.stats.sent[m.Type]++
	c.ready.Sends = append(c.ready.Sends, Send{Link: l.id, Msg: m})
}

// broadcast sends m on the outbound link of every connected node that is not in handshake
// (clusterBroadcastMessage).
func (c *Cluster) broadcast(m *wire.Message) {
	for _, n := range c.order {
		if n == c.myself || n.HasAny(FlagHandshake) {
			continue
		}
		c.send(c.links[n.Link], m)
	}
}
