// Package difftest runs the same command scripts against redis-server 7.0 and rcnode and
// compares the replies byte for byte, in RESP2 and in RESP3. It holds only tests.
//
// A script (testdata/<mode>/*.txt) is one command per line, split like redis-cli splits its
// input (internal/sdsargs). Lines starting with # are
// comments. A line may start with a directive:
//
//	!unordered CMD ...   the reply is an array whose element order is unspecified
//	!shape CMD ...       only the reply's type and length must agree (random results)
//	!ignore CMD ...      run the command, compare nothing (setup with random replies)
//	!sleep MS            pause both sides
//	!resp3only / !resp2only   (alone on the first line) run the script in one protocol
//
// Scripts under testdata/standalone run against plain servers; those under testdata/cluster
// against cluster-enabled ones, where redis-server is first given every slot.
package difftest
