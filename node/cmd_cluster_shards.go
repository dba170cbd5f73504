package node

import (
	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
)

func init() { register("cluster|shards", cmdClusterShards) }

// cmdClusterShards replies with one map per master: {slots: [start, end, ...], nodes: [the
// master, then its replicas]}.
func cmdClusterShards(c *Client, args [][]byte) {
	endpointType := c.srv.Settings().ClusterPreferredEndpointType
	c.clusterDo(func(cl *gossip.Cluster) {
		var masters []*gossip.Node
		for _, n := range cl.Nodes() {
			if n.IsMaster() {
				masters = append(masters, n)
			}
		}
		c.w.Array(len(masters))
		for _, m := range masters {
			c.w.Map(2)
			c.w.BulkString("slots")
			ranges := m.Slots.Ranges()
			c.w.Array(2 * len(ranges))
			for _, r := range ranges {
				c.w.Int(int64(r.Start))
				c.w.Int(int64(r.End))
			}
			c.w.BulkString("nodes")
			c.w.Array(1 + len(m.Replicas))
			writeShardNode(c.w, m, cl.ReplOffsetOf(m), endpointType)
			for _, r := range m.Replicas {
				writeShardNode(c.w, r, cl.ReplOffsetOf(r), endpointType)
			}
		}
	})
}

// writeShardNode is one node of a shard (Redis's addNodeDetailsToShardReply).
func writeShardNode(w *clientproto.Writer, n *gossip.Node, offset int64, endpointType string) {
	health := "online"
	switch {
	case n.Has(gossip.FlagFail):
		health = "fail"
	case n.IsReplica() && offset == 0:
		health = "loading"
	}
	role := "master"
	if n.IsReplica() {
		role = "replica"
	}
	pairs := 6       // id, ip, endpoint, role, replication-offset, health
	if n.Port != 0 { // Redis leaves out a port it does not know
		pairs++
	}
	if n.Hostname != "" {
		pairs++
	}
	w.Map(pairs)
	w.BulkString("id")
	w.BulkString(n.ID())
	if n.Port != 0 {
		w.BulkString("port")
		w.Int(int64(n.Port))
	}
	w.BulkString("ip")
	w.BulkString(n.IP)
	w.BulkString("endpoint")
	w.BulkString(preferredEndpoint(n.IP, n.Hostname, endpointType))
	if n.Hostname != "" {
		w.BulkString("hostname")
		w.BulkString(n.Hostname)
	}
	w.BulkString("role")
	w.BulkString(role)
	w.BulkString("replication-offset")
	w.Int(offset)
	w.BulkString("health")
	w.BulkString(health)
}
