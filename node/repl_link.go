package node

import (
	"bufio"
	"errors"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/node/rdb"
	"github.com/rcnode/rcnode/node/repl"
)

// Master link states; ROLE names them.
const (
	linkConnect    int32 = iota // waiting to connect
	linkConnecting              // dialing
	linkHandshake               // PING, AUTH, REPLCONF, PSYNC
	linkSync                    // receiving and loading the snapshot
	linkConnected               // applying the stream
)

var linkStateNames = [...]string{"connect", "connecting", "handshake", "sync", "connected"}

// masterLink is one connection of this replica to its master: the handshake, the full or
// partial sync, then the stream applied by a client marked as the master's. A link serves
// one generation of the master setting; REPLICAOF or a new topology stops it.
type masterLink struct {
	srv  *Server
	host string
	port int

	mu      sync.Mutex // guards conn and writes to it (ACKs come from two goroutines)
	conn    net.Conn
	stopped atomic.Bool
	done    chan struct{}

	state     atomic.Int32
	lastIO    atomic.Int64 // unix ms of the last bytes from the master
	reploff   atomic.Int64 // stream processed (slave_repl_offset)
	readOff   atomic.Int64 // stream read (slave_read_repl_offset)
	syncTotal atomic.Int64 // the snapshot's announced size (0 when diskless), for INFO

	client   atomic.Pointer[Client]
	masterDB int          // the database the master's stream has selected where this link starts
	netRead  atomic.Int64 // bytes read from the master
	syncBase atomic.Int64 // netRead when the snapshot's payload started
	multi    *queuedMulti // a MULTI from the master not yet ended by EXEC
	errLog   time.Time    // last "sending an error to its master" log line
}

func newMasterLink(s *Server, host string, port int) *masterLink {
	l := &masterLink{srv: s, host: host, port: port, done: make(chan struct{})}
	l.lastIO.Store(time.Now().UnixMilli())
	return l
}

// stop ends the link from any goroutine; its goroutine notices and exits.
func (l *masterLink) stop() {
	l.stopped.Store(true)
	l.mu.Lock()
	if l.conn != nil {
		l.conn.Close()
	}
	l.mu.Unlock()
}

var errLinkStopped = errors.New("replication link stopped")

func (l *masterLink) setConn(c net.Conn) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped.Load() {
		c.Close()
		return errLinkStopped
	}
	l.conn = c
	return nil
}

func (l *masterLink) timeout() time.Duration {
	return time.Duration(l.srv.Settings().ReplTimeout) * time.Second
}

// write sends raw bytes to the master.
func (l *masterLink) write(b []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return errLinkStopped
	}
	l.conn.SetWriteDeadline(time.Now().Add(l.timeout()))
	_, err := l.conn.Write(b)
	return err
}

// sendAck sends REPLCONF ACK <processed offset> (replicationSendAck).
func (l *masterLink) sendAck() {
	if l.state.Load() != linkConnected {
		return
	}
	var num [20]byte
	l.write(clientproto.AppendCommand(nil, []byte("REPLCONF"), []byte("ACK"), strconv.AppendInt(num[:0], l.reploff.Load(), 10)))
}

// run is the link's goroutine: connect, sync, apply until the connection ends.
func (l *masterLink) run() {
	connected := false
	defer func() { l.finish(connected) }()
	br, err := l.connect()
	if err != nil {
		if !l.stopped.Load() {
			l.srv.log.Warnf("%v", err)
		}
		return
	}
	connected = true
	l.apply(br)
}

// finish releases the link and tells the replication state it is gone.
func (l *masterLink) finish(wasUp bool) {
	l.stop()
	close(l.done)
	if c := l.client.Load(); c != nil {
		c.close()
	}
	r := l.srv.repl
	r.mu.Lock()
	if c := l.client.Load(); c != nil {
		r.masterDB = c.dbID()
	}
	if r.link == l {
		r.link = nil
		if wasUp {
			r.downSince = time.Now().UnixMilli()
			r.nextLink = time.Time{} // reconnect at once: the backlog may not wait long
		}
	}
	r.mu.Unlock()
	if wasUp {
		l.srv.log.Infof("Connection with master lost.")
		l.srv.log.Infof("Caching the disconnected master state.")
	}
	l.srv.wakeReplCron()
}

