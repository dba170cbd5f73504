package gossip

import (
	"bytes"
	"slices"

	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// createNode makes a node object not yet in the table (createClusterNode).
func (c *Cluster) createNode(name wire.Name, flags uint16) *Node {
	return &Node{Name: name, Flags: flags, CTime: c.now}
}

func (c *Cluster) addNode(n *Node) {
	c.nodes[n.Name] = n
	c.order = append(c.order, n)
}

// delNode removes n from the table (clusterDelNode): slots moving to or from it are no
// longer open, its failure reports about others go, its links close.
func (c *Cluster) delNode(n *Node) {
	for s := 0; s < slots.Count; s++ {
		if c.importingFrom[s] == n {
			c.importingFrom[s] = nil
		}
		if c.migratingTo[s] == n {
			c.migratingTo[s] = nil
		}
	}
	for _, o := range c.nodes {
		if o != n {
			o.removeFailureReport(n)
		}
	}
	c.freeNode(n)
	c.saveConfig()
	c.routingChanged()
}

// freeNode unbinds n's slots, detaches it from master and replicas, closes its links and
// drops it from the table (freeClusterNode).
func (c *Cluster) freeNode(n *Node) {
	for s := 0; s < slots.Count; s++ {
		if c.owner[s] == n {
			c.owner[s] = nil
		}
	}
	for _, r := range n.Replicas {
		r.Master = nil
	}
	if n.IsReplica() && n.Master != nil {
		n.Master.removeReplica(n)
	}
	c.closeLink(n.Link)
	c.closeLink(n.InboundLink)
	delete(c.nodes, n.Name)
	if i := slices.Index(c.order, n); i >= 0 {
		c.order = slices.Delete(c.order, i, i+1)
	}
}

// renameNode gives a handshake node the name its peer announced (clusterRenameNode).
func (c *Cluster) renameNode(n *Node, name wire.Name) {
	c.logf(LevelDebug, "Renaming node %.40s into %.40s", n.ID(), name.String())
	delete(c.nodes, n.Name)
	n.Name = name
	c.nodes[name] = n
}

// orderedNodes returns the nodes with myself first, then by name, so that nodes.conf and
// CLUSTER NODES come out the same for the same state.
func (c *Cluster) orderedNodes() []*Node {
	out := make([]*Node, 0, len(c.nodes))
	for _, n := range c.nodes {
		if n != c.myself {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b *Node) int { return bytes.Compare(a.Name[:], b.Name[:]) })
	return append([]*Node{c.myself}, out...)
}

// addSlot binds slot s to n; false if it was bound already (clusterAddSlot).
func (c *Cluster) addSlot(n *Node, s int) bool {
	if c.owner[s] != nil {
		return false
	}
	n.Slots.Set(s)
	n.NumSlots++
	c.owner[s] = n
	c.ownerNotClaiming.Clear(s)
	c.routingChanged()
	return true
}

// delSlot unbinds slot s from its owner; false if it had none (clusterDelSlot).
func (c *Cluster) delSlot(s int) bool {
	n := c.owner[s]
	if n == nil {
		return false
	}
	n.Slots.Clear(s)
	n.NumSlots--
	c.owner[s] = nil
	c.ownerNotClaiming.Clear(s)
	c.routingChanged()
	return true
}

// delNodeSlots unbinds every slot of n and returns how many it had (clusterDelNodeSlots).
func (c *Cluster) delNodeSlots(n *Node) int {
	deleted := 0
	for s := 0; s < slots.Count; s++ {
		if c.owner[s] == n {
			c.delSlot(s)
			deleted++
		}
	}
	return deleted
}

// setNodeAsMaster makes n a master (clusterSetNodeAsMaster).
func (c *Cluster) setNodeAsMaster(n *Node) {
	if n.IsMaster() {
		return
	}
	if n.Master != nil {
		n.Master.removeReplica(n)
		if n != c.myself {
			n.Flags |= FlagMigrateTo
		}
	}
	n.Flags &^= FlagSlave
	n.Flags |= FlagMaster
	n.Master = nil
	c.saveConfig()
	c.routingChanged()
}

// setMaster makes myself a replica of m (clusterSetMaster, without the replication side,
// which the node drives from Routing).
func (c *Cluster) setMaster(m *Node) {
	me := c.myself
	if me.IsMaster() {
		me.Flags &^= FlagMaster | FlagMigrateTo
		me.Flags |= FlagSlave
		for s := 0; s < slots.Count; s++ {
			c.importingFrom[s], c.migratingTo[s] = nil, nil
		}
	} else if me.Master != nil {
		me.Master.removeReplica(me)
	}
	me.Master = m
	m.addReplica(me)
	// A master demoted in the middle of a manual failover (its replica won) resumes writes
	// at once, so they are redirected instead of waiting out the pause.
	c.resetManualFailover()
	c.routingChanged()
}

// failure reports (clusterNodeAddFailureReport and friends)

func (n *Node) addFailureReport(sender *Node, now int64) bool {
	for i := range n.failReports {
		if n.failReports[i].reporter == sender {
			n.failReports[i].time = now
			return false
		}
	}
	n.failReports = append(n.failReports, failReport{reporter: sender, time: now})
	return true
}

func (n *Node) removeFailureReport(sender *Node) bool {
	for i := range n.failReports {
		if n.failReports[i].reporter == sender {
			n.failReports = append(n.failReports[:i], n.failReports[i+1:]...)
			return true
		}
	}
	return false
}

// cleanupFailureReports drops reports older than twice the node timeout.
func (n *Node) cleanupFailureReports(now, nodeTimeout int64) {
	maxAge := nodeTimeout * failReportValidity
	kept := n.failReports[:0]
	for _, r := range n.failReports {
		if now-r.time <= maxAge {
			kept = append(kept, r)
		}
	}
	n.failReports = kept
}

func (n *Node) failureReportCount(now, nodeTimeout int64) int {
	n.cleanupFailureReports(now, nodeTimeout)
	return len(n.failReports)
}
