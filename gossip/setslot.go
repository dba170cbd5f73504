package gossip

import ()

// CLUSTER SETSLOT, the commands redis-cli --cluster reshard drives a slot move with. The
// caller refuses it on a replica ("ERR Please use SETSLOT only with masters.") and parses
// the slot; these apply Redis 7.0's rules.

var errTargetNotMaster = ReplyError("ERR Target node is not a master")

// SetSlotMigrating is SETSLOT <slot> MIGRATING <id>: keys of the slot that are gone from
// here are redirected to id with ASK.
func (c *Cluster) SetSlotMigrating(slot int, id string) error {
	if c.owner[slot] != c.myself {
		return replyErrorf("ERR I'm not the owner of hash slot %d", slot)
	}
	n := c.lookupAny(id)
	if n == nil {
		return replyErrorf("ERR I don't know about node %s", id)
	}
	if n.IsReplica() {
		return errTargetNotMaster
	}
	c.migratingTo[slot] = n
	c.slotStateChanged()
	return nil
}

// SetSlotImporting is SETSLOT <slot> IMPORTING <id>: ASKING clients may use the slot here.
func (c *Cluster) SetSlotImporting(slot int, id string) error {
	if c.owner[slot] == c.myself {
		return replyErrorf("ERR I'm already the owner of hash slot %d", slot)
	}
	n := c.lookupAny(id)
	if n == nil {
		return replyErrorf("ERR I don't know about node %s", id)
	}
	if n.IsReplica() {
		return errTargetNotMaster
	}
	c.importingFrom[slot] = n
	c.slotStateChanged()
	return nil
}

// SetSlotStable is SETSLOT <slot> STABLE: the slot is neither migrating nor importing.
func (c *Cluster) SetSlotStable(slot int) {
	c.importingFrom[slot], c.migratingTo[slot] = nil, nil
	c.slotStateChanged()
}

// SetSlotNode is SETSLOT <slot> NODE <id>: the slot now belongs to id. keys is how many keys
// of the slot this node holds. Closing an import on the new owner bumps its epoch without
// consensus, so the move wins over the old owner's claim everywhere.
func (c *Cluster) SetSlotNode(slot int, id string, keys int) error {
	n := c.lookupAny(id)
	if n == nil {
		return replyErrorf("ERR Unknown node %s", id)
	}
	if n.IsReplica() {
		return errTargetNotMaster
	}
	me := c.myself
	if c.owner[slot] == me && n != me && keys != 0 {
		return replyErrorf("ERR Can't assign hashslot %d to a different node while I still hold keys for this hash slot.", slot)
	}
	if keys == 0 && c.migratingTo[slot] != nil {
		c.migratingTo[slot] = nil
	}
	wasMine := c.owner[slot] == me
	c.delSlot(slot)
	c.addSlot(n, slot)
	if wasMine && n != me && me.NumSlots == 0 && c.cfg.AllowReplicaMigration {
		c.logf(LevelWarning, "Configuration change detected. Reconfiguring myself as a replica of %.40s", n.ID())
		c.setMaster(n)
		c.fsyncConfig()
	}
	if n == me && c.importingFrom[slot] != nil {
		if c.bumpEpochWithoutConsensus() {
			c.logf(LevelWarning, "configEpoch updated after importing slot %d", slot)
		}
		c.importingFrom[slot] = nil
		c.broadcastPong(false)
	}
	c.slotStateChanged()
	return nil
}

func (c *Cluster) slotStateChanged() {
	c.saveConfig()
	c.updateState()
	c.routingChanged()
}