// deadlineReader is the link's connection as the handshake and sync read it: every read
// must come within repl-timeout, and the time of the last one is kept for INFO and for
// failover elections.
type deadlineReader struct {
	l *masterLink
	c net.Conn
}

func (d deadlineReader) Read(p []byte) (int, error) {
	d.c.SetReadDeadline(time.Now().Add(d.l.timeout()))
	n, err := d.c.Read(p)
	if n > 0 {
		d.l.lastIO.Store(time.Now().UnixMilli())
		d.l.netRead.Add(int64(n))
		d.l.srv.stats.netInputBytes.Add(int64(n))
	}
	return n, err
}

// connect dials the master and runs the handshake and the sync (syncWithMaster). It returns
// the reader positioned at the start of the stream.
func (l *masterLink) connect() (*bufio.Reader, error) {
	s := l.srv
	l.state.Store(linkConnecting)
	addr := net.JoinHostPort(l.host, strconv.Itoa(l.port))
	conn, err := net.DialTimeout("tcp", addr, l.timeout())
	if err != nil {
		return nil, errors.New("Error condition on socket for SYNC: " + err.Error())
	}
	if err := l.setConn(conn); err != nil {
		return nil, err
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		tc.SetKeepAlive(true)
	}
	s.log.Infof("MASTER <-> REPLICA sync started")
	l.state.Store(linkHandshake)
	br := bufio.NewReaderSize(deadlineReader{l, conn}, 64<<10)

	reply, err := l.command(br, "PING")
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(reply, "-") && !strings.HasPrefix(reply, "-NOAUTH") &&
		!strings.HasPrefix(reply, "-NOPERM") && !strings.HasPrefix(reply, "-ERR operation not permitted") {
		return nil, errors.New("Error reply to PING from master: '" + reply + "'")
	}
	s.log.Infof("Master replied to PING, replication can continue...")
	st := s.Settings()
	if st.Masterauth != "" {
		args := []string{"AUTH", st.Masterauth}
		if st.Masteruser != "" {
			args = []string{"AUTH", st.Masteruser, st.Masterauth}
		}
		if reply, err = l.command(br, args...); err != nil {
			return nil, err
		}
		if strings.HasPrefix(reply, "-") {
			return nil, errors.New("Unable to AUTH to MASTER: " + reply)
		}
	}
	port := st.ReplicaAnnouncePort
	if port == 0 {
		port = s.opts.Port
		if a, ok := s.listenAddr(); ok {
			port = a
		}
	}
	if reply, err = l.command(br, "REPLCONF", "listening-port", strconv.Itoa(port)); err != nil {
		return nil, err
	}
	if strings.HasPrefix(reply, "-") {
		s.log.Infof("(Non critical) Master does not understand REPLCONF listening-port: %s", reply)
	}
	if st.ReplicaAnnounceIP != "" {
		if reply, err = l.command(br, "REPLCONF", "ip-address", st.ReplicaAnnounceIP); err != nil {
			return nil, err
		}
		if strings.HasPrefix(reply, "-") {
			s.log.Infof("(Non critical) Master does not understand REPLCONF ip-address: %s", reply)
		}
	}
	if reply, err = l.command(br, "REPLCONF", "capa", "eof", "capa", "psync2"); err != nil {
		return nil, err
	}
	if strings.HasPrefix(reply, "-") {
		s.log.Infof("(Non critical) Master does not understand REPLCONF capa: %s", reply)
	}
	return br, l.psync(br)
}

// command sends a handshake command and reads its one-line reply, skipping keepalives.
func (l *masterLink) command(br *bufio.Reader, args ...string) (string, error) {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	if err := l.write(clientproto.AppendCommand(nil, bs...)); err != nil {
		return "", err
	}
	for {
		line, err := repl.ReadLine(br)
		if err != nil {
			return "", err
		}
		if line != "" {
			return line, nil
		}
	}
}

// errTryLater is a PSYNC refusal the master expects to lift (it is loading, or not
// connected to its own master).
var errTryLater = errors.New("Master is currently unable to PSYNC but should be in the future") //lint:ignore ST1005 Redis's log text

