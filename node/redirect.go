package node

import (
	"bytes"
	"strconv"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
)

// servesSlot is the rest of Redis's getNodeByQuery for a command whose keys (c.keyPos) all
// hash to slot, which has an owner: it reports whether this node runs the command, and
// otherwise replies with the refusal or redirection. The caller holds the slot's lock, so
// the keys counted while the slot is being migrated or imported cannot change meanwhile.
//
// It runs for every keyed command in cluster mode, so it reads only the snapshot and the
// client's flags, and allocates nothing unless it redirects.
func (c *Client) servesSlot(spec *clientproto.CommandSpec, args [][]byte, r *gossip.Routing, slot int, asking bool) bool {
	owner := int(r.Owner[slot])
	migrating := owner == r.Myself && r.Migrating[slot] >= 0
	importing := !migrating && r.Importing[slot] >= 0
	// While a slot moves, whether its keys are here decides between serving, ASK and
	// TRYAGAIN.
	var missing, existing int
	multipleKeys := false
	if migrating || importing {
		first := args[c.keyPos[0]]
		for _, p := range c.keyPos {
			if !bytes.Equal(args[p], first) {
				multipleKeys = true
			}
			if c.db.DB.GetAt(slot, args[p]) == nil {
				missing++
			} else {
				existing++
			}
		}
	}
	write := spec.Flags&clientproto.FlagWrite != 0
	if !r.OK {
		switch {
		case !c.srv.Settings().ClusterAllowReadsWhenDown:
			c.rejectf(clientproto.ErrClusterDown)
			return false
		case write:
			c.rejectf(clientproto.ErrClusterDownRO)
			return false
		}
	}
	// MIGRATE moves the keys of an open slot from here, whichever of them are left.
	if (migrating || importing) && spec.Name == "migrate" {
		return true
	}
	if migrating && missing > 0 {
		if existing > 0 {
			c.rejectf(clientproto.ErrTryAgain)
		} else {
			c.redirectTo("ASK ", slot, r.Nodes[r.Migrating[slot]])
		}
		return false
	}
	if importing && (asking || spec.Flags&clientproto.FlagAsking != 0) {
		if multipleKeys && missing > 0 {
			c.rejectf(clientproto.ErrTryAgain)
			return false
		}
		return true
	}
	// A READONLY client may read from a replica the slots of its master.
	if c.readonly && !write && r.MyMaster >= 0 && owner == r.MyMaster {
		return true
	}
	if owner != r.Myself {
		c.redirectTo("MOVED ", slot, r.Nodes[owner])
		return false
	}
	return true
}

// redirectTo replies "-MOVED <slot> <endpoint>:<port>" (or ASK), naming the node by
// cluster-preferred-endpoint-type.
func (c *Client) redirectTo(kind string, slot int, n gossip.Endpoint) {
	c.rejectf(c.redirection(kind, slot, n))
}

// redirection is the error sending a client of slot to node n ("MOVED " or "ASK ").
func (c *Client) redirection(kind string, slot int, n gossip.Endpoint) string {
	endpoint := preferredEndpoint(n.IP, n.Hostname, c.srv.Settings().ClusterPreferredEndpointType)
	return kind + strconv.Itoa(slot) + " " + endpoint + ":" + strconv.Itoa(n.Port)
}

// replicaRefusesWrite is Redis's replica-read-only rule, applied after the redirections:
// in cluster mode keyed writes have already been sent to the master with MOVED, so there
// it refuses the keyless ones (FLUSHALL, FLUSHDB); a standalone replica refuses every write.
func (c *Client) replicaRefusesWrite(spec *clientproto.CommandSpec) bool {
	if !c.srv.repl.isReplica.Load() || spec.Flags&clientproto.FlagWrite == 0 || !c.srv.Settings().ReplicaReadOnly {
		return false
	}
	c.rejectf(clientproto.ErrReadOnly)
	return true
}
