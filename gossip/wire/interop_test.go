package wire

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
	"github.com/rcnode/rcnode/slots"
)

// The interop test joins a real redis-server 7.0 cluster node with fake nodes made of
// nothing but this codec and two loopback listeners, and checks every step on the real
// server's side (CLUSTER NODES, a Pub/Sub subscriber) as well as on ours:
//
//	MEET (ours) -> PONG (redis's, decoded and checked against CLUSTER MYID & co.)
//	redis dials our bus port, PINGs; we answer PONG -> CLUSTER NODES lists us, connected,
//	  with the hostname our ping extension announces
//	our PING gossips node X -> redis adds X at the gossiped address and dials X's bus port;
//	  X answers -> X connected; redis's own gossip about X and us decodes to those addresses
//	our PING claims slot 0 with an old configEpoch -> redis sends UPDATE about itself
//	our UPDATE gives us slot 100 -> CLUSTER NODES shows it, with our configEpoch
//	our PUBLISH -> a SUBSCRIBE client of redis gets the message
//	PUBLISH on redis -> its cluster PUBLISH reaches our bus link
//	our FAIL about ourselves -> redis flags us "fail"
//
// RCNODE_WIRE_CAPTURE=<dir> saves the frames redis sent (the testdata/redis-7.0.15 files).

const interopWait = 10 * time.Second

// fakeNode is what a fake cluster node announces about itself.
type fakeNode struct {
	mu          sync.Mutex
	name        Name
	port, cport uint16
	hostname    string
	slots       slots.Bitmap
	configEpoch uint64
}

func newFakeNode(t *testing.T, hostname string) (*fakeNode, net.Listener) {
	t.Helper()
	port := testutil.FreePort(t) // port+10000 is free too
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var id [20]byte
	rand.Read(id[:])
	n := &fakeNode{port: uint16(port), cport: uint16(port + 10000), hostname: hostname}
	copy(n.name[:], hex.EncodeToString(id[:]))
	return n, ln
}

// msg returns a message of type t with this node's header, as clusterBuildMessageHdr fills
// it, and its hostname extension on the gossip types.
func (n *fakeNode) msg(t Type) *Message {
	n.mu.Lock()
	defer n.mu.Unlock()
	m := &Message{Header: Header{
		Port: n.port, Type: t, Sender: n.name, MySlots: n.slots, ConfigEpoch: n.configEpoch,
		MyIP: MakeIP("127.0.0.1"), CPort: n.cport, Flags: NodeMaster | NodeMyself,
	}}
	if t.hasGossip() && n.hostname != "" {
		m.Exts = []Ext{HostnameExt(n.hostname)}
	}
	return m
}

type frame struct {
	raw []byte
	m   *Message
	err error
}

// busLink is one bus connection of a fake node. A goroutine reads it, answers every PING and
// MEET with the node's PONG (as clusterProcessPacket does), and hands every frame to wait.
type busLink struct {
	what string
	c    net.Conn
	node *fakeNode
	wmu  sync.Mutex
	got  chan frame
	done chan struct{}
	seen func(what string, raw []byte, m *Message)
}

func startLink(t *testing.T, what string, c net.Conn, node *fakeNode, seen func(string, []byte, *Message)) *busLink {
	l := &busLink{what: what, c: c, node: node, got: make(chan frame, 1024), done: make(chan struct{}), seen: seen}
	t.Cleanup(func() { close(l.done); c.Close() })
	go l.readLoop()
	return l
}

func (l *busLink) readLoop() {
	for {
		raw, err := ReadFrame(l.c, 1<<20)
		var m *Message
		if err == nil {
			m, err = Decode(raw)
		}
		if err == nil {
			l.seen(l.what, raw, m)
			if m.Type == TypePing || m.Type == TypeMeet {
				err = l.send(l.node.msg(TypePong))
			}
		}
		select {
		case l.got <- frame{raw, m, err}:
		case <-l.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (l *busLink) send(m *Message) error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := l.c.Write(Encode(m))
	return err
}

func (l *busLink) mustSend(t *testing.T, m *Message) {
	t.Helper()
	if err := l.send(m); err != nil {
		t.Fatalf("%s: sending %s: %v", l.what, m.Type, err)
	}
}

// wait reads frames until match returns true, failing on any read or decode error.
func (l *busLink) wait(t *testing.T, desc string, match func(*Message) bool) *Message {
	t.Helper()
	timeout := time.After(interopWait)
	for {
		select {
		case f := <-l.got:
			if f.err != nil {
				t.Fatalf("%s: waiting for %s: %v", l.what, desc, f.err)
			}
			if match(f.m) {
				return f.m
			}
		case <-timeout:
			t.Fatalf("%s: no %s within %v", l.what, desc, interopWait)
		}
	}
}

func isType(ty Type) func(*Message) bool { return func(m *Message) bool { return m.Type == ty } }

func accept(t *testing.T, ln net.Listener) net.Conn {
	t.Helper()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(interopWait))
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("redis did not connect to %s: %v", ln.Addr(), err)
	}
	return c
}

