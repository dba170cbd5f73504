package bus

import (
	"github.com/rcnode/rcnode/gossip"
)

// SetSendBufLimit sets cluster-link-sendbuf-limit: a link whose send buffer grows past
// limit bytes is closed (and redialed by the state machine), so one peer that stopped
// reading cannot make this node hold an unbounded backlog of PINGs and PUBLISHes. 0 means
// no limit, Redis's default. Safe from any goroutine.
func (b *Bus) SetSendBufLimit(limit int64) { b.sendBufLimit.Store(limit) }

// LinksBufferLimitExceeded is CLUSTER INFO's total_cluster_links_buffer_limit_exceeded:
// how many links were closed for going over the send buffer limit.
func (b *Bus) LinksBufferLimitExceeded() int64 { return b.bufLimitExceeded.Load() }

// enforceSendBufLimit closes the links over the limit, on each tick like Redis's
// clusterNodeCronFreeLinkOnBufferLimitReached, and tells the state machine.
func (b *Bus) enforceSendBufLimit(c *gossip.Cluster, now int64) {
	limit := b.sendBufLimit.Load()
	if limit <= 0 {
		return
	}
	for id, l := range b.links {
		if allocated, _, _ := l.stats(); int64(allocated) > limit {
			b.log.Warnf("Freeing cluster link (%s node %s, send buffer %d bytes) because it exceeded the cluster-link-sendbuf-limit of %d bytes",
				direction(l), l.peer, allocated, limit)
			b.removeLink(l)
			b.bufLimitExceeded.Add(1)
			c.LinkClosed(now, id)
		}
	}
}

// direction is how CLUSTER LINKS names a link: "to" the node we dialed, "from" the one that
// dialed us.
func direction(l *link) string {
	if l.outbound {
		return "to"
	}
	return "from"
}
