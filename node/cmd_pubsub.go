package node

import (
	"sort"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/internal/glob"
)

func init() {
	register("subscribe", func(c *Client, args [][]byte) { c.subscribe(kindChannel, args[1:]) })
	register("psubscribe", func(c *Client, args [][]byte) { c.subscribe(kindPattern, args[1:]) })
	register("ssubscribe", func(c *Client, args [][]byte) { c.subscribe(kindShard, args[1:]) })
	register("unsubscribe", func(c *Client, args [][]byte) { c.unsubscribe(kindChannel, args[1:]) })
	register("punsubscribe", func(c *Client, args [][]byte) { c.unsubscribe(kindPattern, args[1:]) })
	register("sunsubscribe", func(c *Client, args [][]byte) { c.unsubscribe(kindShard, args[1:]) })
	register("publish", func(c *Client, args [][]byte) { c.publishCmd(args, false) })
	register("spublish", func(c *Client, args [][]byte) { c.publishCmd(args, true) })
	register("pubsub|channels", func(c *Client, args [][]byte) { c.channelList(kindChannel, args) })
	register("pubsub|shardchannels", func(c *Client, args [][]byte) { c.channelList(kindShard, args) })
	register("pubsub|numsub", func(c *Client, args [][]byte) { c.numSub(kindChannel, args) })
	register("pubsub|shardnumsub", func(c *Client, args [][]byte) { c.numSub(kindShard, args) })
	register("pubsub|numpat", cmdPubsubNumpat)
	register("pubsub|help", cmdPubsubHelp)
}

var (
	subscribeNames   = [3]string{"subscribe", "psubscribe", "ssubscribe"}
	unsubscribeNames = [3]string{"unsubscribe", "punsubscribe", "sunsubscribe"}
)

// subCount is the number Redis reports after a (un)subscription: channels and patterns
// together, shard channels on their own.
func (c *Client) subCount(k pubsubKind) int {
	p := c.ps
	if p == nil {
		return 0
	}
	if k == kindShard {
		return p.count(kindShard)
	}
	return p.count(kindChannel) + p.count(kindPattern)
}

func (c *Client) subscribe(k pubsubKind, names [][]byte) {
	p := c.pubsub()
	h := &c.srv.pubsub
	h.mu.Lock()
	for _, n := range names {
		if _, ok := p.subs[k][string(n)]; !ok {
			p.subs[k][string(n)] = struct{}{}
			h.add(k, string(n), c)
		}
		c.w.Push(3)
		c.w.BulkString(subscribeNames[k])
		c.w.Bulk(n)
		c.w.Int(int64(c.subCount(k)))
	}
	// The confirmation goes into the queue before any message the new subscription can
	// bring (publishers need h.mu first), with the replies before it.
	p.mu.Lock()
	p.out = append(p.out, c.w.Bytes()...)
	p.mu.Unlock()
	c.w.Reset(writeBufferKeep)
	h.mu.Unlock()
}

func (c *Client) unsubscribe(k pubsubKind, names [][]byte) {
	p := c.ps
	h := &c.srv.pubsub
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(names) == 0 && p != nil {
		// Redis walks its dict; sorted here, so the order is at least stable.
		all := make([]string, 0, len(p.subs[k]))
		for name := range p.subs[k] {
			all = append(all, name)
		}
		sort.Strings(all)
		for _, name := range all {
			c.unsubscribeOne(k, []byte(name))
		}
		if len(all) > 0 {
			return
		}
	}
	if len(names) == 0 {
		c.unsubscribeReply(k, nil)
		return
	}
	for _, n := range names {
		c.unsubscribeOne(k, n)
	}
}

// unsubscribeOne drops one subscription, if there is one, and confirms; h.mu is held.
func (c *Client) unsubscribeOne(k pubsubKind, name []byte) {
	if p := c.ps; p != nil {
		if _, ok := p.subs[k][string(name)]; ok {
			delete(p.subs[k], string(name))
			c.srv.pubsub.remove(k, string(name), c)
		}
	}
	c.unsubscribeReply(k, name)
}

func (c *Client) unsubscribeReply(k pubsubKind, name []byte) {
	c.w.Push(3)
	c.w.BulkString(unsubscribeNames[k])
	if name == nil {
		c.w.Null()
	} else {
		c.w.Bulk(name)
	}
	c.w.Int(int64(c.subCount(k)))
}

