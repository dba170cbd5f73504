// Package migrate is the client side of MIGRATE: the connections a node keeps to the targets
// it moves keys to, and the synchronous I/O on them (a pipeline written in 64 KiB chunks and
// replies read one line at a time, each bounded by MIGRATE's timeout).
//
// The cache follows Redis 7.0's migrate_cached_sockets: connections are keyed by the
// "host:port" MIGRATE names, at most 64 are kept, one idle for more than 10 seconds is
// closed, and each remembers the database last SELECTed on it. Unlike Redis, whose single
// thread uses one socket per target at a time, concurrent MIGRATEs to one target each take
// a connection of their own out of the cache and give it back when done.
//
// What it must not touch: keys, values and slot locks (node/cmd_migrate.go serializes the
// values, encodes the RESTORE commands and decides what to delete); it encodes only the AUTH
// and SELECT it sends itself.
package migrate
