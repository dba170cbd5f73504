package node

import (
	"github.com/rcnode/rcnode/clientproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rcnode/rcnode/internal/glob"
)

// Pub/Sub delivery. Subscriptions live in the server's pubsubHub; a client that ever
// subscribed gets a pubsubConn, whose out queue takes the messages other goroutines publish
// to it. Publishers only append to that queue and wake the client's small writer goroutine,
// so a slow subscriber never blocks them; the client's own replies are flushed through the
// same queue (flushPubsub), under one write mutex, so replies and messages reach the socket
// in the order they were produced.
//
// Lock order: hub.mu, then a client's ps.mu; ps.wmu (the socket) is never taken while
// holding hub.mu, and nothing blocks while holding ps.mu.

// pubsubHub is the server's subscriptions: channel (or pattern) -> subscribed clients.
type pubsubHub struct {
	mu       sync.RWMutex
	channels map[string]map[*Client]struct{}
	patterns map[string]map[*Client]struct{}
	shard    map[string]map[*Client]struct{}
}

// pubsubKind is which of Redis's pubsub types a subscription belongs to.
type pubsubKind int

const (
	kindChannel pubsubKind = iota
	kindPattern
	kindShard
)

func (h *pubsubHub) table(k pubsubKind) *map[string]map[*Client]struct{} {
	switch k {
	case kindPattern:
		return &h.patterns
	case kindShard:
		return &h.shard
	}
	return &h.channels
}

// pubsubConn is one client's subscriptions and pending output.
type pubsubConn struct {
	subs [3]map[string]struct{} // by pubsubKind; guarded by the hub's mu for writes

	mu        sync.Mutex
	out       []byte // produced, not yet written
	spare     []byte // the previous write's buffer, reused
	overSoft  time.Time
	dropped   bool // closed for its output buffer limit: messages are discarded
	wmu       sync.Mutex
	wake      chan struct{}
	done      chan struct{}
	hard, sft int64
	softSecs  int
}

// count is the client's subscriptions of kind k (read by the client's own goroutine).
func (p *pubsubConn) count(k pubsubKind) int { return len(p.subs[k]) }

// subscribed reports whether the client is in Redis's CLIENT_PUBSUB state.
func (p *pubsubConn) subscribed() bool {
	return len(p.subs[0])+len(p.subs[1])+len(p.subs[2]) > 0
}

// pubsub returns the client's pubsub state, starting its writer on first use.
func (c *Client) pubsub() *pubsubConn {
	if c.ps != nil {
		return c.ps
	}
	p := &pubsubConn{wake: make(chan struct{}, 1), done: make(chan struct{})}
	for i := range p.subs {
		p.subs[i] = map[string]struct{}{}
	}
	p.hard, p.sft, p.softSecs = pubsubOutputLimits(c.srv.configValue("client-output-buffer-limit"))
	c.ps = p
	go c.pubsubWriter(p)
	return p
}

// pubsubWriter writes what publishers queued while the client's goroutine is busy or
// blocked reading.
func (c *Client) pubsubWriter(p *pubsubConn) {
	for {
		select {
		case <-p.wake:
		case <-p.done:
			return
		}
		if !c.writeQueued(p, nil) {
			c.kill()
			return
		}
	}
}

// flushPubsub is flush for a client with pubsub state: its replies join the queue behind
// the messages already there.
func (c *Client) flushPubsub() bool {
	ok := c.writeQueued(c.ps, c.w.Bytes())
	c.w.Reset(writeBufferKeep)
	return ok && !c.killed.Load()
}

// writeQueued writes the queue, then more, to the socket.
func (c *Client) writeQueued(p *pubsubConn, more []byte) bool {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.mu.Lock()
	buf := append(p.out, more...)
	// The spare buffer becomes the queue and is no longer spare: were it kept, a later
	// write would hand the queue's own array out again while publishers append to it.
	p.out, p.spare = p.spare[:0], nil
	p.overSoft = time.Time{}
	p.mu.Unlock()
	if len(buf) == 0 {
		return true
	}
	n, err := c.nc.Write(buf)
	c.srv.stats.netOutputBytes.Add(int64(n))
	p.mu.Lock()
	if cap(buf) <= writeBufferKeep {
		p.spare = buf[:0]
	}
	p.mu.Unlock()
	return err == nil
}

