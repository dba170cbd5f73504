package node

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// infoReplication is INFO's replication section, with redis-server 7.0's fields in its order.
func infoReplication(s *Server, b *strings.Builder) {
	r := s.repl
	now := time.Now()
	r.mu.Lock()
	host, port := r.masterHost, r.masterPort
	l := r.link
	canPsync, downSince := r.canPsync, r.downSince
	r.mu.Unlock()
	if host == "" {
		field(b, "role", "master")
	} else {
		field(b, "role", "slave")
		infoReplicaLink(s, b, host, port, l, canPsync, downSince, now)
	}
	sessions := r.sessions()
	field(b, "connected_slaves", len(sessions))
	for i, rs := range sessions {
		lag := int64(0)
		if rs.online() {
			lag = now.Unix() - rs.ackTime.Load()
		}
		fmt.Fprintf(b, "slave%d:ip=%s,port=%d,state=%s,offset=%d,lag=%d\r\n",
			i, rs.ip, rs.port, replicaStateNames[rs.state.Load()], rs.ackOff.Load(), lag)
	}
	st := r.stream
	st.Lock()
	ids := r.ids
	bl := st.BacklogLocked()
	st.Unlock()
	field(b, "master_failover_state", "no-failover")
	field(b, "master_replid", ids.ID)
	field(b, "master_replid2", ids.ID2)
	field(b, "master_repl_offset", bl.End)
	field(b, "second_repl_offset", ids.SecondOffset)
	field(b, "repl_backlog_active", boolInt(bl.Active))
	field(b, "repl_backlog_size", bl.Size)
	field(b, "repl_backlog_first_byte_offset", bl.First)
	field(b, "repl_backlog_histlen", bl.HistLen)
}

// infoReplicaLink is the part of INFO replication about this replica's master link.
func infoReplicaLink(s *Server, b *strings.Builder, host string, port int, l *masterLink, canPsync bool, downSince int64, now time.Time) {
	state := linkConnect
	if l != nil {
		state = l.state.Load()
	}
	// With no link the offsets are those of the cached master (our own history), or 1.
	off, readOff := int64(1), int64(1)
	if canPsync {
		off = s.repl.stream.End()
		readOff = off
	}
	lastIO := -1
	if l != nil && state >= linkSync {
		off, readOff = l.reploff.Load(), l.readOff.Load()
		lastIO = int(now.Unix() - l.lastIO.Load()/1000)
	}
	status := "down"
	if state == linkConnected {
		status = "up"
	}
	field(b, "master_host", host)
	field(b, "master_port", port)
	field(b, "master_link_status", status)
	field(b, "master_last_io_seconds_ago", lastIO)
	field(b, "master_sync_in_progress", boolInt(state == linkSync))
	field(b, "slave_read_repl_offset", readOff)
	field(b, "slave_repl_offset", off)
	if state == linkSync && l != nil {
		total := l.syncTotal.Load()
		read := l.netRead.Load() - l.syncBase.Load()
		perc := 0.0
		if total > 0 {
			perc = float64(read) / float64(total) * 100
		}
		field(b, "master_sync_total_bytes", total)
		field(b, "master_sync_read_bytes", read)
		field(b, "master_sync_left_bytes", total-read)
		field(b, "master_sync_perc", strconv.FormatFloat(perc, 'f', 2, 64))
		field(b, "master_sync_last_io_seconds_ago", int(now.Unix()-l.lastIO.Load()/1000))
	}
	if state != linkConnected {
		down := int64(-1)
		if downSince != 0 {
			down = now.Unix() - downSince/1000
		}
		field(b, "master_link_down_since_seconds", down)
	}
	st := s.Settings()
	field(b, "slave_priority", st.ReplicaPriority)
	field(b, "slave_read_only", boolInt(st.ReplicaReadOnly))
	field(b, "replica_announced", boolInt(st.ReplicaAnnounced))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
