package node

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/node/repl"
)

func init() {
	register("save", cmdSave)
	register("bgsave", cmdBgsave)
}

// persistence is RDB persistence: SAVE, BGSAVE, the save schedule, dump.rdb at startup and
// at shutdown. A save takes the same snapshot a full sync does (every slot lock held while
// the keyspace is encoded in memory), then writes it without any lock: BGSAVE's writing
// runs in the background, SAVE's makes only its own client wait.
type persistence struct {
	mu         sync.Mutex // one save at a time
	inProgress atomic.Bool
	started    atomic.Int64 // unix seconds the running background save started
	lastOK     atomic.Bool
	lastSecs   atomic.Int64 // duration of the last background save, -1 before any
	lastTry    atomic.Int64 // unix seconds of the last save attempt (retry delay)
	saves      atomic.Int64
	scheduled  atomic.Bool
	loaded     atomic.Int64 // rdb_last_load_keys_loaded
	expired    atomic.Int64 // rdb_last_load_keys_expired
}

// bgsaveRetryDelay is how long the save schedule waits after a failed save
// (CONFIG_BGSAVE_RETRY_DELAY).
const bgsaveRetryDelay = 5

// errSaveInProgress is both commands' refusal while a background save runs.
var errSaveInProgress = errors.New("ERR Background save already in progress")

// rdbPath is where dump.rdb lives; "" when persistence is off (no dir: in-process tests).
func (s *Server) rdbPath() string {
	st := s.Settings()
	if st.Dir == "" || st.Dbfilename == "" {
		return ""
	}
	return filepath.Join(st.Dir, st.Dbfilename)
}

func cmdSave(c *Client, args [][]byte) {
	s := c.srv
	if s.persist.inProgress.Load() {
		c.w.Error(errSaveInProgress.Error())
		return
	}
	if err := s.saveNow(); err != nil {
		c.w.Error("ERR")
		return
	}
	c.w.OK()
}

