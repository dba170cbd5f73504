// Package bus is the cluster bus driver: the goroutines, sockets and file that surround the
// pure state machine of package gossip, the way etcd's raft is driven by a thin node loop.
//
// What it owns:
//   - the *gossip.Cluster itself, confined to one loop goroutine. Everything that happens —
//     a 100 ms tick, a decoded message, a link that connected or closed, a CLUSTER command
//     (Do) — arrives as an event on one channel, and after each event the loop carries out
//     c.Ready(): close links, dial links, save nodes.conf, queue messages, publish routing;
//   - the bus port listeners (cluster-port or port+10000) on every bind address;
//   - one TCP connection per link, with a reader goroutine (ReadFrame + Decode, so the loop
//     never parses bytes) and a writer goroutine behind a buffer (so a slow peer never
//     blocks the loop);
//   - nodes.conf: loading it at Open, saving it when the state machine asks (always fsynced,
//     retried on the next tick when it fails), and the lock file that keeps a second node
//     off it for the life of the process;
//   - the latest routing snapshot, behind an atomic pointer for client commands.
//
// What it must not touch: cluster decisions (who is failing, who owns a slot, what to answer
// a PING), which are the state machine's; the message layout (package gossip/wire) and the
// nodes.conf text (package gossip/nodesconf); the keyspace and client connections (package
// node). The only inputs it makes up are the two the state machine may not: the time
// (time.Now in milliseconds, read once per event) and randomness (a *rand.Rand seeded from
// crypto/rand, given to gossip.New).
package bus
