// Package testutil starts the processes tests compare against each other — real redis-server
// 7.0 and the rcnode binary — on free loopback ports (RCNODE_TEST_PORTS=lo-hi narrows them to
// a range), and speaks RESP to them: Conn returns each reply's exact bytes so replies can be
// compared byte for byte, Client returns them as Go values and pipelines. Every process it
// starts is killed when the test ends.
package testutil
