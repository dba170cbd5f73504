package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Aux is an auxiliary field of the RDB header (RDB_OPCODE_AUX): free-form key and value
// strings that loaders must skip when they do not know them.
type Aux struct{ Key, Value string }

// ReplInfo is what a master records in an RDB it makes for replication or persistence so
// that the loader can continue the replication stream (rdbSaveInfo).
type ReplInfo struct {
	StreamDB int    // the DB the replication stream last SELECTed (repl-stream-db)
	ID       string // the 40-character replication ID (repl-id)
	Offset   int64  // the master replication offset the RDB matches (repl-offset)
}

// RedisVersion is the version rcnode writes in redis-ver: the server it behaves as.
const RedisVersion = "7.0.15"

// DefaultAux returns the aux fields redis-server 7.0 writes, in its order: redis-ver,
// redis-bits, ctime (Unix seconds), used-mem (bytes), the replication fields when repl is
// not nil, and aof-base (true when the RDB is the base of an AOF).
func DefaultAux(ctime, usedMem int64, repl *ReplInfo, aofBase bool) []Aux {
	a := []Aux{
		{"redis-ver", RedisVersion},
		{"redis-bits", "64"},
		{"ctime", strconv.FormatInt(ctime, 10)},
		{"used-mem", strconv.FormatInt(usedMem, 10)},
	}
	if repl != nil {
		a = append(a,
			Aux{"repl-stream-db", strconv.Itoa(repl.StreamDB)},
			Aux{"repl-id", repl.ID},
			Aux{"repl-offset", strconv.FormatInt(repl.Offset, 10)})
	}
	base := "0"
	if aofBase {
		base = "1"
	}
	return append(a, Aux{"aof-base", base})
}

// EncodeOptions are the settings of redis.conf that change the bytes written.
type EncodeOptions struct {
	// Compress LZF-compresses strings longer than 20 bytes when that saves 4 bytes or more
	// (rdbcompression yes, Redis's default).
	Compress bool
	// NoChecksum writes a zero checksum, which loaders do not check (rdbchecksum no).
	NoChecksum bool
	// ListMaxListpackSize is list-max-listpack-size, which sizes the list nodes; 0 means
	// Redis's default, -2 (8 KB per node).
	ListMaxListpackSize int
}

// Writer writes an RDB file or stream: WriteHeader, then for each non-empty database
// SelectDB followed by its keys, then Close. It buffers and writes to w in chunks of about
// 64 KB, so a snapshot of any size needs only one value's worth of extra memory. It takes
// no lock: the caller holds whatever keeps each value still while WriteKey encodes it, and
// WriteKey may block on w meanwhile (WriteEncoded separates the two).
type Writer struct {
	o      out
	enc    valueEncoder
	opts   EncodeOptions
	state  int
	closed bool
}

const (
	stateStart = iota
	stateHeader
	stateDB
)

var errWriterState = errors.New("rdb: Writer methods called out of order")

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer, opts EncodeOptions) *Writer {
	wr := &Writer{opts: opts}
	wr.o = out{w: w, compress: opts.Compress, buf: make([]byte, 0, flushAt+flushAt/4)}
	wr.enc.fill = opts.ListMaxListpackSize
	return wr
}

// WriteHeader writes the magic "REDIS0010" and the aux fields.
func (w *Writer) WriteHeader(aux []Aux) error {
	if w.state != stateStart {
		return errWriterState
	}
	w.state = stateHeader
	w.o.buf = append(w.o.buf, "REDIS0010"...)
	for _, a := range aux {
		w.o.byte1(opAux)
		str(&w.o, a.Key)
		str(&w.o, a.Value)
	}
	w.o.maybeFlush()
	return w.o.err
}

// WriteFunction writes a function library (FUNCTION2: its code, "#!lua name=..."), which
// Redis writes after the aux fields and before the databases.
func (w *Writer) WriteFunction(code string) error {
	if w.state != stateHeader {
		return errWriterState
	}
	w.o.byte1(opFunction2)
	str(&w.o, code)
	w.o.maybeFlush()
	return w.o.err
}

// SelectDB starts database db: SELECTDB, then RESIZEDB with its number of keys and of keys
// with an expiry (hints for the loader's table sizes). Redis skips empty databases.
func (w *Writer) SelectDB(db int, keys, expires int64) error {
	if w.state == stateStart || w.closed {
		return errWriterState
	}
	if db < 0 || keys < 0 || expires < 0 {
		return fmt.Errorf("rdb: SelectDB(%d, %d, %d): negative argument", db, keys, expires)
	}
	w.state = stateDB
	w.o.byte1(opSelectDB)
	w.o.length(uint64(db))
	w.o.byte1(opResizeDB)
	w.o.length(uint64(keys))
	w.o.length(uint64(expires))
	return w.o.err
}

// WriteKey writes one key: its expiry (EXPIRETIME_MS, Unix milliseconds) when expireMs is
// not negative, then its type, name and value. The value is a *datatype.Str, List, Set,
// Hash or ZSet, written in the encoding Redis 7.0 uses for it; any other type is an error
// and nothing is written.
func (w *Writer) WriteKey(key string, value any, expireMs int64) error {
	if w.state != stateDB || w.closed {
		return errWriterState
	}
	if w.o.err != nil {
		return w.o.err
	}
	t, err := w.enc.prepare(value)
	if err != nil {
		return err
	}
	if expireMs >= 0 {
		w.o.byte1(opExpireTimeMs)
		w.o.buf = binary.LittleEndian.AppendUint64(w.o.buf, uint64(expireMs))
	}
	w.o.byte1(t)
	str(&w.o, key)
	w.enc.body(&w.o, t, value)
	w.o.maybeFlush()
	return w.o.err
}

// WriteEncoded is WriteKey for a value already encoded by EncodeValue (type byte first), so
// a caller can encode under its slot lock and write to a slow destination after releasing
// it.
func (w *Writer) WriteEncoded(key string, encoded []byte, expireMs int64) error {
	if w.state != stateDB || w.closed {
		return errWriterState
	}
	if w.o.err != nil {
		return w.o.err
	}
	if len(encoded) < 2 {
		return fmt.Errorf("rdb: WriteEncoded: %d bytes is not an encoded value", len(encoded))
	}
	if expireMs >= 0 {
		w.o.byte1(opExpireTimeMs)
		w.o.buf = binary.LittleEndian.AppendUint64(w.o.buf, uint64(expireMs))
	}
	w.o.byte1(encoded[0])
	str(&w.o, key)
	w.o.raw(encoded[1:])
	return w.o.err
}

// Close writes the EOF opcode and the checksum and flushes; it does not close the
// underlying writer. It returns the first error any call met.
func (w *Writer) Close() error {
	if w.state == stateStart || w.closed {
		return errWriterState
	}
	w.closed = true
	w.o.byte1(opEOF)
	w.o.flush()
	crc := w.o.crc
	if w.opts.NoChecksum {
		crc = 0
	}
	w.o.buf = binary.LittleEndian.AppendUint64(w.o.buf, crc)
	w.o.flush()
	return w.o.err
}

// Written returns how many bytes have been handed to the underlying writer.
func (w *Writer) Written() int64 { return w.o.written }
