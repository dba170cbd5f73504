package node

import (
	"net"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/internal/numconv"
)

func init() {
	register("cluster|meet", cmdClusterMeet)
	register("cluster|forget", cmdClusterForget)
	register("cluster|replicate", cmdClusterReplicate)
	register("cluster|reset", cmdClusterReset)
}

// cmdClusterMeet is CLUSTER MEET ip port [cport]; the bus port defaults to port+10000.
func cmdClusterMeet(c *Client, args [][]byte) {
	if !c.requireCluster() {
		return
	}
	if len(args) > 5 {
		c.w.Error(clientproto.SubcommandSyntax(string(args[1]), "cluster"))
		return
	}
	port, ok := numconv.ParseInt(args[3])
	if !ok {
		c.w.Error("ERR Invalid TCP base port specified: " + string(args[3]))
		return
	}
	cport := port + busPortOffset
	if len(args) == 5 {
		if cport, ok = numconv.ParseInt(args[4]); !ok {
			c.w.Error("ERR Invalid TCP bus port specified: " + string(args[4]))
			return
		}
	}
	// Redis passes the numbers to clusterStartHandshake's int parameters, which keep the
	// low 32 bits, and then wants both in 1..65535.
	p, cp := int32(port), int32(cport)
	ip := string(args[2])
	if net.ParseIP(ip) == nil || p <= 0 || p > 65535 || cp <= 0 || cp > 65535 {
		c.w.Error("ERR Invalid node address specified: " + ip + ":" + string(args[3]))
		return
	}
	var err error
	if !c.clusterDo(func(cl *gossip.Cluster) { err = cl.Meet(ip, int(p), int(cp)) }) {
		return
	}
	if err != nil {
		c.w.Error(err.Error())
		return
	}
	c.w.OK()
}

func cmdClusterForget(c *Client, args [][]byte) {
	var err error
	if c.clusterDo(func(cl *gossip.Cluster) { err = cl.Forget(string(args[2])) }) {
		c.replyErrOrOK(err)
	}
}

// cmdClusterReplicate is CLUSTER REPLICATE id: a master may only become a replica while
// it holds no keys.
func cmdClusterReplicate(c *Client, args [][]byte) {
	c.clusterDoLocked(allSlots, func(cl *gossip.Cluster) {
		c.replyErrOrOK(cl.Replicate(string(args[2]), c.srv.ks.DBs[0].Size() == 0))
	})
}

// cmdClusterReset is CLUSTER RESET [HARD|SOFT] (soft by default): a master must hold no
// keys; a replica becomes a master and loses its data.
func cmdClusterReset(c *Client, args [][]byte) {
	if !c.requireCluster() {
		return
	}
	if len(args) > 3 {
		c.w.Error(clientproto.SubcommandSyntax(string(args[1]), "cluster"))
		return
	}
	hard := false
	if len(args) == 3 {
		switch {
		case argIs(args[2], "hard"):
			hard = true
		case argIs(args[2], "soft"):
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	c.clusterDoLocked(allSlots, func(cl *gossip.Cluster) {
		wasReplica := cl.Myself().IsReplica()
		if !wasReplica && c.db.Size() != 0 {
			c.w.Error("ERR CLUSTER RESET can't be called with master nodes containing keys")
			return
		}
		if wasReplica {
			var n int64
			for _, db := range c.srv.ks.DBs {
				n += db.Flush()
			}
			c.srv.ks.AddDirty(n)
		}
		cl.Reset(hard)
		c.w.OK()
	})
}

// replyErrOrOK replies with err's text (Redis's full error reply), or +OK.
func (c *Client) replyErrOrOK(err error) {
	if err != nil {
		c.w.Error(err.Error())
		return
	}
	c.w.OK()
}
