package node

import (
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/rcnode/rcnode/node/rdb"
	"github.com/rcnode/rcnode/node/repl"
	"github.com/rcnode/rcnode/slots"
)

// snapshot is an RDB image of the whole keyspace as it was at one replication offset. Full
// sync sends it to replicas and persistence writes it to dump.rdb.
//
// It is taken with every slot lock held (Redis forks instead; Go cannot copy-on-write a
// heap), so it is consistent with the stream: every write before its offset is in it, and
// none after. The price is a pause: every client's keyed commands, reads included, wait
// while the keyspace is encoded into memory — about 1 s per million small keys of mixed
// types on one core (BenchmarkSnapshot; BENCHMARKS.md), where redis-server's fork costs
// milliseconds. The image is then sent or written without any lock, and one image serves
// every replica that asks within the sharing window.
type snapshot struct {
	chunks [][]byte
	size   int64
	offset int64  // master_repl_offset the image matches
	replID string // the history that offset belongs to ("" without a backlog)
	keys   int64
	dirty  int64 // changes counted when it was taken (rdb_changes_since_last_save)
	taken  time.Time
	pause  time.Duration // how long the locks were held

	// pin keeps the stream from offset on, so that a replica can still start from this
	// image; nil for snapshots taken only to be saved.
	pin   *repl.Reader
	users int // full syncs sending it (snapshots.mu)
}

// chunkSize is the size of a snapshot's memory blocks: large enough for few writes, small
// enough that no single huge allocation is needed.
const chunkSize = 1 << 20

// Write implements io.Writer for rdb.Writer.
func (sn *snapshot) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		last := len(sn.chunks) - 1
		if last < 0 || len(sn.chunks[last]) == cap(sn.chunks[last]) {
			sn.chunks = append(sn.chunks, make([]byte, 0, chunkSize))
			last++
		}
		c := sn.chunks[last]
		k := copy(c[len(c):cap(c)], p)
		sn.chunks[last] = c[:len(c)+k]
		p = p[k:]
	}
	sn.size += int64(n)
	return n, nil
}

// WriteTo writes the image to w.
func (sn *snapshot) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, c := range sn.chunks {
		k, err := w.Write(c)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// rdbOptions are the encoding settings snapshots use (rdbcompression, rdbchecksum,
// list-max-listpack-size).
func (s *Server) rdbOptions() rdb.EncodeOptions {
	st := s.Settings()
	return rdb.EncodeOptions{Compress: st.RdbCompression, NoChecksum: !st.RdbChecksum, ListMaxListpackSize: st.ListMaxListpackSize}
}

// takeSnapshot encodes the keyspace under every slot lock. For a full sync (forSync) it
// creates the backlog if there is none yet, with a new replication ID as Redis does when it
// creates one from scratch, pins the stream at the image's offset, and makes the stream's
// next write SELECT its database so the replica starts in the right one.
func (s *Server) takeSnapshot(forSync, noData bool) (*snapshot, error) {
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem) // before the locks: it stops the world briefly
	// A replica's image records the database its master's stream is in; asked before the
	// stream's lock, which is taken after the replication state's, never before.
	masterDB := s.repl.masterStreamDB()
	sn := &snapshot{}
	start := time.Now()
	s.ks.LockAll()
	defer s.ks.UnlockAll()

	r := s.repl
	st := r.stream
	st.Lock()
	if forSync && !st.Active() {
		r.ids = repl.NewIDs()
		st.Activate()
		s.log.Infof("Replication backlog created, my new replication IDs are '%s' and '%s'", r.ids.ID, r.ids.ID2)
	}
	b := st.BacklogLocked()
	var info *rdb.ReplInfo
	if b.Active {
		info = &rdb.ReplInfo{StreamDB: max(st.SelectedDB(), 0), ID: r.ids.ID, Offset: b.End}
		if r.isReplica.Load() {
			info.StreamDB = masterDB
		}
		sn.replID = r.ids.ID
	}
	sn.offset = b.End
	sn.dirty = s.ks.DirtyLocked()
	if forSync {
		sn.pin, _ = st.NewReader(b.End)
		st.ForceSelectLocked()
	}
	st.Unlock()

	w := rdb.NewWriter(sn, s.rdbOptions())
	err := w.WriteHeader(rdb.DefaultAux(start.Unix(), int64(mem.HeapAlloc), info, false))
	for _, db := range s.ks.DBs {
		if err != nil || noData {
			break
		}
		err = s.snapshotDB(w, db.ID, sn)
	}
	if err == nil {
		err = w.Close()
	}
	sn.taken = time.Now()
	sn.pause = sn.taken.Sub(start)
	if err != nil && sn.pin != nil {
		sn.pin.Close()
	}
	return sn, err
}

