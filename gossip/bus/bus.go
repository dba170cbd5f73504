package bus

import (
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/rcnode/rcnode/gossip"
)

// Options configure a Bus.
type Options struct {
	// Bind holds redis.conf's bind values ("*", "::*", "127.0.0.1"; a leading '-' makes one
	// optional). Empty means "* -::*", Redis's default.
	Bind []string
	// Port is the bus port to listen on (cluster-port, or port+10000).
	Port int
	// ConfigFile is the nodes.conf path (relative to the working directory).
	ConfigFile string
	// Cluster is passed to gossip.New. A nil Cluster.Log is wired to Log.
	Cluster gossip.Config
	// Log is the node's logger; nil discards.
	Log *zap.SugaredLogger
	// OnRouting, if set, is called on the loop goroutine with each new routing snapshot. It
	// must not call Do (the loop would wait for itself).
	OnRouting func(*gossip.Routing)
	// OnDropSlotKeys, if set, is called on the loop goroutine with slots this node owned
	// and lost to a newer configuration: their keys must be deleted.
	OnDropSlotKeys func(slots []int)
	// OnPublish, if set, is called on the loop goroutine with each PUBLISH or SPUBLISH that
	// arrived from another node; it must not block (deliver to subscribers' queues).
	OnPublish func(p gossip.Published)
	// OnDrainWrites, if set, is called on the loop goroutine, after the routing snapshot
	// that pauses writes is published, when a manual failover needs the offset at which
	// this master's writes stopped (gossip.Ready.DrainWrites). It must not block: wait for
	// in-flight writes elsewhere, then report with Do(c.WritesDrained(...)).
	OnDrainWrites func()
}

// Bus drives one node's *gossip.Cluster.
type Bus struct {
	opts Options
	log  *zap.SugaredLogger
	lock *os.File // flock'ed <ConfigFile>.lock, held until Close

	// Owned by the loop goroutine (or, after the loop exits, by Do's direct path).
	c          *gossip.Cluster
	saveFailed bool // the last save failed: retry on the next tick
	retrySave  bool // set by a tick while saveFailed or savePending
	// savePending is a save that need not be durable at once (a new node, a flag): it is
	// written with the next tick, so a burst of gossip costs one write, not one per message.
	savePending bool

	sendBufLimit     atomic.Int64 // cluster-link-sendbuf-limit, bytes; 0 = none
	bufLimitExceeded atomic.Int64 // links closed for going over it
	lastWarn         int64        // ms of the last "can't save" warning, to keep a dead disk from flooding the log
	initial          gossip.Ready

	// links is written only by the loop, under linksMu so LinkStats can read it from anywhere.
	linksMu sync.RWMutex
	links   map[gossip.LinkID]*link

	routing atomic.Pointer[gossip.Routing]

	events   chan event
	startCh  chan struct{} // closed by Start: the loop begins ticking
	quit     chan struct{} // closed by Close
	loopDone chan struct{} // closed when the loop goroutine has returned
	afterMu  sync.Mutex    // serializes Do after the loop has gone

	mu        sync.Mutex // guards started, closed, listeners
	started   bool
	closed    bool
	listeners []net.Listener

	wg        sync.WaitGroup // acceptors, dialers, readers, writers
	closeOnce sync.Once
}

// event is one thing that happened, run on the loop goroutine with the Cluster and the time.
type event struct {
	fn func(c *gossip.Cluster, now int64)
	// done, if set, is closed once fn has run and its Ready has been carried out.
	done chan struct{}
	// drop, if set, releases what fn would have taken over (a connection) when the event is
	// never run because the bus is closing.
	drop func()
}

// eventQueue bounds the events waiting for the loop; a full queue makes readers wait, which
// pushes back on their peers through TCP instead of buffering without limit.
const eventQueue = 1024

// Open locks and loads nodes.conf (creating it, fsynced, for a new node) and builds the
// state machine. The loop goroutine runs from here on, so Do works before Start; Close must
// be called to release the lock. On error nothing is left running or locked.
func Open(opts Options) (*Bus, error) {
	log := opts.Log
	if log == nil {
		log = zap.NewNop().Sugar()
	}
	if opts.Cluster.Log == nil {
		opts.Cluster.Log = gossipLog(log)
	}
	b := &Bus{
		opts:     opts,
		log:      log,
		links:    make(map[gossip.LinkID]*link),
		events:   make(chan event, eventQueue),
		startCh:  make(chan struct{}),
		quit:     make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	lock, err := lockConfig(opts.ConfigFile)
	if err != nil {
		return nil, err
	}
	b.lock = lock
	if err := b.load(); err != nil {
		unlockConfig(b.lock)
		return nil, err
	}
	b.routing.Store(b.c.Routing())
	go b.run()
	return b, nil
}

// Start listens on the bus port on every bind address, accepts peers and starts the ticks.
func (b *Bus) Start() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("cluster bus: Start after Close")
	}
	if b.started {
		return errors.New("cluster bus: already started")
	}
	lns, err := listen(b.opts.Bind, b.opts.Port, b.log)
	if err != nil {
		return err
	}
	b.listeners, b.started = lns, true
	for _, ln := range lns {
		b.wg.Add(1)
		go b.acceptLoop(ln)
	}
	close(b.startCh)
	return nil
}

// Do runs fn on the loop goroutine, serialized with bus events, carries out what it asked
// for (c.Ready()) and returns when that is done, so a routing change is visible to the
// caller's next command. It must not be called from inside fn or OnRouting. After Close fn
// still runs (serialized, without a loop), but nothing it asks for is carried out.
func (b *Bus) Do(fn func(c *gossip.Cluster)) {
	done := make(chan struct{})
	ev := event{fn: func(c *gossip.Cluster, _ int64) { fn(c) }, done: done}
	select {
	case b.events <- ev:
		select {
		case <-done:
			return
		case <-b.loopDone:
		}
	case <-b.loopDone:
	}
	select {
	case <-done: // the loop ran it before it went
		return
	default:
	}
	b.afterMu.Lock()
	defer b.afterMu.Unlock()
	fn(b.c)
	b.c.Ready() // forget it: no links, no loop
}

// SaveNow writes nodes.conf at once (CLUSTER SAVECONFIG). Call it only inside Do.
func (b *Bus) SaveNow(c *gossip.Cluster) error { return b.save(c) }

// Routing returns the latest routing snapshot; never nil after Open.
func (b *Bus) Routing() *gossip.Routing { return b.routing.Load() }

// Close stops the listeners, the loop and every link, waits for all goroutines and releases
// the nodes.conf lock. nodes.conf is not written on the way out (Redis does not either),
// unless an earlier save failed and is still owed.
func (b *Bus) Close() {
	b.closeOnce.Do(func() {
		b.mu.Lock()
		b.closed = true
		lns := b.listeners
		b.mu.Unlock()
		close(b.quit)
		for _, ln := range lns {
			ln.Close()
		}
		<-b.loopDone
		b.wg.Wait()
		b.drain()
		unlockConfig(b.lock)
	})
}
