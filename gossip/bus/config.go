package bus

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"time"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/gossip/nodesconf"
)

// ConfigError is a nodes.conf the node must not start with. Its text is what redis-server
// logs before exit(1); Err (a *nodesconf.ParseError for a corrupt file) says why.
type ConfigError struct {
	Path    string
	Corrupt bool // the file was read but cannot be used, as opposed to unreadable
	Err     error
}

func (e *ConfigError) Error() string {
	if !e.Corrupt {
		// clusterLoadConfig's wording when fopen fails for any reason but ENOENT.
		return fmt.Sprintf("Loading the cluster node config from %s: %v", e.Path, e.Err)
	}
	var pe *nodesconf.ParseError
	if errors.As(e.Err, &pe) {
		return "Unrecoverable error: corrupted cluster config file. " + describe(pe)
	}
	return fmt.Sprintf("Unrecoverable error: corrupted cluster config file. %s: %v", e.Path, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// describe names the file and line of a parse error, shorter than ParseError's own text
// (which starts with the same "corrupted cluster config file" Redis's line already says).
func describe(pe *nodesconf.ParseError) string {
	if pe.Line == 0 {
		return fmt.Sprintf("%s: %s", pe.Path, pe.Reason)
	}
	text := pe.Text
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	return fmt.Sprintf("%s line %d: %s: %s", pe.Path, pe.Line, pe.Reason, strconv.Quote(text))
}

// fatalError is a reason not to start, worded as redis-server logs it before exit(1) (so it
// may start with a capital and end with a full stop, unlike a Go error string).
type fatalError struct {
	text string
	err  error
}

func (e *fatalError) Error() string { return e.text }
func (e *fatalError) Unwrap() error { return e.err }

// load builds the state machine from nodes.conf, or a new node when there is none, and
// writes the file at once when the state machine asks (always for a new node): an identity
// that is not on disk would change at the next start. Failing that first write is fatal, as
// Redis's clusterSaveConfigOrDie at startup; later failures are retried.
func (b *Bus) load() error {
	path := b.opts.ConfigFile
	conf, err := nodesconf.Load(path)
	var pe *nodesconf.ParseError
	switch {
	case errors.Is(err, nodesconf.ErrNoConfig):
		conf = nil
	case errors.As(err, &pe):
		return &ConfigError{Path: path, Corrupt: true, Err: err}
	case err != nil:
		return &ConfigError{Path: path, Err: err}
	}
	c, err := gossip.New(b.opts.Cluster, conf, newRand(), time.Now().UnixMilli())
	if err != nil {
		return &ConfigError{Path: path, Corrupt: true, Err: err}
	}
	rd := c.Ready()
	if rd.SaveConfig || conf == nil {
		if err := nodesconf.Save(path, c.NodesConf()); err != nil {
			return &fatalError{fmt.Sprintf("Fatal: can't update cluster config file %s: %v", path, err), err}
		}
	}
	rd.SaveConfig, rd.FsyncConfig = false, false
	b.c, b.initial = c, rd
	return nil
}

// save writes nodes.conf (nodesconf.Save always fsyncs). A failure is logged and retried on
// the next tick; it is never a reason to stop the node.
func (b *Bus) save(c *gossip.Cluster) error {
	err := nodesconf.Save(b.opts.ConfigFile, c.NodesConf())
	now := time.Now().UnixMilli()
	if err != nil {
		// Warn on the first failure, then every 10 s while it lasts: retries run at 10 Hz.
		if !b.saveFailed || now-b.lastWarn >= 10_000 {
			b.log.Warnf("Can't update cluster config file %s: %v (will retry)", b.opts.ConfigFile, err)
			b.lastWarn = now
		}
		b.saveFailed = true
		return err
	}
	if b.saveFailed {
		b.log.Infof("Cluster config file %s saved after earlier failures", b.opts.ConfigFile)
	}
	b.saveFailed = false
	return nil
}

// newRand seeds the state machine's randomness (node names, gossip choices) from the OS,
// as Redis's getRandomHexChars reads /dev/urandom.
func newRand() *rand.Rand {
	var seed [8]byte
	if _, err := crand.Read(seed[:]); err != nil {
		return rand.New(rand.NewSource(time.Now().UnixNano()))
	}
	return rand.New(rand.NewSource(int64(binary.LittleEndian.Uint64(seed[:]))))
}
