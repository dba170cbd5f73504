// Package keyspace owns the stored data: databases split into one table per hash slot, each
// with its keys and the expiry times of its volatile keys, guarded by lock shards that a caller
// takes for the slots a command touches. It knows value types only as opaque values and leaves
// command semantics, replies and replication to the node package.
//
// Splitting by slot (DESIGN.md principle 3) makes COUNTKEYSINSLOT, GETKEYSINSLOT and slot
// migration O(keys in the slot), and lets commands on different slots run on different cores.
package keyspace
