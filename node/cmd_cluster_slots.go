package node

import (
	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
)

func init() { register("cluster|slots", cmdClusterSlots) }

// cluster-preferred-endpoint-type values.
const (
	endpointIP       = "ip"
	endpointHostname = "hostname"
	endpointUnknown  = "unknown-endpoint"
)

// preferredEndpoint is how clients are told to reach a node (Redis's getPreferredEndpoint):
// its IP, its hostname ("?" when it announced none), or "" when clients are to use the
// address they already have.
func preferredEndpoint(ip, hostname, endpointType string) string {
	switch endpointType {
	case endpointHostname:
		if hostname == "" {
			return "?"
		}
		return hostname
	case endpointUnknown:
		return ""
	}
	return ip
}

// cmdClusterSlots replies with one entry per run of slots with the same master:
// [start, end, master, replicas...].
func cmdClusterSlots(c *Client, args [][]byte) {
	endpointType := c.srv.Settings().ClusterPreferredEndpointType
	c.clusterDo(func(cl *gossip.Cluster) {
		ranges := cl.SlotRanges()
		c.w.Array(len(ranges))
		for _, r := range ranges {
			c.w.Array(2 + len(r.Nodes))
			c.w.Int(int64(r.Start))
			c.w.Int(int64(r.End))
			for _, n := range r.Nodes {
				writeSlotsNode(c.w, n, endpointType)
			}
		}
	})
}

// writeSlotsNode is one node of a CLUSTER SLOTS entry (Redis's addNodeToNodeReply):
// [endpoint, port, id, {the networking metadata that is not the endpoint}]. An unknown
// endpoint is a null.
func writeSlotsNode(w *clientproto.Writer, n *gossip.Node, endpointType string) {
	w.Array(4)
	if endpointType == endpointUnknown {
		w.Null()
	} else {
		w.BulkString(preferredEndpoint(n.IP, n.Hostname, endpointType))
	}
	w.Int(int64(n.Port))
	w.BulkString(n.ID())
	withIP := endpointType != endpointIP
	withHostname := endpointType != endpointHostname && n.Hostname != ""
	pairs := 0
	if withIP {
		pairs++
	}
	if withHostname {
		pairs++
	}
	w.Map(pairs)
	if withIP {
		w.BulkString("ip")
		w.BulkString(n.IP)
	}
	if withHostname {
		w.BulkString("hostname")
		w.BulkString(n.Hostname)
	}
}
