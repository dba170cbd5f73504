package wire

import "github.com/rcnode/rcnode/slots"

// Sizes of clusterMsg (src/cluster.h, Redis 7.0; the header offsets, below, are
// static_asserted there). Every multi-byte integer is big-endian except Module.ID.
const (
	Signature  = "RCmb" // sig, the first 4 bytes of every message
	ProtoVer   = 1      // CLUSTER_PROTO_VER; Redis drops messages with any other ver
	HeaderLen  = 2256   // CLUSTERMSG_MIN_LEN: the header, and the smallest totlen accepted
	MaxFixed   = 4352   // sizeof(clusterMsg): the longest fixed-size message (UPDATE)
	NameLen    = 40     // CLUSTER_NAMELEN
	IPLen      = 46     // NET_IP_STR_LEN
	GossipLen  = 104    // sizeof(clusterMsgDataGossip)
	ExtHdrLen  = 8      // length u32, type u16, unused u16
	MaxExtLen  = 65535  // Redis validates extension lengths as uint16 (see decode.go)
	FailLen    = HeaderLen + NameLen
	UpdateLen  = HeaderLen + 8 + NameLen + slots.Count/8 // = MaxFixed
	publishMin = HeaderLen + 8                           // channel_len, message_len
	moduleMin  = HeaderLen + 13                          // module_id, len, type
	prefixLen  = 8                                       // sig + totlen: what the reader checks first
)

// Header field offsets.
const (
	offSig          = 0
	offTotlen       = 4
	offVer          = 8
	offPort         = 10
	offType         = 12
	offCount        = 14
	offCurrentEpoch = 16
	offConfigEpoch  = 24
	offOffset       = 32
	offSender       = 40
	offMySlots      = 80
	offSlaveOf      = 2128
	offMyIP         = 2168
	offExtensions   = 2214
	offNotUsed1     = 2216
	offPPort        = 2246
	offCPort        = 2248
	offFlags        = 2250
	offState        = 2252
	offMFlags       = 2253
)

// Type is a message type (hdr->type).
type Type uint16

// Message types of Redis 7.0 (CLUSTERMSG_TYPE_*).
const (
	TypePing                Type = 0
	TypePong                Type = 1
	TypeMeet                Type = 2
	TypeFail                Type = 3
	TypePublish             Type = 4
	TypeFailoverAuthRequest Type = 5
	TypeFailoverAuthAck     Type = 6
	TypeUpdate              Type = 7
	TypeMFStart             Type = 8
	TypeModule              Type = 9
	TypePublishShard        Type = 10
	TypeCount                    = 11 // CLUSTERMSG_TYPE_COUNT: types >= this are unknown to 7.0
)

var typeNames = [TypeCount]string{"ping", "pong", "meet", "fail", "publish", "auth-req",
	"auth-ack", "update", "mfstart", "module", "publishshard"}

// String is the name Redis uses for the type in logs and in CLUSTER INFO's
// cluster_stats_messages_<name>_sent/received ("auth-req", "publishshard", ...), or "unknown".
func (t Type) String() string {
	if t < TypeCount {
		return typeNames[t]
	}
	return "unknown"
}

// hasGossip reports whether the type carries the gossip section and ping extensions.
func (t Type) hasGossip() bool { return t == TypePing || t == TypePong || t == TypeMeet }

// Node flags, as carried in Header.Flags (the sender's myself->flags, verbatim) and
// Gossip.Flags (CLUSTER_NODE_*).
const (
	NodeMaster     uint16 = 1
	NodeSlave      uint16 = 2
	NodePFail      uint16 = 4
	NodeFail       uint16 = 8
	NodeMyself     uint16 = 16
	NodeHandshake  uint16 = 32
	NodeNoAddr     uint16 = 64
	NodeMeet       uint16 = 128
	NodeMigrateTo  uint16 = 256
	NodeNoFailover uint16 = 512
)

// Message flags, bits of Header.MFlags[0] (CLUSTERMSG_FLAG0_*). MFlags[1] and MFlags[2] are
// unused by 7.0.
const (
	MFlagPaused   byte = 1 // master paused for manual failover
	MFlagForceAck byte = 2 // AUTH_REQUEST of a manual failover: vote even if the master is up
	MFlagExtData  byte = 4 // PING/PONG/MEET carries ping extensions
)

