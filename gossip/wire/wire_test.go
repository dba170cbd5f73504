package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/slots"
)

// The vectors below are built byte by byte at the offsets the reference document
// (/work/shared/reference/redis7-cluster-protocol.md §1.2-1.4, from cluster.h's
// static_asserts) gives, written as literal numbers on purpose: they do not use the
// package's own offset constants, so a wrong constant cannot hide behind itself.

func p16(b []byte, off int, v uint16) { binary.BigEndian.PutUint16(b[off:], v) }
func p32(b []byte, off int, v uint32) { binary.BigEndian.PutUint32(b[off:], v) }
func p64(b []byte, off int, v uint64) { binary.BigEndian.PutUint64(b[off:], v) }

var (
	nameA = mustName("0123456789abcdef0123456789abcdef01234567")
	nameB = mustName("fedcba9876543210fedcba9876543210fedcba98")
	nameC = mustName("c0ffee0000c0ffee0000c0ffee0000c0ffee0000")
)

func mustName(s string) Name {
	n, ok := ParseName(s)
	if !ok {
		panic("bad test name " + s)
	}
	return n
}

// vecHeader returns a totlen-byte buffer holding the sample header below, with type, count,
// extensions and mflags[0] as given.
func vecHeader(totlen int, typ, count, extensions uint16, mflags0 byte) []byte {
	b := make([]byte, totlen)
	copy(b[0:], "RCmb")
	p32(b, 4, uint32(totlen))
	p16(b, 8, 1)     // ver
	p16(b, 10, 7001) // port
	p16(b, 12, typ)
	p16(b, 14, count)
	p64(b, 16, 0x0102030405060708)  // currentEpoch
	p64(b, 24, 42)                  // configEpoch
	p64(b, 32, 0xdeadbeef)          // offset
	copy(b[40:], nameA[:])          // sender
	b[80+0] = 0x01                  // myslots: slot 0
	b[80+5460/8] |= 1 << (5460 % 8) // slot 5460
	b[80+2047] = 0x80               // slot 16383
	copy(b[2128:], nameB[:])        // slaveof
	copy(b[2168:], "192.168.10.20") // myip
	p16(b, 2214, extensions)
	p16(b, 2246, 7101)  // pport
	p16(b, 2248, 17001) // cport
	p16(b, 2250, 18)    // flags: MYSELF|SLAVE
	b[2252] = 1         // state FAIL
	b[2253] = mflags0
	return b
}

func sampleHeader(typ Type, count, extensions uint16, mflags0 byte) Header {
	h := Header{
		Port: 7001, Type: typ, Count: count,
		CurrentEpoch: 0x0102030405060708, ConfigEpoch: 42, Offset: 0xdeadbeef,
		Sender: nameA, SlaveOf: nameB, MyIP: MakeIP("192.168.10.20"),
		Extensions: extensions, PPort: 7101, CPort: 17001, Flags: NodeMyself | NodeSlave,
		State: StateFail, MFlags: [3]byte{mflags0},
	}
	h.MySlots.Set(0)
	h.MySlots.Set(5460)
	h.MySlots.Set(16383)
	return h
}

// vecGossip writes a gossip entry at off (layout §1.3).
func vecGossip(b []byte, off int, name Name, pingSent, pongRecv uint32, ip string, port, cport, flags, pport uint16) {
	copy(b[off:], name[:])
	p32(b, off+40, pingSent)
	p32(b, off+44, pongRecv)
	copy(b[off+48:], ip)
	p16(b, off+94, port)
	p16(b, off+96, cport)
	p16(b, off+98, flags)
	p16(b, off+100, pport)
	// off+102: notused, zero
}

type vector struct {
	name string
	b    []byte
	m    *Message
}