// cmdBgsave is BGSAVE [SCHEDULE]: the reply comes once the snapshot is taken; the file is
// written in the background.
func cmdBgsave(c *Client, args [][]byte) {
	if len(args) > 1 && !(len(args) == 2 && argIs(args[1], "schedule")) {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	switch err := c.srv.bgsave(); {
	case errors.Is(err, errSaveInProgress):
		c.w.Error(err.Error())
	case err != nil:
		c.w.Error("ERR")
	default:
		c.w.Simple("Background saving started")
	}
}

// saveNow writes dump.rdb and returns once it is on disk (SAVE, SHUTDOWN).
func (s *Server) saveNow() error {
	p := &s.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	p.saves.Add(1)
	sn, err := s.takeSnapshot(false, false)
	if err != nil {
		s.log.Warnf("Error saving the DB: %v", err)
		return err
	}
	return s.writeSnapshot(sn, false)
}

// bgsave takes a snapshot and writes it to dump.rdb in the background.
func (s *Server) bgsave() error {
	p := &s.persist
	if !p.inProgress.CompareAndSwap(false, true) {
		return errSaveInProgress
	}
	p.mu.Lock()
	p.saves.Add(1)
	p.started.Store(time.Now().Unix())
	sn, err := s.takeSnapshot(false, false)
	if err != nil {
		p.mu.Unlock()
		p.inProgress.Store(false)
		p.lastOK.Store(false)
		s.log.Warnf("Can't save in background: %v", err)
		return err
	}
	s.log.Infof("Background saving started (snapshot of %d keys, slot locks held %s)", sn.keys, sn.pause.Round(time.Microsecond))
	go func() {
		defer p.mu.Unlock()
		defer p.inProgress.Store(false)
		start := time.Now()
		err := s.writeSnapshot(sn, true)
		p.lastSecs.Store(int64(time.Since(start).Seconds()))
		if err == nil {
			s.log.Infof("Background saving terminated with success")
		} else {
			s.log.Warnf("Background saving error")
		}
	}()
	return nil
}

// writeSnapshot writes the image to dump.rdb atomically: a temporary file in the same
// directory, fsync, rename over the old file, fsync of the directory. A failure leaves the
// previous dump.rdb as it was.
func (s *Server) writeSnapshot(sn *snapshot, background bool) error {
	p := &s.persist
	p.lastTry.Store(time.Now().Unix())
	path := s.rdbPath()
	err := errors.New("no dir configured")
	if path != "" {
		err = writeFileAtomic(path, sn)
	}
	if err != nil {
		p.lastOK.Store(false)
		s.log.Warnf("Failed saving the DB to %s: %v", path, err)
		return err
	}
	p.lastOK.Store(true)
	s.ks.ResetDirty(sn.dirty)
	s.lastSave.Store(time.Now().Unix())
	if !background {
		s.log.Infof("DB saved on disk")
	}
	return nil
}

func writeFileAtomic(path string, sn *snapshot) error {
	dir := filepath.Dir(path)
	tmp := filepath.Join(dir, fmt.Sprintf("temp-%d.rdb", os.Getpid()))
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = sn.WriteTo(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// saveSchedule is the save points' part of the cron (serverCron): a background save starts
// when a point's changes happened within its seconds, not sooner than the retry delay after
// a failed one.
func (s *Server) saveSchedule(now time.Time) {
	p := &s.persist
	if s.rdbPath() == "" || p.inProgress.Load() {
		return
	}
	if p.scheduled.Swap(false) {
		s.bgsave()
		return
	}
	dirty := s.ks.Dirty()
	since := now.Unix() - s.lastSave.Load()
	for _, sp := range s.Settings().SavePoints {
		if dirty >= sp.Changes && since > sp.Seconds &&
			(p.lastOK.Load() || now.Unix()-p.lastTry.Load() > bgsaveRetryDelay) {
			s.log.Infof("%d changes in %d seconds. Saving...", sp.Changes, sp.Seconds)
			s.bgsave()
			return
		}
	}
}

// loadDataFromDisk loads dump.rdb at startup (loadDataFromDisk). A replica takes the
// replication ID and offset the file records as its cached master, so it can continue its
// master's stream partially; a master keeps them as its secondary ID, so its replicas can.
// A missing file starts empty; a file that cannot be read stops the node, as in Redis:
// starting empty would lose its data.
func (s *Server) loadDataFromDisk(replica bool) error {
	path := s.rdbPath()
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		s.log.Warnf("Fatal error loading the DB: %v. Exiting.", err)
		return err
	}
	defer f.Close()
	start := time.Now()
	res, err := s.loadRDB(bufio.NewReaderSize(f, 256<<10), !replica, nil)
	if err != nil {
		s.log.Warnf("Fatal error loading the DB: %v. Exiting.", err)
		return err
	}
	if v, ok := res.info.AuxValue("redis-ver"); ok {
		s.log.Infof("Loading RDB produced by version %s", v)
	}
	s.log.Infof("Done loading RDB, keys loaded: %d, keys expired: %d.", res.loaded, res.expired)
	s.log.Infof("DB loaded from disk: %.3f seconds", time.Since(start).Seconds())
	s.persist.loaded.Store(res.loaded)
	s.persist.expired.Store(res.expired)
	s.ks.ResetDirty(s.ks.Dirty())
	if ri, ok := res.info.Repl(); ok && ri.Offset >= 0 {
		r := s.repl
		st := r.stream
		st.Lock()
		st.Reset(ri.Offset)
		if replica {
			r.ids = repl.IDs{ID: ri.ID, ID2: repl.NoID, SecondOffset: -1}
		} else {
			r.ids.ID2, r.ids.SecondOffset = ri.ID, ri.Offset+1
			st.Activate()
		}
		st.Unlock()
		r.mu.Lock()
		r.canPsync = replica
		r.masterDB = min(max(ri.StreamDB, 0), len(s.ks.DBs)-1)
		r.noReplicasSince = time.Now()
		r.mu.Unlock()
	}
	return nil
}

// shutdownSave saves before exiting when save points are configured (unless nosave) or
// save is asked for (finishShutdown). A failed save stops the shutdown unless force.
func (s *Server) shutdownSave(save, nosave, force bool) error {
	if s.rdbPath() == "" || nosave || (!save && len(s.Settings().SavePoints) == 0) {
		return nil
	}
	s.log.Infof("Saving the final RDB snapshot before exiting.")
	if err := s.saveNow(); err != nil {
		if force {
			s.log.Warnf("Error trying to save the DB. Exit anyway.")
			return nil
		}
		s.log.Warnf("Error trying to save the DB, can't exit.")
		return err
	}
	return nil
}

// infoPersistence is INFO's persistence section, with redis-server 7.0's fields in its
// order; rcnode has no child process, so the copy-on-write figures stay 0.
func infoPersistence(s *Server, b *strings.Builder) {
	p := &s.persist
	now := time.Now().Unix()
	status := "ok"
	if !p.lastOK.Load() {
		status = "err"
	}
	current := int64(-1)
	if p.inProgress.Load() {
		current = now - p.started.Load()
	}
	field(b, "loading", 0)
	field(b, "async_loading", 0)
	field(b, "current_cow_peak", 0)
	field(b, "current_cow_size", 0)
	field(b, "current_cow_size_age", 0)
	field(b, "current_fork_perc", "0.00")
	field(b, "current_save_keys_processed", 0)
	field(b, "current_save_keys_total", 0)
	field(b, "rdb_changes_since_last_save", s.ks.Dirty())
	field(b, "rdb_bgsave_in_progress", boolInt(p.inProgress.Load()))
	field(b, "rdb_last_save_time", s.lastSave.Load())
	field(b, "rdb_last_bgsave_status", status)
	field(b, "rdb_last_bgsave_time_sec", p.lastSecs.Load())
	field(b, "rdb_current_bgsave_time_sec", current)
	field(b, "rdb_saves", p.saves.Load())
	field(b, "rdb_last_cow_size", 0)
	field(b, "rdb_last_load_keys_expired", p.expired.Load())
	field(b, "rdb_last_load_keys_loaded", p.loaded.Load())
	field(b, "aof_enabled", 0)
	field(b, "aof_rewrite_in_progress", 0)
	field(b, "aof_rewrite_scheduled", 0)
	field(b, "aof_last_rewrite_time_sec", -1)
	field(b, "aof_current_rewrite_time_sec", -1)
	field(b, "aof_last_bgrewrite_status", "ok")
	field(b, "aof_rewrites", 0)
	field(b, "aof_rewrites_consecutive_failures", 0)
	field(b, "aof_last_write_status", "ok")
	field(b, "aof_last_cow_size", 0)
	field(b, "module_fork_in_progress", 0)
	field(b, "module_fork_last_cow_size", 0)
}
