package gossip

import (
	"github.com/rcnode/rcnode/slots"
)

// updateSlotsConfigWith rebinds the slots sender claims with epoch (clusterUpdateSlotsConfigWith):
// a claimed slot goes to sender when it is unassigned, when its owner stopped claiming it,
// or when its owner's configEpoch is older. The highest epoch wins every conflict, which is
// what makes the slot map converge. Losing our own (or our master's) last slot to sender
// makes us its replica.
func (c *Cluster) updateSlotsConfigWith(sender *Node, epoch uint64, claimed *slots.Bitmap) {
	me := c.myself
	if sender == me {
		c.logf(LevelWarning, "Discarding UPDATE message about myself.")
		return
	}
	curMaster := me
	if !me.IsMaster() {
		curMaster = me.Master
	}
	var lostOwn []int
	senderSlots, migratedOurSlots := 0, 0
	var newMaster *Node
	for s := 0; s < slots.Count; s++ {
		if !claimed.Has(s) {
			if c.owner[s] == sender {
				c.ownerNotClaiming.Set(s)
			}
			continue
		}
		senderSlots++
		o := c.owner[s]
		if o == sender {
			c.ownerNotClaiming.Clear(s)
			continue
		}
		// A slot we are importing is ours to settle with SETSLOT, not by gossip.
		if c.importingFrom[s] != nil {
			continue
		}
		if o == nil || c.ownerNotClaiming.Has(s) || o.ConfigEpoch < epoch {
			if o == me {
				lostOwn = append(lostOwn, s)
			}
			if o != nil && o == curMaster {
				newMaster = sender
				migratedOurSlots++
			}
			c.delSlot(s)
			c.addSlot(sender, s)
			c.fsyncConfig()
			c.updateState()
		}
	}
	switch {
	case newMaster != nil && curMaster.NumSlots == 0 &&
		(c.cfg.AllowReplicaMigration || senderSlots == migratedOurSlots):
		c.logf(LevelWarning, "Configuration change detected. Reconfiguring myself as a replica of %.40s", sender.ID())
		c.setMaster(sender)
		c.fsyncConfig()
		c.updateState()
	case me.Master != nil && me.Master.Master != nil && me.Master.Master != me:
		c.logf(LevelWarning, "I'm a sub-replica! Reconfiguring myself as a replica of grandmaster %.40s", me.Master.Master.ID())
		c.setMaster(me.Master.Master)
		c.fsyncConfig()
		c.updateState()
	case len(lostOwn) > 0:
		// Keys of slots that now belong elsewhere must go, or they would come back if the
		// slot returned (Redis: delKeysInSlot of the dirty slots).
		c.ready.DropSlotKeys = append(c.ready.DropSlotKeys, lostOwn...)
	}
}

// updateState asks for the cluster state to be recomputed before the next Ready.
func (c *Cluster) updateState() { c.stateDirty = true }

// recomputeState is clusterUpdateState: the cluster is ok when every slot is served by a
// node not FAIL (if full coverage is required) and we see a majority of the masters.
func (c *Cluster) recomputeState() {
	c.stateDirty = false
	if !c.stateCalled {
		c.stateCalled = true
		c.firstStateCall = c.now
	}
	// A master that just restarted waits before accepting writes, so the cluster can tell
	// it about a newer configuration first.
	if c.myself.IsMaster() && !c.stateOK && c.now-c.firstStateCall < writableDelay {
		return
	}
	ok := true
	if c.cfg.RequireFullCoverage {
		for s := 0; s < slots.Count; s++ {
			if o := c.owner[s]; o == nil || o.HasAny(FlagFail) {
				ok = false
				break
			}
		}
	}
	c.clusterSize = 0
	reachable := 0
	for _, n := range c.order {
		if n.IsMaster() && n.NumSlots > 0 {
			c.clusterSize++
			if !n.HasAny(FlagFail | FlagPFail) {
				reachable++
			}
		}
	}
	if reachable < c.clusterSize/2+1 {
		ok = false
		c.amongMinorityTime = c.now
	}
	if ok == c.stateOK {
		return
	}
	// A master coming back from the minority side waits a little before serving again, so
	// the majority's newer configuration (an UPDATE) can reach it first.
	rejoinDelay := min(max(c.cfg.NodeTimeout, minRejoinDelay), maxRejoinDelay)
	if ok && c.myself.IsMaster() && c.now-c.amongMinorityTime < rejoinDelay {
		return
	}
	if ok {
		c.logf(LevelWarning, "Cluster state changed: ok")
	} else {
		c.logf(LevelWarning, "Cluster state changed: fail")
	}
	c.stateOK = ok
	c.routingChanged()
}
