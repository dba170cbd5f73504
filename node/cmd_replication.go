package node

import (
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
)

func init() {
	register("replicaof", cmdReplicaOf)
	register("slaveof", cmdReplicaOf)
	register("role", cmdRole)
	register("wait", cmdWait)
}

// cmdReplicaOf is REPLICAOF host port and REPLICAOF NO ONE (replicaofCommand).
func cmdReplicaOf(c *Client, args [][]byte) {
	if c.srv.opts.ClusterEnabled {
		// The cluster topology decides whom a node replicates (CLUSTER REPLICATE).
		c.w.Error("ERR REPLICAOF not allowed in cluster mode.")
		return
	}
	r := c.srv.repl
	if argIs(args[1], "no") && argIs(args[2], "one") {
		if r.unsetMaster() {
			c.srv.log.Infof("MASTER MODE enabled (user request from '%s')", c.infoLine(c.srv.unixTime()))
		}
		c.w.OK()
		return
	}
	if c.replica.Load() != nil {
		c.w.Error("ERR Command is not valid when client is a replica.")
		return
	}
	port, ok := numconv.ParseInt(args[2])
	if !ok || port < 0 || port > 65535 {
		c.w.Error("ERR Invalid master port")
		return
	}
	host := string(args[1])
	if !r.setMaster(host, int(port)) {
		c.srv.log.Infof("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.")
		c.w.Simple("OK Already connected to specified master")
		return
	}
	c.srv.log.Infof("REPLICAOF %s:%d enabled (user request from '%s')", host, port, c.infoLine(c.srv.unixTime()))
	c.w.OK()
}

// cmdRole is ROLE: a master lists its online replicas with their acknowledged offsets; a
// replica names its master, its link state and its processed offset.
func cmdRole(c *Client, args [][]byte) {
	r := c.srv.repl
	host, port := r.master()
	if host == "" {
		var online []*replicaSession
		for _, rs := range r.sessions() {
			if rs.online() {
				online = append(online, rs)
			}
		}
		c.w.Array(3)
		c.w.BulkString("master")
		c.w.Int(r.stream.End())
		c.w.Array(len(online))
		for _, rs := range online {
			c.w.Array(3)
			c.w.BulkString(rs.ip)
			c.w.BulkInt(int64(rs.port))
			c.w.BulkInt(rs.ackOff.Load())
		}
		return
	}
	state, off := "connect", int64(-1)
	r.mu.Lock()
	l := r.link
	r.mu.Unlock()
	if l != nil {
		state = linkStateNames[l.state.Load()]
		if l.state.Load() == linkConnected {
			off = l.reploff.Load()
		}
	}
	c.w.Array(5)
	c.w.BulkString("slave")
	c.w.BulkString(host)
	c.w.Int(int64(port))
	c.w.BulkString(state)
	c.w.Int(off)
}

// roleName is HELLO's role.
func (s *Server) roleName() string {
	if s.repl.isReplica.Load() {
		return "replica"
	}
	return "master"
}

// cmdWait is WAIT numreplicas timeout (waitCommand): the number of replicas that
// acknowledged every write this client made, once numreplicas did or the timeout passed.
// It blocks only its own connection; meanwhile the replicas are asked for an ACK at once.
func cmdWait(c *Client, args [][]byte) {
	r := c.srv.repl
	if r.isReplica.Load() {
		c.w.Error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
		return
	}
	want, ok := numconv.ParseInt(args[1])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	ms, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error("ERR timeout is not an integer or out of range")
		return
	}
	if ms < 0 {
		c.w.Error("ERR timeout is negative")
		return
	}
	offset := c.woff
	acked := r.countAcks(offset)
	if int64(acked) >= want || c.exec != nil { // inside EXEC it does not block, as in Redis
		c.w.Int(int64(acked))
		return
	}
	var deadline <-chan time.Time
	if ms > 0 {
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		deadline = t.C
	}
	// Replies to earlier pipelined commands are not held back by the wait.
	c.flush()
	// Not while a manual failover holds writes: the GETACK would move the offset the
	// replica must reach (Redis does not send it while clients are paused either).
	if !c.srv.writesHeld() {
		r.requestAcks()
	}
	for {
		woken := r.acks.wait()
		if acked = r.countAcks(offset); int64(acked) >= want {
			break
		}
		select {
		case <-woken:
			continue
		case <-deadline:
		case <-c.srv.shutdownCh:
		}
		acked = r.countAcks(offset)
		break
	}
	c.w.Int(int64(acked))
}

// requestAcks asks every replica for an ACK now (REPLCONF GETACK *), unless nothing was
// written since the last request: the answers to that one are still on their way.
func (r *replication) requestAcks() {
	st := r.stream
	if !st.Active() {
		return
	}
	st.Lock()
	if st.BacklogLocked().End != r.lastGetack {
		st.Raw(cmdGETACK)
		r.lastGetack = st.BacklogLocked().End
	}
	st.Unlock()
}
