package gossip

import (
	"github.com/rcnode/rcnode/gossip/nodesconf"
	"github.com/rcnode/rcnode/slots"
)

// The read-only views behind CLUSTER NODES, INFO, SLOTS, SHARDS, LINKS, REPLICAS and
// COUNT-FAILURE-REPORTS. Formatting them as RESP is the node's job.

// NodesText is CLUSTER NODES: one line per node (handshake nodes included), each ended by
// "\n", myself first.
func (c *Cluster) NodesText() []byte {
	var b []byte
	for _, n := range c.orderedNodes() {
		ln := c.confNode(n)
		b = nodesconf.AppendNodeLine(b, &ln)
		b = append(b, '\n')
	}
	return b
}

// ReplicaLines is CLUSTER REPLICAS id: the lines of id's replicas, without newlines.
func (c *Cluster) ReplicaLines(id string) ([][]byte, error) {
	n := c.lookupAny(id)
	if n == nil {
		return nil, replyErrorf("ERR Unknown node %s", id)
	}
	if n.IsReplica() {
		return nil, replyErrorf("ERR The specified node is not a master")
	}
	out := make([][]byte, 0, len(n.Replicas))
	for _, r := range n.Replicas {
		ln := c.confNode(r)
		out = append(out, nodesconf.AppendNodeLine(nil, &ln))
	}
	return out, nil
}

// Info is CLUSTER INFO's figures.
func (c *Cluster) Info() Info {
	in := Info{
		StateOK:      c.stateOK,
		KnownNodes:   len(c.nodes),
		Size:         c.clusterSize,
		CurrentEpoch: c.currentEpoch,
		MyEpoch:      c.myself.EffectiveConfigEpoch(),
		Sent:         c.stats.sent,
		Received:     c.stats.received,
	}
	for s := 0; s < slots.Count; s++ {
		o := c.owner[s]
		if o == nil {
			continue
		}
		in.SlotsAssigned++
		switch {
		case o.HasAny(FlagFail):
			in.SlotsFail++
		case o.HasAny(FlagPFail):
			in.SlotsPFail++
		default:
			in.SlotsOK++
		}
	}
	return in
}

// SlotRanges is CLUSTER SLOTS: runs of slots by owner, in slot order, each with the owner
// and then its replicas that are not failing and have a non-zero replication offset (a
// replica that never synced can't serve reads).
func (c *Cluster) SlotRanges() []SlotRange {
	var out []SlotRange
	for s := 0; s < slots.Count; {
		o := c.owner[s]
		if o == nil {
			s++
			continue
		}
		e := s
		for e+1 < slots.Count && c.owner[e+1] == o {
			e++
		}
		r := SlotRange{Start: s, End: e, Nodes: []*Node{o}}
		for _, rep := range o.Replicas {
			if c.replicaAvailable(rep) {
				r.Nodes = append(r.Nodes, rep)
			}
		}
		out = append(out, r)
		s = e + 1
	}
	return out
}

func (c *Cluster) replicaAvailable(n *Node) bool {
	if n.HasAny(FlagFail) {
		return false
	}
	if n == c.myself {
		return c.replOffset != 0
	}
	return n.ReplOffset != 0
}

// ReplOffsetOf is the replication offset CLUSTER SHARDS reports for n.
func (c *Cluster) ReplOffsetOf(n *Node) int64 {
	if n == c.myself {
		return c.replOffset
	}
	return n.ReplOffset
}

// Nodes returns every known node, myself first, then ordered by name.
func (c *Cluster) Nodes() []*Node { return c.orderedNodes() }

// Links is CLUSTER LINKS' list: the links bound to a known node, outbound before inbound.
func (c *Cluster) Links() []LinkInfo {
	var out []LinkInfo
	for _, n := range c.orderedNodes() {
		if l := c.links[n.Link]; l != nil {
			out = append(out, LinkInfo{Link: l.id, Outbound: true, Node: n.Name, CTime: l.ctime})
		}
		if l := c.links[n.InboundLink]; l != nil {
			out = append(out, LinkInfo{Link: l.id, Outbound: false, Node: n.Name, CTime: l.ctime})
		}
	}
	return out
}

// CountFailureReports is CLUSTER COUNT-FAILURE-REPORTS id.
func (c *Cluster) CountFailureReports(id string) (int, error) {
	n := c.lookupAny(id)
	if n == nil {
		return 0, replyErrorf("ERR Unknown node %s", id)
	}
	return n.failureReportCount(c.now, c.cfg.NodeTimeout), nil
}

// Routing returns the routing snapshot for client commands. It is rebuilt only after a
// change (SETSLOT during a reshard asks for it several times per slot), and callers must
// not modify it.
func (c *Cluster) Routing() *Routing {
	if c.routing == nil {
		c.routing = c.buildRouting()
	}
	return c.routing
}

func (c *Cluster) buildRouting() *Routing {
	r := &Routing{OK: c.stateOK, MyMaster: -1, WritesPausedUntil: c.pausedUntil}
	// Each node's index in r.Nodes, valid for this build (routeBuild) only.
	c.routeBuild++
	idx := func(n *Node) int16 {
		if n == nil {
			return -1
		}
		if n.routeBuild == c.routeBuild {
			return n.routeIdx
		}
		n.routeBuild, n.routeIdx = c.routeBuild, int16(len(r.Nodes))
		r.Nodes = append(r.Nodes, Endpoint{ID: n.ID(), IP: n.IP, Port: n.Port, Hostname: n.Hostname})
		return n.routeIdx
	}
	r.Myself = int(idx(c.myself))
	if c.myself.IsReplica() && c.myself.Master != nil {
		r.MyMaster = int(idx(c.myself.Master))
	}
	for s := 0; s < slots.Count; s++ {
		r.Owner[s] = idx(c.owner[s])
		r.Migrating[s] = idx(c.migratingTo[s])
		r.Importing[s] = idx(c.importingFrom[s])
	}
	return r
}

// applyMyAddress gives myself the announced ports, hostname and (when announced) IP
// (clusterUpdateMyselfAnnouncedPorts, clusterUpdateMyselfIp, clusterUpdateMyselfHostname).
func (c *Cluster) applyMyAddress() {
	me := c.myself
	me.Port, me.CPort, me.PPort = c.cfg.Port, c.cfg.CPort, c.cfg.PPort
	me.Hostname = c.cfg.Hostname
	nofailover := uint16(0)
	if c.cfg.ReplicaNoFailover {
		nofailover = FlagNoFailover
	}
	if me.Flags&FlagNoFailover != nofailover {
		me.Flags = me.Flags&^FlagNoFailover | nofailover
		c.saveConfig()
	}
	// A new announced IP replaces ours; dropping it makes us learn ours from the next
	// MEET again (clusterUpdateMyselfIp).
	if c.cfg.AnnounceIP != c.prevAnnounceIP {
		c.prevAnnounceIP = c.cfg.AnnounceIP
		me.IP = c.cfg.AnnounceIP
		c.saveConfig()
	}
}
