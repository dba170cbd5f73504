package node

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/node/keyspace"
)

// Version is the Redis version rcnode is compatible with and reports as redis_version.
const Version = "7.0.15"

// RcnodeVersion is rcnode's own version, reported beside it.
const RcnodeVersion = "0.1.0"

// Options are the settings fixed at startup.
type Options struct {
	Port           int
	Bind           []string
	Databases      int
	ClusterEnabled bool
	PidFile        string
	LogFile        string
	LogLevel       string
	ConfigFile     string
	// ReplicaOfHost and ReplicaOfPort start a standalone node as a replica (replicaof).
	ReplicaOfHost string
	ReplicaOfPort int
	// Cluster configures the cluster bus when ClusterEnabled.
	Cluster ClusterOptions
	// Ignored are the real redis.conf directives rcnode accepted without implementing them.
	Ignored []string
}

// Server is one rcnode process.
type Server struct {
	opts   Options
	ks     *keyspace.Keyspace
	log    *zap.SugaredLogger
	logLvl zap.AtomicLevel
	role   atomic.Int32 // 'C', 'M' or 'S' in log lines
	live   atomic.Pointer[Settings]
	config Configurator

	// bus drives the cluster state machine (cluster mode only); routing is its latest
	// snapshot of slot owners, read once per keyed command without a lock.
	bus     clusterBus
	routing atomic.Pointer[gossip.Routing]
	// lostSlots are slots taken from this node whose keys are deleted at the next routing
	// change (bus loop only).
	lostSlots []int
	// migration is MIGRATE's target connections and the keys it is sending.
	migration migrationState
	// pubsub is the subscriptions of this node's clients.
	pubsub pubsubHub

	runID     string
	startTime time.Time
	listeners []net.Listener

	clientsMu sync.Mutex
	clients   map[int64]*Client
	// closedCmds counts the commands of clients that have gone; live clients keep their own
	// count so the hot path touches no shared counter.
	closedCmds int64
	unixSecs   atomic.Int64 // a coarse clock updated by cron, as Redis caches server.unixtime
	nextID     atomic.Int64

	// shardOwner is the client holding each lock shard through the dispatcher, written and
	// read only under that shard's lock: a key that expires in a command's lookup is
	// propagated with that command.
	shardOwner [keyspace.LockShards]*Client

	watches  watchRegistry
	blocking blockRegistry

	noActiveExpire atomic.Bool // DEBUG SET-ACTIVE-EXPIRE 0

	stats   serverStats
	repl    *replication
	persist persistence
	// replWake makes the replication cron run at once (a new master to connect to).
	replWake chan struct{}

	lastSave   atomic.Int64 // unix seconds
	shutdownCh chan struct{}
	closeOnce  sync.Once
	stopped    chan struct{} // closed once Shutdown has finished
	wg         sync.WaitGroup
	loops      []*eventLoop // client event loops (eventloop_linux.go); none: a goroutine per client
}

type serverStats struct {
	connectionsReceived atomic.Int64
	rejectedConns       atomic.Int64
	netInputBytes       atomic.Int64
	netOutputBytes      atomic.Int64
	errorReplies        atomic.Int64
	unexpectedErrors    atomic.Int64
}

// New builds a server; Start opens its listeners.
func New(opts Options, settings *Settings, cfg Configurator) (*Server, error) {
	if opts.Databases <= 0 {
		opts.Databases = 16
	}
	s := &Server{
		opts:       opts,
		ks:         keyspace.New(opts.Databases),
		clients:    make(map[int64]*Client),
		startTime:  time.Now(),
		shutdownCh: make(chan struct{}),
		stopped:    make(chan struct{}),
		config:     cfg,
	}
	dispatchOnce.Do(buildDispatch)
	s.repl = newReplication(s, settings.ReplBacklogSize)
	s.replWake = make(chan struct{}, 1)
	s.ks.OnExpire = s.expired
	s.role.Store('C')
	s.live.Store(settings)
	var id [20]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	s.runID = hex.EncodeToString(id[:])
	s.lastSave.Store(time.Now().Unix())
	s.persist.lastOK.Store(true)
	s.persist.lastSecs.Store(-1)
	s.unixSecs.Store(time.Now().Unix())
	log, lvl, err := newLogger(opts.LogFile, opts.LogLevel, &s.role)
	if err != nil {
		return nil, fmt.Errorf("can't open the log file: %w", err)
	}
	s.log, s.logLvl = log, lvl
	return s, nil
}

