package migrate

import (
	"net"
	"strconv"
	"testing"
	"time"
)

func TestCacheClosesIdleConnections(t *testing.T) {
	f := newFakeTarget(t, alwaysOK)
	c := NewCache()
	defer c.Close()
	now := time.Unix(1000, 0)
	c.Now = func() time.Time { return now }
	c.Transfer(request(f, 0, 1))
	now = now.Add(IdleTimeout)
	c.CloseIdle()
	if c.Len() != 1 {
		t.Fatalf("closed after exactly %v idle; Redis keeps it until it is more than that", IdleTimeout)
	}
	now = now.Add(time.Second)
	c.CloseIdle()
	if c.Len() != 0 {
		t.Fatalf("%d connections left after %v idle", c.Len(), IdleTimeout+time.Second)
	}
}

func TestCacheKeepsAtMost64(t *testing.T) {
	c := NewCache()
	defer c.Close()
	// Fake connections: net.Pipe ends, never used for I/O here.
	var held []*Conn
	for i := 0; i < MaxCached+5; i++ {
		a, b := net.Pipe()
		defer b.Close()
		held = append(held, &Conn{nc: a, name: "h:" + strconv.Itoa(i), LastDB: -1})
	}
	for _, conn := range held {
		c.Put(conn)
	}
	if c.Len() != MaxCached {
		t.Fatalf("%d cached, want %d", c.Len(), MaxCached)
	}
	// The one given back last is always kept.
	last := held[len(held)-1]
	got, err := c.Get("h", strconv.Itoa(len(held)-1), time.Second)
	if err != nil || got != last {
		t.Fatalf("Get of the last connection put: %v, %v", got, err)
	}
}

func TestCacheGivesConcurrentMigratesTheirOwnConnections(t *testing.T) {
	f := newFakeTarget(t, alwaysOK)
	c := NewCache()
	defer c.Close()
	host, port := f.hostPort()
	a, err := c.Get(host, port, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Get(host, port, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("one connection handed out twice")
	}
	c.Put(a)
	c.Put(b)
	if c.Len() != 2 {
		t.Errorf("%d cached, want 2", c.Len())
	}
}

func TestAtoi(t *testing.T) {
	for in, want := range map[string]int{"6379": 6379, " 12x": 12, "abc": 0, "-1": -1, "+7": 7, "": 0} {
		if got := atoi(in); got != want {
			t.Errorf("atoi(%q) = %d, want %d", in, got, want)
		}
	}
}