// snapshotDB writes database id's keys, slot by slot (locks held by the caller). Keys whose
// time has passed are left out, as they would be at load.
func (s *Server) snapshotDB(w *rdb.Writer, id int, sn *snapshot) error {
	db := s.ks.DBs[id]
	if db.Size() == 0 {
		return nil
	}
	if err := w.SelectDB(id, db.Size(), db.Volatile()); err != nil {
		return err
	}
	var err error
	for slot := 0; slot < slots.Count; slot++ {
		if db.CountInSlot(slot) == 0 {
			continue
		}
		db.ForEachWithExpiry(slot, func(key string, v any, expireMs int64) bool {
			err = w.WriteKey(key, v, expireMs)
			sn.keys++
			return err == nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// release frees what the snapshot holds in the stream.
func (sn *snapshot) release() {
	if sn.pin != nil {
		sn.pin.Close()
		sn.pin = nil
	}
	sn.chunks = nil
}

// snapshots shares full-sync snapshots between replicas that ask at about the same time.
type snapshots struct {
	mu  sync.Mutex // held while a snapshot is taken, so that concurrent askers share it
	cur *snapshot  // the latest full-sync snapshot while it may be shared
}

// syncSnapshot returns an image for a full sync: the current one when it was taken less
// than repl-diskless-sync-delay seconds ago, else a new one. Redis waits that long before
// it forks so that replicas arriving meanwhile share one child; an rcnode snapshot can be
// shared after the fact (the stream from its offset is kept), so the first replica never
// waits, and the delay is how long later ones may join it. The caller must call done.
func (s *Server) syncSnapshot() (*snapshot, error) {
	ss := &s.repl.snaps
	ss.mu.Lock()
	defer ss.mu.Unlock()
	window := time.Duration(s.Settings().ReplDisklessSyncDelay) * time.Second
	if cur := ss.cur; cur != nil && cur.pin != nil && !cur.pin.Lost() && time.Since(cur.taken) <= window {
		cur.users++
		s.log.Infof("Sharing the snapshot taken %s ago at offset %d", time.Since(cur.taken).Round(time.Millisecond), cur.offset)
		return cur, nil
	}
	ss.dropLocked()
	sn, err := s.takeSnapshot(true, false)
	if err != nil {
		return nil, err
	}
	s.log.Infof("Snapshot for SYNC taken: %d keys, %d bytes, offset %d, slot locks held %s",
		sn.keys, sn.size, sn.offset, sn.pause.Round(time.Microsecond))
	sn.users = 1
	ss.cur = sn
	return sn, nil
}

// done ends a full sync's use of sn; the last user after the sharing window frees it.
func (s *Server) snapshotDone(sn *snapshot) {
	ss := &s.repl.snaps
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sn.users--
	if sn.users == 0 && ss.cur != sn {
		sn.release()
	}
}

// expire frees the current snapshot once its window has passed and nobody sends it, or at
// once when what it pins in the stream grew past limit bytes (0: no limit).
func (ss *snapshots) expire(window time.Duration, limit int64) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	cur := ss.cur
	if cur == nil {
		return
	}
	tooBig := limit > 0 && cur.pin != nil && cur.pin.Lag() > limit
	if (time.Since(cur.taken) > window && cur.users == 0) || tooBig {
		ss.dropLocked()
	}
}

func (ss *snapshots) dropLocked() {
	if cur := ss.cur; cur != nil {
		ss.cur = nil
		if cur.users == 0 {
			cur.release()
		} else if cur.pin != nil {
			cur.pin.Close() // its users have readers of their own
			cur.pin = nil
		}
	}
}
