package repl

import (
	"bytes"
	"strings"
	"testing"
)

func appendCmd(s *Stream, db int, args ...string) int64 {
	s.Lock()
	s.Select(db)
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	s.Command(bs)
	return s.Unlock()
}

func readAll(t *testing.T, r *Reader) string {
	t.Helper()
	bufs, n, ok := r.Peek(nil, 1<<40)
	if !ok {
		t.Fatal("reader lost its bytes")
	}
	var b bytes.Buffer
	for _, p := range bufs {
		b.Write(p)
	}
	if int64(b.Len()) != n {
		t.Fatalf("Peek reported %d bytes, gave %d", n, b.Len())
	}
	r.Advance(n)
	return b.String()
}

func TestStreamEncodesWithSelectAndOffsets(t *testing.T) {
	s := NewStream(1 << 20)
	s.Lock()
	s.Activate()
	r, ok := s.NewReader(s.BacklogLocked().End)
	s.Unlock()
	if !ok {
		t.Fatal("NewReader at the end refused")
	}
	end := appendCmd(s, 0, "set", "k", "v")
	want := "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n"
	if got := readAll(t, r); got != want {
		t.Fatalf("stream %q, want %q", got, want)
	}
	if end != int64(len(want)) || s.End() != end {
		t.Fatalf("end %d (published %d), want %d", end, s.End(), len(want))
	}
	// Same database: no SELECT; another one: SELECT again.
	appendCmd(s, 0, "del", "k")
	appendCmd(s, 3, "del", "k")
	got := readAll(t, r)
	if strings.Count(got, "SELECT") != 1 || !strings.Contains(got, "$1\r\n3\r\n") {
		t.Fatalf("second batch %q", got)
	}
	select {
	case <-r.C:
	default:
		t.Fatal("reader not signalled")
	}
}

func TestStreamKeepsBacklogSizeAndTrimsByBlock(t *testing.T) {
	s := NewStream(40 << 10)
	s.Lock()
	s.Activate()
	s.Unlock()
	val := strings.Repeat("x", 1000)
	for i := 0; i < 500; i++ {
		appendCmd(s, 0, "set", "key", val)
	}
	b := s.Backlog()
	if b.HistLen < 40<<10 || b.HistLen > 40<<10+BlockSize {
		t.Fatalf("histlen %d, want between the backlog size and one block more", b.HistLen)
	}
	if b.First != b.End-b.HistLen+1 {
		t.Fatalf("first byte %d, end %d, histlen %d", b.First, b.End, b.HistLen)
	}
	// Positions before the backlog cannot be read from; the first kept one can.
	s.Lock()
	if _, ok := s.NewReader(b.First - 2); ok {
		t.Fatal("reader before the backlog accepted")
	}
	r, ok := s.NewReader(b.First - 1)
	s.Unlock()
	if !ok {
		t.Fatal("reader at the backlog's first byte refused")
	}
	if got := int64(len(readAll(t, r))); got != b.HistLen {
		t.Fatalf("read %d bytes, backlog holds %d", got, b.HistLen)
	}
	r.Close()
}

func TestStreamReaderPinsWhatItHasNotRead(t *testing.T) {
	s := NewStream(16 << 10)
	s.Lock()
	s.Activate()
	r, _ := s.NewReader(0)
	s.Unlock()
	val := strings.Repeat("y", 4000)
	var total int64
	for i := 0; i < 200; i++ {
		total = appendCmd(s, 0, "set", "key", val)
	}
	if lag := r.Lag(); lag != total {
		t.Fatalf("lag %d, want %d", lag, total)
	}
	if got := int64(len(readAll(t, r))); got != total {
		t.Fatalf("pinned reader read %d of %d bytes", got, total)
	}
	// Once read, the stream trims back to the backlog size at the next block.
	appendCmd(s, 0, "set", "key", val)
	if h := s.Backlog().HistLen; h > 16<<10+2*BlockSize {
		t.Fatalf("histlen %d after the reader caught up", h)
	}
	// Peek honours its limit and resumes where it stopped.
	appendCmd(s, 0, "set", "key", val)
	bufs, n, _ := r.Peek(nil, 100)
	if n != 100 || len(bufs) == 0 {
		t.Fatalf("limited peek gave %d bytes", n)
	}
	r.Advance(n)
	if r.Lag() == 0 {
		t.Fatal("lag zero after a partial read")
	}
}

func TestStreamResetAndDeactivate(t *testing.T) {
	s := NewStream(1 << 20)
	s.Lock()
	s.Activate()
	s.Unlock()
	appendCmd(s, 0, "ping")
	s.Lock()
	s.Deactivate()
	b := s.BacklogLocked()
	s.Unlock()
	if b.Active || b.HistLen != 0 || b.End == 0 || b.First != b.End+1 {
		t.Fatalf("after Deactivate: %+v", b)
	}
	s.Lock()
	s.Reset(5000)
	s.Activate()
	s.Unlock()
	if end := appendCmd(s, 1, "ping"); end <= 5000 {
		t.Fatalf("end %d after a reset to 5000", end)
	}
	if b := s.Backlog(); b.First != 5001 {
		t.Fatalf("first byte %d after reset to 5000", b.First)
	}
}

func TestCanContinue(t *testing.T) {
	ids := IDs{ID: strings.Repeat("a", 40), ID2: strings.Repeat("b", 40), SecondOffset: 101}
	cases := []struct {
		id     string
		offset int64
		want   PartialRefusal
	}{
		{strings.Repeat("a", 40), 50, PartialOK},
		{strings.Repeat("A", 40), 50, PartialOK},         // case-insensitive, as strcasecmp
		{strings.Repeat("a", 40), 201, PartialOK},        // end+1: nothing to send yet
		{strings.Repeat("a", 40), 202, PartialNoBacklog}, // past the end
		{strings.Repeat("a", 40), 9, PartialNoBacklog},   // before the backlog
		{strings.Repeat("b", 40), 101, PartialOK},
		{strings.Repeat("b", 40), 102, PartialSecondTooFar},
		{strings.Repeat("c", 40), 50, PartialIDMismatch},
		{"?", -1, PartialForced},
	}
	for _, c := range cases {
		if got := ids.CanContinue(c.id, c.offset, true, 10, 200); got != c.want {
			t.Errorf("CanContinue(%.4s…, %d) = %d, want %d", c.id, c.offset, got, c.want)
		}
	}
	if got := ids.CanContinue(ids.ID, 50, false, 10, 200); got != PartialNoBacklog {
		t.Errorf("without a backlog: %d", got)
	}
	old := ids.ID
	ids.Shift(300)
	if ids.ID2 != old || ids.SecondOffset != 301 || ids.ID == old || len(ids.ID) != 40 {
		t.Fatalf("after Shift: %+v", ids)
	}
}

func TestResetLosesReaders(t *testing.T) {
	s := NewStream(1 << 20)
	s.Lock()
	s.Activate()
	r, _ := s.NewReader(0)
	s.Unlock()
	appendCmd(s, 0, "set", "k", "v")
	s.Lock()
	s.Reset(10) // another history whose offsets overlap the reader's
	s.Activate()
	s.Unlock()
	appendCmd(s, 0, "set", "k", "v")
	if _, _, ok := r.Peek(nil, 100); ok || !r.Lost() {
		t.Fatal("a reader survived a reset of the stream")
	}
	r.Close()
}
