package node

import (
	"bufio"
	"time"

	"github.com/rcnode/rcnode/internal/gcpace"
	"github.com/rcnode/rcnode/node/keyspace"
	"github.com/rcnode/rcnode/node/rdb"
	"github.com/rcnode/rcnode/slots"
)

// loadResult is what loading an RDB found besides the keys.
type loadResult struct {
	info    rdb.Info
	loaded  int64
	expired int64 // keys left out because their time had passed (masters only)
}

// loadRDB reads a whole RDB from br into a keyspace of its own and, once it is complete and
// its checksum verified, swaps it in for the live data under every slot lock: until then
// clients read the old data, and a broken file or transfer leaves it untouched. A master
// drops keys whose time has passed, as Redis's loader does; a replica keeps them for its
// master's DEL. after, when set, checks what follows the RDB before anything is swapped.
func (s *Server) loadRDB(br *bufio.Reader, dropExpired bool, after func(rdb.Info) error) (loadResult, error) {
	var res loadResult
	fresh := keyspace.New(len(s.ks.DBs))
	fresh.NoExpiry.Store(true)
	now := time.Now().UnixMilli()
	info, err := rdb.Decode(br, rdb.DecodeOptions{Limits: s.rdbLimits(), Databases: len(s.ks.DBs)}, func(e *rdb.Entry) error {
		if dropExpired && e.ExpireMs >= 0 && e.ExpireMs < now {
			res.expired++
			return nil
		}
		db := fresh.DBs[e.DB]
		slot := slots.KeySlot(e.Key)
		db.SetAt(slot, e.Key, e.Value)
		if e.ExpireMs >= 0 {
			db.SetExpireAt(slot, e.Key, e.ExpireMs)
		}
		res.loaded++
		return nil
	})
	res.info = info
	if err == nil && after != nil {
		err = after(info)
	}
	if err != nil {
		return res, err
	}
	s.ks.LockAll()
	for i, db := range s.ks.DBs {
		s.touchDB(i)
		db.SwapContents(fresh.DBs[i])
	}
	s.ks.UnlockAll()
	gcpace.Release() // the data set replaced is garbage now
	return res, nil
}

// rdbLimits are the encoding thresholds loaded values get.
func (s *Server) rdbLimits() rdb.Limits {
	c := &Client{srv: s}
	return rdb.Limits{Hash: c.hashLimits(), ZSet: c.zsetLimits(), Set: c.setLimits()}
}
