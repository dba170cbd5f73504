package node

import (
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/repl"
)

func init() {
	register("sync", cmdSync)
	register("psync", cmdSync)
}

// Replica states, as INFO's slaveN lines name them.
const (
	replicaWaitBgsave int32 = iota // the snapshot is being taken
	replicaSendBulk                // the snapshot is being sent
	replicaOnline                  // streaming
)

var replicaStateNames = [...]string{"wait_bgsave", "send_bulk", "online"}

// replicaSession is a replica of ours: its connection, its place in the stream and what it
// acknowledged. The connection's goroutine writes to it; a second one reads its ACKs.
type replicaSession struct {
	c        *Client
	srv      *Server
	ip       string
	port     int
	psync    bool // PSYNC (not the old SYNC): it sends ACKs
	state    atomic.Int32
	reader   atomic.Pointer[repl.Reader] // read by the cron for the output limits
	ackOff   atomic.Int64
	ackTime  atomic.Int64 // unix seconds of the last ACK (or of going online)
	acked    chan struct{}
	ackOnce  sync.Once
	closed   chan struct{}
	closeOne sync.Once

	softSince int64 // unix seconds the soft output limit has been exceeded since (cron only)
}

func (rs *replicaSession) online() bool { return rs.state.Load() == replicaOnline }

func (rs *replicaSession) name() string { return replicaAddr(rs.ip, rs.port) }

// close drops the replica's connection; both of its goroutines then end.
func (rs *replicaSession) close() {
	rs.closeOne.Do(func() { close(rs.closed) })
	rs.c.nc.Close()
}

// ack records REPLCONF ACK offset and wakes WAIT callers.
func (rs *replicaSession) ack(off int64) {
	for {
		cur := rs.ackOff.Load()
		if off <= cur || rs.ackOff.CompareAndSwap(cur, off) {
			break
		}
	}
	rs.ackTime.Store(time.Now().Unix())
	rs.ackOnce.Do(func() { close(rs.acked) })
	rs.srv.repl.acks.notify()
}

// cmdSync is SYNC and PSYNC replid offset (syncCommand): the connection becomes a replica,
// continued from our backlog when its history allows, else sent a full snapshot; from then
// on the handler owns the connection until it closes.
func cmdSync(c *Client, args [][]byte) {
	if c.replica.Load() != nil {
		return // already a replica: ignored, as Redis does
	}
	r := c.srv.repl
	psync := argIs(args[0], "psync")
	if psync && len(args) > 3 && argIs(args[3], "failover") {
		// Our master hands over to us (its FAILOVER command): we become the master, and it
		// our replica, continuing our shared history.
		if !r.isReplica.Load() {
			c.w.Error("ERR PSYNC FAILOVER can't be sent to a master.")
			return
		}
		c.srv.log.Warnf("Failover request received for replid %s.", args[1])
		if !strings.EqualFold(string(args[1]), r.IDs().ID) {
			c.w.Error("ERR PSYNC FAILOVER replid must match my replid.")
			return
		}
		r.unsetMaster()
		c.srv.log.Infof("MASTER MODE enabled (failover request from '%s')", c.infoLine(c.srv.unixTime()))
	}
	if r.isReplica.Load() && !r.linkUp() {
		c.w.Error("NOMASTERLINK Can't SYNC while not connected with my master")
		return
	}
	conf := c.conf()
	rs := &replicaSession{c: c, srv: c.srv, port: conf.listeningPort, psync: psync,
		acked: make(chan struct{}), closed: make(chan struct{})}
	rs.ip = conf.ip
	if rs.ip == "" {
		rs.ip, _, _ = net.SplitHostPort(c.addr)
	}
	c.srv.log.Infof("Replica %s asks for synchronization", rs.name())
	var offset int64
	if psync {
		var ok bool
		if offset, ok = numconv.ParseInt(args[2]); !ok {
			c.srv.log.Warnf("Replica %s asks for synchronization but with a wrong offset", rs.name())
			c.w.Error(clientproto.ErrNotInteger)
			return
		}
	}
	// The replies so far (REPLCONF's +OK) go out before the stream does.
	if !c.flush() {
		return
	}
	c.closeAfter = true // whatever happens below, the connection ends with the session
	if psync && rs.tryPartial(string(args[1]), offset) {
		r.syncPartialOK.Add(1)
	} else {
		if psync && len(args[1]) > 0 && args[1][0] != '?' {
			r.syncPartialErr.Add(1)
		}
		r.syncFull.Add(1)
		if !rs.fullSync(conf) {
			rs.end()
			return
		}
	}
	rs.stream()
	rs.end()
}