// Settings returns the current runtime-changeable settings.
func (s *Server) Settings() *Settings { return s.live.Load() }

// ApplySettings replaces the runtime settings (after CONFIG SET).
func (s *Server) ApplySettings(st *Settings) {
	s.live.Store(st)
	if s.repl != nil {
		s.repl.stream.SetSize(st.ReplBacklogSize)
	}
	if l, ok := logLevels[st.LogLevel]; ok {
		s.logLvl.SetLevel(l)
	}
}

// Keyspace exposes the data for tests and tools.
func (s *Server) Keyspace() *keyspace.Keyspace { return s.ks }

// Logger is the server log.
func (s *Server) Logger() *zap.SugaredLogger { return s.log }

// Start opens the listeners and serves clients in the background.
func (s *Server) Start() error {
	s.log.Warnf("oO0OoO0OoO0Oo rcnode is starting oO0OoO0OoO0Oo")
	s.log.Warnf("rcnode version=%s, redis compatibility=%s, bits=64, pid=%d, just started", RcnodeVersion, Version, os.Getpid())
	s.log.Warnf("Configuration loaded")
	for _, line := range s.opts.Ignored {
		s.log.Warnf("Ignoring unsupported configuration directive: %s", line)
	}
	mode := "standalone"
	if s.opts.ClusterEnabled {
		mode = "cluster"
	}
	s.role.Store('M')
	s.log.Infof("rcnode %s (Redis %s compatible) 64 bit, Running in %s mode, Port: %d, PID: %d",
		RcnodeVersion, Version, mode, s.opts.Port, os.Getpid())
	if s.opts.PidFile != "" {
		if err := os.WriteFile(s.opts.PidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			s.log.Warnf("Failed to write PID file: %v", err)
		}
	}
	binds := s.opts.Bind
	if len(binds) == 0 {
		binds = []string{"*", "-::*"}
	}
	for _, b := range binds {
		optional := len(b) > 0 && b[0] == '-'
		if optional {
			b = b[1:]
		}
		host := b
		switch b {
		case "*":
			host = "0.0.0.0"
		case "::*":
			host = "::"
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(s.opts.Port)))
		if err != nil {
			if optional {
				continue
			}
			s.closeListeners()
			s.log.Warnf("Warning: Could not create server TCP listening socket %s:%d: %v", b, s.opts.Port, err)
			s.log.Warnf("Failed listening on port %d (TCP), aborting.", s.opts.Port)
			return fmt.Errorf("failed listening on port %d: %w", s.opts.Port, err)
		}
		s.listeners = append(s.listeners, ln)
	}
	if len(s.listeners) == 0 {
		return fmt.Errorf("failed listening on port %d: no address to bind", s.opts.Port)
	}
	if s.opts.ClusterEnabled {
		if err := s.startCluster(); err != nil {
			s.closeListeners()
			return err
		}
	}
	s.log.Infof("Server initialized")
	replica := s.repl.isReplica.Load() || (s.opts.ReplicaOfHost != "" && !s.opts.ClusterEnabled)
	if err := s.loadDataFromDisk(replica); err != nil {
		s.stopCluster()
		s.closeListeners()
		return err
	}
	s.startEventLoops(runtime.GOMAXPROCS(0))
	for _, ln := range s.listeners {
		s.wg.Add(1)
		go s.acceptLoop(ln)
	}
	s.wg.Add(2)
	go s.cron()
	go s.replCron()
	if s.opts.ReplicaOfHost != "" && !s.opts.ClusterEnabled {
		s.repl.setMaster(s.opts.ReplicaOfHost, s.opts.ReplicaOfPort)
	}
	s.log.Infof("Ready to accept connections")
	return nil
}

