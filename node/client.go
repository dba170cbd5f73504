package node

import (
	"errors"
	"runtime/debug"

	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcnode/rcnode/clientproto"
)

const (
	readBufferSize  = 16 << 10
	writeBufferKeep = 64 << 10
	// flushThreshold bounds how much reply data a long pipeline accumulates before it is
	// written, so one client cannot make the node hold an unbounded reply in memory.
	flushThreshold = 256 << 10
)

// Client is one client connection and the state its commands see.
type Client struct {
	srv *Server
	// The connection: nc for a client with a goroutine of its own, lc on an event loop.
	// connMu guards the switch between them against kill from another goroutine.
	connMu   sync.Mutex
	nc       net.Conn
	lc       *loopConn
	rd       *clientproto.Reader
	w        *clientproto.Writer
	db       clientDB
	commands commandCache
	peeked   peekCache

	id       int64
	name     atomic.Pointer[string]
	addr     string
	laddr    string
	loopback bool // the peer is on a loopback address
	created  time.Time
	lastUsed atomic.Int64 // unix seconds of the last command
	lastCmd  atomic.Pointer[string]

	authenticated bool
	readonly      bool // READONLY: cluster replicas may serve reads
	asking        bool // ASKING: the next command may touch an importing slot
	cmdAsking     bool // the running command came after ASKING
	closeAfter    bool // QUIT and protocol errors: close once the reply is written
	killed        atomic.Bool
	locked        bool  // the running command holds c.shards' locks
	wrote         bool  // the running command changed the keyspace
	cmds          int64 // commands run, added to the server total when the client closes
	dbIndex       atomic.Int32
	protoVer      atomic.Int32
	// queued is, for other clients' CLIENT LIST, 1 + the number of commands queued while in
	// MULTI, and 0 outside it.
	queued atomic.Int32

	// Replication: what the running command propagates instead of its arguments, the
	// stream offset after this client's last write (WAIT), what a replica said about itself
	// before PSYNC, and the roles a connection takes on.
	prop       propagation
	woff       int64
	replConf   *replicaConf
	replica    atomic.Pointer[replicaSession] // set once the connection is a replica of ours
	isMaster   bool                           // the client applying our master's stream
	masterLink *masterLink                    // for the master client
	masterRaw  []byte                         // the master's bytes of the running command
	allLocked  bool                           // every slot lock is held already (EXEC, or a MULTI from the master)

	// Transactions (cmd_multi.go): the queued commands while in MULTI, and what EXEC's
	// commands propagate while it runs.
	tx    *transaction
	watch clientWatch // WATCHed keys
	// readyKeys are the keys the running command wrote while clients were blocked
	// (blocking.go).
	readyKeys []dbKey
	blocked   atomic.Bool // waiting in a blocking pop, for CLIENT LIST
	exec      *execPropagation

	ps *pubsubConn // set once the client subscribes (pubsub.go)

	// scratch space reused by every command so the hot path does not allocate
	keyPos []int
	shards []int
}

func (s *Server) newClient(nc net.Conn) *Client {
	st := s.Settings()
	s.clientsMu.Lock()
	n := len(s.clients)
	s.clientsMu.Unlock()
	if n >= st.MaxClients {
		nc.Write([]byte("-ERR max number of clients reached\r\n"))
		nc.Close()
		s.stats.rejectedConns.Add(1)
		return nil
	}
	if st.ProtectedMode && st.RequirePass == "" && !isLoopback(nc) {
		nc.Write([]byte(deniedProtectedMode))
		nc.Close()
		s.stats.rejectedConns.Add(1)
		return nil
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		tc.SetKeepAlive(true)
		tc.SetKeepAlivePeriod(300 * time.Second)
	}
	c := s.baseClient(nc, readBufferSize)
	c.db.use(s.ks.DBs[0])
	c.authenticated = st.RequirePass == ""
	s.register(c)
	return c
}

// baseClient makes the state every client starts with; the caller sets what differs and
// then registers it.
func (s *Server) baseClient(nc net.Conn, readSize int) *Client {
	c := &Client{
		srv:      s,
		nc:       nc,
		rd:       clientproto.NewReader(readSize),
		w:        clientproto.NewWriter(writeBufferKeep),
		id:       s.nextID.Add(1),
		addr:     nc.RemoteAddr().String(),
		laddr:    nc.LocalAddr().String(),
		loopback: isLoopback(nc),
		created:  time.Now(),
		keyPos:   make([]int, 0, 16),
		shards:   make([]int, 0, 16),
	}
	c.protoVer.Store(2)
	c.lastUsed.Store(c.created.Unix())
	return c
}

// register makes the client visible to CLIENT LIST, CLIENT KILL and INFO.
func (s *Server) register(c *Client) {
	s.clientsMu.Lock()
	s.clients[c.id] = c
	s.clientsMu.Unlock()
}

// serve reads and executes commands until the connection ends, starting with first when a
// client leaves an event loop with a command it must not run there. Replies to every command
// that arrived in one read are written together, once the pipeline is drained.
func (c *Client) serve(first [][]byte) {
	defer c.close()
	defer c.recoverFromBug()
	if first != nil && !c.run(first) {
		return
	}
	eof := false
	for {
		args, err := c.parse()
		if err == clientproto.ErrIncomplete {
			if !c.flush() || eof {
				return
			}
			n := c.rd.Buffered()
			// Commands that arrived together with EOF still run, as Redis runs a query
			// buffer before noticing the closed connection.
			eof = c.rd.Fill(c.nc) != nil
			c.srv.stats.netInputBytes.Add(int64(c.rd.Buffered() - n))
			continue
		}
		if err != nil {
			c.protocolError(err)
			c.flush()
			return
		}
		if !c.run(args) {
			return
		}
	}
}

