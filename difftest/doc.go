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
//	!await TEXT CMD ...  repeat CMD on each side until its reply contains TEXT (10 s at most)
//	!resp3only / !resp2only   (alone on the first line) run the script in one protocol
//
// Scripts under testdata/standalone run against plain servers; those under testdata/cluster
// against cluster-enabled ones, both first given every slot. Those under
// testdata/clusternode change a node's cluster state for good, so each runs on a fresh pair
// of cluster-enabled nodes that own nothing; each node's own ID and ports are replaced by
// placeholders in the replies, and "{myid}" in arguments is the node's ID.
package difftest
