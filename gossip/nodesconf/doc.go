// Package nodesconf owns the nodes.conf file of a cluster node: its codec (Parse, Format, and
// AppendNodeLine, which CLUSTER NODES shares because Redis prints the same lines there) and
// its writer (Save, Load). It follows redis-server 7.0.15 (clusterLoadConfig,
// clusterGenNodesDescription, clusterSaveConfig in cluster.c) byte for byte, and is checked
// against the real binary. It is pure apart from Save and Load: no clock, no sockets, no
// cluster state. It must not decide anything about the cluster (who owns a slot, who failed);
// the gossip state machine does that and hands this package a File to print.
//
// # What a File holds
//
// A File is the node table that redis-server holds right after loading the file, with the
// columns it cannot know (ping sent, pong received, link state) kept as written:
//
//   - Nodes are in the order of their lines. A node that is only named (as a replica's master
//     or as a migrating/importing peer) and has no line of its own is added after them the way
//     Redis creates it — `<id> :0@0 noflags - 0 0 0 disconnected` — and Redis would write it
//     back so.
//   - A node with two lines is merged the way Redis merges them: flags are or-ed, later
//     address, epoch and link columns replace earlier ones, and a "-" master does not clear
//     an earlier one.
//   - A slot claimed by two nodes belongs to the first claim (clusterAddSlot refuses an owned
//     slot); a range "a-b" with a > b claims nothing.
//   - Migrating/importing markers ([slot->-id], [slot-<-id]) are cluster-wide state in Redis,
//     whichever line they sit on; Parse gives them to the myself node, which is the only line
//     Redis prints them on. A later marker for the same slot and direction replaces an earlier
//     one.
//   - ConfigEpoch is the epoch column as Redis prints it: Redis loads 0 for a replica that
//     has a master and prints its master's epoch in that column, so Parse puts the master's
//     loaded epoch there (the file's own value for the replica is ignored, as in Redis).
//   - CurrentEpoch is raised to the largest loaded configEpoch when it is lower (Redis's
//     guard against hand-edited files).
//
// Redis also applies, when it loads the file, rules that need a clock or a live link; the
// caller applies them: a non-zero PingSent or PongRecv becomes "now", a "fail" flag gets
// fail_time "now", a replica with a master gets configEpoch 0 in memory, the link column is
// ignored (no links exist yet), and myself's port, bus port and hostname are replaced by the
// node's own configuration.
//
// # What Parse rejects
//
// Everything redis-server 7.0.15 refuses to load ("Unrecoverable error: corrupted cluster
// config file.", a panic on an unknown flag, an assertion on a second myself), and what makes
// it crash (a line of only whitespace: sdssplitargs returns no fields and Redis reads one
// anyway), with a *ParseError naming the line. Parse is stricter than Redis on purpose where
// Redis reads numbers with atoi/strtoull and silently takes garbage as 0 or as a prefix (a
// slot "x" is slot 0 to Redis, which would hand the wrong slot to a node): every slot, port
// and epoch must be a well-formed decimal number in range, migrating/importing markers must be
// exactly "[N->-id]" or "[N-<-id]", an IP must fit Redis's 46-byte buffer, a field must
// not hold a byte Format could not write back (whitespace, a control byte or a quote, which
// only sdssplitargs quoting can put there), and the myself node must not be flagged
// handshake (Redis loads it, then saves without handshake nodes a file it cannot load).
// Redis never writes such a file. An empty file is
// not corrupt: it is ErrNoConfig, "no cluster config yet", as Redis treats it; Parse never
// turns a corrupt file into a fresh config.
//
// Like Redis, Parse cuts a line at its first NUL byte and skips lines that are empty or start
// with NUL (what a crash can leave in a file), splits lines with sdssplitargs' rules (quotes
// and escapes included), matches "vars" and flag names without regard to case, and ignores
// unknown vars keys and text in the link-state column.
//
// # Saving
//
// Redis rewrites nodes.conf in place (one write of the content padded with newlines to the
// old size, optional fsync, ftruncate), which a crash in the middle can leave half-written.
// Save instead writes a temporary file beside it, fsyncs it, renames it over the old one and
// fsyncs the directory, so the file is always the old one or the new one. Redis also holds a
// flock on nodes.conf for its lifetime to keep a second process off it; after a rename that
// lock would sit on the replaced file, so a node that wants the same protection must lock a
// separate file (or the directory), not nodes.conf itself.
package nodesconf
