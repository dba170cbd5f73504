// Package testutil starts the processes tests compare against each other — real redis-server
// 7.0 and the rcnode binary — on free loopback ports, and speaks raw RESP to them so replies
// can be compared byte for byte. Every process it starts is killed when the test ends.
package testutil
