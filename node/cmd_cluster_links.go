package node

import "github.com/rcnode/rcnode/gossip"

func init() { register("cluster|links", cmdClusterLinks) }

// cmdClusterLinks replies with one map per bus link whose peer is known.
func cmdClusterLinks(c *Client, args [][]byte) {
	var links []gossip.LinkInfo
	if !c.clusterDo(func(cl *gossip.Cluster) { links = cl.Links() }) {
		return
	}
	c.w.Array(len(links))
	for _, l := range links {
		// The send buffer and the socket's events are the driver's, not the state machine's.
		alloc, used, events := c.srv.bus.LinkStats(l.Link)
		direction := "from"
		if l.Outbound {
			direction = "to"
		}
		c.w.Map(6)
		c.w.BulkString("direction")
		c.w.BulkString(direction)
		c.w.BulkString("node")
		c.w.BulkString(l.Node.String())
		c.w.BulkString("create-time")
		c.w.Int(l.CTime)
		c.w.BulkString("events")
		c.w.BulkString(events)
		c.w.BulkString("send-buffer-allocated")
		c.w.Int(int64(alloc))
		c.w.BulkString("send-buffer-used")
		c.w.Int(int64(used))
	}
}
