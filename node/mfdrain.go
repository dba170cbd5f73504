package node

import (
	"time"

	"github.com/rcnode/rcnode/gossip"
)

// reportDrainedWrites tells the cluster the offset at which this master's writes stopped for
// a manual failover. Writes are held from the moment the pausing routing snapshot is
// published, but commands that took their slot locks before it still run; once every lock
// has been taken and released, none is in flight, and since writes reach the replication
// stream under their locks, the stream's end is final: the replica can catch up with it
// exactly. (Redis, single-threaded, knows this offset at once.)
func (s *Server) reportDrainedWrites() {
	s.ks.LockAll()
	s.ks.UnlockAll()
	offset := s.repl.stream.End()
	if b := s.bus; b != nil {
		b.Do(func(c *gossip.Cluster) { c.WritesDrained(time.Now().UnixMilli(), offset) })
	}
}