// psync asks to continue our history or to be sent a snapshot
// (slaveTryPartialResynchronization), and carries out what the master answers.
func (l *masterLink) psync(br *bufio.Reader) error {
	s := l.srv
	r := s.repl
	r.mu.Lock()
	can := r.canPsync
	r.mu.Unlock()
	id, offset := "?", int64(-1)
	if can {
		ids := r.IDs()
		id, offset = ids.ID, r.stream.Backlog().End+1
		s.log.Infof("Trying a partial resynchronization (request %s:%d).", id, offset)
	} else {
		s.log.Infof("Partial resynchronization not possible (no cached master)")
	}
	reply, err := l.command(br, "PSYNC", id, strconv.FormatInt(offset, 10))
	if err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(reply, "+FULLRESYNC"):
		f := strings.Fields(reply)
		if len(f) != 3 || len(f[1]) != 40 {
			return errors.New("Master replied with wrong +FULLRESYNC syntax.") //lint:ignore ST1005 Redis's log text
		}
		off, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return errors.New("Master replied with wrong +FULLRESYNC syntax.") //lint:ignore ST1005 Redis's log text
		}
		s.log.Infof("Full resync from master: %s:%d", f[1], off)
		return l.fullSync(br, f[1], off)
	case strings.HasPrefix(reply, "+CONTINUE"):
		s.log.Infof("Successful partial resynchronization with master.")
		l.continued(strings.TrimSpace(strings.TrimPrefix(reply, "+CONTINUE")))
		s.log.Infof("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")
		return nil
	case strings.HasPrefix(reply, "-NOMASTERLINK"), strings.HasPrefix(reply, "-LOADING"):
		s.log.Infof("Master is currently unable to PSYNC but should be in the future: %s", reply)
		return errTryLater
	case strings.HasPrefix(reply, "-ERR"):
		return errors.New("Master does not support PSYNC or is in error state (reply: " + reply + ")")
	default:
		return errors.New("Unexpected reply to PSYNC from master: " + reply)
	}
}

// continued takes up our history again after +CONTINUE [<id>]: when the master's ID
// changed (it was promoted), the old one becomes our secondary ID up to our offset, and our
// own replicas reconnect to learn it.
func (l *masterLink) continued(newID string) {
	r := l.srv.repl
	st := r.stream
	st.Lock()
	end := st.BacklogLocked().End
	changed := len(newID) == 40 && !strings.EqualFold(newID, r.ids.ID)
	if changed {
		r.ids.ID2 = r.ids.ID
		r.ids.SecondOffset = end + 1
		r.ids.ID = newID
	}
	if !st.Active() {
		st.Activate()
	}
	st.Unlock()
	if changed {
		l.srv.log.Warnf("Master replication ID changed to %s", newID)
		r.disconnectReplicas()
	}
	l.reploff.Store(end)
	l.readOff.Store(end)
	r.mu.Lock()
	r.canPsync = true
	r.mu.Unlock()
}

