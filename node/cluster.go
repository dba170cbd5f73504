package node

import (
	"errors"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/gossip/bus"
)

// clusterBus is what the node needs of the cluster bus driver (gossip/bus.Bus). The state
// machine belongs to the bus's loop goroutine: CLUSTER commands reach it only through Do.
type clusterBus interface {
	// Do runs fn on the loop goroutine and returns when it has run.
	Do(fn func(c *gossip.Cluster))
	// SaveNow writes nodes.conf at once (CLUSTER SAVECONFIG); only inside Do.
	SaveNow(c *gossip.Cluster) error
	// LinkStats gives a link's send buffer and the events it waits for (CLUSTER LINKS).
	LinkStats(id gossip.LinkID) (alloc, used int, events string)
	// SetSendBufLimit applies cluster-link-sendbuf-limit; LinksBufferLimitExceeded counts
	// the links it closed.
	SetSendBufLimit(limit int64)
	LinksBufferLimitExceeded() int64
	Close()
}

// maxPortWithDefaultBus is the highest client port whose port+10000 bus port is valid.
const maxPortWithDefaultBus = 65535 - busPortOffset

// startCluster loads or creates nodes.conf and starts the cluster bus, as Redis's
// clusterInit does before the server accepts clients. A nodes.conf that cannot be loaded
// stops the node: starting fresh would give it a new identity and lose its slots. The state
// machine logs "No cluster configuration found, I'm <id>" or "Node configuration loaded,
// I'm <id>" itself.
func (s *Server) startCluster() error {
	o := s.opts.Cluster
	busPort := o.BusPort
	if busPort == 0 {
		if s.opts.Port > maxPortWithDefaultBus {
			s.log.Warnf("Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port. Your Redis port number must be 55535 or less.")
			return errors.New("port number too high for the cluster bus")
		}
		busPort = s.opts.Port + busPortOffset
	}
	cfg := o.Gossip
	cfg.Log = s.gossipLog
	b, err := bus.Open(bus.Options{
		Bind:       s.opts.Bind,
		Port:       busPort,
		ConfigFile: o.ConfigFile,
		Cluster:    cfg,
		Log:        s.log,
		OnRouting:  s.onRouting,
		// Called just before OnRouting of the same change.
		OnDropSlotKeys: func(lost []int) { s.lostSlots = append(s.lostSlots, lost...) },
		OnDrainWrites:  func() { go s.reportDrainedWrites() },
		OnPublish:      func(p gossip.Published) { s.publish(p.Channel, p.Message, p.Shard) },
	})
	if err != nil {
		// The bus's errors are worded as Redis logs them before exit(1).
		s.log.Warnf("%v", err)
		return err
	}
	b.SetSendBufLimit(o.LinkSendBufLimit)
	// On the loop goroutine, so a newer snapshot from OnRouting cannot be overwritten.
	b.Do(func(*gossip.Cluster) { s.setRouting(b.Routing()) })
	if err := b.Start(); err != nil { // the bus has logged why
		b.Close()
		return err
	}
	s.bus = b
	return nil
}

// onRouting publishes a new routing snapshot (on the bus loop), then deletes the keys of
// the slots the change took away from this node, as Redis deletes its "dirty slots": only
// once commands route by the new snapshot can none of them write such a key again.
func (s *Server) onRouting(r *gossip.Routing) {
	s.setRouting(r)
	db := s.ks.DBs[0]
	dropped := 0
	for _, slot := range s.lostSlots {
		s.ks.Lock(slot)
		n := db.FlushSlot(slot)
		s.ks.Unlock(slot)
		if n > 0 {
			dropped += n
			s.ks.AddDirty(int64(n))
			s.log.Debugf("Deleted %d keys of slot %d, now served by another node", n, slot)
		}
	}
	releaseFlushed(int64(dropped))
	s.lostSlots = s.lostSlots[:0]
}

// setRouting publishes a new routing snapshot to the dispatcher.
func (s *Server) setRouting(r *gossip.Routing) {
	s.routing.Store(r)
	// Replication follows the topology (and marks the log 'S' or 'M'); expiry stops on
	// replicas and while a manual failover holds writes.
	s.followRouting()
	s.updateExpiryMode()
}

// reconfigureCluster hands the state machine a new configuration after CONFIG SET.
func (s *Server) reconfigureCluster(o ClusterOptions) {
	if s.bus == nil {
		return
	}
	s.bus.SetSendBufLimit(o.LinkSendBufLimit)
	cfg := o.Gossip
	cfg.Log = s.gossipLog
	s.bus.Do(func(c *gossip.Cluster) { c.SetConfig(cfg) })
}

// gossipLog writes the state machine's log lines to the server log.
func (s *Server) gossipLog(level gossip.Level, msg string) {
	switch level {
	case gossip.LevelDebug, gossip.LevelVerbose:
		s.log.Debug(msg)
	case gossip.LevelNotice:
		s.log.Info(msg)
	default:
		s.log.Warn(msg)
	}
}

// stopCluster closes the bus; nodes.conf is not written on shutdown, as in Redis.
func (s *Server) stopCluster() {
	if s.bus != nil {
		s.bus.Close()
	}
}

// allSlots asks clusterDoLocked for every slot lock.
const allSlots = -1

// clusterDoLocked is clusterDo for the CLUSTER commands that decide by the keys this node
// holds (FLUSHSLOTS, REPLICATE, RESET, SETSLOT): fn runs with slot's lock (every lock for
// allSlots) held, so no key changes meanwhile, and the routing it changes is published
// before the locks are released. The locks are taken on the bus loop and never held while
// waiting for it, since the loop takes them too (onRouting).
func (c *Client) clusterDoLocked(slot int, fn func(cl *gossip.Cluster)) bool {
	ks := c.srv.ks
	return c.clusterDo(func(cl *gossip.Cluster) {
		if slot == allSlots {
			ks.LockAll()
			defer ks.UnlockAll()
		} else {
			ks.Lock(slot)
			defer ks.Unlock(slot)
		}
		fn(cl)
		c.srv.setRouting(cl.Routing())
	})
}

// clusterDo runs fn on the state machine for a CLUSTER command, or replies that this is
// not a cluster node and reports false.
func (c *Client) clusterDo(fn func(cl *gossip.Cluster)) bool {
	if !c.requireCluster() {
		return false
	}
	if c.srv.bus == nil {
		// Only servers built without Start (in-process tests) have no bus.
		c.w.Error("ERR the cluster bus is not running")
		return false
	}
	c.srv.bus.Do(fn)
	return true
}