// poll calls check every 50 ms until it returns "" (done) or interopWait passes.
func poll(t *testing.T, desc string, check func() string) {
	t.Helper()
	deadline := time.Now().Add(interopWait)
	for {
		state := check()
		if state == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %v; last: %s", desc, interopWait, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// do runs a command on c and returns its reply as a string.
func do(t *testing.T, c *testutil.Client, args ...any) string {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("reply %#v, want a string", v)
	}
	return s
}

func TestInteropRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	p := testutil.StartRedis(t, "--cluster-enabled", "yes", "--cluster-announce-hostname", "redis-host")
	rc := p.Client(t)
	redisID, ok := ParseName(do(t, rc, "CLUSTER", "MYID"))
	if !ok {
		t.Fatalf("CLUSTER MYID is not a node name: %q", redisID)
	}
	// A config epoch and a slot, so that headers carry something to check and redis has
	// something newer than our claim to send an UPDATE about.
	do(t, rc, "CLUSTER", "SET-CONFIG-EPOCH", 5)
	do(t, rc, "CLUSTER", "ADDSLOTS", 0)

	var capMu sync.Mutex
	captured := map[string][]byte{}
	seen := func(what string, raw []byte, m *Message) {
		key := what + "-" + m.Type.String()
		if m.Type.hasGossip() && len(m.Gossip) > 0 {
			key += "-gossip"
		}
		capMu.Lock()
		if captured[key] == nil {
			captured[key] = raw
		}
		capMu.Unlock()
	}
	if dir := os.Getenv("RCNODE_WIRE_CAPTURE"); dir != "" {
		t.Cleanup(func() {
			capMu.Lock()
			defer capMu.Unlock()
			for k, b := range captured {
				if err := os.WriteFile(filepath.Join(dir, k+".bin"), b, 0o644); err != nil {
					t.Error(err)
				}
			}
		})
	}

	nodesLine := func(id Name) ([]string, string) {
		all := do(t, rc, "CLUSTER", "NODES")
		for _, line := range strings.Split(strings.TrimSpace(all), "\n") {
			if f := strings.Fields(line); len(f) >= 8 && f[0] == id.String() {
				return f, all
			}
		}
		return nil, all
	}

	// 1. MEET from us on a connection we open to redis's bus port; redis answers PONG on it.
	me, myLn := newFakeNode(t, "wire-peer")
	busAddr := "127.0.0.1:" + strconv.Itoa(p.Port+10000)
	oc, err := net.DialTimeout("tcp", busAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	out := startLink(t, "out", oc, me, seen)
	out.mustSend(t, me.msg(TypeMeet))
	pong := out.wait(t, "PONG to our MEET", isType(TypePong))
	checkRedisHeader(t, "PONG to MEET", pong, redisID, p.Port)
	if len(pong.Gossip) != 0 {
		t.Errorf("PONG to MEET gossips %d nodes; redis knows only itself and a handshake node", len(pong.Gossip))
	}

	// 2. Redis dials our bus port and PINGs; the link answers PONG with our real name.
	in := startLink(t, "in", accept(t, myLn), me, seen)
	ping := in.wait(t, "PING from redis", isType(TypePing))
	checkRedisHeader(t, "PING", ping, redisID, p.Port)

	myAddr := fmt.Sprintf("127.0.0.1:%d@%d,wire-peer", me.port, me.cport)
	poll(t, "redis lists us as a connected master with our hostname", func() string {
		out.mustSend(t, me.msg(TypePing)) // the hostname is taken from messages after the handshake
		f, all := nodesLine(me.name)
		if f == nil || f[1] != myAddr || f[2] != "master" || f[3] != "-" || f[7] != "connected" {
			return all
		}
		return ""
	})

	// 3. Gossip: our PING carries an entry about node X; redis adds X at that address and
	//    dials X's bus port, where X answers as itself.
	x, xLn := newFakeNode(t, "")
	out.mustSend(t, &Message{Header: me.msg(TypePing).Header, Exts: me.msg(TypePing).Exts, Gossip: []Gossip{{
		Node: x.name, PongReceived: uint32(time.Now().Unix()), IP: MakeIP("127.0.0.1"),
		Port: x.port, CPort: x.cport, Flags: NodeMaster,
	}}})
	xl := startLink(t, "x", accept(t, xLn), x, seen)
	xping := xl.wait(t, "PING to gossiped node", isType(TypePing))
	checkRedisHeader(t, "PING to X", xping, redisID, p.Port)
	xAddr := fmt.Sprintf("127.0.0.1:%d@%d", x.port, x.cport)
	poll(t, "redis lists gossiped node X, connected", func() string {
		f, all := nodesLine(x.name)
		if f == nil || f[1] != xAddr || f[2] != "master" || f[7] != "connected" {
			return all
		}
		return ""
	})
	// Redis's gossip about X and about us decodes to what it was told.
	var sawX, sawMe bool
	deadline := time.Now().Add(interopWait)
	for !(sawX && sawMe) && time.Now().Before(deadline) {
		out.mustSend(t, me.msg(TypePing))
		out.wait(t, "PONG", func(m *Message) bool {
			if m.Type != TypePong {
				return false
			}
			for _, g := range m.Gossip {
				want := Gossip{Node: g.Node, IP: MakeIP("127.0.0.1"), Flags: NodeMaster,
					PingSent: g.PingSent, PongReceived: g.PongReceived}
				switch g.Node {
				case x.name:
					want.Port, want.CPort, sawX = x.port, x.cport, true
				case me.name:
					want.Port, want.CPort, sawMe = me.port, me.cport, true
				default:
					t.Errorf("gossip about unknown node %s", g.Node)
				}
				if g != want {
					t.Errorf("gossip entry %+v, want %+v", g, want)
				}
				if now := uint32(time.Now().Unix()); g.PongReceived > now+1 || g.PongReceived+60 < now {
					t.Errorf("gossip pong_received %d is not in seconds near now (%d)", g.PongReceived, now)
				}
			}
			return true
		})
	}
	if !sawX || !sawMe {
		t.Errorf("redis's PONGs did not gossip about X (%v) and us (%v)", sawX, sawMe)
	}

	// 4. UPDATE from redis: claim its slot 0 with a configEpoch below its 5.
	stale := me.msg(TypePing)
	stale.ConfigEpoch = 1
	stale.MySlots.Set(0)
	out.mustSend(t, stale)
	upd := in.wait(t, "UPDATE from redis", isType(TypeUpdate))
	checkRedisHeader(t, "UPDATE", upd, redisID, p.Port)
	if upd.Update.Node != redisID || upd.Update.ConfigEpoch != 5 || upd.Update.Slots.String() != "0" {
		t.Errorf("UPDATE body: node %s configEpoch %d slots %q; want %s 5 \"0\"",
			upd.Update.Node, upd.Update.ConfigEpoch, upd.Update.Slots.String(), redisID)
	}

	// 5. UPDATE from us: slot 100 is ours at configEpoch 10.
	me.mu.Lock()
	me.configEpoch = 10
	me.slots.Set(100)
	me.mu.Unlock()
	ours := &Message{Header: me.msg(TypeUpdate).Header, Update: Update{ConfigEpoch: 10, Node: me.name}}
	ours.Update.Slots.Set(100)
	out.mustSend(t, ours)
	poll(t, "redis gives us slot 100 at configEpoch 10", func() string {
		f, all := nodesLine(me.name)
		if f == nil || f[6] != "10" || len(f) != 9 || f[8] != "100" {
			return all
		}
		return ""
	})

	// 6. PUBLISH from us reaches a subscriber of redis.
	sub, err := testutil.Dial(p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if r, err := sub.Do("SUBSCRIBE", "wire-chan"); err != nil || !bytes.Contains(r, []byte("subscribe")) {
		t.Fatalf("SUBSCRIBE: %q %v", r, err)
	}
	pub := me.msg(TypePublish)
	pub.Publish = Publish{Channel: []byte("wire-chan"), Message: []byte("hello\x00from the bus")}
	out.mustSend(t, pub)
	got, err := sub.ReadReply()
	if want := "*3\r\n$7\r\nmessage\r\n$9\r\nwire-chan\r\n$18\r\nhello\x00from the bus\r\n"; err != nil || string(got) != want {
		t.Fatalf("subscriber got %q, %v; want %q", got, err, want)
	}

	// 7. PUBLISH on redis reaches us as a cluster PUBLISH on redis's link to us.
	if _, err := rc.Do("PUBLISH", "wire-out", "from redis"); err != nil {
		t.Fatal(err)
	}
	rp := in.wait(t, "PUBLISH from redis", isType(TypePublish))
	checkRedisHeader(t, "PUBLISH", rp, redisID, p.Port)
	if string(rp.Publish.Channel) != "wire-out" || string(rp.Publish.Message) != "from redis" {
		t.Errorf("PUBLISH body %q %q", rp.Publish.Channel, rp.Publish.Message)
	}

	// 8. FAIL about ourselves: redis marks us failing (we hold a slot, so no PONG clears it
	//    within 2*node_timeout).
	fail := me.msg(TypeFail)
	fail.Fail = me.name
	out.mustSend(t, fail)
	poll(t, "redis flags us fail", func() string {
		f, all := nodesLine(me.name)
		if f == nil || f[2] != "master,fail" {
			return all
		}
		return ""
	})

	// Nothing we sent was dropped for its length or format: redis logs those.
	log, _ := os.ReadFile(filepath.Join(p.Dir, "log.txt"))
	for _, bad := range []string{"invalid", "without proper padding", "Bad message length", "unknown packet type", "unknown extension"} {
		if bytes.Contains(log, []byte(bad)) {
			t.Errorf("redis log mentions %q:\n%s", bad, log)
		}
	}
}

// checkRedisHeader checks the header fields of a message from the redis node set up above.
func checkRedisHeader(t *testing.T, what string, m *Message, id Name, port int) {
	t.Helper()
	var want slots.Bitmap
	want.Set(0)
	host, hasHost := m.Hostname()
	switch {
	case m.Sender != id:
		t.Errorf("%s: sender %s, want CLUSTER MYID %s", what, m.Sender, id)
	case m.Flags != NodeMaster|NodeMyself:
		t.Errorf("%s: flags %d, want master|myself (17)", what, m.Flags)
	case !m.SlaveOf.IsZero():
		t.Errorf("%s: slaveof %q on a master", what, m.SlaveOf[:])
	case int(m.Port) != port || int(m.CPort) != port+10000 || m.PPort != 0:
		t.Errorf("%s: ports %d/%d/%d, want %d/%d/0", what, m.Port, m.CPort, m.PPort, port, port+10000)
	case m.ConfigEpoch != 5 || m.CurrentEpoch < 5:
		t.Errorf("%s: configEpoch %d currentEpoch %d, want 5 and >= 5", what, m.ConfigEpoch, m.CurrentEpoch)
	case m.MySlots != want:
		t.Errorf("%s: myslots %q, want \"0\"", what, m.MySlots.String())
	case !m.MyIP.IsZero():
		t.Errorf("%s: myip %q without cluster-announce-ip", what, m.MyIP.String())
	case m.State != StateFail:
		t.Errorf("%s: state %d, want fail (slots not covered)", what, m.State)
	case m.Type.hasGossip() && (!hasHost || host != "redis-host" || len(m.Exts) != 1 || m.MFlags[0] != MFlagExtData):
		t.Errorf("%s: extensions %+v mflags %v, want one hostname \"redis-host\"", what, m.Exts, m.MFlags)
	case !m.Type.hasGossip() && (m.Count != 0 || m.Extensions != 0 || m.MFlags != [3]byte{}):
		t.Errorf("%s: count %d extensions %d mflags %v on a non-gossip type", what, m.Count, m.Extensions, m.MFlags)
	}
}

// TestInteropAcceptance is a differential test of Decode's verdicts against redis-server's:
// each case sends one frame, then a valid PING, on a fresh connection. Every case carries a
// new, higher currentEpoch, which a 7.0 node adopts from any message it accepts from a known
// sender, so the PONG redis sends first says whether the frame was accepted (its
// currentEpoch is the case's) or dropped (an older one); a closed connection is a frame
// error. Cases where Redis's own checks read past the message (see decode.go) are left out.
func TestInteropAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	p := testutil.StartRedis(t, "--cluster-enabled", "yes")
	rc := p.Client(t)
	me, myLn := newFakeNode(t, "wire-peer")
	busAddr := "127.0.0.1:" + strconv.Itoa(p.Port+10000)
	oc, err := net.DialTimeout("tcp", busAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	seen := func(string, []byte, *Message) {}
	out := startLink(t, "out", oc, me, seen)
	out.mustSend(t, me.msg(TypeMeet))
	out.wait(t, "PONG to our MEET", isType(TypePong))
	startLink(t, "in", accept(t, myLn), me, seen)
	poll(t, "handshake done", func() string {
		all := do(t, rc, "CLUSTER", "NODES")
		if !strings.Contains(all, me.name.String()+" 127.0.0.1:") || strings.Contains(all, "handshake") {
			return all
		}
		return ""
	})

	var other Name
	copy(other[:], strings.Repeat("e", 40)) // a valid name redis does not know
	withGossip := func(m *Message) *Message {
		m.Gossip = []Gossip{{Node: me.name, IP: MakeIP("127.0.0.1"), Port: me.port, CPort: me.cport, Flags: NodeMaster}}
		return m
	}
	typed := func(ty Type, set func(m *Message)) func() []byte {
		return func() []byte {
			m := me.msg(ty)
			if set != nil {
				set(m)
			}
			return Encode(m)
		}
	}
	mutate := func(base func() []byte, f func(b []byte) []byte) func() []byte {
		return func() []byte { return f(base()) }
	}
	resize := func(b []byte, n int) []byte {
		c := make([]byte, n)
		copy(c, b)
		p32(c, 4, uint32(n))
		return c
	}
	ping := typed(TypePing, nil) // with the hostname extension (24 bytes)
	cases := []struct {
		name  string
		frame func() []byte
		want  string // the verdict both sides must reach
	}{
		{"ping", ping, "accepted"},
		{"ping with gossip", typed(TypePing, func(m *Message) { withGossip(m) }), "accepted"},
		{"ping without extensions", typed(TypePing, func(m *Message) { m.Exts = nil }), "accepted"},
		{"ping EXT_DATA and 0 extensions", typed(TypePing, func(m *Message) { m.Exts = nil; m.MFlags[0] = MFlagExtData }), "accepted"},
		{"ping with a 7.2 extension", typed(TypePing, func(m *Message) {
			m.Exts = append(m.Exts, Ext{Type: ExtForgottenNode, Data: make([]byte, 48)})
		}), "accepted"},
		{"meet", typed(TypeMeet, nil), "accepted"},
		{"pong", typed(TypePong, nil), "accepted"},
		{"ping ver 0", mutate(ping, func(b []byte) []byte { p16(b, 8, 0); return b }), "dropped"},
		{"ping ver 2", mutate(ping, func(b []byte) []byte { p16(b, 8, 2); return b }), "dropped"},
		{"ping extension padding", mutate(ping, func(b []byte) []byte { p32(b, 2256, 20); return b }), "dropped"},
		{"ping extension too long", mutate(ping, func(b []byte) []byte { p32(b, 2256, 32); return b }), "dropped"},
		{"ping extension shorter than the rest", mutate(ping, func(b []byte) []byte { p32(b, 2256, 16); return b }), "dropped"},
		{"ping zero-length extension", mutate(typed(TypePing, func(m *Message) { m.Exts = nil }), func(b []byte) []byte {
			b = resize(b, 2264)
			b[2253] |= MFlagExtData
			p16(b, 2214, 1)
			return b
		}), "dropped"},
		{"ping extensions without EXT_DATA", mutate(ping, func(b []byte) []byte { b[2253] = 0; return b }), "dropped"},
		{"ping count+1", mutate(typed(TypePing, func(m *Message) { m.Exts = nil }), func(b []byte) []byte { p16(b, 14, 1); return b }), "dropped"},
		{"ping count-1", mutate(typed(TypePing, func(m *Message) { withGossip(m).Exts = nil }), func(b []byte) []byte { p16(b, 14, 0); return b }), "dropped"},
		{"fail", typed(TypeFail, func(m *Message) { m.Fail = other }), "accepted"},
		{"fail +1 byte", mutate(typed(TypeFail, func(m *Message) { m.Fail = other }), func(b []byte) []byte { return resize(b, FailLen+1) }), "dropped"},
		{"publish", typed(TypePublish, func(m *Message) { m.Publish = Publish{[]byte("ch"), []byte("msg")} }), "accepted"},
		{"publish message_len+1", mutate(typed(TypePublish, func(m *Message) { m.Publish = Publish{[]byte("ch"), []byte("msg")} }),
			func(b []byte) []byte { p32(b, 2260, 4); return b }), "dropped"},
		{"publishshard", typed(TypePublishShard, func(m *Message) { m.Publish = Publish{[]byte("ch"), nil} }), "accepted"},
		{"publishshard channel_len-1", mutate(typed(TypePublishShard, func(m *Message) { m.Publish = Publish{[]byte("ch"), nil} }),
			func(b []byte) []byte { p32(b, 2256, 1); return b }), "dropped"},
		{"auth-req", typed(TypeFailoverAuthRequest, nil), "accepted"},
		{"auth-req +8 bytes", mutate(typed(TypeFailoverAuthRequest, nil), func(b []byte) []byte { return resize(b, HeaderLen+8) }), "dropped"},
		{"auth-ack", typed(TypeFailoverAuthAck, nil), "accepted"},
		{"auth-ack +1 byte", mutate(typed(TypeFailoverAuthAck, nil), func(b []byte) []byte { return resize(b, HeaderLen+1) }), "dropped"},
		{"mfstart", typed(TypeMFStart, nil), "accepted"},
		{"mfstart +1 byte", mutate(typed(TypeMFStart, nil), func(b []byte) []byte { return resize(b, HeaderLen+1) }), "dropped"},
		{"update", typed(TypeUpdate, func(m *Message) { m.Update.Node = other }), "accepted"},
		{"update -1 byte", mutate(typed(TypeUpdate, func(m *Message) { m.Update.Node = other }), func(b []byte) []byte { return resize(b, UpdateLen-1) }), "dropped"},
		{"module", typed(TypeModule, func(m *Message) { m.Module = Module{ID: 1, Type: 2, Payload: []byte("pay")} }), "accepted"},
		{"module len+1", mutate(typed(TypeModule, func(m *Message) { m.Module = Module{ID: 1, Type: 2, Payload: []byte("pay")} }),
			func(b []byte) []byte { p32(b, 2264, 4); return b }), "dropped"},
		{"unknown type 11", typed(Type(11), func(m *Message) { m.Raw = []byte("12345") }), "accepted"},
		{"signature", mutate(ping, func(b []byte) []byte { b[3] = 'B'; return b }), "closed"},
		{"totlen 2255", mutate(ping, func(b []byte) []byte { return resize(b, 2255) }), "closed"},
	}
	for i, c := range cases {
		epoch := uint64(1000 + 10*i)
		b := c.frame()
		p64(b, 16, epoch) // currentEpoch; mutations never touch it

		ours := "accepted"
		if _, err := Decode(b); errors.Is(err, ErrFrame) {
			ours = "closed"
		} else if err != nil {
			ours = "dropped"
		}

		conn, err := net.DialTimeout("tcp", busAddr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(interopWait))
		valid := me.msg(TypePing)
		_, err = conn.Write(append(b, Encode(valid)...))
		theirs := "?"
		if err == nil {
			var m *Message
			m, err = ReadMessage(conn, 1<<20)
			switch {
			case err == io.EOF || errors.Is(err, syscall.ECONNRESET):
				theirs = "closed"
			case err != nil:
				t.Fatalf("%s: %v", c.name, err)
			case m.Type != TypePong:
				t.Fatalf("%s: redis answered %s", c.name, m.Type)
			case m.CurrentEpoch == epoch:
				theirs = "accepted"
			case m.CurrentEpoch < epoch:
				theirs = "dropped"
			}
		} else if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
			theirs = "closed"
		}
		conn.Close()
		t.Logf("%-40s ours=%-8s redis=%s", c.name, ours, theirs)
		if ours != theirs || ours != c.want {
			t.Errorf("%s: Decode says %s, redis-server %s; want both %s", c.name, ours, theirs, c.want)
		}
	}
}
