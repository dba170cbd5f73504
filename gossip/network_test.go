package gossip

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/gossip/nodesconf"
	"github.com/rcnode/rcnode/gossip/wire"
	"github.com/rcnode/rcnode/slots"
)

// network is an in-memory cluster bus for simulation, in the style of etcd raft's tests:
// every node is a *Cluster, links are pairs of LinkIDs, messages go through the real wire
// codec, and one seeded *rand.Rand decides loss and delay, so a run is reproducible.
type network struct {
	t     testing.TB
	rnd   *rand.Rand
	now   int64
	nodes []*simNode
	byBus map[string]*simNode // "ip:cport" -> node
	queue []delivery

	onReady     func(n *simNode, rd Ready) // sees every Ready, if set
	dropRate    map[[2]int]float64         // (from, to) -> fraction of messages lost
	maxDelay    int64                      // messages are delayed by up to this many ms
	nodeTimeout int64
}

type simNode struct {
	idx   int
	c     *Cluster
	ip    string
	port  int
	alive bool
	peers map[LinkID]*simEnd // our link -> the other end
	conf  []byte             // last nodes.conf saved
	// confDirty defers the save to the end of the tick: formatting nodes.conf after every
	// message would dominate a big simulation.
	confDirty bool
}

// simEnd is the far end of a link: a node and its LinkID for the same connection.
type simEnd struct {
	node *simNode
	link LinkID
}

type delivery struct {
	at   int64
	from int
	to   *simEnd
	data []byte
}

const simNodeTimeout = 2000

func newNetwork(t testing.TB, size int, seed int64) *network {
	return newNetworkTimeout(t, size, seed, simNodeTimeout)
}

func newNetworkTimeout(t testing.TB, size int, seed int64, nodeTimeout int64) *network {
	nw := &network{t: t, rnd: rand.New(rand.NewSource(seed)), now: 1_700_000_000_000,
		byBus: map[string]*simNode{}, dropRate: map[[2]int]float64{}, nodeTimeout: nodeTimeout}
	for i := 0; i < size; i++ {
		nw.addNode()
	}
	return nw
}

func (nw *network) config(port int) Config {
	return Config{NodeTimeout: nw.nodeTimeout, Port: port, CPort: port + 10000,
		RequireFullCoverage: true, AllowReplicaMigration: true, MigrationBarrier: 1}
}

func (nw *network) addNode() *simNode {
	i := len(nw.nodes)
	port := 7000 + i
	c, err := New(nw.config(port), nil, rand.New(rand.NewSource(nw.rnd.Int63())), nw.now)
	if err != nil {
		nw.t.Fatal(err)
	}
	n := &simNode{idx: i, c: c, ip: "127.0.0.1", port: port, alive: true, peers: map[LinkID]*simEnd{}}
	nw.nodes = append(nw.nodes, n)
	nw.byBus[fmt.Sprintf("%s:%d", n.ip, port+10000)] = n
	nw.apply(n)
	return n
}

// do runs a command on node i and carries out what it asks.
func (nw *network) do(i int, fn func(c *Cluster)) {
	n := nw.nodes[i]
	fn(n.c)
	nw.apply(n)
}

// apply carries out n's Ready.
func (nw *network) apply(n *simNode) {
	rd := n.c.Ready()
	if nw.onReady != nil {
		nw.onReady(n, rd)
	}
	if rd.DrainWrites {
		// The simulated nodes write nothing: their stream ends where it is.
		n.c.WritesDrained(nw.now, n.c.replOffset)
		defer nw.apply(n)
	}
	for _, id := range rd.Closes {
		nw.closeEnd(n, id)
	}
	for _, d := range rd.Dials {
		target := nw.byBus[fmt.Sprintf("%s:%d", d.IP, d.CPort)]
		if target == nil || !target.alive || !n.alive || nw.cut(n.idx, target.idx) {
			n.c.LinkClosed(nw.now, d.Link)
			continue
		}
		in := target.c.Accept(nw.now, target.ip, n.ip)
		n.peers[d.Link] = &simEnd{node: target, link: in}
		target.peers[in] = &simEnd{node: n, link: d.Link}
		n.c.LinkConnected(nw.now, d.Link, n.ip)
		nw.apply(target)
	}
	for _, s := range rd.Sends {
		end := n.peers[s.Link]
		if end == nil {
			continue
		}
		data := wire.Encode(s.Msg)
		at := nw.now
		if nw.maxDelay > 0 {
			at += nw.rnd.Int63n(nw.maxDelay)
		}
		nw.queue = append(nw.queue, delivery{at: at, from: n.idx, to: end, data: data})
	}
	if rd.SaveConfig {
		n.confDirty = true
	}
}

