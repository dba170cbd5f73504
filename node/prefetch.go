package node

// prefetchNext starts loading what the lookups of the next two pipelined commands' keys
// will read, so that their cache misses overlap with the commands before them: the table
// cell for the command after next, and the entry for the next one, whose cell the previous
// call fetched (keyspace.DB.PrefetchCell, PrefetchEntry).
func (c *Client) prefetchNext() {
	if name, key := c.rd.PeekFirstArg(0); key != nil && c.peeked.firstArgIsKey(name) {
		c.db.prefetchEntry(key)
	}
	if name, key := c.rd.PeekFirstArg(1); key != nil && c.peeked.firstArgIsKey(name) {
		c.db.prefetchCell(key)
	}
}

// peekCache is a commandCache for the commands prefetchNext looks ahead at: two entries, so
// that a pipeline alternating two commands keeps hitting.
type peekCache struct {
	entries [2]commandCache
	turn    int
}

func (p *peekCache) firstArgIsKey(name []byte) bool {
	for i := range p.entries {
		if e := &p.entries[i]; e.holds(name) {
			return e.spec.FirstKey == 1
		}
	}
	spec := p.entries[p.turn].lookup(name)
	p.turn ^= 1
	return spec != nil && spec.FirstKey == 1
}
