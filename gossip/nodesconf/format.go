package nodesconf

import (
	"slices"
	"strconv"

	"github.com/rcnode/rcnode/slots"
)

// Format returns the bytes clusterSaveConfig writes for f: one line per node in the order of
// f.Nodes, each ended by "\n", without the nodes in handshake (Redis saves with the
// CLUSTER_NODE_HANDSHAKE filter), then "vars currentEpoch <n> lastVoteEpoch <n>\n". Redis
// writes its nodes in hash-table order, so no order is more faithful than another; keeping
// the caller's makes Format(Parse(file)) reproduce a Redis-written file byte for byte.
func Format(f *File) []byte {
	var dst []byte
	for i := range f.Nodes {
		if f.Nodes[i].Flags&FlagHandshake != 0 {
			continue
		}
		dst = AppendNodeLine(dst, &f.Nodes[i])
		dst = append(dst, '\n')
	}
	dst = append(dst, "vars currentEpoch "...)
	dst = strconv.AppendUint(dst, f.CurrentEpoch, 10)
	dst = append(dst, " lastVoteEpoch "...)
	dst = strconv.AppendUint(dst, f.LastVoteEpoch, 10)
	return append(dst, '\n')
}

// AppendNodeLine appends n's line as clusterGenNodeDescription prints it, without a
// newline: CLUSTER NODES ends every line with "\n" (handshake nodes included), CLUSTER
// REPLICAS replies each line as a bulk string without one. It prints n's fields as they are:
// the caller puts the master's configEpoch in a replica's ConfigEpoch, and for a plaintext
// client of a TLS cluster the plaintext port in Port, as Redis does. Migrating and importing
// markers are printed on the myself line only, one per slot in slot order (the migrating one
// when a slot has both).
func AppendNodeLine(dst []byte, n *Node) []byte {
	dst = append(dst, n.ID...)
	dst = append(dst, ' ')
	dst = append(dst, n.IP...)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(n.Port), 10)
	dst = append(dst, '@')
	dst = strconv.AppendInt(dst, int64(n.CPort), 10)
	if n.Hostname != "" {
		dst = append(dst, ',')
		dst = append(dst, n.Hostname...)
	}
	dst = append(dst, ' ')
	dst = n.Flags.append(dst)
	dst = append(dst, ' ')
	if n.MasterID == "" {
		dst = append(dst, NoMaster...)
	} else {
		dst = append(dst, n.MasterID...)
	}
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, n.PingSent, 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, n.PongRecv, 10)
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, n.ConfigEpoch, 10)
	dst = append(dst, ' ')
	dst = append(dst, n.LinkState.String()...)
	dst = appendSlots(dst, &n.Slots)
	if n.Flags&FlagMyself != 0 && (len(n.Migrating) > 0 || len(n.Importing) > 0) {
		open := make([]int, 0, len(n.Migrating)+len(n.Importing))
		for s := range n.Migrating {
			open = append(open, s)
		}
		for s := range n.Importing {
			if _, dup := n.Migrating[s]; !dup {
				open = append(open, s)
			}
		}
		slices.Sort(open)
		for _, s := range open {
			dst = append(dst, " ["...)
			dst = strconv.AppendInt(dst, int64(s), 10)
			if id, ok := n.Migrating[s]; ok {
				dst = append(dst, "->-"...)
				dst = append(dst, id...)
			} else {
				dst = append(dst, "-<-"...)
				dst = append(dst, n.Importing[s]...)
			}
			dst = append(dst, ']')
		}
	}
	return dst
}

// appendSlots appends " a-b" for every run of slots and " a" for a single one.
func appendSlots(dst []byte, b *slots.Bitmap) []byte {
	for s := 0; s < slots.Count; {
		if b[s>>3] == 0 && s&7 == 0 {
			s += 8
			continue
		}
		if !b.Has(s) {
			s++
			continue
		}
		start := s
		for s < slots.Count && b.Has(s) {
			s++
		}
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, int64(start), 10)
		if s-1 > start {
			dst = append(dst, '-')
			dst = strconv.AppendInt(dst, int64(s-1), 10)
		}
	}
	return dst
}
