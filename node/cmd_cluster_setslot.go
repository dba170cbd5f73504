package node

import "github.com/rcnode/rcnode/gossip"

func init() { register("cluster|setslot", cmdClusterSetSlot) }

// cmdClusterSetSlot is CLUSTER SETSLOT <slot> MIGRATING|IMPORTING|NODE <id> | STABLE, in
// Redis's order of checks: a replica refuses first, then the slot, then the action.
func cmdClusterSetSlot(c *Client, args [][]byte) {
	if !c.requireCluster() {
		return
	}
	slot, slotOK := parseSlot(args[2])
	action := args[3]
	var id string
	if len(args) == 5 {
		id = string(args[4])
	}
	setSlot := func(cl *gossip.Cluster) {
		if cl.Myself().IsReplica() {
			c.w.Error("ERR Please use SETSLOT only with masters.")
			return
		}
		if !slotOK {
			c.w.Error(errBadSlot)
			return
		}
		var err error
		switch {
		case argIs(action, "migrating") && len(args) == 5:
			err = cl.SetSlotMigrating(slot, id)
		case argIs(action, "importing") && len(args) == 5:
			err = cl.SetSlotImporting(slot, id)
		case argIs(action, "stable") && len(args) == 4:
			cl.SetSlotStable(slot)
		case argIs(action, "node") && len(args) == 5:
			err = cl.SetSlotNode(slot, id, c.srv.ks.DBs[0].CountInSlot(slot))
		default:
			c.w.Error("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP")
			return
		}
		c.replyErrOrOK(err)
	}
	if slotOK {
		// NODE counts the slot's keys: none may come until the slot has its new owner.
		c.clusterDoLocked(slot, setSlot)
	} else {
		c.clusterDo(setSlot)
	}
}
