package repl

import (
	"github.com/rcnode/rcnode/clientproto"
	"strconv"
	"sync"
	"sync/atomic"
)

// BlockSize is the size of the stream's buffer blocks (Redis uses 16 KB reply blocks).
const BlockSize = 16 << 10

// maxFreeBlocks bounds the blocks kept for reuse, so a burst does not pin its memory.
const maxFreeBlocks = 64

// Stream is a master's replication stream: every propagated command, in order, as RESP bytes.
// Offsets are Redis's: End is master_repl_offset, the number of bytes ever written to the
// stream (a new stream may start at any offset); the byte at position p is Redis's offset p+1.
//
// One buffer serves as both the backlog and every replica's output buffer, as in Redis 7.0:
// the stream keeps its newest bytes, at least the backlog size of them (repl-backlog-size,
// trimmed a block at a time), plus whatever a Reader has not consumed yet. So a replica
// that lags costs no copy, and its lag is bounded by the caller's output-buffer limits.
//
// Writers hold the stream with Lock, append, and Unlock, which wakes the readers. A Stream
// that is not active (no backlog: a master that never had a replica) keeps its offset and
// takes no writes; callers test Active first, which costs one atomic load.
type Stream struct {
	mu      sync.Mutex
	end     int64    // master_repl_offset
	start   int64    // position of the first byte kept (blocks[0].start)
	blocks  []*block // the bytes [start, end)
	size    int64    // repl-backlog-size
	seldb   int      // the database the stream last SELECTed, -1 to force a SELECT
	readers []*Reader
	free    []*block
	woke    int64 // end when readers were last woken

	active atomic.Bool
	endPub atomic.Int64 // end, for readers of the figure that do not take the lock
}

type block struct {
	start int64  // stream position of buf[0]
	buf   []byte // the bytes written so far; cap(buf) == BlockSize
}

// NewStream returns an inactive stream at offset 0 with a backlog of size bytes.
func NewStream(size int64) *Stream {
	return &Stream{size: max(size, 1), seldb: -1}
}

// Active reports whether the stream has a backlog and takes writes.
func (s *Stream) Active() bool { return s.active.Load() }

// End returns master_repl_offset as of the last Unlock.
func (s *Stream) End() int64 { return s.endPub.Load() }

// Lock takes the stream for appending (or for a consistent look at its state).
func (s *Stream) Lock() { s.mu.Lock() }

// Unlock wakes the readers when bytes were appended, releases the stream and returns
// master_repl_offset.
func (s *Stream) Unlock() int64 {
	end := s.end
	if end != s.woke {
		s.woke = end
		s.endPub.Store(end)
		for _, r := range s.readers {
			select {
			case r.C <- struct{}{}:
			default:
			}
		}
	}
	s.mu.Unlock()
	return end
}

// Activate creates the backlog (Lock held): the stream takes writes from its current
// offset on, and the next write selects its database.
func (s *Stream) Activate() {
	s.seldb = -1
	s.active.Store(true)
}

// Deactivate frees the backlog (Lock held): the offset is kept, the bytes are dropped, and
// readers left lose their place.
func (s *Stream) Deactivate() {
	s.active.Store(false)
	s.dropBlocks()
	s.start = s.end
}

// Reset drops every byte and restarts the stream at offset (Lock held), as a replica does
// when a full sync gives it a new history. Readers left lose their place.
func (s *Stream) Reset(offset int64) {
	s.dropBlocks()
	s.start, s.end, s.woke = offset, offset, offset
	s.endPub.Store(offset)
	s.seldb = -1
}

func (s *Stream) dropBlocks() {
	for _, b := range s.blocks {
		s.recycle(b)
	}
	s.blocks = s.blocks[:0]
	for _, r := range s.readers {
		r.lost.Store(true)
		select {
		case r.C <- struct{}{}: // wake it to find out
		default:
		}
	}
	s.readers = s.readers[:0]
}

// SetSize changes the backlog size (repl-backlog-size), trimming at once if it shrank.
func (s *Stream) SetSize(size int64) {
	s.mu.Lock()
	s.size = max(size, 1)
	s.trim()
	s.mu.Unlock()
}

