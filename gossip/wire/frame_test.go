package wire

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadFrameStream(t *testing.T) {
	var stream []byte
	vs := vectors()
	for _, v := range vs {
		stream = append(stream, v.b...)
	}
	// A large PUBLISH, past the read chunk, arriving one byte at a time.
	big := &Message{Header: Header{Type: TypePublish}, Publish: Publish{
		Channel: []byte("c"), Message: bytes.Repeat([]byte("0123456789"), 20000)}}
	stream = AppendMessage(stream, big)

	r := iotest.OneByteReader(bytes.NewReader(stream))
	for _, v := range vs {
		m, err := ReadMessage(r, 1<<20)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if !bytes.Equal(Encode(m), v.b) {
			t.Fatalf("%s: read back differently", v.name)
		}
	}
	m, err := ReadMessage(r, 1<<20)
	if err != nil || !bytes.Equal(m.Publish.Message, big.Publish.Message) {
		t.Fatalf("big publish: %v", err)
	}
	if _, err := ReadFrame(r, 1<<20); err != io.EOF {
		t.Fatalf("at the end: %v, want io.EOF", err)
	}
}

func TestReadFrameErrors(t *testing.T) {
	ping := vec("ping gossip+hostname")
	cases := []struct {
		name   string
		in     []byte
		maxLen int
		err    error
		text   string
	}{
		{"eof inside prefix", ping[:5], 1 << 20, io.ErrUnexpectedEOF, ""},
		{"eof inside body", ping[:3000-1000], 1 << 20, io.ErrUnexpectedEOF, ""},
		{"signature", []byte("HTTP/1.1 200 OK\r\n"), 1 << 20, ErrFrame, "signature"},
		{"short totlen", []byte("RCmb\x00\x00\x08\xcf"), 1 << 20, ErrFrame, "below the minimum 2256"},
		{"over limit", ping, len(ping) - 1, ErrFrame, "exceeds the limit of 2479"},
		{"negative limit", ping, -1, ErrFrame, "exceeds the limit"},
		{"absurd totlen", []byte("RCmb\xff\xff\xff\xff"), 1 << 20, ErrFrame, "totlen 4294967295 exceeds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := ReadFrame(bytes.NewReader(c.in), c.maxLen)
			if err == nil || !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("ReadFrame = %d bytes, %v; want %v containing %q", len(b), err, c.err, c.text)
			}
		})
	}
	// Exactly at the limit is fine.
	if _, err := ReadFrame(bytes.NewReader(ping), len(ping)); err != nil {
		t.Fatal(err)
	}
}

// countingReader records how many bytes were asked for in total.
type countingReader struct {
	r     io.Reader
	asked int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.asked += len(p)
	return c.r.Read(p)
}

// TestReadFrameRefusesBeforeReading: an over-limit totlen is refused after the 8-byte prefix,
// without reading (or allocating for) the body.
func TestReadFrameRefusesBeforeReading(t *testing.T) {
	cr := &countingReader{r: io.MultiReader(strings.NewReader("RCmb\x7f\xff\xff\xff"), zeroReader{})}
	if _, err := ReadFrame(cr, 1<<20); !errors.Is(err, ErrFrame) {
		t.Fatal(err)
	}
	if cr.asked != 8 {
		t.Fatalf("asked for %d bytes, want 8", cr.asked)
	}
	// Within the limit, a stalled peer costs no more than the chunk ahead of what arrived.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadFrame(strings.NewReader("RCmb\x00\x10\x00\x00"), 1<<30) // 1 MiB announced, nothing sent
	runtime.ReadMemStats(&after)
	if err != io.ErrUnexpectedEOF {
		t.Fatal(err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > readChunk+16<<10 {
		t.Fatalf("%d bytes allocated for a stalled 1 MiB frame", n)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestReadMessageStaysAligned: a frame Redis drops (bad version, bad length) is consumed
// whole, and the next message reads fine.
func TestReadMessageStaysAligned(t *testing.T) {
	badVer := vec("fail")
	p16(badVer, 8, 2)
	badLen := vec("publish")
	p32(badLen, 2260, 1)
	stream := append(append(badVer, badLen...), vec("update")...)
	r := bytes.NewReader(stream)
	if _, err := ReadMessage(r, MaxFixed); !errors.Is(err, ErrVersion) {
		t.Fatalf("first: %v", err)
	}
	if _, err := ReadMessage(r, MaxFixed); !errors.Is(err, ErrLength) {
		t.Fatalf("second: %v", err)
	}
	if m, err := ReadMessage(r, MaxFixed); err != nil || m.Type != TypeUpdate {
		t.Fatalf("third: %v", err)
	}
}
