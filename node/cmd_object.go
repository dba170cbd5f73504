package node

import (
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/datatype"
)

func init() {
	register("object|encoding", cmdObjectEncoding)
	register("object|refcount", cmdObjectRefcount)
	register("object|freq", cmdObjectFreq)
	register("object|help", cmdObjectHelp)
}

// encodingOf names the encoding redis-server 7.0 would use for v.
func encodingOf(v any) string {
	switch t := v.(type) {
	case *datatype.Str:
		if len(t.B) <= 20 {
			if _, ok := numconv.ParseInt(t.B); ok {
				return "int"
			}
		}
		if len(t.B) <= 44 {
			return "embstr"
		}
		return "raw"
	case interface{ Encoding() string }:
		return t.Encoding()
	}
	return "unknown"
}

func cmdObjectEncoding(c *Client, args [][]byte) {
	v := c.lookupRead(args[2])
	if v == nil {
		c.w.Null()
		return
	}
	c.w.BulkString(encodingOf(v))
}

// sharedRefcount is OBJ_SHARED_REFCOUNT: Redis shares the integers 0..9999.
const sharedRefcount = 2147483647

func cmdObjectRefcount(c *Client, args [][]byte) {
	v := c.lookupRead(args[2])
	if v == nil {
		c.w.Null()
		return
	}
	if s, ok := v.(*datatype.Str); ok {
		if n, ok := numconv.ParseInt(s.B); ok && n >= 0 && n < 10000 {
			c.w.Int(sharedRefcount)
			return
		}
	}
	c.w.Int(1)
}

func cmdObjectFreq(c *Client, args [][]byte) {
	if c.lookupRead(args[2]) == nil {
		c.w.Null()
		return
	}
	// rcnode does not track access frequency, as redis-server does not under a non-LFU policy.
	c.w.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
}

func cmdObjectHelp(c *Client, args [][]byte) {
	writeHelp(c, "OBJECT",
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.")
}
