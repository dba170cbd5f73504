package node

import (
	"os"
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
	return st
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
