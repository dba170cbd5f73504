package gossip

import (
	"slices"

	"github.com/rcnode/rcnode/gossip/wire"
)

// Tick advances time; call it every TickInterval ms (clusterCron).
func (c *Cluster) Tick(now int64) {
	c.now = now
	c.iter++
	timeout := c.cfg.NodeTimeout
	// A handshake that did not complete within the node timeout (at least a second) is
	// abandoned: the address was wrong or the node is gone.
	handshakeTimeout := max(timeout, 1000)

	for _, n := range slices.Clone(c.order) {
		if n.HasAny(FlagMyself | FlagNoAddr) {
			continue
		}
		if n.Has(FlagHandshake) && now-n.CTime > handshakeTimeout {
			c.delNode(n)
			continue
		}
		if n.Link == 0 && n.IP != "" {
			c.newLink(n, true)
		}
	}

	// Once a second, ping the node we heard from least recently among five random ones, so
	// every node is pinged now and then even in a big cluster.
	if c.iter%10 == 0 {
		var oldest *Node
		for j := 0; j < 5 && len(c.order) > 0; j++ {
			n := c.order[c.rnd.Intn(len(c.order))]
			if !c.linkUp(n) || n.PingSent != 0 || n.HasAny(FlagMyself|FlagHandshake) {
				continue
			}
			if oldest == nil || n.PongReceived < oldest.PongReceived {
				oldest = n
			}
		}
		if oldest != nil {
			c.logf(LevelDebug, "Pinging node %.40s", oldest.ID())
			c.sendPing(c.links[oldest.Link], wire.TypePing)
		}
	}

	for _, n := range c.order {
		if n.HasAny(FlagMyself | FlagNoAddr | FlagHandshake) {
			continue
		}
		pingDelay := now - n.PingSent
		dataDelay := now - n.DataReceived
		// Waiting too long for a PONG and nothing else arrives either: the connection may
		// be stuck even if the node is alive, so reconnect.
		if l := c.links[n.Link]; l != nil && now-l.ctime > timeout && n.PingSent != 0 &&
			pingDelay > timeout/2 && dataDelay > timeout/2 {
			c.closeLink(n.Link)
		}
		// Ping every node at least every half node timeout, so a healthy node never
		// times out for lack of a PING.
		if c.linkUp(n) && n.PingSent == 0 && now-n.PongReceived > timeout/2 {
			c.sendPing(c.links[n.Link], wire.TypePing)
			continue
		}
		if n.PingSent == 0 {
			continue
		}
		// Any data from the node proves it alive, so heavy traffic can't fake a timeout.
		if min(pingDelay, dataDelay) > timeout && !n.HasAny(FlagPFail|FlagFail) {
			c.logf(LevelDebug, "*** NODE %.40s possibly failing", n.ID())
			n.Flags |= FlagPFail
			c.updateState()
			c.routingChanged()
		}
	}
	if !c.stateOK {
		c.updateState()
	}
}

// linkUp reports whether our outbound link to n is connected.
func (c *Cluster) linkUp(n *Node) bool {
	l := c.links[n.Link]
	return l != nil && l.up
}