// Cluster states, as carried in Header.State.
const (
	StateOK   uint8 = 0
	StateFail uint8 = 1
)

// ExtType is a ping extension type.
type ExtType uint16

// Ping extension types. Redis 7.0 knows only ExtHostname; it logs "Received unknown extension
// type" for any other type and skips it. The others are 7.2's, named here so a log line can
// say what a newer peer sent: never send them to a 7.0 node.
const (
	ExtHostname      ExtType = 0 // body: hostname, NUL, zero padding to a multiple of 8
	ExtHumanNodename ExtType = 1 // 7.2+
	ExtForgottenNode ExtType = 2 // 7.2+: name[40], ttl u64 seconds
	ExtShardID       ExtType = 3 // 7.2+: shard_id[40]
)

// Name is a node name: 40 bytes, normally lowercase hex, with no terminating NUL. The zero
// Name (40 NUL bytes) is what Header.SlaveOf holds when the sender is a master.
type Name [NameLen]byte

// ParseName returns s as a Name if it is a valid node name (verifyClusterNodeId: exactly 40
// characters, each in [a-z0-9]).
func ParseName(s string) (Name, bool) {
	var n Name
	if len(s) != NameLen {
		return n, false
	}
	copy(n[:], s)
	return n, n.Valid()
}

// Valid reports whether n is a name Redis can look up (40 characters in [a-z0-9]). Decode
// does not require it: Redis copies names verbatim and simply finds no node for a bad one.
func (n Name) Valid() bool {
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// IsZero reports whether n is all NUL bytes (CLUSTER_NODE_NULL_NAME).
func (n Name) IsZero() bool { return n == Name{} }

// String returns the 40 bytes as a string.
func (n Name) String() string { return string(n[:]) }

// IP is a NUL-terminated IP string field of NET_IP_STR_LEN bytes (Header.MyIP, Gossip.IP).
// The bytes after the terminator are kept as received, so a decoded message re-encodes
// identically.
type IP [IPLen]byte

// MakeIP returns s as an IP field the way Redis fills one (strncpy of at most 45 bytes, the
// rest zero). MakeIP("") is the all-zero field, which in Header.MyIP means "use the address
// the message came from".
func MakeIP(s string) IP {
	var ip IP
	copy(ip[:IPLen-1], s)
	return ip
}

// String returns the text before the first NUL, at most 45 bytes (Redis forces byte 45 to
// NUL when it copies an announced IP).
func (ip IP) String() string {
	for i, c := range ip[:IPLen-1] {
		if c == 0 {
			return string(ip[:i])
		}
	}
	return string(ip[:IPLen-1])
}

// IsZero reports whether the field is empty (first byte NUL), as Redis tests it.
func (ip IP) IsZero() bool { return ip[0] == 0 }

// Header is the fixed 2256-byte part of every message, in wire order (@ = offset). The
// other three header fields are not stored: sig (@0) is always "RCmb" and ver (@8) always 1
// (Encode writes them, Decode checks them), and totlen (@4) is the encoded length
// (EncodedLen, or the length of the decoded buffer).
type Header struct {
	Port         uint16       // @10 announced client port (the TLS port under tls-cluster)
	Type         Type         // @12
	Count        uint16       // @14 PING/PONG/MEET: written as len(Gossip); other types: verbatim (Redis sends 0, ignores it)
	CurrentEpoch uint64       // @16
	ConfigEpoch  uint64       // @24 the sender's, or its master's if it is a replica
	Offset       uint64       // @32 replication offset (master_repl_offset, or a replica's processed offset)
	Sender       Name         // @40
	MySlots      slots.Bitmap // @80 the sender's slots, or its master's if it is a replica
	SlaveOf      Name         // @2128 zero when the sender is a master
	MyIP         IP           // @2168 announced IP; zero = "use the socket's peer address"
	Extensions   uint16       // @2214 PING/PONG/MEET: written as len(Exts); other types: verbatim (Redis ignores it)
	NotUsed1     [30]byte     // @2216 zero from Redis; kept verbatim
	PPort        uint16       // @2246 plaintext client port when Port is the TLS port, else 0
	CPort        uint16       // @2248 announced bus port
	Flags        uint16       // @2250 the sender's node flags (Node*), MYSELF included
	State        uint8        // @2252 StateOK or StateFail, from the sender's point of view
	MFlags       [3]byte      // @2253 MFlags[0]: MFlag*; Encode sets MFlagExtData when Exts is non-empty
}

// Gossip is one 104-byte entry of the gossip section of a PING, PONG or MEET.
type Gossip struct {
	Node         Name
	PingSent     uint32 // seconds (Redis sends its milliseconds / 1000)
	PongReceived uint32 // seconds
	IP           IP
	Port         uint16
	CPort        uint16
	Flags        uint16 // Node* flags of the gossiped node, verbatim
	PPort        uint16
	NotUsed1     uint16 // zero from Redis; kept verbatim
}

// Ext is one ping extension. On the wire it is length u32 (8 + len(Data), a multiple of 8),
// type u16, unused u16, Data. Encode pads Data with zeros to a multiple of 8; decoded Data is
// the whole body, padding included.
type Ext struct {
	Type   ExtType
	Unused uint16 // zero from Redis; kept verbatim
	Data   []byte
}

// HostnameExt returns the hostname extension Redis 7.0 sends when cluster-announce-hostname
// is set: the hostname and its NUL, zero-padded to a multiple of 8 (so length = 8 +
// ceil8(len+1); "n1-host" gives 16). Redis limits hostnames to 255 bytes.
func HostnameExt(hostname string) Ext {
	data := make([]byte, (len(hostname)+1+7)/8*8)
	copy(data, hostname)
	return Ext{Type: ExtHostname, Data: data}
}

// Hostname returns the text of a hostname extension's body: up to the first NUL, or the
// whole body if it has none (Redis reads it as a C string and does not check).
func (e Ext) Hostname() string {
	for i, c := range e.Data {
		if c == 0 {
			return string(e.Data[:i])
		}
	}
	return string(e.Data)
}

// Hostname returns the hostname a PING, PONG or MEET announces: the last hostname extension
// wins, as in clusterProcessPingExtensions. ok is false when there is none, which a 7.0
// receiver takes as "the sender has no hostname" and clears the one it knew.
func (m *Message) Hostname() (hostname string, ok bool) {
	for _, e := range m.Exts {
		if e.Type == ExtHostname {
			hostname, ok = e.Hostname(), true
		}
	}
	return hostname, ok
}

// Publish is the body of PUBLISH and PUBLISHSHARD: channel_len u32, message_len u32, then
// the channel bytes and the message bytes.
type Publish struct {
	Channel []byte
	Message []byte
}

// Update is the 2096-byte body of UPDATE: the slot configuration of Node.
type Update struct {
	ConfigEpoch uint64
	Node        Name
	Slots       slots.Bitmap
}

// Module is the body of MODULE: module_id (8 bytes), len u32, type u8, payload.
type Module struct {
	// ID is module_id. Redis copies it in host byte order ("already endian adjusted"),
	// which is little-endian on every platform it ships on, so it is read and written
	// little-endian here.
	ID      uint64
	Type    uint8
	Payload []byte
}

// Message is one cluster bus message. Which body field is used depends on Header.Type:
//
//	PING, PONG, MEET                     Gossip, Exts
//	FAIL                                 Fail (the node declared failing)
//	PUBLISH, PUBLISHSHARD                Publish
//	UPDATE                               Update
//	MODULE                               Module
//	FAILOVER_AUTH_REQUEST/ACK, MFSTART   none (header only)
//	any type >= TypeCount                Raw (the bytes after the header, verbatim)
//
// Encode ignores the fields of other types. Byte slices in a decoded Message point into the
// decoded buffer.
type Message struct {
	Header
	Gossip  []Gossip
	Exts    []Ext
	Fail    Name
	Publish Publish
	Update  Update
	Module  Module
	Raw     []byte
}
