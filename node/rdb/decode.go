package rdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// DecodeOptions configure Decode.
type DecodeOptions struct {
	// Limits are the encoding thresholds of the loading server: DefaultLimits() for
	// Redis's defaults. The zero value makes every hash, set and sorted set a table.
	Limits Limits
	// Databases, when positive, is the number of databases: a SELECTDB of a higher one is
	// an error (Redis exits; the caller decides).
	Databases int
	// Function receives each function library's code ("#!lua name=lib ..."), in order;
	// when nil, libraries are skipped. An error stops decoding.
	Function func(code string) error
	// SkipChecksum does not verify the checksum (rdbchecksum no, or
	// DEBUG SET-SKIP-CHECKSUM-VALIDATION).
	SkipChecksum bool
}

// Entry is one key as Decode reports it. Decode reuses the Entry and Key for the next key:
// a callback that keeps them must copy them. Value is new and belongs to the callback.
type Entry struct {
	DB       int
	Key      []byte
	Value    any   // *datatype.Str, *datatype.List, *datatype.Set, *datatype.Hash or *datatype.ZSet
	ExpireMs int64 // Unix milliseconds, or -1 for none (an expiry in the past is reported, not dropped)
	Idle     int64 // LRU idle seconds (IDLE opcode), or -1
	Freq     int   // LFU counter (FREQ opcode), or -1
}

// Info is what Decode learned besides the keys.
type Info struct {
	Version       int    // the file's RDB version, 1 to 10
	Aux           []Aux  // the aux fields, in order
	Keys          int64  // keys passed to the callback
	EmptySkipped  int64  // empty collections skipped, as Redis skips them
	Functions     int    // function libraries read
	Checksum      uint64 // the checksum the stream carries (0: not computed by the writer)
	ChecksumValid bool   // the checksum was present, not 0, and matched (false when skipped)
	Bytes         int64  // bytes consumed, from the magic to the checksum included
}

// AuxValue returns the value of the aux field key (compared case-insensitively, as Redis
// does).
func (i *Info) AuxValue(key string) (string, bool) {
	for _, a := range i.Aux {
		if strings.EqualFold(a.Key, key) {
			return a.Value, true
		}
	}
	return "", false
}

// Repl returns the replication fields, with Redis's rules: repl-id counts only when it is
// 40 characters long; ok is false without it.
func (i *Info) Repl() (ReplInfo, bool) {
	id, ok := i.AuxValue("repl-id")
	if !ok || len(id) != 40 {
		return ReplInfo{}, false
	}
	var ri ReplInfo
	ri.ID = id
	if v, ok := i.AuxValue("repl-stream-db"); ok {
		ri.StreamDB, _ = strconv.Atoi(v)
	}
	if v, ok := i.AuxValue("repl-offset"); ok {
		ri.Offset, _ = strconv.ParseInt(v, 10, 64)
	}
	return ri, true
}

// Decode reads a whole RDB stream from r, calling fn (when not nil) with every key in file
// order, and stops after the checksum. When r is a *bufio.Reader it reads no byte past the checksum,
// so whatever follows (the replication stream) stays in r; any other reader is wrapped in
// a buffer that may read ahead.
//
// fn runs before the rest of the stream has been checked: only a nil error from Decode
// means every key was read and the checksum matched. On any error — malformed data, a
// checksum mismatch, an I/O error, unsupported content, or an error returned by fn, which
// stops decoding and is returned as is — the caller must discard everything fn received,
// as Redis does with a failed load (load into a fresh keyspace, swap on success).
//
// Memory is bounded by what the input backs: a length is only believed as far as bytes
// arrive, so a corrupt size fails with "unexpected end of data" instead of allocating.
// Duplicate keys are not detected here (Redis stops with a fatal error on them); the
// caller's keyspace sees them.
func Decode(r io.Reader, opts DecodeOptions, fn func(*Entry) error) (Info, error) {
	if fn == nil {
		fn = func(*Entry) error { return nil } // checking a file without loading it
	}
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 256<<10)
	}
	d := &fileDecoder{rd: reader{br: br}, opts: opts, fn: fn}
	d.vd = valueDecoder{r: &d.rd, lim: opts.Limits}
	err := d.run()
	d.info.Bytes = d.rd.off
	return d.info, err
}

type fileDecoder struct {
	rd   reader
	vd   valueDecoder
	opts DecodeOptions
	fn   func(*Entry) error
	info Info
	key  []byte
	e    Entry
}

