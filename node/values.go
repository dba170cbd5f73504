package node

import (
	"math/rand/v2"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/node/datatype"
)

// typeName is what TYPE replies for a stored value.
func typeName(v any) string {
	switch v.(type) {
	case *datatype.Str:
		return "string"
	case *datatype.List:
		return "list"
	case *datatype.Set:
		return "set"
	case *datatype.ZSet:
		return "zset"
	case *datatype.Hash:
		return "hash"
	}
	return "none"
}

// lookup returns key's value for a read command (counting a keyspace hit or miss).
func (c *Client) lookupRead(key []byte) any { return c.db.GetRead(key) }

// typed looks key up and checks its type: it returns (value, true) when the key holds a T,
// (zero, true) when it does not exist, and (zero, false) after replying WRONGTYPE.
func typed[T any](c *Client, key []byte, read bool) (T, bool) {
	var zero T
	var v any
	if read {
		v = c.db.GetRead(key)
	} else {
		v = c.db.Get(key)
	}
	if v == nil {
		return zero, true
	}
	t, ok := v.(T)
	if !ok {
		c.w.Error(clientproto.ErrWrongType)
		return zero, false
	}
	return t, true
}

// argIs reports whether b equals lower (an ASCII lower-case word) ignoring case, as Redis's
// strcasecmp on an option does (strings.EqualFold would also fold non-ASCII letters such as
// U+017F into "s").
func argIs(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases only A-Z, as C's tolower in the "C" locale does for option words:
// strings.ToLower would also turn U+212A (Kelvin sign) into "k".
func lowerASCII(b []byte) string {
	out := []byte(string(b))
	for i, c := range out {
		if c >= 'A' && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return string(out)
}

// collection is a hash, list, set or sorted set value.
type collection interface {
	comparable
	Len() int
}

// replyLen is HLEN, LLEN, SCARD and ZCARD: the length of the collection at args[1], 0 when
// the key does not exist.
func replyLen[T collection](c *Client, args [][]byte) {
	v, ok := typed[T](c, args[1], true)
	if !ok {
		return
	}
	var missing T
	if v == missing {
		c.w.Int(0)
		return
	}
	c.w.Int(int64(v.Len()))
}

// removeMembers is HDEL, SREM and ZREM: it removes each of args[2:] from the collection at
// args[1], deletes the key as soon as it is empty, and replies how many it removed.
func removeMembers[T collection](c *Client, args [][]byte, remove func(T, []byte) bool) {
	key := args[1]
	v, ok := typed[T](c, key, false)
	if !ok {
		return
	}
	var missing T
	if v == missing {
		c.w.Int(0)
		return
	}
	var removed int64
	for _, m := range args[2:] {
		if remove(v, m) {
			removed++
			if v.Len() == 0 {
				c.db.Delete(key)
				break
			}
		}
	}
	if removed > 0 {
		c.changed(key, removed)
	}
	c.w.Int(removed)
}

// changed records n changes to key: the save schedule counts them, replication will
// propagate the command, clients watching key will not see their transaction run, and
// clients blocked on key may be served once the command has run.
func (c *Client) changed(key []byte, n int64) {
	c.db.Changed(key, n)
	c.wrote = true
	c.srv.touchKey(c.db.ID, key)
	c.readied(c.db.ID, key)
}

// Encoding thresholds from the live settings (CONFIG SET may change them between commands).
func (c *Client) hashLimits() datatype.Limits {
	st := c.srv.Settings()
	return datatype.Limits{MaxEntries: st.HashMaxListpackEntries, MaxValue: st.HashMaxListpackValue}
}

func (c *Client) setLimits() datatype.Limits {
	return datatype.Limits{MaxEntries: c.srv.Settings().SetMaxIntsetEntries}
}

func (c *Client) zsetLimits() datatype.Limits {
	st := c.srv.Settings()
	return datatype.Limits{MaxEntries: st.ZsetMaxListpackEntries, MaxValue: st.ZsetMaxListpackValue}
}

// random is the randomness SPOP, SRANDMEMBER, HRANDFIELD and ZRANDMEMBER use.
func random(n int) int { return rand.IntN(n) }

// cloneValue deep-copies a stored value for COPY.
func cloneValue(v any) any {
	switch t := v.(type) {
	case *datatype.Str:
		return datatype.NewStr(t.B)
	case *datatype.List:
		return cloneList(t)
	case *datatype.Hash:
		return cloneHash(t)
	case *datatype.Set:
		return cloneSet(t)
	case *datatype.ZSet:
		return cloneZSet(t)
	}
	return nil
}
