// Package clientproto owns the client-facing wire: the RESP2/RESP3 request reader (commands
// parsed in place, no allocation per command), the reply writer, the command table (arity,
// flags, key positions, COMMAND INFO/DOCS data) and Redis's exact error strings.
//
// It must not touch the keyspace, sockets or cluster state: it turns bytes into arguments and
// replies into bytes, nothing more.
package clientproto
