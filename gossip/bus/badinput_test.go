package bus

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/rcnode/rcnode/gossip/wire"
)

// prefix is a frame's first 8 bytes: signature and totlen.
func prefix(sig string, totlen uint32) []byte {
	b := append([]byte(sig), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[4:], totlen)
	return b
}

// pingFrame is a well-formed PING from a made-up node, 2256 bytes.
func pingFrame() []byte {
	var name wire.Name
	copy(name[:], "0123456789abcdef0123456789abcdef01234567")
	return wire.Encode(&wire.Message{Header: wire.Header{
		Type: wire.TypePing, Sender: name, Port: 7000, CPort: 17000, Flags: wire.NodeMaster,
	}})
}

// closedByPeer reports whether the bus closed conn within d (a read ends in EOF or a reset,
// not in our deadline).
func closedByPeer(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(d))
	var buf [4096]byte
	for {
		_, err := conn.Read(buf[:])
		if err == nil {
			continue // a PONG or the like: keep reading
		}
		return !errors.Is(err, os.ErrDeadlineExceeded)
	}
}

// TestBadFramesCloseOnlyThatLink sends what a broken or hostile peer might to the bus port:
// each bad frame closes that link (with Redis's warning), nothing panics, and the bus goes on
// serving other links and commands.
func TestBadFramesCloseOnlyThatLink(t *testing.T) {
	n := startNode(t)
	cases := []struct {
		name  string
		bytes []byte
		half  bool // then half-close our side: the frame is truncated
		warn  bool // Redis's "Bad message length or signature" warning
	}{
		{"garbage", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), false, true},
		{"bad signature", append(prefix("RCmx", wire.HeaderLen), make([]byte, wire.HeaderLen-8)...), false, true},
		{"totlen below the header", prefix("RCmb", 100), false, true},
		{"huge totlen", prefix("RCmb", 0xFFFFFFFF), false, true},
		{"just over the limit", prefix("RCmb", maxFrame+1), false, true},
		{"truncated frame", pingFrame()[:1000], true, false},
		{"truncated prefix", []byte("RCm"), true, false},
	}
	// A link that stays good throughout, to check bad ones close only themselves.
	good, err := net.Dial("tcp", n.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			warns := n.countLogs("Bad message length or signature received from Cluster bus.")
			conn, err := net.Dial("tcp", n.addr())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Write(tc.bytes); err != nil {
				t.Fatal(err)
			}
			if tc.half {
				conn.(*net.TCPConn).CloseWrite()
			}
			if !closedByPeer(t, conn, 5*time.Second) {
				t.Fatal("the bus kept the link open")
			}
			if tc.warn {
				eventually(t, 5*time.Second, "no warning logged", func() bool {
					return n.countLogs("Bad message length or signature received from Cluster bus.") > warns
				})
			}
		})
	}
	if closedByPeer(t, good, 100*time.Millisecond) {
		t.Fatal("a good link was closed too")
	}
	// The bus still serves commands and has forgotten every closed link.
	eventually(t, 5*time.Second, "closed links still held", func() bool { return n.linkCount() == 1 })
	if n.Routing() == nil {
		t.Fatal("no routing snapshot")
	}
}

// TestDroppedMessagesKeepTheLink: a whole frame that Redis would drop (protocol version not
// 1, a length wrong for its type) is dropped and the link stays up, as in
// clusterProcessPacket.
func TestDroppedMessagesKeepTheLink(t *testing.T) {
	n := startNode(t)
	conn, err := net.Dial("tcp", n.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	badVersion := pingFrame()
	binary.BigEndian.PutUint16(badVersion[8:], 2) // ver @8
	badLength := pingFrame()
	binary.BigEndian.PutUint16(badLength[12:], uint16(wire.TypeFail)) // a FAIL is 2296 bytes
	for _, f := range [][]byte{badVersion, badLength} {
		if _, err := conn.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if closedByPeer(t, conn, 300*time.Millisecond) {
		t.Fatal("the bus closed a link for a message Redis drops")
	}
	eventually(t, 5*time.Second, "dropped messages not logged", func() bool {
		return n.countLogs("Dropping a cluster bus message") >= 2
	})
	// Then garbage on the same link closes it.
	conn.Write([]byte("garbage!"))
	if !closedByPeer(t, conn, 5*time.Second) {
		t.Fatal("garbage after dropped messages did not close the link")
	}
}
