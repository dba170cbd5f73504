package node

import (
	"strconv"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/node/datatype"
)

// The blocking pops: BLPOP, BRPOP, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, BLMOVE, BRPOPLPUSH
// (blocking.go). Each pops at once from the first of its keys that holds something, and
// reaches replicas as the non-blocking command it amounts to; otherwise it waits, or answers
// a null at once inside a transaction, as Redis's CLIENT_DENY_BLOCKING makes it.

// blockingCommands are the commands that may wait for a key (cmd_blocking.go).
var blockingCommands = []string{"blpop", "brpop", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "blmove", "brpoplpush"}

func init() {
	register("blpop", func(c *Client, args [][]byte) { blockingListPop(c, args, true) })
	register("brpop", func(c *Client, args [][]byte) { blockingListPop(c, args, false) })
	register("blmpop", cmdBLMPop)
	register("bzpopmin", func(c *Client, args [][]byte) { blockingZPop(c, args, false) })
	register("bzpopmax", func(c *Client, args [][]byte) { blockingZPop(c, args, true) })
	register("bzmpop", cmdBZMPop)
	register("blmove", cmdBLMove)
	register("brpoplpush", cmdBRPopLPush)
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
func cmdBLMove(c *Client, args [][]byte) {
	from, to, ok := moveSides(c, args)
	if !ok {
		return
	}
	timeout, ok := c.parseBlockTimeout(args[5])
	if !ok {
		return
	}
	moveOrBlock(c, args, from, to, timeout)
}

// BRPOPLPUSH source destination timeout
func cmdBRPopLPush(c *Client, args [][]byte) {
	timeout, ok := c.parseBlockTimeout(args[3])
	if !ok {
		return
	}
	moveOrBlock(c, args, false, true, timeout)
}

// moveOrBlock is LMOVE from a non-empty source list, replicated as LMOVE (as given) or
// RPOPLPUSH; otherwise it waits for the source.
func moveOrBlock(c *Client, args [][]byte, fromHead, toHead bool, timeout time.Duration) {
	src, dst := args[1], args[2]
	rpoplpush := len(args) == 4
	l, ok := typed[*datatype.List](c, src, false)
	if !ok {
		return
	}
	if l != nil && l.Len() > 0 {
		lmoveGeneric(c, src, dst, fromHead, toHead)
		if c.wrote {
			if rpoplpush {
				c.replicate(cmdRPOPLPUSH, src, dst)
			} else {
				c.replicate(cmdLMOVE, src, dst, args[3], args[4])
			}
		}
		return
	}
	if c.exec != nil {
		c.w.Null()
		return
	}
	dst = append([]byte(nil), dst...) // args do not outlive the command; the wait may
	c.block([][]byte{src}, dst, blockList, timeout, func(key []byte, _ any) {
		lmoveGeneric(c, key, dst, fromHead, toHead)
		if !c.wrote {
			return // the destination holds another type: the client gets WRONGTYPE
		}
		if rpoplpush {
			c.replicate(cmdRPOPLPUSH, key, dst)
		} else {
			c.replicate(cmdLMOVE, key, dst, sideArg(fromHead), sideArg(toHead))
		}
	})
}

// sideArg is how Redis spells a list end in the LMOVE it propagates for a served BLMOVE.
func sideArg(head bool) []byte {
	if head {
		return argLeft
	}
	return argRight
}

// holdsKind reports whether v is a non-empty value a waiter of kind can pop from.
func holdsKind(v any, kind blockKind) bool {
	switch v := v.(type) {
	case *datatype.List:
		return kind == blockList && v.Len() > 0
	case *datatype.ZSet:
		return kind == blockZSet && v.Len() > 0
	}
	return false
}

// B[LR]POP key [key ...] timeout
func blockingListPop(c *Client, args [][]byte, head bool) {
	timeout, ok := c.parseBlockTimeout(args[len(args)-1])
	if !ok {
		return
	}
	listPopOrBlock(c, args[1:len(args)-1], head, -1, timeout)
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: LMPOP's arguments are
// checked before the timeout, as in Redis.
func cmdBLMPop(c *Client, args [][]byte) {
	keys, head, count, ok := parseMPop(c, args, 2, listSide)
	if !ok {
		return
	}
	timeout, ok := c.parseBlockTimeout(args[1])
	if !ok {
		return
	}
	listPopOrBlock(c, keys, head, count, timeout)
}

// parseMPop reads the numkeys key [key ...] side [COUNT count] of the [B]LMPOP and [B]ZMPOP
// commands, numkeys at args[at].
func parseMPop(c *Client, args [][]byte, at int, side func(*Client, []byte) (bool, bool)) (keys [][]byte, first bool, count int64, ok bool) {
	numkeys, ok := c.parseMinLong(args[at], 1, errLMPopNumkeys)
	if !ok {
		return nil, false, 0, false
	}
	if numkeys >= int64(len(args)-at-1) {
		c.w.Error(clientproto.ErrSyntax)
		return nil, false, 0, false
	}
	whereIdx := at + 1 + int(numkeys)
	if first, ok = side(c, args[whereIdx]); !ok {
		return nil, false, 0, false
	}
	count = -1
	for j := whereIdx + 1; j < len(args); j++ {
		if count == -1 && j+1 < len(args) && argIs(args[j], "count") {
			j++
			if count, ok = c.parseMinLong(args[j], 1, errLMPopCountRange); !ok {
				return nil, false, 0, false
			}
			continue
		}
		c.w.Error(clientproto.ErrSyntax)
		return nil, false, 0, false
	}
	if count == -1 {
		count = 1
	}
	return args[at+1 : whereIdx], first, count, true
}

// firstNonEmpty returns the first of keys holding a non-empty T (a list or a sorted set),
// nil when none does; ok is false once a key of another type got WRONGTYPE.
func firstNonEmpty[T interface {
	comparable
	Len() int
}](c *Client, keys [][]byte) (key []byte, v T, ok bool) {
	var none T
	for _, k := range keys {
		if v, ok = typed[T](c, k, false); !ok {
			return nil, none, false
		}
		if v != none && v.Len() > 0 {
			return k, v, true
		}
	}
	return nil, none, true
}

// listPopOrBlock pops from the first non-empty list of keys, or waits for one. count -1 is
// B[LR]POP (one element, [key, element]); otherwise BLMPOP ([key, [elements]]).
func listPopOrBlock(c *Client, keys [][]byte, head bool, count int64, timeout time.Duration) {
	key, l, ok := firstNonEmpty[*datatype.List](c, keys)
	if !ok {
		return
	}
	if key != nil {
		replyListPop(c, key, l, head, count)
		return
	}
	if c.exec != nil {
		c.w.NullArray()
		return
	}
	c.block(keys, nil, blockList, timeout, func(key []byte, v any) {
		replyListPop(c, key, v.(*datatype.List), head, count)
	})
}

// replyListPop pops from key's list l for c, replies with the key and what it popped, and
// has replicas pop the same. count -1 pops one element ([key, element]); otherwise up to
// count ([key, [elements]]).
func replyListPop(c *Client, key []byte, l *datatype.List, head bool, count int64) {
	pop := cmdLPOP
	if !head {
		pop = cmdRPOP
	}
	c.w.Array(2)
	c.w.Bulk(key)
	if count == -1 {
		c.w.BulkString(popEnd(l, head))
		c.replicate(pop, key)
		count = 1
	} else {
		count = popN(c, l, head, count)
		var num [20]byte
		c.replicate(pop, key, strconv.AppendInt(num[:0], count, 10))
	}
	c.listGone(key, l)
	c.changed(key, count)
}

// BZPOPMIN|BZPOPMAX key [key ...] timeout
func blockingZPop(c *Client, args [][]byte, max bool) {
	timeout, ok := c.parseBlockTimeout(args[len(args)-1])
	if !ok {
		return
	}
	zpopOrBlock(c, args[1:len(args)-1], max, -1, timeout)
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
func cmdBZMPop(c *Client, args [][]byte) {
	keys, max, count, ok := parseMPop(c, args, 2, zsetSide)
	if !ok {
		return
	}
	timeout, ok := c.parseBlockTimeout(args[1])
	if !ok {
		return
	}
	zpopOrBlock(c, keys, max, count, timeout)
}

// zsetSide reads MIN|MAX (true for MAX).
func zsetSide(c *Client, arg []byte) (max, ok bool) { return oneOfTwo(c, arg, "max", "min") }

// zpopOrBlock pops from the first non-empty sorted set of keys, or waits for one. count -1
// is BZPOPMIN/BZPOPMAX ([key, member, score]); otherwise BZMPOP ([key, [[member, score]...]]).
func zpopOrBlock(c *Client, keys [][]byte, max bool, count int64, timeout time.Duration) {
	key, z, ok := firstNonEmpty[*datatype.ZSet](c, keys)
	if !ok {
		return
	}
	if key != nil {
		replyZSetPop(c, key, z, max, count)
		return
	}
	if c.exec != nil {
		c.w.NullArray()
		return
	}
	c.block(keys, nil, blockZSet, timeout, func(key []byte, v any) {
		replyZSetPop(c, key, v.(*datatype.ZSet), max, count)
	})
}

// replyZSetPop pops from key's sorted set z for c, replies with the key and what it popped,
// and has replicas pop the same. count -1 pops one member ([key, member, score]);
// otherwise up to count ([key, [[member, score]...]]).
func replyZSetPop(c *Client, key []byte, z *datatype.ZSet, max bool, count int64) {
	pop := cmdZPOPMIN
	if max {
		pop = cmdZPOPMAX
	}
	if count == -1 {
		c.w.Array(3)
		c.w.Bulk(key)
		c.zpop(key, z, 1, max, false)
		c.replicate(pop, key)
		return
	}
	n := int(min(count, int64(z.Len())))
	c.w.Array(2)
	c.w.Bulk(key)
	c.w.Array(n)
	c.zpop(key, z, n, max, true)
	var num [20]byte
	c.replicate(pop, key, strconv.AppendInt(num[:0], int64(n), 10))
}
