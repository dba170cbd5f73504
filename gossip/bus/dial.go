package bus

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/rcnode/rcnode/gossip"
)

// defaultNodeTimeout stands in for a zero cluster-node-timeout (Redis's default, 15 s).
const defaultNodeTimeout = 15_000

// dial opens our outbound link d.Link in a goroutine and reports the outcome to the state
// machine: LinkConnected (then the reader and writer start) or LinkClosed. The timeout is the
// node timeout: the state machine closes a link whose PONG is late long before that, which
// cancels the dial; the timeout only bounds a dial nobody cancels.
func (b *Bus) dial(d gossip.Dial) {
	addr := net.JoinHostPort(d.IP, strconv.Itoa(d.CPort))
	l := newLink(d.Link, true, addr)
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	b.addLink(l)
	timeout := nodeTimeout(b.opts.Cluster.NodeTimeout)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		dialer := net.Dialer{Timeout: timeout}
		conn, err := dialer.DialContext(ctx, "tcp", addr)
		if err != nil {
			b.log.Debugf("Unable to connect to Cluster Node %.40s at %s: %v", d.Node.String(), addr, err)
			b.post(event{fn: func(c *gossip.Cluster, now int64) {
				if b.live(l) {
					b.removeLink(l)
					c.LinkClosed(now, l.id)
				}
			}})
			return
		}
		tune(conn, b.opts.Cluster.NodeTimeout)
		b.post(event{
			fn: func(c *gossip.Cluster, now int64) {
				if !b.live(l) { // closed while dialing
					conn.Close()
					return
				}
				l.setConn(conn)
				c.LinkConnected(now, l.id, hostOf(conn.LocalAddr()))
				b.startIO(l)
			},
			drop: func() { conn.Close() },
		})
	}()
}

func nodeTimeout(ms int64) time.Duration {
	if ms <= 0 {
		ms = defaultNodeTimeout
	}
	return time.Duration(ms) * time.Millisecond
}

// tune sets TCP_NODELAY (bus messages are small and latency-bound: a PING must not wait for
// Nagle) and keepalive as Redis's connKeepAlive(conn, node_timeout/1000*2): first probe after
// that many seconds, then three probes a third of it apart.
func tune(conn net.Conn, nodeTimeoutMS int64) {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return
	}
	tc.SetNoDelay(true)
	idle := max(time.Duration(nodeTimeout(nodeTimeoutMS)/time.Second)*2*time.Second, time.Second)
	tc.SetKeepAliveConfig(net.KeepAliveConfig{
		Enable:   true,
		Idle:     idle,
		Interval: max(idle/3, time.Second),
		Count:    3,
	})
}

// hostOf is the IP of a socket address as Redis prints it (no port, no zone; an IPv4 peer on
// a dual-stack socket as a dotted quad).
func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