// Addr returns the first listener's address (useful when Port was 0 in tests).
func (s *Server) Addr() net.Addr { return s.listeners[0].Addr() }

// listenAddr returns the port clients reach us on, which a replica announces to its master.
func (s *Server) listenAddr() (int, bool) {
	if len(s.listeners) == 0 {
		return 0, false
	}
	if a, ok := s.listeners[0].Addr().(*net.TCPAddr); ok {
		return a.Port, true
	}
	return 0, false
}

func (s *Server) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warnf("Accepting client connection: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		s.stats.connectionsReceived.Add(1)
		c := s.newClient(nc)
		if c == nil || s.attach(c) {
			continue
		}
		go c.serve(nil)
	}
}

// cron runs the periodic work redis-server does in serverCron: active expiry.
func (s *Server) cron() {
	defer s.wg.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	var cur keyspace.ExpireCursor
	var lastSecond time.Time
	for {
		select {
		case <-s.shutdownCh:
			return
		case now := <-t.C:
			s.unixSecs.Store(now.Unix())
			if now.Sub(lastSecond) >= time.Second {
				lastSecond = now
				s.saveSchedule(now)
			}
			// A manual failover's pause ends by its deadline as well as by a new routing.
			s.updateExpiryMode()
			// Like Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP loops: keep going while a pass
			// finds many expired keys, bounded so a cron tick stays short. Expiry writes
			// (DELs to replicas), so it waits while a manual failover holds writes, as
			// Redis's write pause holds it too.
			for i := 0; i < 16 && !s.writesHeld() && !s.noActiveExpire.Load(); i++ {
				if s.ks.ActiveExpire(&cur, 200) < 200 {
					break
				}
			}
		}
	}
}

func (s *Server) unixTime() int64 { return s.unixSecs.Load() }

// commandsProcessed sums the commands of live and closed clients.
func (s *Server) commandsProcessed() int64 {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	n := s.closedCmds
	for _, c := range s.clients {
		n += atomic.LoadInt64(&c.cmds)
	}
	return n
}

func (s *Server) closeListeners() {
	for _, ln := range s.listeners {
		ln.Close()
	}
}

// ShutdownOnSignal is SIGTERM and SIGINT: save dump.rdb when save points are configured,
// then Shutdown. When the save fails the node keeps running and the error is returned.
func (s *Server) ShutdownOnSignal() error {
	if err := s.shutdownSave(false, false, false); err != nil {
		return err
	}
	s.Shutdown()
	return nil
}

// Shutdown stops accepting, disconnects every client and waits for the background loops.
func (s *Server) Shutdown() {
	s.closeOnce.Do(func() {
		s.log.Warnf("User requested shutdown...")
		close(s.shutdownCh)
		s.closeListeners()
		s.stopCluster()
		s.clientsMu.Lock()
		for _, c := range s.clients {
			c.disconnect()
		}
		s.clientsMu.Unlock()
		s.stopEventLoops()
		if s.opts.PidFile != "" {
			os.Remove(s.opts.PidFile)
		}
		s.log.Warnf("rcnode is now ready to exit, bye bye...")
		s.log.Sync()
		close(s.stopped)
	})
}

// Done is closed when the server shuts down.
func (s *Server) Done() <-chan struct{} { return s.shutdownCh }

// Wait blocks until the accept and cron loops have ended, and a shutdown under way is done.
func (s *Server) Wait() {
	s.wg.Wait()
	select {
	case <-s.shutdownCh:
		<-s.stopped // a Shutdown running in another goroutine (SHUTDOWN) finishes first
	default:
	}
}
