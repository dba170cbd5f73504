package clientproto

import (
	"bytes"
	"errors"
	"github.com/rcnode/rcnode/internal/sdsargs"
	"io"
	"math"

	"github.com/rcnode/rcnode/internal/numconv"
)

// Limits from redis-server 7.0 (server.h, networking.c).
const (
	// DefaultMaxBulkLen is proto-max-bulk-len's default: 512MB.
	DefaultMaxBulkLen = 512 << 20
	// InlineMax (PROTO_INLINE_MAX_SIZE) bounds an inline request, a "*<count>" line and a
	// "$<len>" line still waiting for its CR.
	InlineMax = 64 << 10
	// BigArg (PROTO_MBULK_BIG_ARG): a bulk at least this long gets room for all of it at once,
	// so the bytes already buffered are copied once instead of at every doubling.
	BigArg = 32 << 10
	// maxMultibulk is INT_MAX: 7.0 accepts any count up to it from an authenticated client.
	maxMultibulk = math.MaxInt32
	// Before AUTH, 7.0 refuses more than 10 arguments and bulks over 16KB (authRequired).
	unauthMaxMultibulk = 10
	unauthMaxBulk      = 16384
	// defaultBufSize is the buffer NewReader allocates when asked for a non-positive size.
	defaultBufSize = 16 << 10
	// maxKeptArgs: argument lists longer than this are not kept for reuse after their command.
	maxKeptArgs = 16 << 10
)

// ErrIncomplete is returned by Parse when the buffer holds no complete command: Fill and try
// again.
var ErrIncomplete = errors.New("clientproto: incomplete command")

// ProtocolError is a malformed request. Msg is the exact reply Redis sends, without the
// leading '-' (e.g. "ERR Protocol error: invalid multibulk length"). The caller replies with
// it after the replies to the commands parsed before it, then closes the connection.
type ProtocolError struct{ Msg string }

// Error returns Msg, the reply text.
func (e *ProtocolError) Error() string { return e.Msg }

// span is one parsed bulk argument, as an offset from the start of its command.
type span struct{ off, n int }

// Reader parses client requests (RESP multibulk and inline) from a growable buffer, in place.
//
// A caller loops: Parse until ErrIncomplete, executing each command before the next Parse
// (so that AUTH can switch Authenticated in time, as in Redis), then Fill. A Reader is not
// safe for concurrent use.
type Reader struct {
	// MaxBulkLen is proto-max-bulk-len: a longer bulk is a protocol error. NewReader sets it to
	// DefaultMaxBulkLen; CONFIG SET may change it between commands.
	MaxBulkLen int64
	// Authenticated is false while the client still has to AUTH (Redis's authRequired). Until
	// then a multibulk may have at most 10 arguments and a bulk at most 16384 bytes, so an
	// unauthenticated client cannot make the server allocate much. NewReader sets it to true,
	// as Redis does for clients of a server whose default user needs no password.
	Authenticated bool

	buf  []byte // len(buf) == cap(buf); the data is buf[pos:end]
	pos  int    // first unparsed byte
	end  int    // end of the buffered data
	size int    // the size asked for; a buffer that grew far past it shrinks back when drained

	// A multibulk command whose arguments have not all arrived yet.
	pending int    // arguments still to read; 0 between commands
	bulk    int64  // length of the next argument, -1 until its "$<len>" line is read
	cmd     int    // where the pending command's arguments start in buf
	spans   []span // arguments read so far, relative to cmd (offsets survive compaction)

	args [][]byte       // reused for every command: Parse does not allocate
	err  *ProtocolError // sticky: once the stream is broken it stays broken

	// find's memory of a failed search: the line starting at scanLine has no terminator in
	// buf[scanLine:scanTo] (scanTo -1: it has a NUL, so it never ends). scanLine -1: none.
	scanLine, scanTo int
}

// NewReader returns a Reader whose buffer starts with size bytes (16KB if size <= 0).
func NewReader(size int) *Reader {
	if size <= 0 {
		size = defaultBufSize
	}
	return &Reader{
		MaxBulkLen:    DefaultMaxBulkLen,
		Authenticated: true,
		buf:           make([]byte, size),
		size:          size,
		bulk:          -1,
		scanLine:      -1,
	}
}

// Buffered reports the number of unparsed bytes. Arguments of a partly received command that
// are already parsed are not counted, matching what Redis keeps in its query buffer (the
// number client-query-buffer-limit is checked against).
func (r *Reader) Buffered() int { return r.end - r.pos }