// Size returns the backlog size.
func (s *Stream) Size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Backlog describes the backlog as INFO reports it (Lock held or not: it locks).
type Backlog struct {
	Active  bool
	Size    int64
	First   int64 // repl_backlog_first_byte_offset
	HistLen int64 // repl_backlog_histlen
	End     int64 // master_repl_offset
}

// Backlog returns the backlog's figures.
func (s *Stream) Backlog() Backlog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.backlogLocked()
}

func (s *Stream) backlogLocked() Backlog {
	return Backlog{Active: s.active.Load(), Size: s.size, First: s.start + 1, HistLen: s.end - s.start, End: s.end}
}

// BacklogLocked is Backlog for a caller that holds Lock.
func (s *Stream) BacklogLocked() Backlog { return s.backlogLocked() }

// ForceSelect makes the next write select its database again (Lock held or not), as Redis
// does after a full sync starts so that the new replica's stream begins with a SELECT.
func (s *Stream) ForceSelect() {
	s.mu.Lock()
	s.seldb = -1
	s.mu.Unlock()
}

// ForceSelectLocked is ForceSelect with Lock held.
func (s *Stream) ForceSelectLocked() { s.seldb = -1 }

// SelectedDB returns the database the stream last selected, or -1 (Lock held).
func (s *Stream) SelectedDB() int { return s.seldb }

// Select appends "SELECT db" when the stream's last write was for another database (Lock
// held).
func (s *Stream) Select(db int) {
	if s.seldb == db {
		return
	}
	s.seldb = db
	var num [20]byte
	d := strconv.AppendInt(num[:0], int64(db), 10)
	s.write([]byte("*2\r\n$6\r\nSELECT\r\n"))
	s.header('$', len(d))
	s.write(d)
	s.write(crlf)
}

// Command appends one command in RESP (Lock held). A command that fits in the newest
// block is encoded straight into it.
func (s *Stream) Command(args [][]byte) {
	if n := len(s.blocks); n > 0 {
		t := s.blocks[n-1]
		if size := respSize(args); cap(t.buf)-len(t.buf) >= size {
			t.buf = clientproto.AppendCommand(t.buf, args...) // within capacity: no allocation
			s.end += int64(size)
			return
		}
	}
	s.header('*', len(args))
	for _, a := range args {
		s.header('$', len(a))
		s.write(a)
		s.write(crlf)
	}
}

// respSize is the length of args encoded as a RESP multibulk.
func respSize(args [][]byte) int {
	n := 1 + digits(len(args)) + 2
	for _, a := range args {
		n += 1 + digits(len(a)) + 2 + len(a) + 2
	}
	return n
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// Cmd is Command with the arguments listed.
func (s *Stream) Cmd(args ...[]byte) { s.Command(args) }

// Raw appends bytes that already are RESP commands (Lock held): a replica proxies its
// master's stream this way, and MULTI/EXEC blocks go in whole. The stream no longer knows
// which database is selected.
func (s *Stream) Raw(b []byte) {
	s.write(b)
}

var crlf = []byte("\r\n")

func (s *Stream) header(prefix byte, n int) {
	var h [24]byte
	b := append(h[:0], prefix)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, '\r', '\n')
	s.write(b)
}

func (s *Stream) write(p []byte) {
	for len(p) > 0 {
		var t *block
		if n := len(s.blocks); n > 0 {
			t = s.blocks[n-1]
		}
		if t == nil || len(t.buf) == cap(t.buf) {
			t = s.newBlock()
		}
		n := copy(t.buf[len(t.buf):cap(t.buf)], p)
		t.buf = t.buf[:len(t.buf)+n]
		p = p[n:]
		s.end += int64(n)
	}
}

func (s *Stream) newBlock() *block {
	s.trim() // first, so that a block it frees is the one reused
	var b *block
	if n := len(s.free); n > 0 {
		b = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		b = &block{buf: make([]byte, 0, BlockSize)}
	}
	b.start = s.end
	if len(s.blocks) == 0 {
		s.start = s.end
	}
	s.blocks = append(s.blocks, b)
	return b
}

