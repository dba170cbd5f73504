// Package repl holds the pieces of Redis 7.0 replication that do not need the keyspace: the
// replication stream (the backlog of repl-backlog-size bytes and the shared buffer replicas
// read from, with Redis's offsets), the replication IDs with PSYNC2's rules for accepting a
// partial resynchronisation, the RESP encoding of propagated commands, and the replica's
// reading of a master's full-sync payload ($<len> or the diskless $EOF:<mark> form).
//
// What it must not touch: the keyspace, slot locks, sockets and goroutines. The node
// package decides what goes into the stream and when (it appends while the writing command
// still holds its slot locks, so the stream's order is the order writes were applied), runs
// the connections, and takes snapshots.
package repl