// queue appends one message built by enc to the client's output and wakes its writer; a
// client past client-output-buffer-limit pubsub is closed instead (Redis's
// checkClientOutputBufferLimits). Called with the hub's read lock held.
func (c *Client) queue(enc func(b []byte, proto int32) []byte) {
	p := c.ps
	p.mu.Lock()
	if p.dropped {
		p.mu.Unlock()
		return
	}
	p.out = enc(p.out, c.protoVer.Load())
	over := p.overLimit(int64(len(p.out)))
	if over {
		p.dropped = true
		p.out = nil
	}
	p.mu.Unlock()
	if over {
		c.srv.log.Warnf("Client id=%d addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.", c.id, c.addr)
		c.kill()
		return
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// overLimit applies the hard limit at once and the soft one after softSecs above it.
func (p *pubsubConn) overLimit(n int64) bool {
	if p.hard > 0 && n >= p.hard {
		return true
	}
	if p.sft <= 0 || n < p.sft {
		p.overSoft = time.Time{}
		return false
	}
	now := time.Now()
	if p.overSoft.IsZero() {
		p.overSoft = now
		return false
	}
	return now.Sub(p.overSoft) >= time.Duration(p.softSecs)*time.Second
}

// pubsubOutputLimits picks the pubsub class out of client-output-buffer-limit's value
// ("normal 0 0 0 slave ... pubsub 33554432 8388608 60").
func pubsubOutputLimits(v string) (hard, soft int64, secs int) {
	f := strings.Fields(v)
	for i := 0; i+3 < len(f); i += 4 {
		if f[i] == "pubsub" {
			hard, _ = strconv.ParseInt(f[i+1], 10, 64)
			soft, _ = strconv.ParseInt(f[i+2], 10, 64)
			secs, _ = strconv.Atoi(f[i+3])
			return hard, soft, secs
		}
	}
	return 32 << 20, 8 << 20, 60
}

// configValue is a directive's value as CONFIG GET shows it ("" without a config store).
func (s *Server) configValue(name string) string {
	if s.config == nil {
		return ""
	}
	if kv := s.config.Get(name); len(kv) == 1 {
		return kv[0][1]
	}
	return ""
}

// publish delivers a message to this node's subscribers and returns how many received it
// (a client subscribed to the channel and to matching patterns counts once for each).
func (s *Server) publish(channel, msg []byte, shard bool) int {
	h := &s.pubsub
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	subs := h.channels
	name := messageBulk
	if shard {
		subs, name = h.shard, smessageBulk
	}
	for c := range subs[string(channel)] {
		c.queue(func(b []byte, proto int32) []byte {
			return appendPush(b, proto, name, channel, msg)
		})
		n++
	}
	if shard {
		return n
	}
	for pat, clients := range h.patterns {
		if !glob.Match([]byte(pat), channel, false) {
			continue
		}
		for c := range clients {
			c.queue(func(b []byte, proto int32) []byte {
				return appendPush(b, proto, pmessageBulk, []byte(pat), channel, msg)
			})
			n++
		}
	}
	return n
}

var (
	messageBulk  = []byte("message")
	pmessageBulk = []byte("pmessage")
	smessageBulk = []byte("smessage")
)

// appendPush encodes a push message: an array in RESP2, a push type in RESP3.
func appendPush(b []byte, proto int32, parts ...[]byte) []byte {
	typ := byte('*')
	if proto >= 3 {
		typ = '>'
	}
	return clientproto.AppendBulkAggregate(b, typ, parts)
}

// pubsubClose drops a closing client's subscriptions and stops its writer.
func (c *Client) pubsubClose() {
	p := c.ps
	if p == nil {
		return
	}
	h := &c.srv.pubsub
	h.mu.Lock()
	for k := range p.subs {
		for name := range p.subs[k] {
			h.remove(pubsubKind(k), name, c)
		}
	}
	h.mu.Unlock()
	close(p.done)
}

// add and remove change the hub's side of a subscription; the caller holds h.mu.
func (h *pubsubHub) add(k pubsubKind, name string, c *Client) {
	t := h.table(k)
	if *t == nil {
		*t = map[string]map[*Client]struct{}{}
	}
	set := (*t)[name]
	if set == nil {
		set = map[*Client]struct{}{}
		(*t)[name] = set
	}
	set[c] = struct{}{}
}

func (h *pubsubHub) remove(k pubsubKind, name string, c *Client) {
	t := *h.table(k)
	set := t[name]
	delete(set, c)
	if len(set) == 0 {
		delete(t, name)
	}
}