// register adds the session to the server's replicas.
func (rs *replicaSession) register(state int32) {
	rs.state.Store(state)
	rs.ackTime.Store(time.Now().Unix())
	r := rs.srv.repl
	r.mu.Lock()
	r.replicas[rs] = struct{}{}
	r.mu.Unlock()
	rs.c.replica.Store(rs)
	go rs.readAcks()
}

// end forgets the session once its connection is gone.
func (rs *replicaSession) end() {
	rs.close()
	if rd := rs.reader.Load(); rd != nil {
		rd.Close()
	}
	r := rs.srv.repl
	r.mu.Lock()
	_, was := r.replicas[rs]
	delete(r.replicas, rs)
	if len(r.replicas) == 0 {
		r.noReplicasSince = time.Now()
	}
	r.mu.Unlock()
	if was {
		rs.srv.log.Infof("Connection with replica %s lost.", rs.name())
	}
	r.acks.notify()
}

// tryPartial continues the replica from our backlog when its history and offset allow it
// (masterTryPartialResynchronization).
func (rs *replicaSession) tryPartial(id string, offset int64) bool {
	r := rs.srv.repl
	st := r.stream
	st.Lock()
	b := st.BacklogLocked()
	ids := r.ids
	verdict := ids.CanContinue(id, offset, b.Active, b.First, b.End)
	var reader *repl.Reader
	if verdict == repl.PartialOK {
		reader, _ = st.NewReader(offset - 1)
	}
	st.Unlock()
	log := rs.srv.log
	switch verdict {
	case repl.PartialForced:
		log.Infof("Full resync requested by replica %s", rs.name())
		return false
	case repl.PartialIDMismatch:
		log.Infof("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '%s', my replication IDs are '%s' and '%s')", id, ids.ID, ids.ID2)
		return false
	case repl.PartialSecondTooFar:
		log.Infof("Partial resynchronization not accepted: Requested offset for second ID was %d, but I can reply up to %d", offset, ids.SecondOffset)
		return false
	case repl.PartialNoBacklog:
		log.Infof("Unable to partial resync with replica %s for lack of backlog (Replica request was: %d).", rs.name(), offset)
		if offset > b.End {
			log.Warnf("Warning: replica %s tried to PSYNC with an offset that is greater than the master replication offset.", rs.name())
		}
		return false
	}
	rs.reader.Store(reader)
	reply := "+CONTINUE\r\n"
	if rs.c.conf().capaPSYNC2 {
		reply = "+CONTINUE " + ids.ID + "\r\n"
	}
	if _, err := rs.c.nc.Write([]byte(reply)); err != nil {
		return true // the session ends at once (end closes the reader): the connection is gone
	}
	rs.register(replicaOnline)
	log.Infof("Partial resynchronization request from %s accepted. Sending %d bytes of backlog starting from offset %d.",
		rs.name(), b.End-offset+1, offset)
	return true
}