func (d *fileDecoder) run() error {
	r := &d.rd
	magic, err := r.fixed(9)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(magic, []byte("REDIS")) {
		return r.corrupt("wrong signature %q: not an RDB file", magic[:5])
	}
	ver := 0
	for _, c := range magic[5:] {
		if c < '0' || c > '9' {
			return r.corrupt("bad RDB version %q", magic[5:])
		}
		ver = ver*10 + int(c-'0')
	}
	if ver < 1 || ver > Version {
		return r.corrupt("can't handle RDB format version %d", ver)
	}
	d.info.Version = ver

	db := 0
	e := &d.e
	reset := func() { e.ExpireMs, e.Idle, e.Freq = -1, -1, -1 }
	reset()
	for {
		t, err := r.byte1()
		if err != nil {
			return err
		}
		switch t {
		case opExpireTime:
			p, err := r.fixed(4)
			if err != nil {
				return err
			}
			e.ExpireMs = int64(int32(binary.LittleEndian.Uint32(p))) * 1000
			continue
		case opExpireTimeMs:
			p, err := r.fixed(8)
			if err != nil {
				return err
			}
			e.ExpireMs = int64(binary.LittleEndian.Uint64(p))
			continue
		case opFreq:
			b, err := r.byte1()
			if err != nil {
				return err
			}
			e.Freq = int(b)
			continue
		case opIdle:
			n, err := r.count()
			if err != nil {
				return err
			}
			e.Idle = int64(min(n, math.MaxInt64))
			continue
		case opEOF:
			return d.checksum()
		case opSelectDB:
			n, err := r.count()
			if err != nil {
				return err
			}
			if d.opts.Databases > 0 && n >= uint64(d.opts.Databases) {
				return r.corrupt("SELECTDB %d, but this server has %d databases", n, d.opts.Databases)
			}
			if n > math.MaxInt32 {
				return r.corrupt("SELECTDB %d is out of range", n)
			}
			db = int(n)
			continue
		case opResizeDB:
			// Table size hints; Go maps grow on their own.
			if _, err := r.count(); err != nil {
				return err
			}
			if _, err := r.count(); err != nil {
				return err
			}
			continue
		case opAux:
			k, err := r.string()
			if err != nil {
				return err
			}
			v, err := r.string()
			if err != nil {
				return err
			}
			d.info.Aux = append(d.info.Aux, Aux{k, v})
			continue
		case opModuleAux:
			return unsupportedError{"module aux data"}
		case opFunction, opFunction2:
			if err := d.function(t); err != nil {
				return err
			}
			continue
		}
		if d.key, err = r.appendString(d.key[:0]); err != nil {
			return err
		}
		v, err := d.vd.value(t)
		switch {
		case errors.Is(err, errEmpty):
			d.info.EmptySkipped++
		case err != nil:
			return keyError(db, d.key, err)
		default:
			e.DB, e.Key, e.Value = db, d.key, v
			if err := d.fn(e); err != nil {
				return err
			}
			e.Value = nil
			d.info.Keys++
		}
		reset()
	}
}

// function reads a function library: FUNCTION2 is its code; the FUNCTION of the 7.0
// release candidates has name, engine, optional description and code, which Redis turns
// into the same "#!engine name=lib" form.
func (d *fileDecoder) function(t byte) error {
	r := &d.rd
	var code string
	if t == opFunction2 {
		var err error
		if code, err = r.string(); err != nil {
			return err
		}
	} else {
		name, err := r.string()
		if err != nil {
			return err
		}
		engine, err := r.string()
		if err != nil {
			return err
		}
		hasDesc, err := r.count()
		if err != nil {
			return err
		}
		if hasDesc != 0 {
			if _, err := r.string(); err != nil {
				return err
			}
		}
		body, err := r.string()
		if err != nil {
			return err
		}
		code = "#!" + engine + " name=" + name + "\n" + body
	}
	d.info.Functions++
	if d.opts.Function != nil {
		if err := d.opts.Function(code); err != nil {
			return err
		}
	}
	return nil
}

// checksum reads the trailing CRC64 (RDB 5 and later) and verifies it; 0 means the
// writer did not compute one.
func (d *fileDecoder) checksum() error {
	r := &d.rd
	if d.info.Version < 5 {
		return nil
	}
	want := r.crc
	p, err := r.fixed(8)
	if err != nil {
		return err
	}
	sum := binary.LittleEndian.Uint64(p)
	d.info.Checksum = sum
	if sum == 0 || d.opts.SkipChecksum {
		return nil
	}
	if sum != want {
		return &FormatError{Offset: r.off - 8, Msg: fmt.Sprintf("RDB checksum mismatch: file says %016x, data is %016x", sum, want)}
	}
	d.info.ChecksumValid = true
	return nil
}

// DecodeValue decodes one encoded value, type byte first (the body of a DUMP payload), as
// RESTORE does. Every failure matches ErrBadDataFormat (RESTORE's reply), including an
// empty collection and a type rcnode does not hold.
func DecodeValue(b []byte, lim Limits) (any, error) {
	rd := reader{br: bufio.NewReaderSize(bytes.NewReader(b), 16)}
	vd := valueDecoder{r: &rd, lim: lim}
	t, err := rd.byte1()
	if err == nil {
		var v any
		if v, err = vd.value(t); err == nil {
			return v, nil
		}
	}
	if errors.Is(err, errEmpty) {
		err = rd.corrupt("empty collection")
	}
	return nil, fmt.Errorf("%w: %w", ErrBadDataFormat, err)
}