// fullSync receives the master's snapshot and loads it in place of our data
// (readSyncBulkPayload). The new data is loaded aside and swapped in at once, so clients
// read the old data until the new is complete, and a failed transfer leaves it untouched.
func (l *masterLink) fullSync(br *bufio.Reader, id string, offset int64) error {
	s := l.srv
	r := s.repl
	l.state.Store(linkSync)
	pl, err := repl.ReadPayloadHeader(br)
	if err != nil {
		return err
	}
	if pl.Len >= 0 {
		s.log.Infof("MASTER <-> REPLICA sync: receiving %d bytes from master to parser", pl.Len)
	} else {
		s.log.Infof("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to parser")
	}
	l.syncTotal.Store(max(pl.Len, 0))
	l.syncBase.Store(l.netRead.Load() - int64(br.Buffered()))
	// Our history ends here: our replicas must sync again, and our backlog is void
	// (replicationAttachToNewMaster).
	r.disconnectReplicas()
	r.mu.Lock()
	r.canPsync = false
	r.mu.Unlock()
	st := r.stream
	st.Lock()
	st.Deactivate()
	st.Unlock()

	start := time.Now()
	// The payload's end is checked before the data is swapped in; a transfer cancelled
	// meanwhile (REPLICAOF NO ONE, a new master) leaves the old data, as Redis cancels it.
	res, err := s.loadRDB(br, false, func(info rdb.Info) error {
		if l.stopped.Load() {
			return errLinkStopped
		}
		return pl.Finish(br, info.Bytes)
	})
	if err != nil {
		return errors.New("Failed trying to load the MASTER synchronization DB from socket: " + err.Error())
	}
	s.log.Infof("MASTER <-> REPLICA sync: Loading DB in memory (%d keys in %s)", res.loaded, time.Since(start).Round(time.Millisecond))
	streamDB := 0
	if ri, ok := res.info.Repl(); ok {
		streamDB = ri.StreamDB
	}
	st.Lock()
	if l.stopped.Load() {
		// Promoted while the data was swapped in: the history is ours now, under the new
		// ID the promotion made.
		st.Unlock()
		return errLinkStopped
	}
	st.Reset(offset)
	st.Activate()
	r.ids = repl.IDs{ID: id, ID2: repl.NoID, SecondOffset: -1}
	st.Unlock()
	s.ks.ResetDirty(s.ks.Dirty())

	l.reploff.Store(offset)
	l.readOff.Store(offset)
	l.masterDB = min(max(streamDB, 0), len(s.ks.DBs)-1)
	r.mu.Lock()
	r.canPsync = true
	r.mu.Unlock()
	s.log.Infof("MASTER <-> REPLICA sync: Finished with success")
	return nil
}

// streamTee keeps a copy of what the stream reader consumes, so each applied command's exact
// bytes can be proxied to our own replicas and counted in our offset.
type streamTee struct {
	r     io.Reader
	buf   []byte
	start int // buf[:start] is attributed to commands already
}

func (t *streamTee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// take returns the bytes of the command just parsed: all read but the unparsed rest.
func (t *streamTee) take(unparsed int) []byte {
	end := len(t.buf) - unparsed
	b := t.buf[t.start:end]
	t.start = end
	return b
}

// compact drops the attributed bytes before the next read.
func (t *streamTee) compact() {
	if t.start == 0 {
		return
	}
	n := copy(t.buf, t.buf[t.start:])
	t.buf = t.buf[:n]
	t.start = 0
}

// apply runs the master's stream: each command is executed by the master client (no
// redirection, no read-only refusal, replies dropped), proxied to our own stream while its
// slot locks are held, and counted in our offset.
func (l *masterLink) apply(br *bufio.Reader) {
	s := l.srv
	c := s.newMasterClient(l)
	l.client.Store(c)
	r := s.repl
	r.mu.Lock()
	r.downSince = 0
	r.mu.Unlock()
	l.state.Store(linkConnected)
	l.sendAck() // puts a diskless sync online at once, and tells the master where we are
	go l.ackEverySecond()

	rd := clientproto.NewReader(readBufferSize)
	rd.MaxBulkLen = math.MaxInt64
	tee := &streamTee{r: br}
	for !l.stopped.Load() {
		args, err := rd.Parse()
		if err == clientproto.ErrIncomplete {
			tee.compact()
			if err := rd.Fill(tee); err != nil {
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					s.log.Warnf("MASTER timeout: no data nor PING received...")
				}
				return
			}
			l.readOff.Store(l.reploff.Load() + int64(len(tee.buf)-tee.start) + l.multi.size())
			continue
		}
		if err != nil {
			s.log.Warnf("Protocol error from MASTER: %v", err)
			return
		}
		l.applyCommand(c, args, tee.take(rd.Buffered()))
	}
}

// queuedMulti is a transaction from the master, held until its EXEC.
type queuedMulti struct {
	raw  []byte
	cmds [][][]byte
}

func (q *queuedMulti) size() int64 {
	if q == nil {
		return 0
	}
	return int64(len(q.raw))
}

