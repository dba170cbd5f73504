package gossip

import (
	"net/netip"
	"slices"

	"github.com/rcnode/rcnode/slots"
)

// The CLUSTER commands that change the state. Each returns an error whose text is Redis's
// full error reply; argument parsing (numbers, ranges, arity) is the caller's.

// AddSlots is CLUSTER ADDSLOTS/ADDSLOTSRANGE with the slots already expanded, in argument
// order (checkSlotAssignmentsOrReply): nothing changes unless every slot can be added.
func (c *Cluster) AddSlots(list []int) error { return c.assignSlots(list, false) }

// DelSlots is CLUSTER DELSLOTS/DELSLOTSRANGE.
func (c *Cluster) DelSlots(list []int) error { return c.assignSlots(list, true) }

func (c *Cluster) assignSlots(list []int, del bool) error {
	var seen slots.Bitmap
	for _, s := range list {
		switch {
		case del && c.owner[s] == nil:
			return replyErrorf("ERR Slot %d is already unassigned", s)
		case !del && c.owner[s] != nil:
			return replyErrorf("ERR Slot %d is already busy", s)
		case seen.Has(s):
			return replyErrorf("ERR Slot %d specified multiple times", s)
		}
		seen.Set(s)
	}
	for _, s := range list {
		c.importingFrom[s] = nil
		if del {
			c.delSlot(s)
		} else {
			c.addSlot(c.myself, s)
		}
	}
	c.updateState()
	c.saveConfig()
	c.broadcastChange()
	return nil
}

// broadcastChange sends a PONG to every connected node right after a command changed our
// slots or role. Redis 7.0 waits for the next PINGs, and with gossip stretching the ping
// interval a change can take tens of seconds to reach a large cluster; a PONG needs no
// answer, so telling everyone at once costs one message per node.
func (c *Cluster) broadcastChange() { c.broadcastPong(false) }

// FlushSlots is CLUSTER FLUSHSLOTS (the caller checks the database is empty).
func (c *Cluster) FlushSlots() {
	c.delNodeSlots(c.myself)
	c.updateState()
	c.saveConfig()
}

// Meet is CLUSTER MEET ip port cport (clusterStartHandshake): a handshake node that the
// next Tick dials and greets with MEET. A handshake already under way to the same address
// is not an error.
func (c *Cluster) Meet(ip string, port, cport int) error {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Zone() != "" || port <= 0 || port > 65535 || cport <= 0 || cport > 65535 {
		return replyErrorf("ERR Invalid node address specified: %s:%d", ip, port)
	}
	norm := addr.String()
	for _, n := range c.order {
		if n.Has(FlagHandshake) && n.IP == norm && n.Port == port && n.CPort == cport {
			return nil
		}
	}
	n := c.createNode(c.randomName(), FlagHandshake|FlagMeet)
	n.IP, n.Port, n.CPort = norm, port, cport
	c.addNode(n)
	return nil
}

// Forget is CLUSTER FORGET id: the node is removed and kept out of gossip for a minute, long
// enough for the operator to send FORGET to every node.
func (c *Cluster) Forget(id string) error {
	n := c.lookupAny(id)
	switch {
	case n == nil:
		return replyErrorf("ERR Unknown node %s", id)
	case n == c.myself:
		return ReplyError("ERR I tried hard but I can't forget myself...")
	case c.myself.IsReplica() && c.myself.Master == n:
		return ReplyError("ERR Can't forget my master!")
	}
	c.blacklist[n.Name] = c.now + blacklistTTL
	c.delNode(n)
	c.updateState()
	return nil
}

// Replicate is CLUSTER REPLICATE id; empty says whether our database has no keys.
func (c *Cluster) Replicate(id string, empty bool) error {
	n := c.lookupAny(id)
	switch {
	case n == nil:
		return replyErrorf("ERR Unknown node %s", id)
	case n == c.myself:
		return ReplyError("ERR Can't replicate myself")
	case n.IsReplica():
		return ReplyError("ERR I can only replicate a master, not a replica.")
	case c.myself.IsMaster() && (c.myself.NumSlots != 0 || !empty):
		return ReplyError("ERR To set a master the node must be empty and without assigned slots.")
	}
	c.setMaster(n)
	c.updateState()
	c.saveConfig()
	c.broadcastChange()
	return nil
}

// Reset is CLUSTER RESET SOFT|HARD (clusterReset). The caller refuses a master with keys and
// flushes a replica's data; a hard reset also zeroes the epochs and takes a new name.
func (c *Cluster) Reset(hard bool) {
	me := c.myself
	if me.IsReplica() {
		c.setNodeAsMaster(me)
	}
	for s := 0; s < slots.Count; s++ {
		c.importingFrom[s], c.migratingTo[s] = nil, nil
		c.delSlot(s)
	}
	for _, n := range slices.Clone(c.order) {
		if n != me {
			c.delNode(n)
		}
	}
	if hard {
		c.currentEpoch, c.lastVoteEpoch, me.ConfigEpoch = 0, 0, 0
		c.logf(LevelWarning, "configEpoch set to 0 via CLUSTER RESET HARD")
		delete(c.nodes, me.Name)
		me.Name = c.randomName()
		c.nodes[me.Name] = me
		c.logf(LevelNotice, "Node hard reset, now I'm %.40s", me.ID())
	}
	c.resetManualFailover()
	c.fsyncConfig()
	c.updateState()
	c.routingChanged()
}

// SetConfigEpoch is CLUSTER SET-CONFIG-EPOCH, allowed only on a node alone with epoch 0
// (what redis-cli --cluster create does so that fresh masters start with distinct epochs).
func (c *Cluster) SetConfigEpoch(epoch uint64) error {
	switch {
	case len(c.nodes) > 1:
		return ReplyError("ERR The user can assign a config epoch only when the node does not know any other node.")
	case c.myself.ConfigEpoch != 0:
		return ReplyError("ERR Node config epoch is already non-zero")
	}
	c.myself.ConfigEpoch = epoch
	c.logf(LevelWarning, "configEpoch set to %d via CLUSTER SET-CONFIG-EPOCH", epoch)
	c.currentEpoch = max(c.currentEpoch, epoch)
	c.updateState()
	c.saveConfig()
	c.routingChanged()
	return nil
}

// BumpEpoch is CLUSTER BUMPEPOCH: bumped is false for "STILL".
func (c *Cluster) BumpEpoch() (bumped bool, epoch uint64) {
	bumped = c.bumpEpochWithoutConsensus()
	return bumped, c.myself.ConfigEpoch
}

// bumpEpochWithoutConsensus gives myself a configEpoch greater than any known one, unless it
// already has the greatest (clusterBumpConfigEpochWithoutConsensus). It is how a node claims
// slots without an election; a collision with another node doing the same is resolved by
// handleEpochCollision.
func (c *Cluster) bumpEpochWithoutConsensus() bool {
	maxEpoch := c.currentEpoch
	for _, n := range c.order {
		maxEpoch = max(maxEpoch, n.ConfigEpoch)
	}
	me := c.myself
	if me.ConfigEpoch != 0 && me.ConfigEpoch == maxEpoch {
		return false
	}
	c.currentEpoch++
	me.ConfigEpoch = c.currentEpoch
	c.fsyncConfig()
	c.routingChanged()
	c.logf(LevelWarning, "New configEpoch set to %d", me.ConfigEpoch)
	return true
}

// lookupAny finds a node by a name of any length, as clusterLookupNode does for commands.
func (c *Cluster) lookupAny(id string) *Node {
	if len(id) != 40 {
		return nil
	}
	return c.Lookup(id)
}
