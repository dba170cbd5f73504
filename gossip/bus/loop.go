package bus

import (
	"time"

	"github.com/rcnode/rcnode/gossip"
)

// run is the loop goroutine: the only code that touches b.c while the bus is open. It runs
// one event at a time and, after each, carries out what the state machine asked for.
func (b *Bus) run() {
	defer close(b.loopDone)
	b.apply(b.initial) // whatever gossip.New asked for besides the save Open did
	b.initial = gossip.Ready{}
	var tick <-chan time.Time
	startCh := b.startCh
	for {
		select {
		case ev := <-b.events:
			b.handle(ev)
		case <-tick:
			b.handle(event{fn: b.tick})
		case <-startCh:
			startCh = nil
			t := time.NewTicker(gossip.TickInterval * time.Millisecond)
			defer t.Stop()
			tick = t.C
		case <-b.quit:
			b.shutdown()
			return
		}
	}
}

func (b *Bus) handle(ev event) {
	ev.fn(b.c, time.Now().UnixMilli())
	b.apply(b.c.Ready())
	if ev.done != nil {
		close(ev.done)
	}
}

func (b *Bus) tick(c *gossip.Cluster, now int64) {
	b.enforceSendBufLimit(c, now)
	c.Tick(now)
	b.retrySave = b.saveFailed || b.savePending
	b.savePending = false
}

// apply carries out a Ready: closes, dials, the nodes.conf save, sends, routing. The save
// comes before the sends, as in Redis (clusterBeforeSleep writes the file before the event
// loop flushes any link): a vote or an epoch must be on disk before a peer can act on it.
func (b *Bus) apply(rd gossip.Ready) {
	for _, id := range rd.Closes {
		if l := b.links[id]; l != nil {
			b.removeLink(l)
		}
	}
	for _, d := range rd.Dials {
		b.dial(d)
	}
	saved := true
	switch {
	case rd.FsyncConfig || b.retrySave:
		saved = b.save(b.c) == nil
		b.retrySave, b.savePending = false, false
	case rd.SaveConfig:
		b.savePending = true
	}
	if rd.FsyncConfig && !saved {
		// What needed to be durable is not: sending it could let a peer count a vote or an
		// epoch this node forgets on restart. The bus is lossy anyway (a link can drop any
		// message), so dropping them is safe; the state machine retries from its timers.
		if len(rd.Sends) > 0 {
			b.log.Warnf("Not sending %d cluster bus messages: cluster config file not saved", len(rd.Sends))
		}
		rd.Sends = nil
	}
	for _, s := range rd.Sends {
		l := b.links[s.Link]
		if l == nil {
			continue // closed meanwhile: Redis drops what a freed link had queued too
		}
		if err := l.queue(s.Msg); err != nil {
			b.log.Warnf("Cluster bus: cannot encode a %v message for link %s: %v", s.Msg.Type, l.peer, err)
		}
	}
	if b.opts.OnPublish != nil {
		for _, p := range rd.Published {
			b.opts.OnPublish(p)
		}
	}
	if len(rd.DropSlotKeys) > 0 && b.opts.OnDropSlotKeys != nil {
		b.opts.OnDropSlotKeys(rd.DropSlotKeys)
	}
	if rd.RoutingChanged {
		r := b.c.Routing()
		b.routing.Store(r)
		if b.opts.OnRouting != nil {
			b.opts.OnRouting(r)
		}
	}
	if rd.DrainWrites && b.opts.OnDrainWrites != nil {
		b.opts.OnDrainWrites()
	}
}

// post hands ev to the loop; false when the bus is closing (ev.drop has then been called).
func (b *Bus) post(ev event) bool {
	select {
	case b.events <- ev:
		return true
	case <-b.quit:
		if ev.drop != nil {
			ev.drop()
		}
		return false
	}
}

// shutdown closes every link on the loop's way out, and makes one last attempt at a save
// that is still owed.
func (b *Bus) shutdown() {
	for _, l := range b.links {
		b.removeLink(l)
	}
	if b.saveFailed || b.savePending {
		b.save(b.c)
	}
}

// drain releases what events left in the queue would have taken over; Close calls it once
// no goroutine can post any more.
func (b *Bus) drain() {
	for {
		select {
		case ev := <-b.events:
			if ev.drop != nil {
				ev.drop()
			}
		default:
			return
		}
	}
}
