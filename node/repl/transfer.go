package repl

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// EOFMarkLen is the length of the diskless transfer's end mark (RDB_EOF_MARK_SIZE).
const EOFMarkLen = 40

// NewEOFMark returns a random end mark for a diskless transfer.
func NewEOFMark() []byte {
	var b [EOFMarkLen / 2]byte
	rand.Read(b[:])
	return []byte(hex.EncodeToString(b[:]))
}

// maxLine bounds a reply line read during the handshake, so a broken peer cannot make the
// replica buffer without end.
const maxLine = 64 << 10

// ErrLineTooLong is returned for a reply line longer than the handshake allows.
var ErrLineTooLong = errors.New("master reply line too long")

// ReadLine reads one line up to "\n" and returns it without its "\r\n" or "\n". A master
// sends bare "\n" keepalives while it prepares a full sync; they come back as empty lines.
func ReadLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		if err == nil {
			break
		}
		if err != bufio.ErrBufferFull {
			return "", err
		}
		if len(line) > maxLine {
			return "", ErrLineTooLong
		}
	}
	line = bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
	return string(line), nil
}

// Payload is the framing of a full sync's RDB: either its length, or the end mark that
// follows it (diskless, "$EOF:<mark>").
type Payload struct {
	Len  int64  // -1 for the diskless form
	Mark []byte // the 40-byte end mark, diskless form only
}

// ReadPayloadHeader reads the "$<len>" or "$EOF:<mark>" line that starts a full sync's
// RDB, skipping the newline keepalives before it (readSyncBulkPayload).
func ReadPayloadHeader(br *bufio.Reader) (Payload, error) {
	for {
		line, err := ReadLine(br)
		if err != nil {
			return Payload{}, err
		}
		if line == "" {
			continue // keepalive
		}
		if line[0] == '-' {
			return Payload{}, fmt.Errorf("MASTER aborted replication with an error: %s", line[1:])
		}
		if line[0] != '$' {
			return Payload{}, fmt.Errorf("Bad protocol from MASTER, the first byte is not '$' (we received '%s'), are you sure the host and port are right?", line) //lint:ignore ST1005 Redis's log text
		}
		if rest, ok := bytes.CutPrefix([]byte(line[1:]), []byte("EOF:")); ok {
			if len(rest) < EOFMarkLen {
				return Payload{}, fmt.Errorf("bad EOF mark in the payload header %q", line)
			}
			return Payload{Len: -1, Mark: rest[:EOFMarkLen]}, nil
		}
		n, err := strconv.ParseInt(line[1:], 10, 64)
		if err != nil || n < 0 {
			return Payload{}, fmt.Errorf("bad payload length in %q", line)
		}
		return Payload{Len: n}, nil
	}
}

// Finish checks the end of a payload whose RDB, consumed bytes long, has just been read from
// br: the length must match, or the end mark must follow.
func (p Payload) Finish(br *bufio.Reader, consumed int64) error {
	if p.Len >= 0 {
		if consumed != p.Len {
			return fmt.Errorf("the RDB is %d bytes, the master announced %d", consumed, p.Len)
		}
		return nil
	}
	var mark [EOFMarkLen]byte
	if _, err := io.ReadFull(br, mark[:]); err != nil {
		return err
	}
	if !bytes.Equal(mark[:], p.Mark) {
		return errors.New("the RDB is not followed by the transfer's end mark")
	}
	return nil
}

// PayloadHeader returns the line that starts a full sync payload: "$EOF:<mark>\r\n" when mark
// is set, else "$<n>\r\n".
func PayloadHeader(mark []byte, n int64) []byte {
	if mark != nil {
		return append(append([]byte("$EOF:"), mark...), '\r', '\n')
	}
	return append(strconv.AppendInt([]byte("$"), n, 10), '\r', '\n')
}
