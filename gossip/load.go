package gossip

import (
	"encoding/hex"
	"fmt"
	"math/rand"

	"github.com/rcnode/rcnode/gossip/nodesconf"
	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// New builds the state machine from a loaded nodes.conf, or a fresh node (random name,
// myself,master) when conf is nil; a fresh node asks at once for its config to be saved and
// fsynced, as Redis does. now is the current time in ms.
func New(cfg Config, conf *nodesconf.File, rnd *rand.Rand, now int64) (*Cluster, error) {
	c := &Cluster{
		cfg:       cfg,
		rnd:       rnd,
		now:       now,
		nodes:     make(map[wire.Name]*Node),
		blacklist: make(map[wire.Name]int64),
		links:     make(map[LinkID]*link),
		mf:        manualFailover{masterOffset: -1},

		clusterSize: 1,
	}
	if conf == nil {
		c.myself = c.createNode(c.randomName(), FlagMyself|FlagMaster)
		c.addNode(c.myself)
		c.logf(LevelNotice, "No cluster configuration found, I'm %s", c.myself.ID())
		c.fsyncConfig()
	} else if err := c.load(conf); err != nil {
		return nil, err
	}
	c.applyMyAddress()
	c.routingChanged()
	return c, nil
}

// load applies Redis's load-time rules that need a clock (clusterLoadConfig): a non-zero
// ping or pong time becomes now, "fail" gets fail_time now, and myself's address comes from
// our own configuration.
func (c *Cluster) load(f *nodesconf.File) error {
	byID := make(map[string]*Node, len(f.Nodes))
	get := func(id string) (*Node, error) {
		if n := byID[id]; n != nil {
			return n, nil
		}
		name, ok := wire.ParseName(id)
		if !ok {
			return nil, fmt.Errorf("invalid node name %q", id)
		}
		n := c.createNode(name, 0)
		byID[id] = n
		c.addNode(n)
		return n, nil
	}
	for i := range f.Nodes {
		ln := &f.Nodes[i]
		n, err := get(ln.ID)
		if err != nil {
			return err
		}
		n.Flags = uint16(ln.Flags)
		n.IP, n.Port, n.CPort, n.Hostname = ln.IP, ln.Port, ln.CPort, ln.Hostname
		if ln.PingSent != 0 {
			n.PingSent = c.now
		}
		if ln.PongRecv != 0 {
			n.PongReceived = c.now
		}
		if n.Has(FlagFail) {
			n.FailTime = c.now
		}
		if n.Has(FlagMyself) {
			c.myself = n
		}
		if ln.MasterID != nodesconf.NoMaster && ln.MasterID != "" {
			m, err := get(ln.MasterID)
			if err != nil {
				return err
			}
			n.Master = m
			m.addReplica(n)
		} else {
			// Redis loads a replica's own epoch as 0 and prints its master's; a node
			// without a master keeps the column's value.
			n.ConfigEpoch = ln.ConfigEpoch
		}
		for s := 0; s < slots.Count; s++ {
			if ln.Slots.Has(s) {
				c.addSlot(n, s)
			}
		}
	}
	if c.myself == nil {
		return fmt.Errorf("no myself line")
	}
	for _, ln := range f.Nodes {
		for s, id := range ln.Migrating {
			if n, err := get(id); err == nil {
				c.migratingTo[s] = n
			}
		}
		for s, id := range ln.Importing {
			if n, err := get(id); err == nil {
				c.importingFrom[s] = n
			}
		}
	}
	c.currentEpoch, c.lastVoteEpoch = f.CurrentEpoch, f.LastVoteEpoch
	c.logf(LevelNotice, "Node configuration loaded, I'm %.40s", c.myself.ID())
	return nil
}

// NodesConf returns nodes.conf's content for the current state (clusterSaveConfig).
func (c *Cluster) NodesConf() []byte {
	f := &nodesconf.File{CurrentEpoch: c.currentEpoch, LastVoteEpoch: c.lastVoteEpoch}
	for _, n := range c.orderedNodes() {
		f.Nodes = append(f.Nodes, c.confNode(n))
	}
	return nodesconf.Format(f)
}

// confNode is a node as nodes.conf and CLUSTER NODES print it.
func (c *Cluster) confNode(n *Node) nodesconf.Node {
	ln := nodesconf.Node{
		ID:          n.ID(),
		IP:          n.IP,
		Port:        n.Port,
		CPort:       n.CPort,
		Hostname:    n.Hostname,
		Flags:       nodesconf.Flags(n.Flags),
		MasterID:    nodesconf.NoMaster,
		PingSent:    n.PingSent,
		PongRecv:    n.PongReceived,
		ConfigEpoch: n.EffectiveConfigEpoch(),
		Slots:       n.Slots,
	}
	if n.Master != nil {
		ln.MasterID = n.Master.ID()
	}
	if n.Link != 0 || n == c.myself {
		ln.LinkState = nodesconf.Connected
	}
	if n == c.myself {
		for s := 0; s < slots.Count; s++ {
			if t := c.migratingTo[s]; t != nil {
				if ln.Migrating == nil {
					ln.Migrating = map[int]string{}
				}
				ln.Migrating[s] = t.ID()
			}
			if f := c.importingFrom[s]; f != nil {
				if ln.Importing == nil {
					ln.Importing = map[int]string{}
				}
				ln.Importing[s] = f.ID()
			}
		}
	}
	return ln
}

// randomName is a fresh 40-hex-character node name (getRandomHexChars).
func (c *Cluster) randomName() wire.Name {
	var raw [wire.NameLen / 2]byte
	c.rnd.Read(raw[:])
	var n wire.Name
	hex.Encode(n[:], raw[:])
	return n
}
