package gossip

import (
	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// Manual failover constants of cluster.c.
const (
	mfTimeout   = 5000 // CLUSTER_MF_TIMEOUT: a manual failover must complete within 5 s
	mfPauseMult = 2    // CLUSTER_MF_PAUSE_MULT: the master pauses writes twice that long
	// migrationDelay is CLUSTER_SLAVE_MIGRATION_DELAY: a master must be orphaned this long
	// before a replica moves to it.
	migrationDelay = 5000
)

// election is the state of our replica's bid to replace a failed master.
type election struct {
	authTime  int64  // when we may (or did) send the vote requests; 0 = never scheduled
	authCount int    // votes received
	authSent  bool   // requests sent for authEpoch
	authRank  int    // our rank among our master's replicas when scheduled
	authEpoch uint64 // the epoch we asked votes for
}

// electionWin and vote record the elections this node won and the votes it granted, so a
// simulation can check every win against the votes the masters really gave.
type electionWin struct {
	votes, quorum int
	epoch         uint64
}

type vote struct {
	epoch uint64
	to    wire.Name
}

// manualFailover is CLUSTER FAILOVER's state, on the replica and on its master.
type manualFailover struct {
	end          int64 // deadline; 0 = no manual failover in progress
	canStart     bool  // replica: caught up with the paused master, start the election
	replica      *Node // master: the replica that asked
	masterOffset int64 // replica: the paused master's offset, -1 until known
	// draining is true on the master from the pause until the node reports, through
	// WritesDrained, the offset at which writes stopped: only then may it tell the
	// replica the offset to reach (Redis, single-threaded, knows it at once).
	draining bool
	mfLink   LinkID // master: the link MFSTART came on, for the first paused PING
}

// Replication is what the node's replication layer tells the state machine about this
// replica's link to its master, for the data-age check before an election.
type Replication struct {
	Offset          int64 // processed replication offset (also sent in every header)
	LinkUp          bool  // the master link is connected
	LastInteraction int64 // ms of the last data from the master, while LinkUp
	DownSince       int64 // ms since when the link is down, while !LinkUp
}

// SetReplication records the state of our replication, for headers and elections. Until
// the first call the data is taken as fresh, so a node without a replication layer can
// still fail over.
func (c *Cluster) SetReplication(r Replication) {
	c.repl, c.replKnown = r, true
	c.replOffset = r.Offset
	if c.mf.end != 0 && c.mf.masterOffset != -1 {
		c.failoverDue = true // we may just have reached the paused master's offset
	}
}

// electionDelays returns the fixed part of the delay before a replica asks for votes (to
// which up to as much again is added at random) and the extra delay per rank. Redis uses
// 500 ms and 1000 ms per rank, sized for its 15 s default timeout. The fixed part only has
// to let the FAIL broadcast reach every master first (one hop), so we scale it with the node
// timeout (a 30th of it, between 100 and 500 ms): with short timeouts failover is not
// dominated by a fixed wait. The rank step stays Redis's 1000 ms, so in a cluster mixing
// redis-server and rcnode replicas a better ranked replica, of either kind, still asks
// first: ours at rank 1 waits at least 1100 ms, past Redis's rank-0 maximum of 1000 ms.
func (c *Cluster) electionDelays() (fixed, perRank int64) {
	return min(max(c.cfg.NodeTimeout/30, 100), 500), 1000
}

// replicaRank is how many other replicas of our master have a greater replication offset
// (clusterGetSlaveRank): the most up-to-date replica asks for votes first.
func (c *Cluster) replicaRank() int {
	m := c.myself.Master
	if m == nil {
		return 0
	}
	rank := 0
	for _, r := range m.Replicas {
		if r != c.myself && !r.HasAny(FlagNoFailover) && r.ReplOffset > c.replOffset {
			rank++
		}
	}
	return rank
}

// handleReplicaFailover runs the election of a replica whose master failed
// (clusterHandleSlaveFailover).
func (c *Cluster) handleReplicaFailover() {
	me := c.myself
	now := c.now
	authAge := now - c.elect.authTime
	quorum := c.clusterSize/2 + 1
	manual := c.mf.end != 0 && c.mf.canStart
	authTimeout := max(c.cfg.NodeTimeout*2, 2000)
	authRetryTime := authTimeout * 2

	if me.IsMaster() || me.Master == nil || (!me.Master.HasAny(FlagFail) && !manual) ||
		(c.cfg.ReplicaNoFailover && !manual) || me.Master.NumSlots == 0 {
		c.cantFailoverReason = ""
		return
	}
	// A replica that lost its master long before it failed has data too old to promote.
	if c.replKnown && c.cfg.ValidityFactor != 0 && !manual {
		var dataAge int64
		if c.repl.LinkUp {
			dataAge = now - c.repl.LastInteraction
		} else {
			dataAge = now - c.repl.DownSince
		}
		if dataAge > c.cfg.NodeTimeout {
			dataAge -= c.cfg.NodeTimeout
		}
		if dataAge > c.cfg.ReplPingPeriod+c.cfg.NodeTimeout*int64(c.cfg.ValidityFactor) {
			c.logCantFailover("Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.")
			return
		}
	}
	if authAge > authRetryTime {
		fixed, perRank := c.electionDelays()
		c.elect = election{authTime: now + fixed + c.rnd.Int63n(fixed), authRank: c.replicaRank()}
		c.elect.authTime += int64(c.elect.authRank) * perRank
		if c.mf.end != 0 {
			c.elect.authTime, c.elect.authRank = now, 0
			c.failoverDue = true
		}
		c.logf(LevelWarning, "Start of election delayed for %d milliseconds (rank #%d, offset %d).",
			c.elect.authTime-now, c.elect.authRank, c.replOffset)
		// Tell our siblings our offset, so their ranks are right.
		c.broadcastPong(true)
		return
	}
	if !c.elect.authSent && c.mf.end == 0 {
		if rank := c.replicaRank(); rank > c.elect.authRank {
			_, perRank := c.electionDelays()
			added := int64(rank-c.elect.authRank) * perRank
			c.elect.authTime += added
			c.elect.authRank = rank
			c.logf(LevelWarning, "Replica rank updated to #%d, added %d milliseconds of delay.", rank, added)
		}
	}
	if now < c.elect.authTime {
		c.logCantFailover("Waiting the delay before I can start a new failover.")
		return
	}
	if authAge > authTimeout {
		c.logCantFailover("Failover attempt expired.")
		return
	}
	if !c.elect.authSent {
		c.currentEpoch++
		c.elect.authEpoch = c.currentEpoch
		c.logf(LevelWarning, "Starting a failover election for epoch %d.", c.currentEpoch)
		m := &wire.Message{Header: c.header(wire.TypeFailoverAuthRequest)}
		if c.mf.end != 0 {
			m.MFlags[0] |= wire.MFlagForceAck
		}
		c.broadcast(m)
		c.elect.authSent = true
		c.fsyncConfig()
		c.updateState()
		return
	}
	if c.elect.authCount >= quorum {
		c.wins = append(c.wins, electionWin{votes: c.elect.authCount, quorum: quorum, epoch: c.elect.authEpoch})
		c.logf(LevelWarning, "Failover election won: I'm the new master.")
		if me.ConfigEpoch < c.elect.authEpoch {
			me.ConfigEpoch = c.elect.authEpoch
			c.logf(LevelWarning, "configEpoch set to %d after successful failover", me.ConfigEpoch)
		}
		c.replaceMyMaster()
		return
	}
	c.logCantFailover("Waiting for votes, but majority still not reached.")
}

// logCantFailover logs why we can't fail over yet, once per reason and not in the first
// moments after the master failed (clusterLogCantFailover).
func (c *Cluster) logCantFailover(reason string) {
	if reason == c.cantFailoverReason && c.now-c.cantFailoverLogged < 10_000 {
		return
	}
	c.cantFailoverReason = reason
	if m := c.myself.Master; m != nil && m.HasAny(FlagFail) && c.now-m.FailTime < c.cfg.NodeTimeout+5000 {
		return
	}
	c.cantFailoverLogged = c.now
	c.logf(LevelWarning, "Currently unable to failover: %s", reason)
}

// replaceMyMaster makes us the master of our old master's slots
// (clusterFailoverReplaceYourMaster): the new epoch makes every node, the old master
// included, accept the change as soon as they see our PONG.
func (c *Cluster) replaceMyMaster() {
	me := c.myself
	old := me.Master
	if me.IsMaster() || old == nil {
		return
	}
	c.setNodeAsMaster(me)
	for s := 0; s < slots.Count; s++ {
		if old.Slots.Has(s) {
			c.delSlot(s)
			c.addSlot(me, s)
		}
	}
	c.recomputeState()
	c.fsyncConfig()
	c.broadcastPong(false)
	c.resetManualFailover()
}

// processAuthRequest votes for a replica that asks to replace its failed master, at most
// once per epoch and once per master every two node timeouts
// (clusterSendFailoverAuthIfNeeded).
func (c *Cluster) processAuthRequest(n *Node, m *wire.Message) {
	me := c.myself
	master := n.Master
	if me.IsReplica() || me.NumSlots == 0 {
		return
	}
	if m.CurrentEpoch < c.currentEpoch {
		c.logf(LevelWarning, "Failover auth denied to %.40s: reqEpoch (%d) < curEpoch(%d)", n.ID(), m.CurrentEpoch, c.currentEpoch)
		return
	}
	if c.lastVoteEpoch == c.currentEpoch {
		c.logf(LevelWarning, "Failover auth denied to %.40s: already voted for epoch %d", n.ID(), c.currentEpoch)
		return
	}
	forceAck := m.MFlags[0]&wire.MFlagForceAck != 0
	switch {
	case n.IsMaster():
		c.logf(LevelWarning, "Failover auth denied to %.40s: it is a master node", n.ID())
		return
	case master == nil:
		c.logf(LevelWarning, "Failover auth denied to %.40s: I don't know its master", n.ID())
		return
	case !master.HasAny(FlagFail) && !forceAck:
		c.logf(LevelWarning, "Failover auth denied to %.40s: its master is up", n.ID())
		return
	}
	// Two replicas of one master must not both win in successive epochs.
	if wait := c.cfg.NodeTimeout*2 - (c.now - master.VotedTime); wait > 0 {
		c.logf(LevelWarning, "Failover auth denied to %.40s: can't vote about this master before %d milliseconds", n.ID(), wait)
		return
	}
	// The replica must not claim slots that a node with a newer config serves.
	for s := 0; s < slots.Count; s++ {
		if !m.MySlots.Has(s) {
			continue
		}
		o := c.owner[s]
		if o == nil || c.ownerNotClaiming.Has(s) || o.ConfigEpoch <= m.ConfigEpoch {
			continue
		}
		c.logf(LevelWarning, "Failover auth denied to %.40s: slot %d epoch (%d) > reqEpoch (%d)", n.ID(), s, o.ConfigEpoch, m.ConfigEpoch)
		return
	}
	c.lastVoteEpoch = c.currentEpoch
	c.votes = append(c.votes, vote{epoch: c.currentEpoch, to: n.Name})
	master.VotedTime = c.now
	c.fsyncConfig()
	c.send(c.links[n.Link], &wire.Message{Header: c.header(wire.TypeFailoverAuthAck)})
	c.logf(LevelWarning, "Failover auth granted to %.40s for epoch %d", n.ID(), c.currentEpoch)
}

// processAuthAck counts a vote from a master serving slots, for our current election.
func (c *Cluster) processAuthAck(sender *Node, m *wire.Message) {
	if sender.IsMaster() && sender.NumSlots > 0 && m.CurrentEpoch >= c.elect.authEpoch {
		c.elect.authCount++
		c.failoverDue = true
	}
}

// processMFStart starts a manual failover on the master side: pause writes so the replica
// can catch up with our final offset, then keep pinging it with the paused flag
// (the MFSTART branch of clusterProcessPacket).
func (c *Cluster) processMFStart(l *link, sender *Node) {
	if sender.Master != c.myself {
		return
	}
	c.resetManualFailover()
	c.mf.end = c.now + mfTimeout
	c.mf.replica = sender
	c.pausedUntil = c.now + mfTimeout*mfPauseMult
	c.mf.draining, c.mf.mfLink = true, l.id
	c.ready.DrainWrites = true
	c.routingChanged()
	c.logf(LevelWarning, "Manual failover requested by replica %.40s.", sender.ID())
}

// WritesDrained reports that, with writes paused for a manual failover, no write is in
// flight any more and the replication stream ends at offset. The master then sends the
// replica a PING with that offset and the paused flag: the replica can start its election
// as soon as it has processed that much.
func (c *Cluster) WritesDrained(now, offset int64) {
	c.now = now
	if c.mf.end == 0 || !c.mf.draining {
		return
	}
	c.mf.draining = false
	c.replOffset = offset
	l := c.links[c.mf.mfLink]
	if l == nil && c.mf.replica != nil {
		l = c.links[c.mf.replica.Link]
	}
	c.sendPing(l, wire.TypePing)
}

// resetManualFailover ends a manual failover and unpauses writes (resetManualFailover).
func (c *Cluster) resetManualFailover() {
	if c.mf.replica != nil && c.pausedUntil != 0 {
		c.pausedUntil = 0
		c.routingChanged()
	}
	c.mf = manualFailover{masterOffset: -1}
}

// handleManualFailover starts the election once we have processed the paused master's
// whole stream (clusterHandleManualFailover).
func (c *Cluster) handleManualFailover() {
	if c.mf.end == 0 || c.mf.canStart || c.mf.masterOffset == -1 {
		return
	}
	if c.mf.masterOffset == c.replOffset {
		c.mf.canStart = true
		c.logf(LevelWarning, "All master replication stream processed, manual failover can start.")
		c.failoverDue = true
	}
}

// ErrFailover* are CLUSTER FAILOVER's refusals, Redis's text.
var (
	errFailoverOnMaster     = ReplyError("ERR You should send CLUSTER FAILOVER to a replica")
	errFailoverNoMaster     = ReplyError("ERR I'm a replica but my master is unknown to me")
	errFailoverMasterFailed = ReplyError("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE")
)

// FailoverMode is CLUSTER FAILOVER's option.
type FailoverMode int

// The CLUSTER FAILOVER modes.
const (
	FailoverDefault  FailoverMode = iota // coordinate with the master: no write is lost
	FailoverForce                        // the master is unreachable: run an election now
	FailoverTakeover                     // no election: take the slots with a new epoch
)

// Failover is CLUSTER FAILOVER [FORCE|TAKEOVER], run on a replica.
func (c *Cluster) Failover(mode FailoverMode) error {
	me := c.myself
	switch {
	case me.IsMaster():
		return errFailoverOnMaster
	case me.Master == nil:
		return errFailoverNoMaster
	case mode == FailoverDefault && (me.Master.HasAny(FlagFail) || !c.linkUp(me.Master)):
		return errFailoverMasterFailed
	}
	c.resetManualFailover()
	c.mf.end = c.now + mfTimeout
	switch mode {
	case FailoverTakeover:
		c.logf(LevelWarning, "Taking over the master (user request).")
		c.bumpEpochWithoutConsensus()
		c.replaceMyMaster()
	case FailoverForce:
		c.logf(LevelWarning, "Forced failover user request accepted.")
		c.mf.canStart = true
		c.failoverDue = true
	default:
		c.logf(LevelWarning, "Manual failover user request accepted.")
		c.send(c.links[me.Master.Link], &wire.Message{Header: c.header(wire.TypeMFStart)})
	}
	return nil
}

// handleReplicaMigration moves this replica to an orphaned master when our master has
// more working replicas than the migration barrier and we are the chosen one
// (clusterHandleSlaveMigration): the replica with the smallest name among the masters with
// the most replicas goes, so only one moves.
func (c *Cluster) handleReplicaMigration(maxReplicas int) {
	if !c.stateOK {
		return
	}
	mine := c.myself.Master
	if mine == nil {
		return
	}
	ok := 0
	for _, r := range mine.Replicas {
		if !r.HasAny(FlagFail | FlagPFail) {
			ok++
		}
	}
	if ok <= c.cfg.MigrationBarrier {
		return
	}
	var target *Node
	candidate := c.myself
	for _, n := range c.order {
		okReplicas := 0
		orphaned := n.IsMaster() && !n.HasAny(FlagFail) && n.Has(FlagMigrateTo)
		if n.IsMaster() {
			okReplicas = countOKReplicas(n)
		}
		if okReplicas > 0 {
			orphaned = false
		}
		if orphaned {
			if target == nil && n.NumSlots > 0 {
				target = n
			}
			if n.OrphanedTime == 0 {
				n.OrphanedTime = c.now
			}
		} else {
			n.OrphanedTime = 0
		}
		if okReplicas == maxReplicas {
			for _, r := range n.Replicas {
				if string(r.Name[:]) < string(candidate.Name[:]) {
					candidate = r
				}
			}
		}
	}
	if target != nil && candidate == c.myself && c.now-target.OrphanedTime > migrationDelay {
		c.logf(LevelWarning, "Migrating to orphaned master %.40s", target.ID())
		c.setMaster(target)
		c.saveConfig()
		c.broadcastChange()
	}
}

// countOKReplicas counts n's replicas not flagged FAIL (clusterCountNonFailingSlaves).
func countOKReplicas(n *Node) int {
	ok := 0
	for _, r := range n.Replicas {
		if !r.HasAny(FlagFail) {
			ok++
		}
	}
	return ok
}
