package node

import (
	"fmt"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/slots"
)

func init() {
	register("cluster|addslots", func(c *Client, args [][]byte) { c.assignSlots(slotListArgs(args[2:]), false) })
	register("cluster|delslots", func(c *Client, args [][]byte) { c.assignSlots(slotListArgs(args[2:]), true) })
	register("cluster|addslotsrange", func(c *Client, args [][]byte) { c.assignSlotRanges(args, false) })
	register("cluster|delslotsrange", func(c *Client, args [][]byte) { c.assignSlotRanges(args, true) })
	register("cluster|flushslots", cmdClusterFlushSlots)
}

const errBadSlot = "ERR Invalid or out of range slot"

// slotArgs are the slots named by ADDSLOTS/DELSLOTS[RANGE], as runs in argument order, and
// the error of the first malformed argument (Redis replies with it only once the runs
// before it have passed the ownership checks).
type slotArgs struct {
	runs []slots.Range
	err  string
}

// parseSlot is Redis's getSlotOrReply.
func parseSlot(b []byte) (int, bool) {
	n, ok := numconv.ParseInt(b)
	if !ok || n < 0 || n >= slots.Count {
		return 0, false
	}
	return int(n), true
}

// slotListArgs parses ADDSLOTS/DELSLOTS: every argument is parsed before any is checked.
func slotListArgs(args [][]byte) slotArgs {
	runs := make([]slots.Range, 0, len(args))
	for _, a := range args {
		s, ok := parseSlot(a)
		if !ok {
			return slotArgs{err: errBadSlot}
		}
		runs = append(runs, slots.Range{Start: s, End: s})
	}
	return slotArgs{runs: runs}
}

// assignSlotRanges is ADDSLOTSRANGE/DELSLOTSRANGE: pairs are parsed and checked one after
// the other.
func (c *Client) assignSlotRanges(args [][]byte, del bool) {
	if !c.requireCluster() {
		return
	}
	if len(args)%2 == 1 {
		name := "cluster|addslotsrange"
		if del {
			name = "cluster|delslotsrange"
		}
		c.w.Error(clientproto.WrongArity(name))
		return
	}
	var req slotArgs
	for i := 2; i < len(args); i += 2 {
		start, ok1 := parseSlot(args[i])
		end, ok2 := parseSlot(args[i+1])
		switch {
		case !ok1 || !ok2:
			req.err = errBadSlot
		case start > end:
			req.err = fmt.Sprintf("ERR start slot number %d is greater than end slot number %d", start, end)
		}
		if req.err != "" {
			break
		}
		req.runs = append(req.runs, slots.Range{Start: start, End: end})
	}
	c.assignSlots(req, del)
}

// assignSlots checks the slots the way Redis's checkSlotAssignmentsOrReply does (a slot
// must be free to add and owned to delete, and named once), then gives them to myself or
// takes them away.
func (c *Client) assignSlots(req slotArgs, del bool) {
	c.clusterDo(func(cl *gossip.Cluster) {
		owner := &cl.Routing().Owner
		named := new([slots.Count]bool)
		for _, r := range req.runs {
			for s := r.Start; s <= r.End; s++ {
				var msg string
				switch {
				case del && owner[s] < 0:
					msg = fmt.Sprintf("ERR Slot %d is already unassigned", s)
				case !del && owner[s] >= 0:
					msg = fmt.Sprintf("ERR Slot %d is already busy", s)
				case named[s]:
					msg = fmt.Sprintf("ERR Slot %d specified multiple times", s)
				}
				if msg != "" {
					c.w.Error(msg)
					return
				}
				named[s] = true
			}
		}
		if req.err != "" {
			c.w.Error(req.err)
			return
		}
		var list []int
		for _, r := range req.runs {
			for s := r.Start; s <= r.End; s++ {
				list = append(list, s)
			}
		}
		apply := cl.AddSlots
		if del {
			apply = cl.DelSlots
		}
		if err := apply(list); err != nil {
			c.w.Error(err.Error())
			return
		}
		c.w.OK()
	})
}

func cmdClusterFlushSlots(c *Client, args [][]byte) {
	c.clusterDoLocked(allSlots, func(cl *gossip.Cluster) {
		if c.srv.ks.DBs[0].Size() != 0 {
			c.w.Error("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.")
			return
		}
		cl.FlushSlots()
		c.w.OK()
	})
}
