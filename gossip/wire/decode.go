package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Decode errors. Every error Decode, ReadFrame and ReadMessage return for bad bytes wraps
// exactly one of these, so a caller can react the way Redis 7.0 does.
var (
	// ErrFrame: the 8-byte prefix is wrong (signature not "RCmb", totlen below HeaderLen or
	// above the reader's limit) or the buffer does not hold exactly totlen bytes. Redis logs
	// "Bad message length or signature received from Cluster bus." and closes the link: the
	// stream cannot be trusted to be aligned on a message any more.
	ErrFrame = errors.New("wire: bad frame")
	// ErrVersion: ver is not 1. Redis drops the message and keeps the link.
	ErrVersion = errors.New("wire: unsupported cluster bus protocol version")
	// ErrLength: totlen does not match what the type says (gossip count, extension lengths,
	// channel/message lengths, module payload length, fixed size). Redis logs "Received
	// invalid <type> packet ..." and drops the message, keeping the link.
	ErrLength = errors.New("wire: bad message length")
)

// Decode parses one whole message: b must hold exactly totlen bytes. It applies Redis 7.0's
// checks (clusterReadHandler's prefix check, then clusterProcessPacket's version and
// per-type length checks) and returns an error wrapping ErrFrame, ErrVersion or ErrLength
// for anything Redis would drop. It never panics. The returned Message's byte slices (Exts
// data, Publish, Module payload, Raw) point into b.
func Decode(b []byte) (*Message, error) {
	m := new(Message)
	if err := DecodeInto(m, b); err != nil {
		return nil, err
	}
	return m, nil
}

// DecodeInto is Decode into an existing Message, reusing its Gossip and Exts arrays. On
// error m is left in an unspecified state.
func DecodeInto(m *Message, b []byte) error {
	totlen, err := checkPrefix(b)
	if err != nil {
		return err
	}
	if uint64(len(b)) != uint64(totlen) {
		return fmt.Errorf("%w: totlen is %d but the buffer holds %d bytes", ErrFrame, totlen, len(b))
	}
	// clusterProcessPacket also drops totlen < 16; the prefix check already required 2256.
	if v := be.Uint16(b[offVer:]); v != ProtoVer {
		return fmt.Errorf("%w: ver %d, want %d", ErrVersion, v, ProtoVer)
	}

	gossip, exts := m.Gossip[:0], m.Exts[:0]
	*m = Message{Gossip: gossip, Exts: exts}
	h := &m.Header
	h.Port = be.Uint16(b[offPort:])
	h.Type = Type(be.Uint16(b[offType:]))
	h.Count = be.Uint16(b[offCount:])
	h.CurrentEpoch = be.Uint64(b[offCurrentEpoch:])
	h.ConfigEpoch = be.Uint64(b[offConfigEpoch:])
	h.Offset = be.Uint64(b[offOffset:])
	copy(h.Sender[:], b[offSender:])
	copy(h.MySlots[:], b[offMySlots:])
	copy(h.SlaveOf[:], b[offSlaveOf:])
	copy(h.MyIP[:], b[offMyIP:])
	h.Extensions = be.Uint16(b[offExtensions:])
	copy(h.NotUsed1[:], b[offNotUsed1:])
	h.PPort = be.Uint16(b[offPPort:])
	h.CPort = be.Uint16(b[offCPort:])
	h.Flags = be.Uint16(b[offFlags:])
	h.State = b[offState]
	copy(h.MFlags[:], b[offMFlags:])

	n := uint64(totlen)
	body := b[HeaderLen:]
	switch t := h.Type; {
	case t.hasGossip():
		return decodePing(m, b, n)
	case t == TypeFail:
		if n != FailLen {
			return lengthErr(t, n, FailLen, "")
		}
		copy(m.Fail[:], body)
	case t == TypePublish || t == TypePublishShard:
		// Stricter than Redis: it reads the two lengths even when totlen leaves no room
		// for them (the bytes come from its receive buffer, so the message is then dropped
		// anyway), and sums them in uint32, so lengths that wrap around can match totlen
		// and make it copy far past the message. The sum here is 64-bit.
		if n < publishMin {
			return lengthErr(t, n, publishMin, "at least")
		}
		cl, ml := uint64(be.Uint32(body[0:])), uint64(be.Uint32(body[4:]))
		if want := publishMin + cl + ml; n != want {
			return lengthErr(t, n, want, fmt.Sprintf(" (channel_len %d, message_len %d)", cl, ml))
		}
		m.Publish.Channel = body[8 : 8+cl : 8+cl]
		m.Publish.Message = body[8+cl : 8+cl+ml : 8+cl+ml]
	case t == TypeFailoverAuthRequest || t == TypeFailoverAuthAck || t == TypeMFStart:
		if n != HeaderLen {
			return lengthErr(t, n, HeaderLen, "")
		}
	case t == TypeUpdate:
		if n != UpdateLen {
			return lengthErr(t, n, UpdateLen, "")
		}
		m.Update.ConfigEpoch = be.Uint64(body[0:])
		copy(m.Update.Node[:], body[8:])
		copy(m.Update.Slots[:], body[8+NameLen:])
	case t == TypeModule:
		// Stricter than Redis in the same two ways as PUBLISH (room for the fields, 64-bit sum).
		if n < moduleMin {
			return lengthErr(t, n, moduleMin, "at least")
		}
		pl := uint64(be.Uint32(body[8:]))
		if want := moduleMin + pl; n != want {
			return lengthErr(t, n, want, fmt.Sprintf(" (len %d)", pl))
		}
		m.Module.ID = binary.LittleEndian.Uint64(body[0:])
		m.Module.Type = body[12]
		m.Module.Payload = body[13 : 13+pl : 13+pl]
	default:
		// Unknown to 7.0: it takes totlen as the expected length, logs "Received unknown
		// packet type" and ignores the message. Kept verbatim so it can be logged or relayed.
		m.Raw = body[:len(body):len(body)]
	}
	return nil
}

