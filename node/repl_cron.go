package node

import (
	"time"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/node/repl"
)

// replCron is the replication cron (replicationCron, and the part of clusterCron that
// reads replication state): ten times a second it starts a link to our master when one is
// due, enforces the replicas' output limits and tells the cluster our offset and link
// state; once a second it pings replicas, drops those that timed out and frees an unused
// backlog.
func (s *Server) replCron() {
	defer s.wg.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	var lastSecond time.Time
	for {
		select {
		case <-s.shutdownCh:
			s.repl.stopAll()
			return
		case <-t.C:
		case <-s.replWake:
		}
		now := time.Now()
		s.startLinkIfDue(now)
		s.enforceReplicaLimits(now)
		s.publishReplication(now)
		if now.Sub(lastSecond) >= time.Second {
			lastSecond = now
			s.replSecond(now)
		}
	}
}

// wakeReplCron makes the cron run now (a new master to connect to, a link that ended).
func (s *Server) wakeReplCron() {
	select {
	case s.replWake <- struct{}{}:
	default:
	}
}

// startLinkIfDue connects to our master when no link runs: at once after a change of master
// or the loss of a working link, else once a second, as Redis retries from its cron.
func (s *Server) startLinkIfDue(now time.Time) {
	r := s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.masterHost == "" || r.link != nil || now.Before(r.nextLink) {
		return
	}
	select {
	case <-s.shutdownCh:
		return
	default:
	}
	l := newMasterLink(s, r.masterHost, r.masterPort)
	l.masterDB = r.masterDB
	r.link = l
	r.nextLink = now.Add(time.Second)
	go l.run()
}

// stopAll ends the link and every replica session (shutdown).
func (r *replication) stopAll() {
	r.mu.Lock()
	l := r.link
	r.mu.Unlock()
	if l != nil {
		l.stop()
	}
	r.disconnectReplicas()
}

// enforceReplicaLimits applies client-output-buffer-limit replica: a replica whose unsent
// stream exceeds the hard limit, or the soft limit for longer than its seconds, is
// disconnected. While it receives its snapshot only the hard limit applies, and the soft
// limit's clock starts once it streams: a replica taking longer than the soft time to
// load must not be sent into an endless loop of full syncs, and the hard limit still
// bounds the memory it holds.
func (s *Server) enforceReplicaLimits(now time.Time) {
	st := s.Settings()
	for _, rs := range s.repl.sessions() {
		rd := rs.reader.Load()
		if rd == nil {
			continue
		}
		lag := rd.Lag()
		over := st.ReplicaOutputHardLimit > 0 && lag > st.ReplicaOutputHardLimit
		if rs.online() && st.ReplicaOutputSoftLimit > 0 && lag > st.ReplicaOutputSoftLimit {
			if rs.softSince == 0 {
				rs.softSince = now.Unix()
			} else if now.Unix()-rs.softSince > int64(st.ReplicaOutputSoftSecond) {
				over = true
			}
		} else {
			rs.softSince = 0
		}
		if over {
			s.log.Warnf("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.", rs.c.infoLine(now.Unix()))
			rs.close()
		}
	}
	// A snapshot kept for sharing may not pin more of the stream than a replica could.
	s.repl.snaps.expire(time.Duration(st.ReplDisklessSyncDelay)*time.Second, st.ReplicaOutputHardLimit)
}

// replSecond is the once-a-second part of the cron.
func (s *Server) replSecond(now time.Time) {
	r := s.repl
	st := s.Settings()
	timeout := int64(st.ReplTimeout)
	for _, rs := range r.sessions() {
		if rs.online() && rs.psync && now.Unix()-rs.ackTime.Load() > timeout {
			s.log.Warnf("Disconnecting timedout replica (streaming sync): %s", rs.name())
			rs.close()
		}
	}
	if r.isReplica.Load() {
		return
	}
	r.mu.Lock()
	n := len(r.replicas)
	idle := now.Sub(r.noReplicasSince)
	due := n > 0 && now.Sub(r.lastPing) >= time.Duration(st.ReplPingReplicaPeriod)*time.Second
	if due {
		r.lastPing = now
	}
	r.mu.Unlock()
	// No PING while a manual failover holds writes: it would move the offset the replica
	// is catching up to.
	if due && !s.writesHeld() {
		stream := r.stream
		if stream.Active() {
			stream.Lock()
			stream.Raw(cmdPING)
			stream.Unlock()
		}
	}
	if n == 0 && st.ReplBacklogTTL > 0 && r.stream.Active() && idle > time.Duration(st.ReplBacklogTTL)*time.Second {
		stream := r.stream
		stream.Lock()
		// A new ID: writes taken without a backlog move no offset, so no replica of ours
		// may continue this history afterwards.
		r.ids = repl.NewIDs()
		stream.Deactivate()
		stream.Unlock()
		s.log.Infof("Replication backlog freed after %d seconds without connected replicas.", st.ReplBacklogTTL)
	}
}

// writesHeld reports whether a manual failover holds this master's writes.
func (s *Server) writesHeld() bool {
	r := s.routing.Load()
	return r != nil && r.WritesPausedUntil != 0 && time.Now().UnixMilli() < r.WritesPausedUntil
}

// publishReplication tells the cluster state machine our offset and master link state, which
// go in every bus header and decide whether our data is fresh enough for a failover.
func (s *Server) publishReplication(now time.Time) {
	if s.bus == nil {
		return
	}
	r := s.repl
	rep := gossip.Replication{Offset: r.stream.End()}
	r.mu.Lock()
	l := r.link
	rep.DownSince = r.downSince
	r.mu.Unlock()
	if r.isReplica.Load() {
		if l != nil && l.state.Load() == linkConnected {
			rep.LinkUp = true
			rep.LastInteraction = l.lastIO.Load()
			rep.Offset = l.reploff.Load()
		}
	}
	s.bus.Do(func(c *gossip.Cluster) { c.SetReplication(rep) })
}
