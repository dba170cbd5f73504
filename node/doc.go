// Package node is the server that ties rcnode together: the client listener, one goroutine
// per connection reading pipelined commands and flushing replies once per batch, the command
// dispatcher (arity, auth, cluster slot rules and redirections, slot locks), the command
// handlers for every data type and for CLUSTER, and the server-wide state INFO, CONFIG and
// CLIENT report on. It also runs replication — propagating every write into the stream
// while the write still holds its slot locks (propagate.go), serving replicas (PSYNC/SYNC,
// repl_master.go) and following a master (repl_link.go) — and RDB persistence
// (persist.go); both take their snapshots with every slot lock held (snapshot.go).
//
// It owns no wire format (clientproto does) and no slot arithmetic (slots does); the stored
// data lives in node/keyspace and the value structures in node/datatype; the replication
// stream's buffer, IDs and payload framing are node/repl's, the RDB format node/rdb's. The
// cluster state is gossip's: node opens the bus (gossip/bus) at startup, runs CLUSTER
// commands on the state machine through the bus's loop, and routes keys by the bus's latest
// routing snapshot, which also decides which master this node replicates.
package node
