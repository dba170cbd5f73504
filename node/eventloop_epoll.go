package node

import (
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/gcpace"
)

// eventLoop serves client connections the way redis-server's event loop does: one goroutine
// waits on an epoll set of client sockets, reads each ready socket once, runs the commands
// that arrived and writes their replies, then moves on to the next socket. Against a
// goroutine per connection this saves a read per request (the one that finds the socket
// empty before the goroutine parks) and a goroutine switch, and it serves ready clients in
// turn, where a goroutine whose client keeps its pipeline full ran for a whole time slice
// while the others waited (redis-benchmark's p95/p99 showed it).
//
// The loop parks in Go's netpoller (the epoll descriptor itself is pollable), so the rest of
// the node's goroutines share its thread as before. A command that may wait (see
// leavesLoop) would stall every client of the loop: before it runs, its client leaves the
// loop for good and gets a goroutine of its own (Client.serve).
type eventLoop struct {
	srv  *Server
	epfd int
	file *os.File // epfd, registered with Go's netpoller
	raw  syscall.RawConn

	mu      sync.Mutex
	conns   map[int32]*Client // by socket; the loop reads it, attach adds to it
	stopped bool              // epfd is closed (its number may belong to another file now)

	events []syscall.EpollEvent
	// pollFn is l.pollReady, made once: a closure made per wait would be garbage per round.
	pollFn  func(uintptr) bool
	polled  int   // sockets pollReady took
	pollErr error // and its error
	ready   []*Client
	// replied holds the clients with replies to write once every ready socket has been
	// read, as redis-server writes in beforeSleep: a client reading replies wakes once per
	// round, not once per socket served before the next of its sockets.
	replied []*Client
	spin    spinBudget
}

// loopConn is a client socket served by an event loop.
type loopConn struct {
	loop *eventLoop
	fd   int
	// out holds replies the socket did not take; until they are written the loop waits for
	// the socket to be writable and reads no more from it.
	out []byte
	// closing: close once out is written (QUIT, a protocol error, CLIENT KILL of itself).
	closing bool
	replied bool // in loop.replied
	closed  bool // the socket is closed; guarded by Client.connMu
}

const loopBatch = 128 // sockets taken per epoll_wait

func newEventLoop(s *Server) (*eventLoop, error) {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "epoll")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	l := &eventLoop{
		srv: s, epfd: fd, file: f, raw: raw,
		conns:  make(map[int32]*Client),
		events: make([]syscall.EpollEvent, loopBatch),
	}
	l.pollFn = l.pollReady
	return l, nil
}

// startEventLoops starts one loop per core that runs Go code; without them (an error here)
// every client has a goroutine of its own.
func (s *Server) startEventLoops(n int) {
	for i := 0; i < n; i++ {
		l, err := newEventLoop(s)
		if err != nil {
			s.log.Warnf("No event loop (%v): one goroutine per client", err)
			return
		}
		s.loops = append(s.loops, l)
	}
	for _, l := range s.loops {
		s.wg.Add(1)
		go l.run()
	}
}

func (s *Server) stopEventLoops() {
	for _, l := range s.loops {
		l.mu.Lock()
		l.stopped = true
		l.mu.Unlock()
		l.file.Close()
	}
}

// attach moves a newly accepted client onto an event loop; it reports false when the client
// must be served by a goroutine instead.
func (s *Server) attach(c *Client) bool {
	if len(s.loops) == 0 {
		return false
	}
	tc, ok := c.nc.(*net.TCPConn)
	if !ok {
		return false
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return false
	}
	fd := -1
	raw.Control(func(s uintptr) {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, s, syscall.F_DUPFD_CLOEXEC, 0)
		if errno == 0 {
			fd = int(r)
		}
	})
	if fd < 0 {
		return false
	}
	l := s.loops[int(c.id)%len(s.loops)]
	c.connMu.Lock()
	c.nc.Close() // our duplicate keeps the socket open, outside Go's netpoller
	c.nc = nil
	c.lc = &loopConn{loop: l, fd: fd}
	c.connMu.Unlock()
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	l.mu.Lock()
	err = syscall.EBADF
	if !l.stopped {
		l.conns[int32(fd)] = c
		err = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &ev)
	}
	if err != nil {
		delete(l.conns, int32(fd))
	}
	l.mu.Unlock()
	if err != nil {
		c.close()
	}
	return true
}

