package nodesconf

import (
	"errors"
	"os"

	"github.com/rcnode/rcnode/slots"
)

// Flags are a node's flags, with the bit values of Redis's CLUSTER_NODE_* (the same u16 the
// cluster bus carries), so the gossip state can keep them as they are.
type Flags uint16

// The flags. Meet and MigrateTo are never printed nor read: they exist only on the bus.
const (
	FlagMaster     Flags = 1 << 0 // "master"
	FlagSlave      Flags = 1 << 1 // "slave"
	FlagPFail      Flags = 1 << 2 // "fail?"
	FlagFail       Flags = 1 << 3 // "fail"
	FlagMyself     Flags = 1 << 4 // "myself"
	FlagHandshake  Flags = 1 << 5 // "handshake"; nodes.conf omits these nodes, CLUSTER NODES shows them
	FlagNoAddr     Flags = 1 << 6 // "noaddr"
	FlagMeet       Flags = 1 << 7 // not printed
	FlagMigrateTo  Flags = 1 << 8 // not printed
	FlagNoFailover Flags = 1 << 9 // "nofailover"
)

// flagNames is redisNodeFlagsTable: the order flags are printed in.
var flagNames = [...]struct {
	flag Flags
	name string
}{
	{FlagMyself, "myself"},
	{FlagMaster, "master"},
	{FlagSlave, "slave"},
	{FlagPFail, "fail?"},
	{FlagFail, "fail"},
	{FlagHandshake, "handshake"},
	{FlagNoAddr, "noaddr"},
	{FlagNoFailover, "nofailover"},
}

// String returns the flags as CLUSTER NODES prints them: "myself,master", or "noflags".
func (f Flags) String() string { return string(f.append(nil)) }

func (f Flags) append(dst []byte) []byte {
	n := len(dst)
	for _, fn := range flagNames {
		if f&fn.flag != 0 {
			if len(dst) > n {
				dst = append(dst, ',')
			}
			dst = append(dst, fn.name...)
		}
	}
	if len(dst) == n {
		dst = append(dst, "noflags"...)
	}
	return dst
}

// LinkState is the last column before the slots.
type LinkState uint8

// Redis prints "connected" for myself and for a node it has an outbound link to.
const (
	Disconnected LinkState = iota
	Connected
)

// String returns "connected" or "disconnected".
func (l LinkState) String() string {
	if l == Connected {
		return "connected"
	}
	return "disconnected"
}

// NoMaster is the master column of a node that replicates nobody.
const NoMaster = "-"

// Node is one line of nodes.conf or of CLUSTER NODES:
//
//	<id> <ip>:<port>@<cport>[,<hostname>] <flags> <master-id|-> <ping-sent> <pong-recv> <config-epoch> <link-state> [<slot>|<a>-<b> ...] [[<slot>->-<id>]|[<slot>-<-<id>] ...]
type Node struct {
	ID       string // 40 characters a-z 0-9
	IP       string // "" until the node learns it; IPv6 without brackets
	Port     int
	CPort    int    // cluster bus port
	Hostname string // cluster-announce-hostname; "" for none (no ",hostname" suffix)
	Flags    Flags
	MasterID string // NoMaster ("-") when none; AppendNodeLine prints "" as "-" too

	// PingSent and PongRecv are unix milliseconds, 0 for none. Redis reads only whether
	// they are zero (a non-zero one becomes the load time).
	PingSent int64
	PongRecv int64

	// ConfigEpoch is the epoch column as printed: for a replica that has a master, its
	// master's configEpoch (the replica's own is 0).
	ConfigEpoch uint64
	LinkState   LinkState
	Slots       slots.Bitmap

	// Migrating and Importing map a slot to the node it is migrating to / importing from.
	// Redis keeps them for the whole cluster and prints them only on the myself line, so
	// only the myself node should have them; when a slot is in both, only the migrating
	// marker is printed. nil when empty.
	Migrating map[int]string
	Importing map[int]string
}

// File is a whole nodes.conf: the node lines and the vars line.
type File struct {
	Nodes         []Node
	CurrentEpoch  uint64
	LastVoteEpoch uint64
}

// Myself returns the node flagged myself, or nil.
func (f *File) Myself() *Node {
	for i := range f.Nodes {
		if f.Nodes[i].Flags&FlagMyself != 0 {
			return &f.Nodes[i]
		}
	}
	return nil
}

// ErrNoConfig is what Parse returns for an empty file and Load for a missing or empty one:
// Redis then starts as a new node (random ID, myself,master) and saves that at once. An
// empty file is what a node that locked nodes.conf before writing it leaves behind.
var ErrNoConfig = errors.New("no cluster config yet (nodes.conf is missing or empty)")

// Load reads and parses the file at path. A missing or empty file is ErrNoConfig; any other
// read error, or a corrupt file (a *ParseError naming path), is fatal to a node, as in Redis.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoConfig
	}
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	var pe *ParseError
	if errors.As(err, &pe) {
		pe.Path = path
	}
	return f, err
}
