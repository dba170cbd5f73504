package node

import (
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/rcnode/rcnode/node/config"
)

// ConfigStore serializes CONFIG GET/SET/REWRITE on the configuration (which is not safe for
// concurrent use) and republishes the runtime settings after every change.
type ConfigStore struct {
	mu  sync.Mutex
	cfg *config.Config
	srv *Server
}

// NewConfigStore wraps cfg for the server.
func NewConfigStore(cfg *config.Config) *ConfigStore {
	s := &ConfigStore{cfg: cfg}
	cfg.OnApply(func(name string) error {
		// Redis chdir()s to "dir" so relative file names follow it.
		if name == "dir" {
			return os.Chdir(cfg.Dir)
		}
		return nil
	})
	return s
}

// Attach makes later changes reach srv.
func (s *ConfigStore) Attach(srv *Server) {
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
}

// Settings derives the hot path's settings from the configuration.
func (s *ConfigStore) Settings() *Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings()
}

func (s *ConfigStore) settings() *Settings {
	c := s.cfg
	st := DefaultSettings()
	st.RequirePass = c.Requirepass
	st.MaxClients = c.Maxclients
	st.ProtoMaxBulkLen = c.ProtoMaxBulkLen
	st.ProtectedMode = c.ProtectedMode
	st.LogLevel = c.Loglevel
	st.EnableDebugCommand = c.EnableDebugCommand
	st.HashMaxListpackEntries = int(c.HashMaxListpackEntries)
	st.HashMaxListpackValue = int(c.HashMaxListpackValue)
	st.SetMaxIntsetEntries = int(c.SetMaxIntsetEntries)
	st.ZsetMaxListpackEntries = int(c.ZsetMaxListpackEntries)
	st.ZsetMaxListpackValue = int(c.ZsetMaxListpackValue)
	st.ClusterRequireFullCoverage = c.ClusterRequireFullCoverage
	st.ClusterAllowReadsWhenDown = c.ClusterAllowReadsWhenDown
	st.ClusterPreferredEndpointType = c.ClusterPreferredEndpointType
	st.ReplicaReadOnly = c.ReplicaReadOnly

	st.ReplBacklogSize = c.ReplBacklogSize
	st.ReplBacklogTTL = c.ReplBacklogTTL
	st.ReplTimeout = c.ReplTimeout
	st.ReplPingReplicaPeriod = c.ReplPingReplicaPeriod
	st.ReplDisklessSync = c.ReplDisklessSync
	st.ReplDisklessSyncDelay = c.ReplDisklessSyncDelay
	st.Masterauth, st.Masteruser = c.Masterauth, c.Masteruser
	st.ReplicaAnnounceIP = configString(c, "replica-announce-ip")
	st.ReplicaAnnouncePort = int(configInt(c, "replica-announce-port"))
	st.ReplicaPriority = int(configInt(c, "replica-priority"))
	st.ReplicaAnnounced = configString(c, "replica-announced") == "yes"
	st.ReplicaOutputHardLimit, st.ReplicaOutputSoftLimit, st.ReplicaOutputSoftSecond = replicaOutputLimits(configString(c, "client-output-buffer-limit"))
	st.RdbCompression = configString(c, "rdbcompression") == "yes"
	st.RdbChecksum = configString(c, "rdbchecksum") == "yes"
	st.ListMaxListpackSize = c.ListMaxListpackSize
	st.Dbfilename = c.Dbfilename
	st.Dir = c.Dir
	st.SavePoints = st.SavePoints[:0]
	for _, p := range c.Save {
		st.SavePoints = append(st.SavePoints, SavePoint{Seconds: p.Seconds, Changes: int64(p.Changes)})
	}
	return st
}

// configString returns a directive's value as CONFIG GET shows it ("" when unknown).
func configString(c *config.Config, name string) string {
	if kv := c.Get(name); len(kv) == 1 {
		return kv[0][1]
	}
	return ""
}

func configInt(c *config.Config, name string) int64 {
	n, _ := strconv.ParseInt(configString(c, name), 10, 64)
	return n
}

// replicaOutputLimits picks the replica class out of client-output-buffer-limit's value
// ("normal 0 0 0 slave 268435456 67108864 60 pubsub ...", as CONFIG GET shows it).
func replicaOutputLimits(v string) (hard, soft int64, secs int) {
	f := strings.Fields(v)
	for i := 0; i+3 < len(f); i += 4 {
		if f[i] == "slave" || f[i] == "replica" {
			hard, _ = strconv.ParseInt(f[i+1], 10, 64)
			soft, _ = strconv.ParseInt(f[i+2], 10, 64)
			s, _ := strconv.Atoi(f[i+3])
			return hard, soft, s
		}
	}
	return 256 << 20, 64 << 20, 60
}

func (s *ConfigStore) Get(patterns ...string) [][2]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Get(patterns...)
}

func (s *ConfigStore) Set(pairs [][2]string, local bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.cfg.SetFrom(pairs, local); err != nil {
		return err
	}
	if s.srv != nil {
		s.srv.ApplySettings(s.settings())
		if namesClusterParam(pairs) {
			s.srv.reconfigureCluster(ClusterOptionsFrom(s.cfg))
		}
	}
	return nil
}

func (s *ConfigStore) Rewrite() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Rewrite()
}
