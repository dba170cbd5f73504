package bus

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/rcnode/rcnode/gossip"
)

// defaultBind is redis.conf's default bind: every IPv4 address, and every IPv6 one if the
// host has IPv6.
var defaultBind = []string{"*", "-::*"}

// listen opens the bus port on every bind address, as Redis's listenToPort does for cport:
// an address with a leading '-' may fail, any other failure closes what was opened.
// "*" and "::*" listen on IPv4 only and IPv6 only (Redis sets IPV6_V6ONLY), so
// "bind * ::*" works on a dual-stack host.
func listen(binds []string, port int, log *zap.SugaredLogger) ([]net.Listener, error) {
	if len(binds) == 0 {
		binds = defaultBind
	}
	var lns []net.Listener
	for _, addr := range binds {
		optional := len(addr) > 0 && addr[0] == '-'
		if optional {
			addr = addr[1:]
		}
		network, host := "tcp", addr
		switch addr {
		case "*":
			network, host = "tcp4", "0.0.0.0"
		case "::*":
			network, host = "tcp6", "::"
		}
		ln, err := net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			if optional {
				continue
			}
			for _, l := range lns {
				l.Close()
			}
			log.Warnf("Warning: Could not create server TCP listening socket %s:%d: %v", addr, port, err)
			log.Warnf("Failed listening on port %d (cluster), aborting.", port)
			return nil, fmt.Errorf("failed listening on port %d (cluster): %w", port, err)
		}
		lns = append(lns, ln)
	}
	if len(lns) == 0 {
		log.Warnf("Failed listening on port %d (cluster), aborting.", port)
		return nil, fmt.Errorf("failed listening on port %d (cluster): no address to bind", port)
	}
	return lns, nil
}

// acceptLoop hands each peer connection to the loop, which registers it with the state
// machine and starts its reader and writer.
func (b *Bus) acceptLoop(ln net.Listener) {
	defer b.wg.Done()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of descriptors and the like: Redis logs and waits for the next event.
			b.log.Debugf("Error accepting cluster node: %v", err)
			select {
			case <-b.quit:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		b.accepted(conn)
	}
}

func (b *Bus) accepted(conn net.Conn) {
	tune(conn, b.opts.Cluster.NodeTimeout)
	local, peer := hostOf(conn.LocalAddr()), hostOf(conn.RemoteAddr())
	b.log.Debugf("Accepting cluster node connection from %s", conn.RemoteAddr())
	b.post(event{
		fn: func(c *gossip.Cluster, now int64) {
			id := c.Accept(now, local, peer)
			if id == 0 { // the state machine refuses it
				conn.Close()
				return
			}
			l := newLink(id, false, conn.RemoteAddr().String())
			l.conn = conn
			b.addLink(l)
			b.startIO(l)
		},
		drop: func() { conn.Close() },
	})
}
