package bus

import (
	"context"
	"net"
	"sync"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/gossip/wire"
)

// keepBuf is the largest send buffer a writer keeps for reuse; a bigger one (after a burst
// of large PUBLISHes) goes back to the GC, as Redis's cron shrinks a wasteful sndbuf.
const keepBuf = 64 << 10

// link is one bus connection. The loop creates and stops it; its reader and writer
// goroutines own the socket's two directions.
type link struct {
	id       gossip.LinkID
	outbound bool
	peer     string             // "ip:port", for logs
	cancel   context.CancelFunc // outbound: cancels the dial

	mu      sync.Mutex
	cond    sync.Cond // signals the writer: bytes queued or closed
	conn    net.Conn  // nil while dialing
	out     []byte    // queued for the writer
	writing []byte    // handed to conn.Write right now
	spare   []byte    // the previous buffer, to reuse
	closed  bool
}

func newLink(id gossip.LinkID, outbound bool, peer string) *link {
	l := &link{id: id, outbound: outbound, peer: peer}
	l.cond.L = &l.mu
	return l
}

func (l *link) setConn(conn net.Conn) {
	l.mu.Lock()
	l.conn = conn
	l.mu.Unlock()
}

// queue appends m's bytes for the writer; on a closed link it is dropped, as Redis drops
// what is queued on a link it frees. A message that cannot be encoded (a state machine bug)
// is refused here rather than left to AppendMessage's panic.
func (l *link) queue(m *wire.Message) error {
	if _, err := wire.EncodedLen(m); err != nil {
		return err
	}
	l.mu.Lock()
	if !l.closed {
		l.out = wire.AppendMessage(l.out, m)
		l.cond.Signal()
	}
	l.mu.Unlock()
	return nil
}

// stop closes the link from the loop's side: the dial is cancelled, the writer ends, the
// socket is closed (which ends the reader).
func (l *link) stop() {
	l.mu.Lock()
	l.closed = true
	l.cond.Broadcast()
	conn := l.conn
	l.mu.Unlock()
	if l.cancel != nil {
		l.cancel()
	}
	if conn != nil {
		conn.Close()
	}
}

// stats are CLUSTER LINKS' send-buffer-allocated, send-buffer-used and events: "w" while
// connecting (Redis waits for writability), "r" once reading, plus "w" while bytes wait.
func (l *link) stats() (allocated, used int, events string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	allocated = cap(l.out) + cap(l.writing)
	used = len(l.out) + len(l.writing)
	switch {
	case l.closed:
	case l.conn == nil:
		events = "w"
	case used > 0:
		events = "rw"
	default:
		events = "r"
	}
	return allocated, used, events
}

// writeLoop writes whatever is queued, one buffer per write, while the loop keeps queueing
// into the other: a peer that reads slowly delays only its own link.
func (b *Bus) writeLoop(l *link) {
	defer b.wg.Done()
	l.mu.Lock()
	for {
		for len(l.out) == 0 && !l.closed {
			l.cond.Wait()
		}
		if l.closed {
			break
		}
		buf := l.out
		l.out, l.spare = l.spare, nil
		l.writing = buf
		l.mu.Unlock()
		_, err := l.conn.Write(buf)
		l.mu.Lock()
		l.writing = nil
		if cap(buf) <= keepBuf {
			l.spare = buf[:0]
		}
		if err != nil {
			// The reader sees the closed socket and reports LinkClosed: one report per link.
			b.log.Debugf("I/O error writing to node link %s: %v", l.peer, err)
			l.closed = true
			l.mu.Unlock()
			l.conn.Close()
			return
		}
	}
	l.mu.Unlock()
}

// startIO starts the reader and writer of a connected link (on the loop goroutine).
func (b *Bus) startIO(l *link) {
	b.wg.Add(2)
	go b.readLoop(l)
	go b.writeLoop(l)
}

// LinkStats returns CLUSTER LINKS' send-buffer-allocated, send-buffer-used and events of
// link id; zeros and "" for a link the bus does not have. Safe from any goroutine.
func (b *Bus) LinkStats(id gossip.LinkID) (sendBufAllocated, sendBufUsed int, events string) {
	b.linksMu.RLock()
	l := b.links[id]
	b.linksMu.RUnlock()
	if l == nil {
		return 0, 0, ""
	}
	return l.stats()
}

// addLink, removeLink and live are called on the loop goroutine only.
func (b *Bus) addLink(l *link) {
	b.linksMu.Lock()
	b.links[l.id] = l
	b.linksMu.Unlock()
}

func (b *Bus) removeLink(l *link) {
	b.linksMu.Lock()
	delete(b.links, l.id)
	b.linksMu.Unlock()
	l.stop()
}

// live says l is still the bus's link: events from a link already closed (by the state
// machine, or because the bus is closing) are dropped, so the state machine never hears of
// a link after it closed it.
func (b *Bus) live(l *link) bool { return b.links[l.id] == l }
