package wire

import (
	"fmt"
	"io"
	"slices"
)

// readChunk bounds how much ReadFrame allocates ahead of the bytes that have arrived, so a
// peer announcing a large totlen and then stalling costs at most this (Redis likewise reads
// a message in pieces of at most sizeof(clusterMsg) and grows its buffer as they come).
const readChunk = 64 << 10

// ReadFrame reads one message's bytes from r the way clusterReadHandler does: the 8-byte
// prefix first, checked (signature "RCmb", totlen >= HeaderLen), then the rest. It does not
// check the contents; Decode does.
//
// maxLen is the largest totlen accepted; a larger one is refused before anything is
// allocated for it. Redis 7.0 has no limit at all (a peer can make it buffer up to 4 GiB). A
// fixed-size message is at most MaxFixed bytes, a PING/PONG/MEET 2256 + 104 per gossip entry
// (a 7.0 node gossips about a tenth of the cluster, plus every PFAIL node) + about 264 for the
// hostname, and a PUBLISH 2264 + channel + message, so the limit also caps the pub/sub
// payloads a node accepts from its peers.
//
// Errors: io.EOF if r ends cleanly before a message, io.ErrUnexpectedEOF if it ends inside
// one, r's own error, or an error wrapping ErrFrame for a bad prefix; after any of these the
// stream is no longer aligned on a message and the link must be closed, as Redis does.
func ReadFrame(r io.Reader, maxLen int) ([]byte, error) {
	var prefix [prefixLen]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		return nil, err
	}
	totlen, err := checkPrefix(prefix[:])
	if err != nil {
		return nil, err
	}
	if maxLen < 0 || uint64(totlen) > uint64(maxLen) {
		return nil, fmt.Errorf("%w: totlen %d exceeds the limit of %d bytes", ErrFrame, totlen, maxLen)
	}
	n := int(totlen)
	buf := make([]byte, prefixLen, min(n, prefixLen+readChunk))
	copy(buf, prefix[:])
	for len(buf) < n {
		want := min(n-len(buf), readChunk)
		buf = slices.Grow(buf, want)
		k, err := io.ReadFull(r, buf[len(buf):len(buf)+want])
		buf = buf[:len(buf)+k]
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return buf, nil
}

// ReadMessage reads one frame with ReadFrame and decodes it. An error wrapping ErrVersion or
// ErrLength means the frame was read whole but Redis would drop it: the stream is still
// aligned, the link can stay up and the next call reads the next message. Any other error is
// ReadFrame's, after which the link must be closed.
func ReadMessage(r io.Reader, maxLen int) (*Message, error) {
	b, err := ReadFrame(r, maxLen)
	if err != nil {
		return nil, err
	}
	return Decode(b)
}
