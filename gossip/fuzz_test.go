package gossip

import (
	"math/rand"
	"testing"

	"github.com/rcnode/rcnode/gossip/nodesconf"
	"github.com/rcnode/rcnode/gossip/wire"
)

// FuzzStep feeds arbitrary bus messages (whatever wire.Decode accepts) to a member of a
// 4-node cluster, on an inbound or an outbound link: the state machine must never panic,
// and must still write a nodes.conf it can load back.
func FuzzStep(f *testing.F) {
	nw := newNetwork(f, 4, 21)
	nw.createCluster(2)
	nw.runUntil(30_000, "convergence", nw.converged)
	nw.run(200) // let every node save its converged view
	conf, now := nw.nodes[0].conf, nw.now
	peer := nw.nodes[1].c
	for _, t := range []wire.Type{wire.TypePing, wire.TypePong, wire.TypeMeet, wire.TypeUpdate,
		wire.TypeFailoverAuthRequest, wire.TypeFailoverAuthAck, wire.TypeMFStart} {
		m := &wire.Message{Header: peer.header(t)}
		if t == wire.TypeUpdate {
			m.Update.Node = peer.myself.Name
		}
		if t.String() == "ping" {
			m.Gossip = []wire.Gossip{gossipEntry(nw.nodes[2].c.myself)}
		}
		f.Add(wire.Encode(m), true)
	}
	f.Add(wire.Encode(&wire.Message{Header: peer.header(wire.TypeFail), Fail: nw.nodes[2].c.myself.Name}), false)

	f.Fuzz(func(t *testing.T, data []byte, outbound bool) {
		m, err := wire.Decode(data)
		if err != nil {
			return
		}
		cfg := nw.config(7000)
		c, err := New(cfg, mustParse(t, conf), rand.New(rand.NewSource(1)), now)
		if err != nil {
			t.Fatal(err)
		}
		c.Tick(now)
		var link LinkID
		for _, d := range c.Ready().Dials {
			c.LinkConnected(now, d.Link, "127.0.0.1")
			link = d.Link
		}
		if !outbound {
			link = c.Accept(now, "127.0.0.1", "127.0.0.1")
		}
		c.Step(now, link, m)
		c.Ready()
		for i := int64(1); i <= 30; i++ {
			c.Tick(now + i*TickInterval)
			c.Ready()
		}
		if _, err := New(cfg, mustParse(t, c.NodesConf()), rand.New(rand.NewSource(2)), now); err != nil {
			t.Fatalf("the node can't load the nodes.conf it writes: %v", err)
		}
	})
}

func mustParse(t testing.TB, conf []byte) *nodesconf.File {
	f, err := nodesconf.Parse(conf)
	if err != nil {
		t.Fatalf("nodes.conf does not parse: %v\n%s", err, conf)
	}
	return f
}
