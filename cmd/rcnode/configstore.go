package main

import (
	"os"
	"sync"

	"github.com/rcnode/rcnode/node"
	"github.com/rcnode/rcnode/node/config"
)

// configStore serializes CONFIG GET/SET/REWRITE on the configuration (which is not safe for
// concurrent use) and republishes the runtime settings after every change.
type configStore struct {
	mu  sync.Mutex
	cfg *config.Config
	srv *node.Server
}

func newConfigStore(cfg *config.Config) *configStore {
	s := &configStore{cfg: cfg}
	cfg.OnApply(func(name string) error {
		// Redis chdir()s to "dir" so relative file names follow it.
		if name == "dir" {
			return os.Chdir(cfg.Dir)
		}
		return nil
	})
	return s
}

// attach makes later changes reach srv.
func (s *configStore) attach(srv *node.Server) {
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
}

// settings derives the hot path's settings from the configuration; the caller holds mu or
// has not shared the store yet.
func (s *configStore) settings() *node.Settings {
	c := s.cfg
	st := node.DefaultSettings()
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
	st.ListMaxListpackSize = c.ListMaxListpackSize
	st.ClusterRequireFullCoverage = c.ClusterRequireFullCoverage
	st.ClusterAllowReadsWhenDown = c.ClusterAllowReadsWhenDown
	return st
}

func (s *configStore) Get(patterns ...string) [][2]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Get(patterns...)
}

func (s *configStore) Set(pairs [][2]string, local bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.cfg.SetFrom(pairs, local); err != nil {
		return err
	}
	if s.srv != nil {
		s.srv.ApplySettings(s.settings())
	}
	return nil
}

func (s *configStore) Rewrite() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.Rewrite()
}