func (nw *network) cut(a, b int) bool {
	return nw.dropRate[[2]int{a, b}] >= 1 || nw.dropRate[[2]int{b, a}] >= 1
}

// closeEnd closes link id of n and tells the other end.
func (nw *network) closeEnd(n *simNode, id LinkID) {
	end := n.peers[id]
	delete(n.peers, id)
	if end == nil {
		return
	}
	if _, ok := end.node.peers[end.link]; ok {
		delete(end.node.peers, end.link)
		end.node.c.LinkClosed(nw.now, end.link)
		nw.apply(end.node)
	}
}

// deliver hands over every queued message that is due. A lost message breaks its link,
// as it would on TCP, and the nodes must reconnect.
func (nw *network) deliver() {
	for {
		sort.SliceStable(nw.queue, func(i, j int) bool { return nw.queue[i].at < nw.queue[j].at })
		due := 0
		for due < len(nw.queue) && nw.queue[due].at <= nw.now {
			due++
		}
		if due == 0 {
			return
		}
		batch := nw.queue[:due:due]
		nw.queue = nw.queue[due:]
		for _, d := range batch {
			nw.deliverOne(d)
		}
	}
}

func (nw *network) deliverOne(d delivery) {
	to := d.to.node
	if _, open := to.peers[d.to.link]; !open || !to.alive {
		return
	}
	if rate := nw.dropRate[[2]int{d.from, to.idx}]; rate > 0 && nw.rnd.Float64() < rate {
		nw.closeEnd(to, d.to.link)
		to.c.LinkClosed(nw.now, d.to.link)
		nw.apply(to)
		return
	}
	m, err := wire.Decode(d.data)
	if err != nil {
		nw.t.Fatalf("node %d sent an undecodable message: %v", d.from, err)
	}
	to.c.Step(nw.now, d.to.link, m)
	nw.apply(to)
}

// run advances simulated time by ms, ticking every node every 100 ms.
func (nw *network) run(ms int64) {
	for end := nw.now + ms; nw.now < end; {
		nw.now += TickInterval
		for _, n := range nw.nodes {
			if n.alive {
				n.c.Tick(nw.now)
				nw.apply(n)
			}
		}
		nw.deliver()
		for _, n := range nw.nodes {
			if n.confDirty {
				n.conf, n.confDirty = n.c.NodesConf(), false
			}
		}
	}
}

// runUntil runs until cond holds, failing after limit ms of simulated time.
func (nw *network) runUntil(limit int64, what string, cond func() bool) int64 {
	start := nw.now
	for !cond() {
		if nw.now-start > limit {
			nw.t.Fatalf("after %d ms: %s never happened\n%s", limit, what, nw.dump())
		}
		nw.run(TickInterval)
	}
	return nw.now - start
}

// drop loses a fraction of the messages from a to b; 1 cuts the link entirely.
func (nw *network) drop(a, b int, fraction float64) { nw.dropRate[[2]int{a, b}] = fraction }

// isolate cuts node i off from everyone.
func (nw *network) isolate(i int) {
	for j := range nw.nodes {
		if j != i {
			nw.drop(i, j, 1)
			nw.drop(j, i, 1)
		}
	}
	nw.disconnect(i)
}

// recover heals every partition and loss.
func (nw *network) recover() { nw.dropRate = map[[2]int]float64{} }

// disconnect closes every link of node i, on both ends.
func (nw *network) disconnect(i int) {
	n := nw.nodes[i]
	for id := range n.peers {
		nw.closeEnd(n, id)
		n.c.LinkClosed(nw.now, id)
	}
	nw.apply(n)
}

// kill stops node i (its links go down with it).
func (nw *network) kill(i int) {
	nw.disconnect(i)
	nw.nodes[i].alive = false
}

