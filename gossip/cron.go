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

	suspected := false
	orphanedMasters, maxReplicas, myMasterReplicas := 0, 0, 0
	for _, n := range c.order {
		if n.HasAny(FlagMyself | FlagNoAddr | FlagHandshake) {
			continue
		}
		// Count orphaned masters (serving slots, no working replica, but used to have one)
		// and the most working replicas any master has, for replica migration.
		if c.myself.IsReplica() && n.IsMaster() && !n.HasAny(FlagFail) {
			ok := countOKReplicas(n)
			if ok == 0 && n.NumSlots > 0 && n.Has(FlagMigrateTo) {
				orphanedMasters++
			}
			maxReplicas = max(maxReplicas, ok)
			if c.myself.Master == n {
				myMasterReplicas = ok
			}
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
		// A master in a manual failover pings its replica every tick: the replica learns
		// the final offset as soon as possible.
		if c.mf.end != 0 && c.myself.IsMaster() && c.mf.replica == n && c.linkUp(n) {
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
			suspected = true
		}
	}
	if suspected && c.myself.IsMaster() && now-c.lastSpread > timeout/2 {
		c.lastSpread = now
		c.spreadSuspicion()
	}
	if c.mf.end != 0 && c.mf.end < now {
		c.logf(LevelWarning, "Manual failover timed out.")
		c.resetManualFailover()
	}
	if c.myself.IsReplica() {
		c.handleManualFailover()
		c.handleReplicaFailover()
		if orphanedMasters > 0 && maxReplicas >= 2 && myMasterReplicas == maxReplicas && c.cfg.AllowReplicaMigration {
			c.handleReplicaMigration(maxReplicas)
		}
	}
	if !c.stateOK {
		c.updateState()
	}
}

// spreadSuspicion pings the other masters right after this master suspected a node (PFAIL).
// Redis waits for its regular pings to carry the suspicion, which can take a second or
// more; every PING gossips all PFAIL nodes, so this one round lets the masters' failure
// reports meet at once, and FAIL (and the failover) follow within a round trip of the
// timeout. Only masters' reports count, so only masters send it and only to masters, and
// at most once per half node timeout, so a flapping node cannot start a storm.
func (c *Cluster) spreadSuspicion() {
	for _, n := range c.order {
		if n != c.myself && n.IsMaster() && !n.HasAny(FlagHandshake) && c.linkUp(n) && n.PingSent == 0 {
			c.sendPing(c.links[n.Link], wire.TypePing)
		}
	}
}

// linkUp reports whether our outbound link to n is connected.
func (c *Cluster) linkUp(n *Node) bool {
	l := c.links[n.Link]
	return l != nil && l.up
}
