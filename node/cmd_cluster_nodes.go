package node

import "github.com/rcnode/rcnode/gossip"

func init() {
	register("cluster|myid", cmdClusterMyID)
	register("cluster|nodes", cmdClusterNodes)
	register("cluster|replicas", cmdClusterReplicas)
	register("cluster|slaves", cmdClusterReplicas)
	register("cluster|count-failure-reports", cmdClusterCountFailureReports)
}

func cmdClusterMyID(c *Client, args [][]byte) {
	var id string
	if c.clusterDo(func(cl *gossip.Cluster) { id = cl.Myself().ID() }) {
		c.w.BulkString(id)
	}
}

// cmdClusterNodes replies with the nodes.conf-style lines: a bulk string in RESP2, a
// verbatim "txt" string in RESP3.
func cmdClusterNodes(c *Client, args [][]byte) {
	var text []byte
	if c.clusterDo(func(cl *gossip.Cluster) { text = cl.NodesText() }) {
		c.w.Verbatim(string(text), "txt")
	}
}

func cmdClusterReplicas(c *Client, args [][]byte) {
	var (
		lines [][]byte
		err   error
	)
	if !c.clusterDo(func(cl *gossip.Cluster) { lines, err = cl.ReplicaLines(string(args[2])) }) {
		return
	}
	if err != nil {
		c.w.Error(err.Error())
		return
	}
	c.w.Array(len(lines))
	for _, l := range lines {
		c.w.Bulk(l)
	}
}

func cmdClusterCountFailureReports(c *Client, args [][]byte) {
	var (
		n   int
		err error
	)
	if !c.clusterDo(func(cl *gossip.Cluster) { n, err = cl.CountFailureReports(string(args[2])) }) {
		return
	}
	if err != nil {
		c.w.Error(err.Error())
		return
	}
	c.w.Int(int64(n))
}
