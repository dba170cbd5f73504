package node

import (
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
)

// writesPaused reports whether cmd must wait: a master whose replica takes over in a manual
// failover (CLUSTER FAILOVER) holds every command that writes or may replicate until the
// replica has caught up with it, as Redis's PAUSE_WRITE does, so no write is lost in the
// handover.
func writesPaused(spec *clientproto.CommandSpec, r *gossip.Routing) bool {
	return r.WritesPausedUntil != 0 && spec.Flags&(clientproto.FlagWrite|clientproto.FlagMayReplicate) != 0 &&
		time.Now().UnixMilli() < r.WritesPausedUntil
}

// awaitWritesResumed blocks the client until the pause ends, by its deadline or by a new
// routing snapshot that lifts it (the failover completed or was aborted).
func (c *Client) awaitWritesResumed() {
	for {
		r := c.srv.routing.Load()
		now := time.Now().UnixMilli()
		if r.WritesPausedUntil == 0 || now >= r.WritesPausedUntil {
			return
		}
		time.Sleep(time.Duration(min(r.WritesPausedUntil-now, 10)) * time.Millisecond)
	}
}
