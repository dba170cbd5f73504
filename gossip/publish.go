package gossip

import "github.com/rcnode/rcnode/gossip/wire"

// Published is a PUBLISH (or, with Shard, an SPUBLISH) that arrived over the bus from
// another node, for the node to deliver to its local subscribers.
type Published struct {
	Shard            bool
	Channel, Message []byte
}

// Publish sends a PUBLISH to every node (clusterPropagatePublish): in a cluster a
// subscriber may be connected to any node.
func (c *Cluster) Publish(channel, message []byte) {
	c.broadcast(c.publishMessage(wire.TypePublish, channel, message))
}

// PublishShard sends an SPUBLISH to the other nodes of our shard: our master or ourselves,
// and its replicas (clusterPropagatePublishShard) — sharded channels live with the slot.
func (c *Cluster) PublishShard(channel, message []byte) {
	m := c.publishMessage(wire.TypePublishShard, channel, message)
	master := c.shardMaster()
	for _, n := range append([]*Node{master}, master.Replicas...) {
		if n != c.myself && !n.HasAny(FlagHandshake) {
			c.send(c.links[n.Link], m)
		}
	}
}

func (c *Cluster) publishMessage(t wire.Type, channel, message []byte) *wire.Message {
	m := &wire.Message{Header: c.header(t)}
	// Copies: the message is encoded later, by the driver, after the caller's buffers
	// may have been reused.
	m.Publish = wire.Publish{Channel: append([]byte(nil), channel...), Message: append([]byte(nil), message...)}
	return m
}

// processPublish hands a PUBLISH from a known node to the node's subscribers.
func (c *Cluster) processPublish(m *wire.Message) {
	c.ready.Published = append(c.ready.Published, Published{
		Shard:   m.Type == wire.TypePublishShard,
		Channel: append([]byte(nil), m.Publish.Channel...),
		Message: append([]byte(nil), m.Publish.Message...),
	})
}