// restart brings node i back from the nodes.conf it last saved, or from conf when given.
func (nw *network) restart(i int, conf []byte) {
	n := nw.nodes[i]
	if conf == nil {
		conf = n.conf
	}
	nw.disconnect(i)
	f, err := nodesconf.Parse(conf)
	if err != nil {
		nw.t.Fatalf("node %d saved a nodes.conf it can't load: %v\n%s", i, err, conf)
	}
	c, err := New(nw.config(n.port), f, rand.New(rand.NewSource(nw.rnd.Int63())), nw.now)
	if err != nil {
		nw.t.Fatal(err)
	}
	// The record of votes granted and elections won outlives the process, for the checks.
	c.votes, c.wins = n.c.votes, n.c.wins
	n.c, n.alive = c, true
	nw.apply(n)
}

// meetAll has every node meet node 0, as redis-cli --cluster create does.
func (nw *network) meetAll() {
	for i := 1; i < len(nw.nodes); i++ {
		nw.do(i, func(c *Cluster) {
			if err := c.Meet(nw.nodes[0].ip, nw.nodes[0].port, nw.nodes[0].port+10000); err != nil {
				nw.t.Fatal(err)
			}
		})
	}
}

// slotMap is one node's view of who owns each slot, by node name ("" for none).
func slotMap(c *Cluster) [slots.Count]string {
	var m [slots.Count]string
	for s, o := range c.owner {
		if o != nil {
			m[s] = o.ID()
		}
	}
	return m
}

// sameSlotMap reports whether a and b see the same owner for every slot.
func sameSlotMap(a, b *Cluster) bool {
	for s := range a.owner {
		x, y := a.owner[s], b.owner[s]
		if (x == nil) != (y == nil) || x != nil && x.Name != y.Name {
			return false
		}
	}
	return true
}

// converged reports whether every live node knows every other live node (no handshake,
// no failure flags) and all agree on the slot map, the roles and the cluster state.
func (nw *network) converged() bool {
	var live []*simNode
	for _, n := range nw.nodes {
		if n.alive {
			if !n.c.StateOK() {
				return false
			}
			live = append(live, n)
		}
	}
	for _, n := range live {
		for _, o := range live {
			k := n.c.nodes[o.c.myself.Name]
			if k == nil || k.HasAny(FlagHandshake|FlagPFail|FlagFail|FlagNoAddr) ||
				k.IsMaster() != o.c.myself.IsMaster() {
				return false
			}
		}
	}
	for _, n := range live[1:] {
		if !sameSlotMap(n.c, live[0].c) {
			return false
		}
	}
	return true
}

func (nw *network) dump() string {
	var b strings.Builder
	for _, n := range nw.nodes {
		fmt.Fprintf(&b, "--- node %d alive=%v ok=%v epoch=%d\n%s", n.idx, n.alive, n.c.StateOK(), n.c.CurrentEpoch(), n.c.NodesText())
		if len(nw.nodes) > 12 && n.idx >= 3 {
			fmt.Fprintf(&b, "(%d more nodes)\n", len(nw.nodes)-4)
			break
		}
	}
	return b.String()
}

// createCluster does what redis-cli --cluster create does: distinct config epochs, the
// slots split evenly among the first masters nodes, everyone meets node 0, then each
// remaining node replicates a master.
func (nw *network) createCluster(masters int) {
	for i := range nw.nodes {
		nw.do(i, func(c *Cluster) {
			if err := c.SetConfigEpoch(uint64(i + 1)); err != nil {
				nw.t.Fatal(err)
			}
		})
	}
	per := slots.Count / masters
	for m := 0; m < masters; m++ {
		first, last := m*per, (m+1)*per-1
		if m == masters-1 {
			last = slots.Count - 1
		}
		var list []int
		for s := first; s <= last; s++ {
			list = append(list, s)
		}
		nw.do(m, func(c *Cluster) {
			if err := c.AddSlots(list); err != nil {
				nw.t.Fatal(err)
			}
		})
	}
	nw.meetAll()
	nw.runUntil(30_000, "everyone knows everyone", func() bool {
		for _, n := range nw.nodes {
			if len(n.c.nodes) != len(nw.nodes) {
				return false
			}
			for _, k := range n.c.nodes {
				if k.HasAny(FlagHandshake) {
					return false
				}
			}
		}
		return true
	})
	for i := masters; i < len(nw.nodes); i++ {
		master := nw.nodes[i%masters].c.myself.ID()
		nw.do(i, func(c *Cluster) {
			if err := c.Replicate(master, true); err != nil {
				nw.t.Fatal(err)
			}
		})
	}
}
