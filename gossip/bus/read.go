package bus

import (
	"bufio"
	"errors"
	"io"
	"net"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/gossip/wire"
)

// maxFrame is the largest message a peer may send us; a larger totlen closes the link before
// anything is allocated for it. Redis 7.0 has no limit (a peer can make it buffer 4 GiB).
// Real messages are far below it: a PING/PONG is 2256 bytes plus 104 per gossip entry, and
// even gossip about 16384 nodes (beyond any cluster) is under 2 MiB; the rest is PUBLISH,
// whose channel and payload are user data. 32 MiB lets any reasonable pub/sub message
// through while bounding what one link can make us hold to 32 MiB (ReadFrame grows its
// buffer only as bytes arrive).
const maxFrame = 32 << 20

// readBuf batches the 8-byte prefix and body reads of ReadFrame into few syscalls.
const readBuf = 16 << 10

// readLoop reads and decodes messages and hands each to the state machine in order. A bad
// frame or a read error ends the link (Redis's handleLinkIOError); a message Redis would
// drop (wrong version, wrong length for its type) is dropped and the link kept.
func (b *Bus) readLoop(l *link) {
	defer b.wg.Done()
	r := bufio.NewReaderSize(l.conn, readBuf)
	for {
		frame, err := wire.ReadFrame(r, maxFrame)
		if err != nil {
			b.readFailed(l, err)
			return
		}
		m, err := wire.Decode(frame)
		switch {
		case err == nil:
		case errors.Is(err, wire.ErrVersion), errors.Is(err, wire.ErrLength):
			b.log.Debugf("Dropping a cluster bus message from %s: %v", l.peer, err)
			continue
		default: // ErrFrame from Decode cannot follow a good ReadFrame; close all the same
			b.readFailed(l, err)
			return
		}
		if !b.post(event{fn: func(c *gossip.Cluster, now int64) {
			if b.live(l) {
				c.Step(now, l.id, m)
			}
		}}) {
			return
		}
	}
}

// readFailed logs why a link's stream ended, closes it and tells the state machine.
func (b *Bus) readFailed(l *link, err error) {
	switch {
	case errors.Is(err, wire.ErrFrame):
		b.log.Warnf("Bad message length or signature received from Cluster bus.")
		b.log.Debugf("Cluster bus link %s: %v", l.peer, err)
	case errors.Is(err, io.EOF):
		b.log.Debugf("I/O error reading from node link %s: connection closed", l.peer)
	case errors.Is(err, net.ErrClosed):
		// We closed it (the state machine asked, or the bus is closing): nothing to say.
	default:
		b.log.Debugf("I/O error reading from node link %s: %v", l.peer, err)
	}
	l.conn.Close()
	b.post(event{fn: func(c *gossip.Cluster, now int64) {
		if b.live(l) {
			b.removeLink(l)
			c.LinkClosed(now, l.id)
		}
	}})
}