// Parse parses the next complete command from the buffered bytes. args point into the
// reader's buffer and are valid only until the next Parse or Fill call. When the buffer holds
// no complete command it returns nil, ErrIncomplete. A protocol error returns a *ProtocolError
// whose Error() is the exact Redis reply text without the leading '-'; every later call
// returns it again. Empty inline lines and "*0"/"*-1" multibulks are skipped, as Redis skips
// them: they are not commands.
func (r *Reader) Parse() (args [][]byte, err error) {
	if r.err != nil {
		return nil, r.err
	}
	for r.pending == 0 {
		if r.pos == r.end {
			return nil, ErrIncomplete
		}
		if r.buf[r.pos] != '*' {
			args, ok := r.parseInline()
			if !ok {
				return nil, r.incompleteOrErr()
			}
			if len(args) > 0 {
				return args, nil
			}
			continue // an empty line
		}
		if !r.parseCount() {
			return nil, r.incompleteOrErr()
		}
	}
	for r.pending > 0 {
		if r.bulk < 0 && !r.parseBulkLen() {
			return nil, r.incompleteOrErr()
		}
		// Like Redis, the two bytes after the data are skipped without looking at them.
		if int64(r.end-r.pos) < r.bulk+2 {
			return nil, ErrIncomplete
		}
		n := int(r.bulk)
		r.spans = append(r.spans, span{r.pos - r.cmd, n})
		r.pos += n + 2
		r.bulk = -1
		r.pending--
	}
	base := r.buf[r.cmd:]
	r.args = r.args[:0]
	for _, s := range r.spans {
		// Full slice expressions: a caller appending to an argument must not overwrite the next.
		r.args = append(r.args, base[s.off:s.off+s.n:s.off+s.n])
	}
	r.spans = r.spans[:0]
	return r.args, nil
}

func (r *Reader) incompleteOrErr() error {
	if r.err != nil {
		return r.err
	}
	return ErrIncomplete
}

func (r *Reader) fail(msg string) bool {
	r.err = &ProtocolError{Msg: msg}
	return false
}

// find returns the index in buf of the first c at or after from, or -1. Redis searches its
// NUL-terminated query buffer with strchr, so a NUL byte ends the search as if c were not
// there yet: such a client waits until the size limit rather than getting an error.
//
// Unlike Redis, a search that fails resumes where it stopped on the next call for the same
// line, so a line dribbled in one byte at a time costs linear time, not quadratic.
func (r *Reader) find(from int, c byte) int {
	start := from
	if r.scanLine == from {
		if r.scanTo < 0 {
			return -1 // a NUL came first: this line can never end
		}
		start = r.scanTo
	}
	b := r.buf[start:r.end]
	// Protocol lines are short: a plain loop beats two IndexByte calls for them.
	for j := 0; j < len(b) && j < 32; j++ {
		switch b[j] {
		case c:
			r.scanLine = -1
			return start + j
		case 0:
			r.scanLine, r.scanTo = from, -1
			return -1
		}
	}
	i := bytes.IndexByte(b, c)
	before := b
	if i >= 0 {
		before = b[:i]
	}
	r.scanLine = from
	if bytes.IndexByte(before, 0) >= 0 {
		r.scanTo = -1
		return -1
	}
	if i < 0 {
		r.scanTo = r.end
		return -1
	}
	r.scanLine = -1 // found: the next search is for another line
	return start + i
}

// parseCount reads a "*<count>\r\n" line. It returns false when the line is incomplete or bad.
func (r *Reader) parseCount() bool {
	cr := r.find(r.pos, '\r')
	if cr < 0 {
		if r.end-r.pos > InlineMax {
			return r.fail(errTooBigMbulkCount)
		}
		return false
	}
	// Redis wants one more byte after the CR and skips it without checking it is '\n'.
	if cr+1 >= r.end {
		return false
	}
	n, ok := numconv.ParseInt(r.buf[r.pos+1 : cr]) // string2ll
	if !ok || n > maxMultibulk {
		return r.fail(errInvalidMbulkLen)
	}
	if n > unauthMaxMultibulk && !r.Authenticated {
		return r.fail(errUnauthMbulkLen)
	}
	r.pos = cr + 2
	if n > 0 {
		// The argument list grows as arguments arrive, never to the announced count up front.
		r.pending = int(n)
		r.bulk = -1
		r.cmd = r.pos
		r.spans = r.spans[:0]
	}
	return true
}