// applyCommand applies one command of the stream. A MULTI ... EXEC block is queued and
// applied at its EXEC with every slot lock held, so a snapshot for our own replicas never
// falls inside it, and a link lost in the middle of it applies none of it and resumes
// before its MULTI (the offset does not move inside a transaction, as in Redis).
func (l *masterLink) applyCommand(c *Client, args [][]byte, raw []byte) {
	if q := l.multi; q != nil {
		q.raw = append(q.raw, raw...)
		if argIs(args[0], "exec") {
			l.multi = nil
			l.applyMulti(c, q)
			return
		}
		if argIs(args[0], "discard") {
			l.multi = nil
			l.proxy(q.raw) // offsets still count it
			return
		}
		cmd := make([][]byte, len(args))
		for i, a := range args {
			cmd[i] = append([]byte(nil), a...)
		}
		q.cmds = append(q.cmds, cmd)
		return
	}
	if argIs(args[0], "multi") {
		l.multi = &queuedMulti{raw: append([]byte(nil), raw...)}
		return
	}
	c.masterRaw = raw
	errs := c.w.Errors
	c.execute(args)
	if c.masterRaw != nil { // refused before it ran: still part of the stream
		l.proxy(raw)
		c.masterRaw = nil
	}
	l.afterCommand(c, args, errs, int64(len(raw)))
}

func (l *masterLink) applyMulti(c *Client, q *queuedMulti) {
	s := l.srv
	s.ks.LockAll()
	c.allLocked = true
	errs := c.w.Errors
	for _, cmd := range q.cmds {
		c.execute(cmd)
		c.w.Reset(writeBufferKeep)
	}
	l.proxy(q.raw)
	c.allLocked = false
	s.ks.UnlockAll()
	l.afterCommand(c, [][]byte{[]byte("EXEC")}, errs, int64(len(q.raw)))
}

// afterCommand counts a processed command and drops its reply, logging (at most once a
// second) when the master sent something this replica refused.
func (l *masterLink) afterCommand(c *Client, args [][]byte, errs int64, n int64) {
	if c.w.Errors != errs && time.Since(l.errLog) > time.Second {
		l.errLog = time.Now()
		reply := strings.TrimSpace(string(c.w.Bytes()))
		l.srv.log.Warnf("== CRITICAL == This replica is sending an error to its master: '%s' after processing the command '%s'", reply, lowerASCII(args[0]))
	}
	c.w.Reset(writeBufferKeep)
	l.reploff.Add(n)
}

// proxy appends bytes of our master's stream to ours.
func (l *masterLink) proxy(raw []byte) {
	st := l.srv.repl.stream
	if len(raw) == 0 || !st.Active() {
		return
	}
	st.Lock()
	st.Raw(raw)
	st.ForceSelectLocked()
	st.Unlock()
}

// proxyMasterCommand is propagation for the master client: the command's exact bytes go to
// our own stream, under the command's slot locks.
func (c *Client) proxyMasterCommand() {
	if raw := c.masterRaw; raw != nil {
		c.masterRaw = nil
		c.masterLink.proxy(raw)
	}
}

func (l *masterLink) ackEverySecond() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-t.C:
			l.sendAck()
		}
	}
}

// newMasterClient makes the client that applies the master's stream; CLIENT LIST shows it
// with flag M and CLIENT KILL TYPE master closes the link.
func (s *Server) newMasterClient(l *masterLink) *Client {
	l.mu.Lock()
	nc := l.conn
	l.mu.Unlock()
	c := s.baseClient(nc, 64)
	c.authenticated = true
	c.isMaster = true
	c.masterLink = l
	c.db.use(s.ks.DBs[l.masterDB])
	c.dbIndex.Store(int32(l.masterDB))
	s.register(c)
	return c
}

// masterStreamDB is the database our master's stream has selected, which an RDB we make
// for our own replicas records (repl-stream-db).
func (r *replication) masterStreamDB() int {
	r.mu.Lock()
	l := r.link
	r.mu.Unlock()
	if l == nil {
		return 0
	}
	if c := l.client.Load(); c != nil {
		return c.dbID()
	}
	return 0
}

// linkUp reports whether this replica's link to its master is streaming.
func (r *replication) linkUp() bool {
	r.mu.Lock()
	l := r.link
	r.mu.Unlock()
	return l != nil && l.state.Load() == linkConnected
}
