package bus

import (
	"testing"
	"time"
)

// TestSendBufLimitClosesLinks: with a limit smaller than one message, every link that
// queued a message is closed on the next tick and counted, and the state machine redials.
func TestSendBufLimitClosesLinks(t *testing.T) {
	a, b := startNode(t), startNode(t)
	a.SetSendBufLimit(1)
	meet(t, a, b)
	eventually(t, 10*time.Second, "a link closed for the send buffer limit", func() bool {
		return a.LinksBufferLimitExceeded() > 0
	})
	a.SetSendBufLimit(0)
	before := a.LinksBufferLimitExceeded()
	eventually(t, 10*time.Second, "the nodes meet once the limit is lifted", func() bool {
		ok, _ := knowsAll([]*testNode{a, b})
		return ok
	})
	if got := a.LinksBufferLimitExceeded(); got != before {
		t.Fatalf("links still closed without a limit: %d then %d", before, got)
	}
}