// fullSync sends the replica a snapshot and its offset (+FULLRESYNC, then the RDB), and
// leaves its reader at the snapshot's offset. It reports false when the session must end.
func (rs *replicaSession) fullSync(conf *replicaConf) bool {
	srv := rs.srv
	rs.register(replicaWaitBgsave)
	diskless := conf.capaEOF && srv.Settings().ReplDisklessSync
	target := "disk"
	if diskless {
		target = "replicas sockets"
	}
	srv.log.Infof("Starting BGSAVE for SYNC with target: %s", target)
	var sn *snapshot
	var err error
	if conf.emptyRDB {
		// An image without keys (rdb-filter-only) is this replica's own.
		sn, err = srv.takeSnapshot(true, true)
		if err == nil {
			defer sn.release()
		}
	} else if sn, err = srv.syncSnapshot(); err == nil {
		defer srv.snapshotDone(sn)
	}
	if err != nil {
		srv.log.Warnf("BGSAVE for replication failed: %v", err)
		return false
	}
	st := srv.repl.stream
	st.Lock()
	reader, ok := st.NewReader(sn.offset)
	st.Unlock()
	if !ok && !conf.rdbOnly {
		srv.log.Warnf("Replication stream reset while replica %s was syncing", rs.name())
		return false
	}
	if conf.rdbOnly && reader != nil {
		reader.Close() // it wants the RDB only, never the stream
		reader = nil
	}
	if reader != nil {
		rs.reader.Store(reader)
	}
	nc := rs.c.nc
	var head []byte
	if rs.psync {
		head = []byte("+FULLRESYNC " + sn.replID + " " + strconv.FormatInt(sn.offset, 10) + "\r\n")
	}
	var mark []byte
	if diskless {
		mark = repl.NewEOFMark()
	}
	head = append(head, repl.PayloadHeader(mark, sn.size)...)
	rs.state.Store(replicaSendBulk)
	timeout := time.Duration(srv.Settings().ReplTimeout) * time.Second
	nc.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := nc.Write(head); err != nil {
		return false
	}
	if _, err := sn.WriteTo(&deadlineWriter{nc: nc, timeout: timeout}); err != nil {
		srv.log.Warnf("Write error sending DB to replica: %v", err)
		return false
	}
	if mark != nil {
		if _, err := nc.Write(mark); err != nil {
			return false
		}
	}
	nc.SetWriteDeadline(time.Time{})
	srv.stats.netOutputBytes.Add(int64(len(head)) + sn.size + int64(len(mark)))
	if conf.rdbOnly {
		srv.log.Infof("RDB transfer completed, rdb only replica (%s) should be disconnected asap", rs.name())
		return false
	}
	rs.ackTime.Store(time.Now().Unix())
	rs.state.Store(replicaOnline)
	if diskless {
		// Redis streams to a diskless replica only after its first ACK: the replica looks
		// for the end mark at the end of what it reads, so no command may follow it early.
		srv.log.Infof("Streamed RDB transfer with replica %s succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming", rs.name())
		srv.log.Infof("Synchronization with replica %s succeeded", rs.name())
		select {
		case <-rs.acked:
		case <-rs.closed:
			return false
		}
		return true
	}
	srv.log.Infof("Synchronization with replica %s succeeded", rs.name())
	return true
}

// deadlineWriter extends the write deadline before each write, so a transfer fails only
// when the replica stops reading for repl-timeout.
type deadlineWriter struct {
	nc      net.Conn
	timeout time.Duration
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	w.nc.SetWriteDeadline(time.Now().Add(w.timeout))
	return w.nc.Write(p)
}

// stream sends the replica the stream from its reader's position on, until the
// connection ends. Blocks of the stream go out as they are, several per write.
func (rs *replicaSession) stream() {
	rd := rs.reader.Load()
	if rd == nil {
		return
	}
	var bufs [][]byte
	for {
		var n int64
		var ok bool
		bufs, n, ok = rd.Peek(bufs[:0], 4<<20)
		if !ok {
			rs.srv.log.Warnf("Replica %s lost its place in the replication stream", rs.name())
			return
		}
		if n == 0 {
			select {
			case <-rd.C:
				continue
			case <-rs.closed:
				return
			}
		}
		nb := net.Buffers(bufs)
		if _, err := nb.WriteTo(rs.c.nc); err != nil {
			return
		}
		rd.Advance(n)
		rs.srv.stats.netOutputBytes.Add(n)
	}
}

// readAcks reads what the replica sends (REPLCONF ACK <offset>, now and then a PING) until
// its connection closes.
func (rs *replicaSession) readAcks() {
	defer rs.close()
	c := rs.c
	for {
		args, err := c.rd.Parse()
		if err == clientproto.ErrIncomplete {
			if c.rd.Fill(c.nc) != nil {
				return
			}
			continue
		}
		if err != nil {
			return
		}
		c.lastUsed.Store(c.srv.unixTime())
		if len(args) == 3 && argIs(args[0], "replconf") && argIs(args[1], "ack") {
			if off, ok := numconv.ParseInt(args[2]); ok {
				rs.ack(off)
			}
		}
	}
}