// decodePing parses the gossip section and ping extensions of a PING, PONG or MEET.
func decodePing(m *Message, b []byte, totlen uint64) error {
	h := &m.Header
	t := h.Type
	explen := uint64(HeaderLen) + uint64(GossipLen)*uint64(h.Count)
	// Stricter than Redis: it walks the extensions even when the gossip count already
	// points past totlen (its "totlen - explen" then wraps around and the walk reads past
	// the message); the message fails its final length check either way.
	if explen > totlen {
		return lengthErr(t, totlen, explen, fmt.Sprintf(" (%d gossip entries)", h.Count))
	}
	extStart := explen
	if h.MFlags[0]&MFlagExtData != 0 {
		for i := 0; i < int(h.Extensions); i++ {
			// Stricter than Redis: it reads the extension header without checking that
			// its 8 bytes are inside the message.
			if totlen-explen < ExtHdrLen {
				return fmt.Errorf("%w: invalid %s packet: extension %d of %d starts at %d, no room for its header in %d bytes",
					ErrLength, t, i+1, h.Extensions, explen, totlen)
			}
			extlen := uint64(be.Uint32(b[explen:]))
			if extlen%8 != 0 {
				return fmt.Errorf("%w: received a %s packet without proper padding (%d bytes)", ErrLength, t, extlen)
			}
			// Stricter than Redis: a zero length passes its checks (and makes it read the
			// same extension again, at the end of the message); and it keeps only the low
			// 16 bits of the length for the check but the full 32 bits to find the next
			// extension, so a length over 65535 is never validated correctly. No 7.0 node
			// sends either: its only extension, the hostname, is at most 8+256 bytes.
			if extlen < ExtHdrLen || extlen > MaxExtLen {
				return fmt.Errorf("%w: invalid %s packet: extension %d of %d has length %d, want %d..%d",
					ErrLength, t, i+1, h.Extensions, extlen, ExtHdrLen, MaxExtLen)
			}
			if totlen-explen < extlen {
				return fmt.Errorf("%w: received invalid %s packet with extension data that exceeds total packet length (%d)",
					ErrLength, t, totlen)
			}
			explen += extlen
		}
	} else if h.Extensions != 0 {
		// Stricter than Redis: without the EXT_DATA flag it validates nothing, yet
		// clusterProcessPingExtensions still walks `extensions` entries past the gossip
		// section — outside the message. Redis itself sets the flag whenever it sends one.
		return fmt.Errorf("%w: invalid %s packet: %d extensions but no EXT_DATA flag", ErrLength, t, h.Extensions)
	}
	if totlen != explen {
		return lengthErr(t, totlen, explen, fmt.Sprintf(" (%d gossip entries, %d extensions)", h.Count, h.Extensions))
	}

	for i := 0; i < int(h.Count); i++ {
		m.Gossip = append(m.Gossip, readGossip(b[HeaderLen+i*GossipLen:]))
	}
	if h.MFlags[0]&MFlagExtData != 0 {
		p := extStart
		for i := 0; i < int(h.Extensions); i++ {
			l := uint64(be.Uint32(b[p:]))
			m.Exts = append(m.Exts, Ext{
				Type:   ExtType(be.Uint16(b[p+4:])),
				Unused: be.Uint16(b[p+6:]),
				Data:   b[p+ExtHdrLen : p+l : p+l],
			})
			p += l
		}
	}
	return nil
}

// readGossip reads one gossip entry from b[:GossipLen].
func readGossip(b []byte) Gossip {
	var g Gossip
	copy(g.Node[:], b[0:])
	g.PingSent = be.Uint32(b[40:])
	g.PongReceived = be.Uint32(b[44:])
	copy(g.IP[:], b[48:])
	g.Port = be.Uint16(b[94:])
	g.CPort = be.Uint16(b[96:])
	g.Flags = be.Uint16(b[98:])
	g.PPort = be.Uint16(b[100:])
	g.NotUsed1 = be.Uint16(b[102:])
	return g
}

// lengthErr is Redis's "Received invalid %s packet of length %lld but expected length %lld".
// detail, if not empty, says where want comes from; detail "at least" means want is a minimum.
func lengthErr(t Type, got, want uint64, detail string) error {
	if detail == "at least" {
		return fmt.Errorf("%w: received invalid %s packet (type %d) of length %d but expected at least %d",
			ErrLength, t, uint16(t), got, want)
	}
	return fmt.Errorf("%w: received invalid %s packet (type %d) of length %d but expected length %d%s",
		ErrLength, t, uint16(t), got, want, detail)
}

// checkPrefix applies clusterReadHandler's check of the first 8 bytes and returns totlen.
func checkPrefix(b []byte) (uint32, error) {
	if len(b) < prefixLen {
		return 0, fmt.Errorf("%w: %d bytes, a message starts with 8 (signature and totlen)", ErrFrame, len(b))
	}
	if string(b[offSig:offSig+4]) != Signature {
		return 0, fmt.Errorf("%w: signature %q, want %q", ErrFrame, b[offSig:offSig+4], Signature)
	}
	totlen := be.Uint32(b[offTotlen:])
	if totlen < HeaderLen {
		return 0, fmt.Errorf("%w: totlen %d is below the minimum %d", ErrFrame, totlen, HeaderLen)
	}
	return totlen, nil
}
