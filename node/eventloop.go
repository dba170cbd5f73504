package node

import "github.com/rcnode/rcnode/clientproto"

// waitingCommands must not run on an event loop (eventloop_epoll.go), where waiting would
// stall every other client of the loop: their clients move to a goroutine of their own
// before they run. WAIT waits for replicas, MIGRATE for the target node, DEBUG SLEEP for
// time, the blocking pops for a value; the (P|S)SUBSCRIBE, SYNC and PSYNC connections
// become streams with writers of their own; SHUTDOWN and REPLICAOF wait for the save and
// the old master link.
var waitingCommands = append([]string{
	"wait", "migrate", "debug", "subscribe", "psubscribe", "ssubscribe",
	"sync", "psync", "shutdown", "replicaof", "slaveof",
}, blockingCommands...)

func init() {
	for _, name := range waitingCommands {
		clientproto.LookupCommandFullName([]byte(name)).MayWait = true
	}
}

// leavesLoop reports whether the client must leave its event loop before spec runs: the
// command may wait, or it writes while a manual failover holds writes (admit would wait).
func (c *Client) leavesLoop(spec *clientproto.CommandSpec) bool {
	if spec == nil {
		return false
	}
	if spec == execSpec && c.tx != nil {
		spec = &c.tx.spec // what EXEC will run
	}
	if spec.MayWait {
		return true
	}
	if !c.srv.opts.ClusterEnabled {
		return false
	}
	r := c.srv.routing.Load()
	return r != nil && writesPaused(spec, r)
}
