package node

import (
	"strings"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/node/config"
)

// busPortOffset is Redis's CLUSTER_PORT_INCR: the bus listens on port+10000 unless
// cluster-port says otherwise.
const busPortOffset = 10000

// ClusterOptions are the cluster settings fixed at startup.
type ClusterOptions struct {
	ConfigFile string // cluster-config-file, relative to the working directory
	BusPort    int    // cluster-port; 0 = port+10000
	// Gossip is the state machine's configuration at startup; CONFIG SET replaces it later.
	Gossip gossip.Config
	// LinkSendBufLimit is cluster-link-sendbuf-limit in bytes (0 = none); CONFIG SET
	// changes it too.
	LinkSendBufLimit int64
}

// ClusterOptionsFrom takes the cluster settings from the configuration.
func ClusterOptionsFrom(cfg *config.Config) ClusterOptions {
	return ClusterOptions{
		ConfigFile: cfg.ClusterConfigFile,
		BusPort:    cfg.ClusterPort,
		Gossip:     gossipConfig(cfg),

		LinkSendBufLimit: int64(cfg.ClusterLinkSendbufLimit),
	}
}

// gossipConfig derives the state machine's configuration from the cluster-* directives.
// The announced ports follow Redis's deriveAnnouncedPorts: the client port unless
// cluster-announce-port is set, and the bus port (cluster-port or port+10000) unless
// cluster-announce-bus-port is set.
func gossipConfig(cfg *config.Config) gossip.Config {
	port, cport := cfg.Port, cfg.Port+busPortOffset
	if cfg.ClusterPort != 0 {
		cport = cfg.ClusterPort
	}
	if cfg.ClusterAnnouncePort != 0 {
		port = cfg.ClusterAnnouncePort
	}
	if cfg.ClusterAnnounceBusPort != 0 {
		cport = cfg.ClusterAnnounceBusPort
	}
	return gossip.Config{
		NodeTimeout:           cfg.ClusterNodeTimeout,
		Port:                  port,
		CPort:                 cport,
		AnnounceIP:            cfg.ClusterAnnounceIP,
		Hostname:              cfg.ClusterAnnounceHostname,
		RequireFullCoverage:   cfg.ClusterRequireFullCoverage,
		AllowReplicaMigration: cfg.ClusterAllowReplicaMigration,
		ReplicaNoFailover:     cfg.ClusterReplicaNoFailover,
		MigrationBarrier:      cfg.ClusterMigrationBarrier,
		ValidityFactor:        cfg.ClusterReplicaValidityFactor,
		ReplPingPeriod:        int64(cfg.ReplPingReplicaPeriod) * 1000,
	}
}

// namesClusterParam reports whether a CONFIG SET touches a parameter the state machine
// reads: a cluster-* one (cluster-slave-* aliases included) or the replica ping period.
func namesClusterParam(pairs [][2]string) bool {
	for _, p := range pairs {
		name := p[0]
		if len(name) >= 8 && strings.EqualFold(name[:8], "cluster-") ||
			strings.EqualFold(name, "repl-ping-replica-period") || strings.EqualFold(name, "repl-ping-slave-period") {
			return true
		}
	}
	return false
}
