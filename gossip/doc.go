// Package gossip is the cluster: the pure state machine that decides what a Redis 7.0
// cluster node knows and does — its node table, epochs, slot owners, the handshake of new
// nodes, the choice of gossip, failure suspicion (PFAIL), UPDATE messages for stale owners,
// the cluster state (ok/fail), and the CLUSTER commands that change them.
//
// It is built the way etcd's raft is: no goroutines, no sockets, no clock, no randomness of
// its own. A driver (package gossip/bus) feeds it what happened — Tick(now) every 100 ms, a
// decoded bus message on a link (Step), a link that connected or closed — and then takes
// Ready(): the messages to send on which link, the links to dial or close, whether nodes.conf
// must be saved (and fsynced), and whether the routing table clients see has changed. Time
// is milliseconds passed in by the caller; randomness is the *rand.Rand given to New. So a
// whole cluster of hundreds of nodes can be simulated, deterministically, in one goroutine
// (see network_test.go).
//
// It follows redis-server 7.0's cluster.c rule by rule (clusterProcessPacket, clusterCron,
// clusterSendPing, clusterUpdateSlotsConfigWith, clusterUpdateState); where it departs from
// one, the code says so and why.
//
// What it must not touch: sockets, files and the keyspace. The wire format is package
// gossip/wire, the nodes.conf text is package gossip/nodesconf; this package only decides.
package gossip
