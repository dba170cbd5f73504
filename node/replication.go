package node

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcnode/rcnode/node/repl"
)

// replication is the server's replication state, Redis's server.master*/repl_* fields: the
// stream (backlog and replicas' shared buffer), the replication IDs, the master this node
// follows and its link, and the replicas following this node.
//
// Role changes (REPLICAOF, a new routing snapshot in cluster mode) only record what is
// wanted, mark the running link stopped and close connections; they never wait, so the bus
// loop can make them while it holds slot locks. The replication cron starts links.
type replication struct {
	srv    *Server
	stream *repl.Stream

	// ids is guarded by the stream's lock, so that an ID and the offsets it names are read
	// together (PSYNC, snapshots); so is lastGetack, the stream's end after the last
	// REPLCONF GETACK.
	ids        repl.IDs
	lastGetack int64

	mu         sync.Mutex
	masterHost string // "" when this node is a master
	masterPort int
	link       *masterLink // the running link to our master, nil when none
	nextLink   time.Time   // when the cron may start the next link
	// canPsync is Redis's cached master: our ID and offset name data we hold, so the next
	// link asks PSYNC <id> <offset+1> instead of a full sync.
	canPsync  bool
	downSince int64 // unix ms the master link went down (0: never up)
	// masterDB is the database our master's stream had selected when the last link ended: a
	// partial resync continues in it, as Redis's cached master keeps its db.
	masterDB        int
	replicas        map[*replicaSession]struct{}
	noReplicasSince time.Time
	lastPing        time.Time

	isReplica atomic.Bool // read on every write command (replica-read-only)

	syncFull, syncPartialOK, syncPartialErr atomic.Int64

	snaps snapshots
	acks  ackNotifier
}

func newReplication(s *Server, backlogSize int64) *replication {
	return &replication{
		srv:             s,
		stream:          repl.NewStream(backlogSize),
		ids:             repl.NewIDs(),
		replicas:        make(map[*replicaSession]struct{}),
		noReplicasSince: time.Now(),
	}
}

// IDs returns the replication IDs.
func (r *replication) IDs() repl.IDs {
	r.stream.Lock()
	defer r.stream.Unlock()
	return r.ids
}

// master returns the master this node follows ("" when it is a master).
func (r *replication) master() (host string, port int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.masterHost, r.masterPort
}

// setMaster makes this node a replica of host:port (replicationSetMaster). It reports false
// when it already follows that master.
func (r *replication) setMaster(host string, port int) bool {
	r.mu.Lock()
	wasMaster := r.masterHost == ""
	if !wasMaster && r.masterHost == host && r.masterPort == port {
		r.mu.Unlock()
		return false
	}
	r.masterHost, r.masterPort = host, port
	old := r.link
	r.link = nil
	if old != nil {
		old.stopped.Store(true)
	}
	r.nextLink = time.Time{}
	if wasMaster {
		// Our own ID and offset may let the new master (a promoted replica of ours) continue
		// us partially (replicationCacheMasterUsingMyself).
		r.canPsync = true
		r.srv.log.Infof("Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.")
	}
	r.isReplica.Store(true)
	r.mu.Unlock()
	if old != nil {
		old.stop()
	}
	r.srv.updateExpiryMode()
	r.srv.role.Store('S')
	r.srv.log.Infof("Connecting to MASTER %s:%d", host, port)
	r.srv.wakeReplCron()
	return true
}

// unsetMaster makes this node a master again, keeping its data (replicationUnsetMaster):
// the history it followed becomes its secondary ID, valid up to its offset, so replicas of
// the same old master can continue with it partially; its own replicas reconnect to learn
// the new ID.
func (r *replication) unsetMaster() bool {
	r.mu.Lock()
	if r.masterHost == "" {
		r.mu.Unlock()
		return false
	}
	r.masterHost, r.masterPort = "", 0
	old := r.link
	r.link = nil
	if old != nil {
		// Before the shift: a sync finishing now must see that it no longer decides our ID.
		old.stopped.Store(true)
	}
	r.canPsync = false
	r.downSince = 0
	r.noReplicasSince = time.Now()
	st := r.stream
	st.Lock()
	r.ids.Shift(st.BacklogLocked().End)
	ids := r.ids
	st.ForceSelectLocked()
	st.Unlock()
	r.srv.log.Infof("Setting secondary replication ID to %s, valid up to offset: %d. New replication ID is %s",
		ids.ID2, ids.SecondOffset, ids.ID)
	r.isReplica.Store(false)
	sessions := r.sessionsLocked()
	r.mu.Unlock()
	if old != nil {
		old.stop()
	}
	for _, rs := range sessions {
		rs.close()
	}
	r.srv.updateExpiryMode()
	r.srv.role.Store('M')
	return true
}

func (r *replication) sessionsLocked() []*replicaSession {
	out := make([]*replicaSession, 0, len(r.replicas))
	for rs := range r.replicas {
		out = append(out, rs)
	}
	return out
}

// sessions returns the replicas attached to this node.
func (r *replication) sessions() []*replicaSession {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessionsLocked()
}

// disconnectReplicas closes every replica's connection (disconnectSlaves): they reconnect
// and learn our new history.
func (r *replication) disconnectReplicas() {
	for _, rs := range r.sessions() {
		rs.close()
	}
}

// updateExpiryMode stops expiry while this node is a replica (its master's DELs expire keys
// here) or while a manual failover holds writes (no DEL may move the offset the replica is
// catching up to), as Redis does.
func (s *Server) updateExpiryMode() {
	s.ks.NoExpiry.Store(s.repl.isReplica.Load() || s.writesHeld())
}

// followRouting makes replication follow the cluster's view of our master; it runs on the
// bus loop for every routing change, so it must not wait.
func (s *Server) followRouting() {
	r := s.routing.Load()
	if r == nil {
		return
	}
	if r.MyMaster < 0 {
		if s.repl.unsetMaster() {
			s.log.Infof("MASTER MODE enabled (the cluster promoted this node)")
		}
		return
	}
	m := r.Nodes[r.MyMaster]
	if m.IP == "" || m.Port == 0 {
		return
	}
	s.repl.setMaster(m.IP, m.Port)
}

// ackNotifier wakes WAIT callers when a replica acknowledges an offset.
type ackNotifier struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next acknowledgement.
func (a *ackNotifier) wait() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ch == nil {
		a.ch = make(chan struct{})
	}
	return a.ch
}

func (a *ackNotifier) notify() {
	a.mu.Lock()
	if a.ch != nil {
		close(a.ch)
		a.ch = nil
	}
	a.mu.Unlock()
}

// countAcks returns how many online replicas acknowledged offset
// (replicationCountAcksByOffset).
func (r *replication) countAcks(offset int64) int {
	n := 0
	for _, rs := range r.sessions() {
		if rs.online() && rs.ackOff.Load() >= offset {
			n++
		}
	}
	return n
}

// replicaAddr formats a replica's name for the log, as replicationGetSlaveName does.
func replicaAddr(ip string, port int) string {
	if port == 0 {
		return ip + ":<unknown-replica-port>"
	}
	return ip + ":" + strconv.Itoa(port)
}