func vectors() []vector {
	var vs []vector

	// PING: two gossip entries and a hostname extension ("n1-host" -> length 16, VERIFIED
	// against redis 7.0.15 in the reference document).
	{
		b := vecHeader(2256+2*104+16, 0, 2, 1, 4)
		vecGossip(b, 2256, nameB, 1700000000, 1700000001, "10.0.0.2", 7002, 17002, 1, 0)
		vecGossip(b, 2256+104, nameC, 0, 1700000005, "::1", 7003, 17003, 2|4, 7103)
		p32(b, 2464, 16) // ext length
		p16(b, 2468, 0)  // ext type hostname
		copy(b[2472:], "n1-host")
		m := &Message{Header: sampleHeader(TypePing, 2, 1, MFlagExtData)}
		m.Gossip = []Gossip{
			{Node: nameB, PingSent: 1700000000, PongReceived: 1700000001, IP: MakeIP("10.0.0.2"), Port: 7002, CPort: 17002, Flags: NodeMaster},
			{Node: nameC, PongReceived: 1700000005, IP: MakeIP("::1"), Port: 7003, CPort: 17003, Flags: NodeSlave | NodePFail, PPort: 7103},
		}
		m.Exts = []Ext{{Type: ExtHostname, Data: []byte("n1-host\x00")}}
		vs = append(vs, vector{"ping gossip+hostname", b, m})
	}
	// PONG without gossip or extensions: exactly the header.
	vs = append(vs, vector{"pong empty", vecHeader(2256, 1, 0, 0, 0),
		&Message{Header: sampleHeader(TypePong, 0, 0, 0)}})
	// MEET with one gossip entry, a 7.2 forgotten-node extension kept raw, and a hostname
	// whose NUL falls on a padding boundary ("12345678" -> 8+16).
	{
		b := vecHeader(2256+104+56+24, 2, 1, 2, 4|1)
		vecGossip(b, 2256, nameC, 5, 6, "127.0.0.1", 30001, 40001, 1|256, 0)
		p32(b, 2360, 56)
		p16(b, 2364, 2)
		copy(b[2368:], nameB[:])
		p64(b, 2408, 60)
		p32(b, 2416, 24)
		p16(b, 2420, 0)
		copy(b[2424:], "12345678")
		fn := make([]byte, 48)
		copy(fn, nameB[:])
		binary.BigEndian.PutUint64(fn[40:], 60)
		m := &Message{Header: sampleHeader(TypeMeet, 1, 2, MFlagExtData|MFlagPaused)}
		m.Gossip = []Gossip{{Node: nameC, PingSent: 5, PongReceived: 6, IP: MakeIP("127.0.0.1"), Port: 30001, CPort: 40001, Flags: NodeMaster | NodeMigrateTo}}
		m.Exts = []Ext{{Type: ExtForgottenNode, Data: fn}, {Type: ExtHostname, Data: []byte("12345678\x00\x00\x00\x00\x00\x00\x00\x00")}}
		vs = append(vs, vector{"meet gossip+2 exts", b, m})
	}
	// FAIL: 2296 bytes, the failing node's name at 2256.
	{
		b := vecHeader(2296, 3, 0, 0, 0)
		copy(b[2256:], nameC[:])
		m := &Message{Header: sampleHeader(TypeFail, 0, 0, 0), Fail: nameC}
		vs = append(vs, vector{"fail", b, m})
	}
	// PUBLISH: lengths at 2256/2260, then channel, then message.
	{
		b := vecHeader(2256+8+4+11, 4, 0, 0, 0)
		p32(b, 2256, 4)
		p32(b, 2260, 11)
		copy(b[2264:], "newshello world")
		m := &Message{Header: sampleHeader(TypePublish, 0, 0, 0),
			Publish: Publish{Channel: []byte("news"), Message: []byte("hello world")}}
		vs = append(vs, vector{"publish", b, m})
	}
	// PUBLISHSHARD with a binary channel and an empty message.
	{
		b := vecHeader(2256+8+3, 10, 0, 0, 0)
		p32(b, 2256, 3)
		p32(b, 2260, 0)
		copy(b[2264:], "\x00\xff{")
		m := &Message{Header: sampleHeader(TypePublishShard, 0, 0, 0),
			Publish: Publish{Channel: []byte("\x00\xff{"), Message: []byte{}}}
		vs = append(vs, vector{"publishshard", b, m})
	}
	// FAILOVER_AUTH_REQUEST of a manual failover (FORCEACK), AUTH_ACK, MFSTART: header only.
	vs = append(vs, vector{"auth-req forceack", vecHeader(2256, 5, 0, 0, 2),
		&Message{Header: sampleHeader(TypeFailoverAuthRequest, 0, 0, MFlagForceAck)}})
	vs = append(vs, vector{"auth-ack", vecHeader(2256, 6, 0, 0, 0),
		&Message{Header: sampleHeader(TypeFailoverAuthAck, 0, 0, 0)}})
	vs = append(vs, vector{"mfstart", vecHeader(2256, 8, 0, 0, 0),
		&Message{Header: sampleHeader(TypeMFStart, 0, 0, 0)}})
	// UPDATE: 4352 bytes; configEpoch at 2256, name at 2264, slots at 2304.
	{
		b := vecHeader(4352, 7, 0, 0, 0)
		p64(b, 2256, 77)
		copy(b[2264:], nameC[:])
		b[2304+100/8] |= 1 << (100 % 8)
		b[2304+2047] |= 0x80
		m := &Message{Header: sampleHeader(TypeUpdate, 0, 0, 0)}
		m.Update = Update{ConfigEpoch: 77, Node: nameC}
		m.Update.Slots.Set(100)
		m.Update.Slots.Set(16383)
		vs = append(vs, vector{"update", b, m})
	}
	// MODULE: module_id raw (little-endian) at 2256, len at 2264, type at 2268, payload 2269.
	{
		b := vecHeader(2269+5, 9, 0, 0, 0)
		binary.LittleEndian.PutUint64(b[2256:], 0x1122334455667788)
		p32(b, 2264, 5)
		b[2268] = 200
		copy(b[2269:], "abcde")
		m := &Message{Header: sampleHeader(TypeModule, 0, 0, 0),
			Module: Module{ID: 0x1122334455667788, Type: 200, Payload: []byte("abcde")}}
		vs = append(vs, vector{"module", b, m})
	}
	// An unknown type (11): 7.0 accepts any length and ignores it; kept raw. Count,
	// extensions and the flags of a non-gossip type are free bytes and kept verbatim.
	{
		b := vecHeader(2256+3, 11, 9, 3, 4)
		copy(b[2256:], "xyz")
		copy(b[2216:], "reserved")
		b[2254], b[2255] = 0xaa, 0xbb
		m := &Message{Header: sampleHeader(Type(11), 9, 3, MFlagExtData), Raw: []byte("xyz")}
		copy(m.NotUsed1[:], "reserved")
		m.MFlags[1], m.MFlags[2] = 0xaa, 0xbb
		vs = append(vs, vector{"unknown type", b, m})
	}
	return vs
}

