package node

import (
	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
)

func init() { register("cluster|failover", cmdClusterFailover) }

// cmdClusterFailover is CLUSTER FAILOVER [FORCE|TAKEOVER], sent to a replica.
func cmdClusterFailover(c *Client, args [][]byte) {
	if !c.requireCluster() {
		return
	}
	if len(args) > 3 {
		c.w.Error(clientproto.SubcommandSyntax(string(args[1]), "cluster"))
		return
	}
	mode := gossip.FailoverDefault
	if len(args) == 3 {
		switch {
		case argIs(args[2], "force"):
			mode = gossip.FailoverForce
		case argIs(args[2], "takeover"):
			mode = gossip.FailoverTakeover
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	var err error
	if c.clusterDo(func(cl *gossip.Cluster) { err = cl.Failover(mode) }) {
		c.replyErrOrOK(err)
	}
}
