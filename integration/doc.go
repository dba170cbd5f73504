// Package integration tests whole clusters the way an operator builds them: N server
// processes on loopback ports, joined with `redis-cli --cluster create`, checked with
// `redis-cli --cluster check`, read and written through `redis-cli -c`, killed and restarted.
// The servers are rcnode, real redis-server 7.0, or both in one cluster; the clusters of real
// redis-server are the reference that proves the harness and the scenarios themselves.
//
// Everything lives in the _test.go files: the harness (node, cluster and their waits, each
// bounded in time) and the scenarios. The tests need redis-server and redis-cli 7.0 on PATH
// and skip without them. rcnode is built once per test binary from this module (with -race
// when the tests run with it); RCNODE_BIN=/path/to/rcnode uses a binary built elsewhere.
// RCNODE_TEST_PORTS=lo-hi narrows the ports the nodes may take (see internal/testutil).
//
// This package owns no production code and must not be imported.
package integration