func (s *Stream) recycle(b *block) {
	if len(s.free) < maxFreeBlocks {
		b.buf = b.buf[:0]
		s.free = append(s.free, b)
	}
}

// trim drops the oldest blocks while what remains still holds the backlog size and no
// reader needs them (incrementalTrimReplicationBacklog). The newest block always stays.
func (s *Stream) trim() {
	pinned := s.end
	for _, r := range s.readers {
		pinned = min(pinned, r.pos.Load())
	}
	drop := 0
	for drop < len(s.blocks)-1 {
		b := s.blocks[drop]
		bend := b.start + int64(len(b.buf))
		if s.end-bend < s.size || pinned < bend {
			break
		}
		s.recycle(b)
		s.start = bend
		drop++
	}
	if drop > 0 {
		n := copy(s.blocks, s.blocks[drop:])
		clear(s.blocks[n:])
		s.blocks = s.blocks[:n]
	}
}

// Reader is one replica's place in the stream. It pins the bytes it has not consumed: the
// stream keeps them however far behind it falls, so the caller bounds its lag.
type Reader struct {
	s    *Stream
	pos  atomic.Int64
	lost atomic.Bool // the stream was reset or freed under it
	// C receives a signal when bytes are appended after the reader's position.
	C chan struct{}
}

// NewReader returns a reader at position pos (the replica's offset: the next byte it gets
// is Redis's offset pos+1), or false when the stream no longer holds the bytes from pos on.
// Lock must be held, so that the position is registered before any byte can be trimmed.
func (s *Stream) NewReader(pos int64) (*Reader, bool) {
	if pos < s.start || pos > s.end || !s.active.Load() {
		return nil, false
	}
	r := &Reader{s: s, C: make(chan struct{}, 1)}
	r.pos.Store(pos)
	s.readers = append(s.readers, r)
	if pos < s.end {
		r.C <- struct{}{}
	}
	return r, true
}

// Lost reports whether the stream was reset or freed under the reader.
func (r *Reader) Lost() bool { return r.lost.Load() }

// Close forgets the reader, letting the stream trim what it pinned.
func (r *Reader) Close() {
	s := r.s
	s.mu.Lock()
	for i, x := range s.readers {
		if x == r {
			s.readers = append(s.readers[:i], s.readers[i+1:]...)
			break
		}
	}
	s.trim()
	s.mu.Unlock()
}

// Pos returns the reader's position: the stream offset it has consumed up to.
func (r *Reader) Pos() int64 { return r.pos.Load() }

// Lag returns how many bytes the reader has not consumed (its output buffer, in Redis's
// terms).
func (r *Reader) Lag() int64 { return max(r.s.End()-r.pos.Load(), 0) }

// Peek appends to bufs the unconsumed bytes as slices of the stream's
// blocks, and returns them with their total length (at most limit). The slices stay valid until Advance: a
// caller writes them out, then advances. ok is false when the reader's bytes are gone (the
// stream was reset under it).
func (r *Reader) Peek(bufs [][]byte, limit int64) (_ [][]byte, n int64, ok bool) {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := r.pos.Load()
	if r.lost.Load() || pos < s.start || pos > s.end {
		return bufs, 0, false
	}
	for _, b := range s.blocks {
		bend := b.start + int64(len(b.buf))
		if bend <= pos {
			continue
		}
		from := max(pos-b.start, 0)
		chunk := b.buf[from:]
		if int64(len(chunk)) > limit-n {
			chunk = chunk[:limit-n]
		}
		bufs = append(bufs, chunk)
		n += int64(len(chunk))
		if n >= limit {
			break
		}
	}
	return bufs, n, true
}

// Advance marks n more bytes as consumed.
func (r *Reader) Advance(n int64) {
	s := r.s
	s.mu.Lock()
	r.pos.Add(n)
	if len(s.blocks) > 1 {
		s.trim()
	}
	s.mu.Unlock()
}