func (l *eventLoop) run() {
	defer l.srv.wg.Done()
	defer l.closeAll()
	for {
		err := l.raw.Read(l.pollFn)
		if err != nil || l.pollErr != nil {
			return // closed at shutdown
		}
		n := l.polled
		if n > 0 {
			gcpace.Active()
		}
		l.ready = l.ready[:0]
		l.mu.Lock()
		for _, ev := range l.events[:n] {
			l.ready = append(l.ready, l.conns[ev.Fd])
		}
		l.mu.Unlock()
		for i, c := range l.ready {
			if c != nil {
				l.serveEvent(c, l.events[i].Events)
			}
			l.ready[i] = nil
		}
		for i, c := range l.replied {
			c.lc.replied = false
			if !c.flush() {
				l.closeClient(c)
			}
			l.replied[i] = nil
		}
		l.replied = l.replied[:0]
	}
}

// serveEvent handles one ready socket: it writes replies still waiting, or reads once and
// runs the commands that arrived.
func (l *eventLoop) serveEvent(c *Client, events uint32) {
	lc := c.lc
	if len(lc.out) > 0 {
		if !l.writeOut(c) {
			l.closeClient(c)
			return
		}
		if len(lc.out) > 0 {
			return
		}
		if lc.closing {
			l.closeClient(c)
			return
		}
		l.interest(c, syscall.EPOLLIN)
		l.serveBuffered(c, false) // commands left waiting behind the replies
		return
	}
	if events&(syscall.EPOLLIN|syscall.EPOLLHUP|syscall.EPOLLERR) == 0 {
		return
	}
	before := c.rd.Buffered()
	err := c.rd.Fill(lc)
	c.srv.stats.netInputBytes.Add(int64(c.rd.Buffered() - before))
	if err == syscall.EAGAIN {
		return
	}
	l.serveBuffered(c, err != nil)
}

// serveBuffered runs the complete commands in the client's buffer and writes their replies,
// as Client.serve does for a client with its own goroutine.
func (l *eventLoop) serveBuffered(c *Client, eof bool) {
	defer func() {
		if p := recover(); p != nil {
			c.reportBug(p)
			c.flush()
			l.closeClient(c)
		}
	}()
	for {
		args, err := c.parse()
		if err == clientproto.ErrIncomplete {
			if eof {
				l.closeAfterReply(c)
			} else if c.w.Len() > 0 && !c.lc.replied {
				c.lc.replied = true
				l.replied = append(l.replied, c)
			}
			return
		}
		if err != nil {
			c.protocolError(err)
			l.closeAfterReply(c)
			return
		}
		spec := c.commands.lookup(args[0])
		if c.leavesLoop(spec) {
			l.detach(c, args)
			return
		}
		c.prefetchNext()
		c.executeSpec(spec, args)
		if c.closeAfter || c.killed.Load() {
			l.closeAfterReply(c)
			return
		}
		if c.w.Len() >= flushThreshold {
			if !c.flush() {
				l.closeClient(c)
				return
			}
			if len(c.lc.out) > 0 {
				return // the rest waits until the socket takes these replies
			}
		}
	}
}

// closeAfterReply closes the connection once its replies are written.
func (l *eventLoop) closeAfterReply(c *Client) {
	if !c.flush() || len(c.lc.out) == 0 {
		l.closeClient(c)
		return
	}
	c.lc.closing = true
}

// flushLoop writes the client's replies without blocking; what the socket does not take
// waits in lc.out for the loop to see the socket writable.
func (c *Client) flushLoop() bool {
	lc := c.lc
	if c.w.Len() > 0 {
		buf := c.w.Bytes()
		n, err := writeSocket(lc.fd, buf)
		c.srv.stats.netOutputBytes.Add(int64(n))
		if err != nil && err != syscall.EAGAIN {
			c.w.Reset(writeBufferKeep)
			return false
		}
		if n < len(buf) {
			lc.out = append(lc.out[:0], buf[n:]...)
			lc.loop.interest(c, syscall.EPOLLOUT)
		}
		c.w.Reset(writeBufferKeep)
	}
	return !c.killed.Load()
}

// writeOut writes replies the socket did not take before.
func (l *eventLoop) writeOut(c *Client) bool {
	lc := c.lc
	n, err := writeSocket(lc.fd, lc.out)
	c.srv.stats.netOutputBytes.Add(int64(n))
	if err != nil && err != syscall.EAGAIN {
		return false
	}
	lc.out = lc.out[n:] // not copied down: megabytes of replies go out in many writes
	if len(lc.out) == 0 {
		lc.out = nil
	}
	return true
}

