package node

import (
	"math"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/slots"
)

func init() {
	register("cluster|keyslot", cmdClusterKeySlot)
	register("cluster|countkeysinslot", cmdClusterCountKeysInSlot)
	register("cluster|getkeysinslot", cmdClusterGetKeysInSlot)
}

func cmdClusterKeySlot(c *Client, args [][]byte) {
	if c.requireCluster() {
		c.w.Int(int64(slots.KeySlot(args[2])))
	}
}

// slotArg parses a slot number, replying with Redis's errors when it is not one.
func slotArg(c *Client, b []byte, errMsg string) (int, bool) {
	n, ok := numconv.ParseInt(b)
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return 0, false
	}
	if n < 0 || n >= slots.Count {
		c.w.Error(errMsg)
		return 0, false
	}
	return int(n), true
}

func cmdClusterCountKeysInSlot(c *Client, args [][]byte) {
	if !c.requireCluster() {
		return
	}
	if s, ok := slotArg(c, args[2], "ERR Invalid slot"); ok {
		c.w.Int(int64(c.srv.ks.DBs[0].CountInSlot(s)))
	}
}

func cmdClusterGetKeysInSlot(c *Client, args [][]byte) {
	if !c.requireCluster() {
		return
	}
	slot, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	max, ok := numconv.ParseInt(args[3])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	if slot < 0 || slot >= slots.Count || max < 0 {
		c.w.Error("ERR Invalid slot or number of keys")
		return
	}
	c.lockSlot(int(slot))
	keys := c.srv.ks.DBs[0].KeysInSlot(int(slot), int(min(max, math.MaxInt32)))
	c.unlockSlot(int(slot))
	c.w.Array(len(keys))
	for _, k := range keys {
		c.w.BulkString(k)
	}
}