// parse takes the next complete command from the client's buffer, under the limits that
// apply to it now (CONFIG SET proto-max-bulk-len, AUTH).
func (c *Client) parse() ([][]byte, error) {
	c.rd.MaxBulkLen = c.srv.Settings().ProtoMaxBulkLen
	c.rd.Authenticated = c.authenticated
	return c.rd.Parse()
}

// run executes one command and reports whether the connection goes on: it stops after QUIT,
// and when a long pipeline's replies, written early, find the connection gone.
func (c *Client) run(args [][]byte) bool {
	c.execute(args)
	if c.closeAfter {
		c.flush()
		return false
	}
	return c.w.Len() < flushThreshold || c.flush()
}

// protocolError replies to a malformed request; the connection closes after it.
func (c *Client) protocolError(err error) {
	var pe *clientproto.ProtocolError
	if errors.As(err, &pe) {
		c.w.Error(pe.Msg)
		c.srv.log.Debugf("Protocol error (%s) from client: id=%d addr=%s", pe.Msg, c.id, c.addr)
	}
}

// recoverFromBug keeps a bug in one command from taking the whole node (and every other
// client's data) down: it releases the slot locks the command held, logs the stack the way
// redis-server's bug report would, and closes only this connection.
func (c *Client) recoverFromBug() {
	p := recover()
	if p == nil {
		return
	}
	c.reportBug(p)
	c.flush()
}

// reportBug releases the slot locks a command that panicked held, logs the stack the way
// redis-server's bug report would and replies with an error; the caller closes the client.
func (c *Client) reportBug(p any) {
	if c.locked {
		c.unlockKeys()
	}
	if c.allLocked { // a transaction's
		c.unlockEverything()
	}
	c.srv.stats.unexpectedErrors.Add(1)
	cmd := "NULL"
	if name := c.lastCmd.Load(); name != nil {
		cmd = *name
	}
	c.srv.log.Warnf("=== RCNODE BUG REPORT START ===\nclient id=%d addr=%s cmd=%s: %v\n%s=== RCNODE BUG REPORT END ===",
		c.id, c.addr, cmd, p, debug.Stack())
	c.w.Reset(writeBufferKeep)
	c.w.Error("ERR internal error while executing '" + cmd + "'; the connection is closed (see the server log)")
}

// flush writes the buffered replies; it reports false when the connection is gone.
func (c *Client) flush() bool {
	if c.ps != nil {
		return c.flushPubsub()
	}
	if c.lc != nil {
		return c.flushLoop()
	}
	if c.w.Len() == 0 {
		return !c.killed.Load()
	}
	n, err := c.nc.Write(c.w.Bytes())
	c.srv.stats.netOutputBytes.Add(int64(n))
	c.w.Reset(writeBufferKeep)
	return err == nil && !c.killed.Load()
}

func (c *Client) close() {
	c.connMu.Lock()
	if c.lc != nil {
		c.lc.closeSocket()
	} else {
		c.nc.Close()
	}
	c.connMu.Unlock()
	c.pubsubClose()
	c.unwatchAll()
	c.srv.clientsMu.Lock()
	c.srv.closedCmds += c.cmds
	delete(c.srv.clients, c.id)
	c.srv.clientsMu.Unlock()
}

// kill closes the connection from another goroutine (CLIENT KILL); the client's own loop
// notices on its next read or write.
func (c *Client) kill() {
	c.killed.Store(true)
	c.disconnect()
}

// disconnect ends the connection from any goroutine; the client's own loop notices.
func (c *Client) disconnect() {
	c.connMu.Lock()
	defer c.connMu.Unlock()
	if c.lc != nil {
		c.lc.shutdownSocket()
	} else {
		c.nc.Close()
	}
}

func isLoopback(nc net.Conn) bool {
	if tcp, ok := nc.RemoteAddr().(*net.TCPAddr); ok {
		return tcp.IP.IsLoopback()
	}
	return true
}

// deniedProtectedMode is redis-server's reply to a non-loopback client while protected mode
// is on and the default user has no password.
const deniedProtectedMode = "-DENIED Redis is running in protected mode because protected " +
	"mode is enabled and no password is set for the default user. " +
	"In this mode connections are only accepted from the loopback interface. " +
	"If you want to connect from external computers to Redis you " +
	"may adopt one of the following solutions: " +
	"1) Just disable protected mode sending the command " +
	"'CONFIG SET protected-mode no' from the loopback interface " +
	"by connecting to Redis from the same host the server is " +
	"running, however MAKE SURE Redis is not publicly accessible " +
	"from internet if you do so. Use CONFIG REWRITE to make this " +
	"change permanent. " +
	"2) Alternatively you can just disable the protected mode by " +
	"editing the Redis configuration file, and setting the protected " +
	"mode option to 'no', and then restarting the server. " +
	"3) If you started the server manually just for testing, restart " +
	"it with the '--protected-mode no' option. " +
	"4) Setup a an authentication password for the default user. " +
	"NOTE: You only need to do one of the above things in order for " +
	"the server to start accepting connections from the outside.\r\n"