// The loop's system calls never block (the sockets are non-blocking, epoll_wait does not
// wait), so they are made raw: without telling the scheduler, which would otherwise have
// its monitor thread hand the loop's core to another thread during a long loopback write,
// and wake every 20µs to do so.

// pollReady is the raw.Read callback: it polls, and tells the netpoller to park the loop
// until the epoll descriptor is readable when no socket is ready.
func (l *eventLoop) pollReady(uintptr) bool {
	l.polled, l.pollErr = l.poll()
	if l.polled == 0 && l.pollErr == nil {
		l.spinPoll()
	}
	if l.polled > 0 {
		l.spin.busy(time.Now())
	}
	if l.pollErr == syscall.EINTR {
		l.pollErr = nil
	}
	return l.polled > 0 || l.pollErr != nil
}

// spinPoll polls again, yielding the core between polls, for as long as the spin budget
// allows or until a socket is ready.
func (l *eventLoop) spinPoll() {
	start := time.Now()
	limit := l.spin.idle(start)
	now := start
	for now.Sub(start) < limit {
		syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) // a process waiting for the core
		runtime.Gosched()                                    // the node's other goroutines, the collector's
		l.polled, l.pollErr = l.poll()
		now = time.Now()
		if l.polled != 0 || l.pollErr != nil {
			break
		}
	}
	l.spin.spun(now.Sub(start))
}

// poll takes the ready sockets without waiting (epoll_pwait with no signal mask).
func (l *eventLoop) poll() (int, error) {
	n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(l.epfd),
		uintptr(unsafe.Pointer(&l.events[0])), uintptr(len(l.events)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func writeSocket(fd int, p []byte) (int, error) {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return 0, errno
		}
		return int(n), nil
	}
}

// Read reads the socket once, for clientproto.Reader.Fill: EAGAIN when nothing is there.
func (lc *loopConn) Read(p []byte) (int, error) {
	for {
		n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(lc.fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return 0, errno
		}
		if n == 0 {
			return 0, io.EOF
		}
		return int(n), nil
	}
}

// interest sets what the loop waits for on the client's socket.
func (l *eventLoop) interest(c *Client, events uint32) {
	ev := syscall.EpollEvent{Events: events, Fd: int32(c.lc.fd)}
	syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_MOD, c.lc.fd, &ev)
}

// drop takes the client's socket out of the loop.
func (l *eventLoop) drop(c *Client) {
	fd := c.lc.fd
	l.mu.Lock()
	if !l.stopped {
		syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	}
	delete(l.conns, int32(fd))
	l.mu.Unlock()
}

func (l *eventLoop) closeClient(c *Client) {
	l.drop(c)
	c.close()
}

// detach gives the client a goroutine of its own, which runs first and then what follows.
func (l *eventLoop) detach(c *Client, first [][]byte) {
	l.drop(c)
	f := os.NewFile(uintptr(c.lc.fd), "client")
	nc, err := net.FileConn(f) // a duplicate, in Go's netpoller
	c.connMu.Lock()
	f.Close()
	c.lc.closed = true
	if err == nil {
		c.nc, c.lc = nc, nil
	}
	c.connMu.Unlock()
	if err != nil {
		c.srv.log.Warnf("Moving client id=%d addr=%s off the event loop: %v", c.id, c.addr, err)
		c.close()
		return
	}
	go c.serve(first)
}

// closeAll closes the clients still on the loop when it stops.
func (l *eventLoop) closeAll() {
	l.mu.Lock()
	cs := make([]*Client, 0, len(l.conns))
	for _, c := range l.conns {
		cs = append(cs, c)
	}
	l.mu.Unlock()
	for _, c := range cs {
		l.closeClient(c)
	}
}

// closeSocket closes a loop client's socket once; the caller holds c.connMu.
func (lc *loopConn) closeSocket() {
	if !lc.closed {
		lc.closed = true
		syscall.Close(lc.fd)
	}
}

// shutdownSocket ends a loop client's connection from another goroutine (CLIENT KILL,
// server shutdown): the loop sees the socket readable, reads EOF and closes it. The caller
// holds c.connMu, so the descriptor cannot be closed and reused meanwhile.
func (lc *loopConn) shutdownSocket() {
	if !lc.closed {
		syscall.Shutdown(lc.fd, syscall.SHUT_RDWR)
	}
}