func TestVectors(t *testing.T) {
	for _, v := range vectors() {
		t.Run(v.name, func(t *testing.T) {
			got, err := Decode(v.b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, v.m) {
				t.Fatalf("Decode:\n got %+v\nwant %+v", got, v.m)
			}
			if enc := Encode(v.m); !bytes.Equal(enc, v.b) {
				t.Fatalf("Encode differs from the vector at byte %d (len %d vs %d)", firstDiff(enc, v.b), len(enc), len(v.b))
			}
			if n, err := EncodedLen(v.m); err != nil || n != len(v.b) {
				t.Fatalf("EncodedLen = %d, %v; want %d", n, err, len(v.b))
			}
			// AppendMessage appends after what is there.
			if app := AppendMessage([]byte("prefix"), v.m); string(app[:6]) != "prefix" || !bytes.Equal(app[6:], v.b) {
				t.Fatal("AppendMessage did not append the same bytes")
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestHeaderOffsets sets one header field at a time to a distinctive value and checks which
// bytes of the encoding changed, against the table in the reference document.
func TestHeaderOffsets(t *testing.T) {
	base := Encode(&Message{Header: Header{Type: TypeFailoverAuthAck}})
	cases := []struct {
		field    string
		set      func(h *Header)
		off, len int
	}{
		{"port", func(h *Header) { h.Port = 0xffff }, 10, 2},
		{"count", func(h *Header) { h.Count = 0xffff }, 14, 2},
		{"currentEpoch", func(h *Header) { h.CurrentEpoch = ^uint64(0) }, 16, 8},
		{"configEpoch", func(h *Header) { h.ConfigEpoch = ^uint64(0) }, 24, 8},
		{"offset", func(h *Header) { h.Offset = ^uint64(0) }, 32, 8},
		{"sender", func(h *Header) { h.Sender = Name(bytes.Repeat([]byte{0xff}, 40)) }, 40, 40},
		{"myslots", func(h *Header) { h.MySlots = slots.Bitmap(bytes.Repeat([]byte{0xff}, 2048)) }, 80, 2048},
		{"slaveof", func(h *Header) { h.SlaveOf = Name(bytes.Repeat([]byte{0xff}, 40)) }, 2128, 40},
		{"myip", func(h *Header) { h.MyIP = IP(bytes.Repeat([]byte{0xff}, 46)) }, 2168, 46},
		{"extensions", func(h *Header) { h.Extensions = 0xffff }, 2214, 2},
		{"notused1", func(h *Header) { h.NotUsed1 = [30]byte(bytes.Repeat([]byte{0xff}, 30)) }, 2216, 30},
		{"pport", func(h *Header) { h.PPort = 0xffff }, 2246, 2},
		{"cport", func(h *Header) { h.CPort = 0xffff }, 2248, 2},
		{"flags", func(h *Header) { h.Flags = 0xffff }, 2250, 2},
		{"state", func(h *Header) { h.State = 0xff }, 2252, 1},
		{"mflags", func(h *Header) { h.MFlags = [3]byte{0xff, 0xff, 0xff} }, 2253, 3},
	}
	for _, c := range cases {
		m := &Message{Header: Header{Type: TypeFailoverAuthAck}}
		c.set(&m.Header)
		b := Encode(m)
		for i := range b {
			changed := b[i] != base[i]
			if in := i >= c.off && i < c.off+c.len; changed != in {
				t.Errorf("%s: byte %d changed=%v, want the field at %d..%d", c.field, i, changed, c.off, c.off+c.len-1)
				break
			}
		}
	}
	// The fixed prefix and the type.
	if string(base[0:4]) != "RCmb" || binary.BigEndian.Uint32(base[4:]) != 2256 ||
		binary.BigEndian.Uint16(base[8:]) != 1 || binary.BigEndian.Uint16(base[12:]) != 6 {
		t.Fatalf("prefix % x", base[:14])
	}
}

// TestSlotBitOrder: slot s is bit s%8 of byte s/8, LSB first (reference §1.1).
func TestSlotBitOrder(t *testing.T) {
	m := &Message{Header: Header{Type: TypeUpdate}}
	m.MySlots.Set(9)      // byte 1, mask 0x02
	m.Update.Slots.Set(7) // byte 0, mask 0x80
	b := Encode(m)
	if b[80+1] != 0x02 || b[2304] != 0x80 {
		t.Fatalf("myslots byte 1 = %#x, update slots byte 0 = %#x", b[81], b[2304])
	}
}

func TestLengths(t *testing.T) {
	if FailLen != 2296 || UpdateLen != 4352 || MaxFixed != UpdateLen || publishMin != 2264 || moduleMin != 2269 {
		t.Fatal("length constants disagree with the reference")
	}
	for _, c := range []struct {
		host string
		ext  int
	}{{"", 16}, {"a", 16}, {"n1-host", 16}, {"12345678", 24}, {strings.Repeat("h", 255), 8 + 256}} {
		e := HostnameExt(c.host)
		if got := extLen(len(e.Data)); got != c.ext || e.Hostname() != c.host {
			t.Errorf("HostnameExt(%q): length %d, hostname %q; want %d", c.host, got, e.Hostname(), c.ext)
		}
	}
}

func TestEncodeDerivesCountsAndExtData(t *testing.T) {
	m := &Message{Header: Header{Type: TypePong, Count: 99, Extensions: 99}}
	m.Gossip = make([]Gossip, 3)
	m.Exts = []Ext{HostnameExt("x"), {Type: 7, Data: []byte("abc")}} // "abc" gets padded
	b := Encode(m)
	if n := binary.BigEndian.Uint16(b[14:]); n != 3 {
		t.Errorf("count %d", n)
	}
	if n := binary.BigEndian.Uint16(b[2214:]); n != 2 {
		t.Errorf("extensions %d", n)
	}
	if b[2253] != MFlagExtData {
		t.Errorf("mflags[0] %#x", b[2253])
	}
	if len(b) != 2256+3*104+16+16 {
		t.Errorf("len %d", len(b))
	}
	d, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if h, ok := d.Hostname(); !ok || h != "x" || string(d.Exts[1].Data) != "abc\x00\x00\x00\x00\x00" {
		t.Fatalf("decoded %q %v %q", h, ok, d.Exts[1].Data)
	}
	// The flag is never cleared, and without extensions nothing sets it.
	m = &Message{Header: Header{Type: TypePing, MFlags: [3]byte{MFlagExtData | MFlagPaused}}}
	if b := Encode(m); b[2253] != MFlagExtData|MFlagPaused || binary.BigEndian.Uint16(b[2214:]) != 0 {
		t.Fatal("EXT_DATA flag not kept")
	}
	if b := Encode(&Message{Header: Header{Type: TypePing}}); b[2253] != 0 {
		t.Fatal("EXT_DATA set without extensions")
	}
	// A message without a hostname extension announces no hostname.
	if _, ok := (&Message{}).Hostname(); ok {
		t.Fatal("hostname without extension")
	}
}

func TestEncodeRefuses(t *testing.T) {
	for name, m := range map[string]*Message{
		"gossip": {Header: Header{Type: TypePing}, Gossip: make([]Gossip, 65536)},
		"exts":   {Header: Header{Type: TypeMeet}, Exts: make([]Ext, 65536)},
		"extlen": {Header: Header{Type: TypePong}, Exts: []Ext{{Data: make([]byte, 65528)}}},
	} {
		if _, err := EncodedLen(m); err == nil {
			t.Errorf("%s: EncodedLen accepted", name)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: AppendMessage did not panic", name)
				}
			}()
			Encode(m)
		}()
	}
	// The largest extension that fits is accepted: 8 + 65520 = 65528 <= 65535.
	if _, err := EncodedLen(&Message{Header: Header{Type: TypePong}, Exts: []Ext{{Data: make([]byte, 65520)}}}); err != nil {
		t.Fatal(err)
	}
}

func TestNameAndIP(t *testing.T) {
	for s, ok := range map[string]bool{
		"0123456789abcdef0123456789abcdef01234567":  true,
		"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz":  true, // verifyClusterNodeId allows [a-z0-9]
		"0123456789ABCDEF0123456789abcdef01234567":  false,
		"0123456789abcdef0123456789abcdef0123456":   false,
		"0123456789abcdef0123456789abcdef012345678": false,
	} {
		if _, got := ParseName(s); got != ok {
			t.Errorf("ParseName(%q) ok = %v", s, got)
		}
	}
	if !(Name{}).IsZero() || nameA.IsZero() || nameA.String() != "0123456789abcdef0123456789abcdef01234567" {
		t.Fatal("Name helpers")
	}
	long := strings.Repeat("f", 60)
	ip := MakeIP(long)
	if ip.String() != long[:45] || ip[45] != 0 {
		t.Fatalf("MakeIP truncation: %q", ip.String())
	}
	var full IP
	copy(full[:], strings.Repeat("9", 46))
	if full.String() != strings.Repeat("9", 45) {
		t.Fatal("unterminated IP not cut at 45")
	}
	if !MakeIP("").IsZero() || MakeIP("::1").IsZero() || MakeIP("::1").String() != "::1" {
		t.Fatal("IP helpers")
	}
	if TypePublishShard.String() != "publishshard" || TypeFailoverAuthRequest.String() != "auth-req" || Type(11).String() != "unknown" {
		t.Fatal("type names")
	}
}

// TestDecodeErrors mutates valid vectors into every kind of message Redis drops.
func TestDecodeErrors(t *testing.T) {
	withLen := func(b []byte, n int) []byte { // resize and fix totlen
		c := make([]byte, n)
		copy(c, b)
		p32(c, 4, uint32(n))
		return c
	}
	ping := vec("ping gossip+hostname") // 2 gossip entries + hostname ext, 2480 bytes
	pub := vec("publish")
	mod := vec("module")
	cases := []struct {
		name string
		b    []byte
		err  error
		text string
	}{
		{"empty", nil, ErrFrame, "0 bytes"},
		{"7 bytes", []byte("RCmb\x00\x00\x08"), ErrFrame, "7 bytes"},
		{"signature", append([]byte("RCmB"), ping[4:]...), ErrFrame, "signature"},
		{"totlen < 2256", withLen(ping, 2255), ErrFrame, "below the minimum"},
		{"totlen > buffer", ping[:len(ping)-1], ErrFrame, "buffer holds"},
		{"totlen < buffer", append(append([]byte{}, ping...), 0), ErrFrame, "buffer holds"},
		{"version 0", func() []byte { b := clone(ping); p16(b, 8, 0); return b }(), ErrVersion, "ver 0"},
		{"version 2", func() []byte { b := clone(ping); p16(b, 8, 2); return b }(), ErrVersion, "ver 2"},
		{"ping count too big", func() []byte { b := clone(ping); p16(b, 14, 3); return b }(), ErrLength, "(3 gossip entries)"},
		{"ping count huge", func() []byte { b := clone(ping); p16(b, 14, 65535); return b }(), ErrLength, "65535 gossip entries"},
		{"ping count too small", func() []byte { b := clone(ping); p16(b, 14, 1); return b }(), ErrLength, "packet without proper padding"},
		{"ping trailing bytes", withLen(ping, len(ping)+8), ErrLength, "expected length 2480"},
		{"ext padding", func() []byte { b := clone(ping); p32(b, 2464, 12); return b }(), ErrLength, "without proper padding (12 bytes)"},
		{"ext too long", func() []byte { b := clone(ping); p32(b, 2464, 24); return b }(), ErrLength, "exceeds total packet length"},
		{"ext zero length", func() []byte { b := clone(ping); p32(b, 2464, 0); return b }(), ErrLength, "has length 0"},
		{"ext 16-bit wrap", func() []byte { b := clone(ping); p32(b, 2464, 65536+16); return b }(), ErrLength, "has length 65552"},
		{"ext count too big", func() []byte { b := clone(ping); p16(b, 2214, 2); return b }(), ErrLength, "no room for its header"},
		{"ext count too small", func() []byte { b := clone(ping); p16(b, 2214, 0); return b }(), ErrLength, "expected length 2464"},
		{"ext without flag", func() []byte { b := clone(ping); b[2253] = 0; return b }(), ErrLength, "no EXT_DATA flag"},
		{"fail short", withLen(vec("fail"), 2295), ErrLength, "expected length 2296"},
		{"fail long", withLen(vec("fail"), 2297), ErrLength, "expected length 2296"},
		{"publish no lengths", withLen(pub, 2263), ErrLength, "expected at least 2264"},
		{"publish lengths", func() []byte { b := clone(pub); p32(b, 2260, 12); return b }(), ErrLength, "message_len 12"},
		// channel_len + message_len + 2264 wraps to totlen in Redis's uint32 arithmetic.
		{"publish uint32 wrap", func() []byte {
			b := clone(pub)
			p32(b, 2256, 0xffffffff)
			p32(b, 2260, 4+11+1)
			return b
		}(), ErrLength, "channel_len 4294967295"},
		{"auth-req long", withLen(vec("auth-req forceack"), 2264), ErrLength, "auth-req packet (type 5) of length 2264"},
		{"auth-ack long", withLen(vec("auth-ack"), 2257), ErrLength, "auth-ack"},
		{"mfstart long", withLen(vec("mfstart"), 4352), ErrLength, "mfstart"},
		{"update short", withLen(vec("update"), 4351), ErrLength, "expected length 4352"},
		{"module no fields", withLen(mod, 2268), ErrLength, "expected at least 2269"},
		{"module len", func() []byte { b := clone(mod); p32(b, 2264, 6); return b }(), ErrLength, "len 6"},
		// 2269 + 0xffffffff wraps to 2268 in Redis's uint32 arithmetic: it would accept this
		// and hand a 4 GiB payload to the module receivers.
		{"module uint32 wrap", func() []byte { b := withLen(mod, 2268); p32(b, 2264, 0xffffffff); return b }(), ErrLength, "expected at least 2269"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Decode(c.b)
			if err == nil {
				t.Fatalf("accepted: %+v", m.Header)
			}
			if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("error %q, want %v containing %q", err, c.err, c.text)
			}
			if m != nil {
				t.Fatal("message returned with an error")
			}
		})
	}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// vec returns a fresh copy of the named vector's bytes.
func vec(name string) []byte {
	for _, v := range vectors() {
		if v.name == name {
			return v.b
		}
	}
	panic("no vector " + name)
}

// TestDecodeIntoReuses checks that a reused Message holds nothing of the previous one.
func TestDecodeIntoReuses(t *testing.T) {
	vs := vectors()
	var m Message
	for _, v := range append(vs, vs...) {
		if err := DecodeInto(&m, v.b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(Encode(&m), v.b) {
			t.Fatalf("%s: reused Message re-encodes differently", v.name)
		}
		want := *v.m
		got := m
		// A reused Message keeps its (empty) arrays where the fresh one has nil.
		if len(got.Gossip) == 0 {
			got.Gossip = nil
		}
		if len(got.Exts) == 0 {
			got.Exts = nil
		}
		if !reflect.DeepEqual(&got, &want) {
			t.Fatalf("%s: reused decode differs", v.name)
		}
	}
}
