package migrate

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"time"
)

const (
	// MaxCached is how many idle connections are kept (MIGRATE_SOCKET_CACHE_ITEMS).
	MaxCached = 64
	// IdleTimeout is how long an unused connection is kept (MIGRATE_SOCKET_CACHE_TTL).
	IdleTimeout = 10 * time.Second
	// sweepInterval is how often idle connections are looked at, as Redis's serverCron does
	// once a second.
	sweepInterval = time.Second
)

// Cache holds idle connections to targets between MIGRATEs. It is safe for concurrent use.
type Cache struct {
	mu     sync.Mutex
	idle   map[string][]*Conn // by "host:port", most recently used last
	count  int
	closed bool

	// Now and Dial are replaced by tests.
	Now  func() time.Time
	Dial func(addr string, timeout time.Duration) (net.Conn, error)
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{
		idle: make(map[string][]*Conn),
		Now:  time.Now,
		Dial: func(addr string, timeout time.Duration) (net.Conn, error) {
			return net.DialTimeout("tcp", addr, timeout)
		},
	}
}

// Get returns a connection to host:port for one MIGRATE: a cached one if there is one,
// otherwise a new one connected within timeout. The caller gives it back with Put or, after
// an I/O error, Discard.
func (c *Cache) Get(host, port string, timeout time.Duration) (*Conn, error) {
	name := host + ":" + port
	c.mu.Lock()
	if list := c.idle[name]; len(list) > 0 {
		conn := list[len(list)-1]
		c.idle[name] = list[:len(list)-1]
		if len(list) == 1 {
			delete(c.idle, name)
		}
		c.count--
		c.mu.Unlock()
		return conn, nil
	}
	c.mu.Unlock()
	if host == "" {
		return nil, errEmptyHost // Go would dial the local host; Redis's resolver refuses it
	}
	// Redis converts the port with atoi: "6379abc" is 6379 and "abc" is 0, which fails.
	nc, err := c.Dial(net.JoinHostPort(host, strconv.Itoa(atoi(port))), timeout)
	if err != nil {
		return nil, err
	}
	return &Conn{nc: nc, rd: bufio.NewReaderSize(nc, maxLine), name: name, LastDB: -1}, nil
}

var errEmptyHost = errors.New("migrate: empty host name")

// Put gives back a connection that is still in a known state. When the cache is full a
// random idle connection is closed to make room, as Redis drops a random cached socket.
func (c *Cache) Put(conn *Conn) {
	conn.lastUse = c.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		conn.close()
		return
	}
	if c.count >= MaxCached {
		c.evictRandom()
	}
	c.idle[conn.name] = append(c.idle[conn.name], conn)
	c.count++
}

// Discard closes a connection whose state is unknown after an I/O error, so the next
// MIGRATE to that target connects afresh.
func (c *Cache) Discard(conn *Conn) { conn.close() }

func (c *Cache) evictRandom() {
	i := rand.IntN(c.count)
	for name, list := range c.idle {
		if i < len(list) {
			list[i].close()
			c.idle[name] = append(list[:i], list[i+1:]...)
			if len(c.idle[name]) == 0 {
				delete(c.idle, name)
			}
			c.count--
			return
		}
		i -= len(list)
	}
}

// CloseIdle closes the connections unused for more than IdleTimeout.
func (c *Cache) CloseIdle() {
	now := c.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, list := range c.idle {
		kept := list[:0]
		for _, conn := range list {
			if now.Sub(conn.lastUse) > IdleTimeout {
				conn.close()
				c.count--
			} else {
				kept = append(kept, conn)
			}
		}
		if len(kept) == 0 {
			delete(c.idle, name)
		} else {
			c.idle[name] = kept
		}
	}
}

// Len returns how many idle connections are cached.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// Run closes idle connections every second until stop is closed, then closes them all.
func (c *Cache) Run(stop <-chan struct{}) {
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			c.Close()
			return
		case <-t.C:
			c.CloseIdle()
		}
	}
}

// Close closes every cached connection; connections given back later are closed at once.
func (c *Cache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for name, list := range c.idle {
		for _, conn := range list {
			conn.close()
		}
		delete(c.idle, name)
	}
	c.count = 0
}

// atoi is C's atoi: optional blanks and sign, then digits up to the first non-digit; 0 when
// there are none.
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	n := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<31 {
			break // far past any port; Dial refuses it
		}
	}
	if neg {
		n = -n
	}
	return n
}
