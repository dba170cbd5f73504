// Package datatype holds the values the keyspace stores for the list, hash, set and sorted
// set types, each a plain Go type with exactly the operations the commands need and Redis
// 7.0's ordering and encoding semantics:
//
//   - List: a deque of packed chunks, like Redis's quicklist of listpacks (LPUSH/RPOP O(1),
//     LINDEX/LSET/LRANGE/LINSERT/LREM/LTRIM/LPOS walking from the nearer end).
//   - Hash: insertion-ordered while it would be a listpack in Redis (HGETALL order is
//     observable), a hash table after the irreversible conversion.
//   - Set: a sorted int64 slice while it would be an intset (SMEMBERS replies sorted), a
//     hash table after.
//   - ZSet: a member→node map plus a skiplist with spans ordered by (score, member), so
//     ranks are O(log n); the listpack/skiplist encoding is tracked for OBJECT ENCODING and
//     for the few algorithms whose results differ between encodings in Redis.
//
// The package is pure: no locking (the keyspace's slot locks guard every value), no I/O, no
// clock, no replies and no knowledge of commands or keys. Randomness is injected (Rand) so
// tests are deterministic. Encoding thresholds are passed in on every call that may convert
// (Limits), because CONFIG SET can change them at any time.
//
// Stored elements are Go strings: immutable, so they can be handed to the reply writer or
// kept by the caller without copying, and a map key and a slice entry can share one copy
// of the bytes. Lists are the exception: their elements are packed bytes, and the strings
// List.Each hands out share them until the list next changes. Arguments are []byte (the
// request buffer) and are copied when stored.
package datatype

// Rand returns a uniformly distributed integer in [0, n); n > 0. A *math/rand.Rand's Intn
// method is one.
type Rand func(n int) int

// Limits are the encoding thresholds of one type, read from the config at each call:
//
//	hash: hash-max-listpack-entries, hash-max-listpack-value (512, 64)
//	zset: zset-max-listpack-entries, zset-max-listpack-value (128, 64)
//	set:  set-max-intset-entries (512); MaxValue unused
type Limits struct {
	MaxEntries int
	MaxValue   int
}

// Default thresholds of Redis 7.0.
var (
	DefaultHashLimits = Limits{MaxEntries: 512, MaxValue: 64}
	DefaultZSetLimits = Limits{MaxEntries: 128, MaxValue: 64}
	DefaultSetLimits  = Limits{MaxEntries: 512}
)

// Encoding names as OBJECT ENCODING reports them.
const (
	EncListpack  = "listpack"
	EncHashtable = "hashtable"
	EncIntset    = "intset"
	EncSkiplist  = "skiplist"
	EncQuicklist = "quicklist"
)

// NormalizeRange turns LRANGE/ZRANGE/LTRIM-style inclusive start and stop indexes (negative
// ones count from the end) into the half-open span [lo, hi) of a sequence of n elements;
// lo == hi when the range is empty. It follows Redis: negative indexes are offset by n,
// start is clamped at 0, stop at n-1, and start > stop or start >= n is empty.
func NormalizeRange(start, stop int64, n int) (lo, hi int) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if stop < 0 {
		stop += ln
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= ln {
		return 0, 0
	}
	if stop >= ln {
		stop = ln - 1
	}
	return int(start), int(stop) + 1
}