// parseBulkLen reads a "$<len>\r\n" line into r.bulk.
func (r *Reader) parseBulkLen() bool {
	cr := r.find(r.pos, '\r')
	if cr < 0 {
		if r.end-r.pos > InlineMax {
			return r.fail(errTooBigBulkCount)
		}
		return false
	}
	if cr+1 >= r.end {
		return false
	}
	if c := r.buf[r.pos]; c != '$' {
		// "%c" of the offending byte; CR and LF become spaces as in every Redis error reply.
		// It is never NUL: find stops there.
		if c == '\r' || c == '\n' {
			c = ' '
		}
		return r.fail(errExpectedDollar + string([]byte{c}) + "'")
	}
	n, ok := numconv.ParseInt(r.buf[r.pos+1 : cr]) // string2ll
	if !ok || n < 0 || n > r.MaxBulkLen || n > math.MaxInt-2 {
		return r.fail(errInvalidBulkLen)
	}
	if n > unauthMaxBulk && !r.Authenticated {
		return r.fail(errUnauthBulkLen)
	}
	r.pos = cr + 2
	r.bulk = n
	return true
}

// parseInline reads one inline command: a line split into arguments the way sdssplitargs
// does, decoded in place. ok is false when the line is incomplete or bad.
func (r *Reader) parseInline() (args [][]byte, ok bool) {
	nl := r.find(r.pos, '\n')
	if nl < 0 {
		if r.end-r.pos > InlineMax {
			return nil, r.fail(errTooBigInline)
		}
		return nil, false
	}
	line := r.buf[r.pos:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	r.args, ok = splitArgs(line, r.args[:0])
	if !ok {
		return nil, r.fail(errUnbalancedQuotes)
	}
	r.pos = nl + 1
	return r.args, true
}

// splitArgs splits an inline command like Redis's sdssplitargs, decoding the arguments over
// line itself; ok is false for unbalanced quotes.
func splitArgs(line []byte, args [][]byte) (_ [][]byte, ok bool) {
	args, err := sdsargs.SplitInPlace(line, args)
	return args, err == nil
}

// Fill reads once from src into the buffer (compacting or growing it as needed) and returns
// src's error. It invalidates the arguments returned by the last Parse.
func (r *Reader) Fill(src io.Reader) error {
	r.makeRoom()
	n, err := src.Read(r.buf[r.end:])
	if n > 0 {
		r.end += n
	}
	return err
}

// makeRoom makes free space at the end of the buffer for the next read.
func (r *Reader) makeRoom() {
	keep := r.pos // bytes before keep are no longer needed
	if r.pending > 0 {
		keep = r.cmd // the pending command's parsed arguments live in the buffer too
	}
	live := r.end - keep
	if r.pending == 0 && cap(r.args) > maxKeptArgs {
		r.args, r.spans = nil, nil // a command with a huge argument count is over: free its lists
	}
	if live == 0 {
		r.rebase(keep) // free, and the common case between pipelined batches
		keep = 0
	}

	want := r.size / 4
	if want < 512 {
		want = 512
	}
	var exact bool
	if r.pending > 0 && r.bulk >= BigArg {
		// Room for the rest of a big argument in one step, and no more (like Redis's
		// non-greedy growth for PROTO_MBULK_BIG_ARG).
		if missing := int(r.bulk) + 2 - (r.end - r.pos); missing > want {
			want, exact = missing, true
		}
	}

	// A buffer that grew for a big command goes back to its normal size once drained; one a
	// few times the normal size is kept, so steady medium-sized values do not reallocate.
	if len(r.buf) > 4*r.size && live+want <= r.size {
		r.realloc(keep, r.size)
		return
	}
	if len(r.buf)-r.end >= want {
		return
	}
	if len(r.buf)-live >= want && live <= len(r.buf)/2 {
		copy(r.buf, r.buf[keep:r.end])
		r.rebase(keep)
		return
	}
	size := live + want
	if !exact && size < 2*len(r.buf) {
		size = 2 * len(r.buf)
	}
	r.realloc(keep, size)
}

// realloc moves the live bytes buf[keep:end] to the start of a new buffer of size bytes.
func (r *Reader) realloc(keep, size int) {
	nb := make([]byte, size)
	copy(nb, r.buf[keep:r.end])
	r.buf = nb
	r.rebase(keep)
}

// rebase shifts positions after the bytes before keep were dropped.
func (r *Reader) rebase(keep int) {
	r.pos -= keep
	r.end -= keep
	if r.pending > 0 {
		r.cmd -= keep
	} else {
		r.cmd = 0
	}
	switch {
	case r.scanLine < keep:
		r.scanLine = -1 // that line was consumed
	default:
		r.scanLine -= keep
		if r.scanTo >= 0 {
			r.scanTo -= keep
		}
	}
}
