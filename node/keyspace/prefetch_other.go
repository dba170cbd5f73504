//go:build !amd64

package keyspace

// prefetchCell is a no-op where there is no assembly for it.
func prefetchCell(*table, uint64) {}
