// Package wire is the byte codec of the Redis 7.0 cluster bus: the clusterMsg (protocol
// version 1) that nodes exchange on port+10000. It turns those bytes into Go structs and back,
// exact to the byte, for every message type Redis 7.0 sends (PING, PONG, MEET, FAIL, PUBLISH,
// FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, UPDATE, MFSTART, MODULE, PUBLISHSHARD), the gossip
// entries and the ping extensions.
//
// What it owns: the layout (offsets, sizes, byte order, padding) and the acceptance rules of
// clusterProcessPacket's length checks, so that Decode refuses exactly the messages a 7.0
// node would drop, and Encode produces bytes a 7.0 node accepts. Decode never panics and
// returns errors that say which rule failed and how Redis reacts to it (ErrFrame: Redis
// closes the link; ErrVersion, ErrLength: Redis drops the message and keeps the link).
// ReadFrame and ReadMessage add the 8-byte-prefix framing of clusterReadHandler on top of any
// io.Reader.
//
// What it must not touch: sockets (the callers own their connections; only the tests dial
// a real redis-server), clocks, randomness and cluster state. It does not know what a
// message means — which node is the sender, whether an epoch is new, what to answer — that is
// the state machine's job in package gossip.
//
// Where this codec is stricter than Redis 7.0 it is where Redis's own check is unsound (a
// uint32 sum that can wrap, a 16-bit truncated extension length, an extension read past the
// end of the message); each such rule is marked "stricter than Redis" in decode.go. None of
// them rejects a message a real 7.0 node ever sends.
package wire
