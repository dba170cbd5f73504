package wire

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

var be = binary.BigEndian

// EncodedLen returns the totlen Encode will write for m, or an error if m cannot be encoded:
// more than 65535 gossip entries or extensions (the counts are u16), an extension body over
// MaxExtLen-8 bytes, or a message longer than the u32 totlen can say.
func EncodedLen(m *Message) (int, error) {
	n := uint64(HeaderLen)
	switch t := m.Type; {
	case t.hasGossip():
		if len(m.Gossip) > math.MaxUint16 {
			return 0, fmt.Errorf("wire: %d gossip entries, at most %d fit the u16 count", len(m.Gossip), math.MaxUint16)
		}
		if len(m.Exts) > math.MaxUint16 {
			return 0, fmt.Errorf("wire: %d ping extensions, at most %d fit the u16 count", len(m.Exts), math.MaxUint16)
		}
		n += uint64(GossipLen) * uint64(len(m.Gossip))
		for i, e := range m.Exts {
			l := extLen(len(e.Data))
			if l > MaxExtLen {
				return 0, fmt.Errorf("wire: ping extension %d is %d bytes, at most %d", i, l, MaxExtLen)
			}
			n += uint64(l)
		}
	case t == TypeFail:
		n = FailLen
	case t == TypePublish || t == TypePublishShard:
		if uint64(len(m.Publish.Channel)) > math.MaxUint32 || uint64(len(m.Publish.Message)) > math.MaxUint32 {
			return 0, fmt.Errorf("wire: %s channel or message longer than a u32 length", t)
		}
		n = publishMin + uint64(len(m.Publish.Channel)) + uint64(len(m.Publish.Message))
	case t == TypeFailoverAuthRequest || t == TypeFailoverAuthAck || t == TypeMFStart:
	case t == TypeUpdate:
		n = UpdateLen
	case t == TypeModule:
		n = moduleMin + uint64(len(m.Module.Payload))
	default:
		n += uint64(len(m.Raw))
	}
	if n > math.MaxUint32 {
		return 0, fmt.Errorf("wire: %s message of %d bytes, longer than the u32 totlen", m.Type, n)
	}
	return int(n), nil
}

// extLen is the wire length of an extension whose body is size bytes: header plus the body
// padded to a multiple of 8.
func extLen(size int) int { return ExtHdrLen + (size+7)/8*8 }

// Encode returns m's wire bytes. See AppendMessage.
func Encode(m *Message) []byte { return AppendMessage(nil, m) }

// AppendMessage appends m's wire bytes to dst and returns the extended slice.
//
// It writes sig "RCmb", ver 1 and the computed totlen; for PING, PONG and MEET it writes
// count = len(Gossip) and extensions = len(Exts) and sets MFlagExtData when there are
// extensions (as clusterSendPing does; it never clears the flag). Everything else is written
// as given, so any Message that Decode returned encodes back to the exact bytes decoded.
// It panics if EncodedLen reports an error: such a message is a bug in the caller.
func AppendMessage(dst []byte, m *Message) []byte {
	n, err := EncodedLen(m)
	if err != nil {
		panic(err)
	}
	start := len(dst)
	dst = slices.Grow(dst, n)[:start+n]
	b := dst[start:]
	clear(b)

	h := &m.Header
	count, extensions, mflags0 := h.Count, h.Extensions, h.MFlags[0]
	if h.Type.hasGossip() {
		count, extensions = uint16(len(m.Gossip)), uint16(len(m.Exts))
		if len(m.Exts) > 0 {
			mflags0 |= MFlagExtData
		}
	}
	copy(b[offSig:], Signature)
	be.PutUint32(b[offTotlen:], uint32(n))
	be.PutUint16(b[offVer:], ProtoVer)
	be.PutUint16(b[offPort:], h.Port)
	be.PutUint16(b[offType:], uint16(h.Type))
	be.PutUint16(b[offCount:], count)
	be.PutUint64(b[offCurrentEpoch:], h.CurrentEpoch)
	be.PutUint64(b[offConfigEpoch:], h.ConfigEpoch)
	be.PutUint64(b[offOffset:], h.Offset)
	copy(b[offSender:], h.Sender[:])
	copy(b[offMySlots:], h.MySlots[:])
	copy(b[offSlaveOf:], h.SlaveOf[:])
	copy(b[offMyIP:], h.MyIP[:])
	be.PutUint16(b[offExtensions:], extensions)
	copy(b[offNotUsed1:], h.NotUsed1[:])
	be.PutUint16(b[offPPort:], h.PPort)
	be.PutUint16(b[offCPort:], h.CPort)
	be.PutUint16(b[offFlags:], h.Flags)
	b[offState] = h.State
	b[offMFlags] = mflags0
	b[offMFlags+1] = h.MFlags[1]
	b[offMFlags+2] = h.MFlags[2]

	body := b[HeaderLen:]
	switch t := h.Type; {
	case t.hasGossip():
		for i := range m.Gossip {
			putGossip(body[i*GossipLen:], &m.Gossip[i])
		}
		p := len(m.Gossip) * GossipLen
		for _, e := range m.Exts {
			l := extLen(len(e.Data))
			be.PutUint32(body[p:], uint32(l))
			be.PutUint16(body[p+4:], uint16(e.Type))
			be.PutUint16(body[p+6:], e.Unused)
			copy(body[p+ExtHdrLen:], e.Data)
			p += l
		}
	case t == TypeFail:
		copy(body, m.Fail[:])
	case t == TypePublish || t == TypePublishShard:
		be.PutUint32(body[0:], uint32(len(m.Publish.Channel)))
		be.PutUint32(body[4:], uint32(len(m.Publish.Message)))
		copy(body[8:], m.Publish.Channel)
		copy(body[8+len(m.Publish.Channel):], m.Publish.Message)
	case t == TypeFailoverAuthRequest || t == TypeFailoverAuthAck || t == TypeMFStart:
	case t == TypeUpdate:
		be.PutUint64(body[0:], m.Update.ConfigEpoch)
		copy(body[8:], m.Update.Node[:])
		copy(body[8+NameLen:], m.Update.Slots[:])
	case t == TypeModule:
		binary.LittleEndian.PutUint64(body[0:], m.Module.ID)
		be.PutUint32(body[8:], uint32(len(m.Module.Payload)))
		body[12] = m.Module.Type
		copy(body[13:], m.Module.Payload)
	default:
		copy(body, m.Raw)
	}
	return dst
}

// putGossip writes one gossip entry into b[:GossipLen].
func putGossip(b []byte, g *Gossip) {
	copy(b[0:], g.Node[:])
	be.PutUint32(b[40:], g.PingSent)
	be.PutUint32(b[44:], g.PongReceived)
	copy(b[48:], g.IP[:])
	be.PutUint16(b[94:], g.Port)
	be.PutUint16(b[96:], g.CPort)
	be.PutUint16(b[98:], g.Flags)
	be.PutUint16(b[100:], g.PPort)
	be.PutUint16(b[102:], g.NotUsed1)
}