// publishCmd is PUBLISH and SPUBLISH: delivered here, then sent to the other nodes over the
// bus in cluster mode (to every node, or to the shard's), or down the replication stream
// outside it (Redis's forceCommandPropagation). The reply counts this node's receivers.
func (c *Client) publishCmd(args [][]byte, shard bool) {
	n := c.srv.publish(args[1], args[2], shard)
	switch {
	case !c.srv.opts.ClusterEnabled:
		c.wrote = true
	case c.srv.bus != nil && !c.isMaster:
		// The bus loop takes slot locks itself (onRouting): never wait for it holding one.
		c.releaseKeys()
		ch := append([]byte(nil), args[1]...)
		msg := append([]byte(nil), args[2]...)
		c.srv.bus.Do(func(cl *gossip.Cluster) {
			if shard {
				cl.PublishShard(ch, msg)
			} else {
				cl.Publish(ch, msg)
			}
		})
	}
	c.w.Int(int64(n))
}

func (c *Client) channelList(k pubsubKind, args [][]byte) {
	var pat []byte
	if len(args) == 3 {
		pat = args[2]
	}
	h := &c.srv.pubsub
	h.mu.RLock()
	var names []string
	for name := range *h.table(k) {
		if pat == nil || glob.MatchString(pat, name, false) {
			names = append(names, name)
		}
	}
	h.mu.RUnlock()
	c.w.Array(len(names))
	for _, name := range names {
		c.w.BulkString(name)
	}
}

func (c *Client) numSub(k pubsubKind, args [][]byte) {
	h := &c.srv.pubsub
	h.mu.RLock()
	defer h.mu.RUnlock()
	c.w.Array(2 * (len(args) - 2)) // a flat array in RESP3 too, as Redis replies
	for _, name := range args[2:] {
		c.w.Bulk(name)
		c.w.Int(int64(len((*h.table(k))[string(name)])))
	}
}

func cmdPubsubNumpat(c *Client, args [][]byte) {
	h := &c.srv.pubsub
	h.mu.RLock()
	defer h.mu.RUnlock()
	c.w.Int(int64(len(h.patterns)))
}

func cmdPubsubHelp(c *Client, args [][]byte) {
	writeHelp(c, "PUBSUB",
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	)
}

// refusedWhileSubscribed applies RESP2's subscribed-mode rule (RESP3 has none): only the
// subscription commands, PING, QUIT and RESET may run; it replies and reports true otherwise.
func (c *Client) refusedWhileSubscribed(spec *clientproto.CommandSpec) bool {
	if !c.ps.subscribed() || c.protoVer.Load() != 2 {
		return false
	}
	switch spec.Name {
	case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe",
		"punsubscribe", "quit", "reset":
		return false
	}
	c.rejectf("ERR Can't execute '" + spec.Name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
	return true
}

// pingSubscribed is PING in RESP2 subscribed mode: a two-element array, as Redis answers
// there.
func (c *Client) pingSubscribed(args [][]byte) bool {
	if c.ps == nil || !c.ps.subscribed() || c.protoVer.Load() != 2 {
		return false
	}
	c.w.Array(2)
	c.w.BulkString("pong")
	if len(args) == 2 {
		c.w.Bulk(args[1])
	} else {
		c.w.BulkString("")
	}
	return true
}

// shardChannels adds the channels of SSUBSCRIBE, SUNSUBSCRIBE and SPUBLISH to keyPos: their
// key specs are marked not_key, yet Redis 7.0 routes them by slot like keys (a shard channel
// lives with its slot), so they take the same CROSSSLOT/MOVED checks and slot lock.
func shardChannels(spec *clientproto.CommandSpec, args [][]byte, keyPos []int) []int {
	if spec.Flags&clientproto.FlagPubsub == 0 || len(keyPos) > 0 || len(spec.KeySpecs) == 0 {
		return keyPos
	}
	switch spec.Name {
	case "spublish":
		return append(keyPos, 1)
	case "ssubscribe", "sunsubscribe":
		for i := 1; i < len(args); i++ {
			keyPos = append(keyPos, i)
		}
	}
	return keyPos
}
