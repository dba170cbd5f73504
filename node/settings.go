package node

// Settings are the values that CONFIG SET may change while clients run. The hot path reads
// them through one atomic pointer, and CONFIG SET swaps in a new copy, so no lock is taken
// per command.
type Settings struct {
	RequirePass     string
	MaxClients      int
	ProtoMaxBulkLen int64
	ProtectedMode   bool
	LogLevel        string
	// EnableDebugCommand is "no", "yes" or "local" (loopback clients only), as in Redis.
	EnableDebugCommand string

	HashMaxListpackEntries int
	HashMaxListpackValue   int
	SetMaxIntsetEntries    int
	ZsetMaxListpackEntries int
	ZsetMaxListpackValue   int

	ClusterRequireFullCoverage bool
	ClusterAllowReadsWhenDown  bool
	// ClusterPreferredEndpointType is "ip", "hostname" or "unknown-endpoint": how MOVED,
	// ASK, CLUSTER SLOTS and CLUSTER SHARDS name a node.
	ClusterPreferredEndpointType string
	// ReplicaReadOnly refuses writes while this node is a replica (replica-read-only).
	ReplicaReadOnly bool

	// Replication (repl-*, replica-*, masterauth, client-output-buffer-limit replica).
	ReplBacklogSize         int64
	ReplBacklogTTL          int64 // seconds without replicas before a master frees its backlog
	ReplTimeout             int   // seconds
	ReplPingReplicaPeriod   int   // seconds
	ReplDisklessSync        bool
	ReplDisklessSyncDelay   int // seconds
	Masterauth, Masteruser  string
	ReplicaAnnounceIP       string
	ReplicaAnnouncePort     int
	ReplicaPriority         int
	ReplicaAnnounced        bool
	ReplicaOutputHardLimit  int64 // bytes, 0: none
	ReplicaOutputSoftLimit  int64 // bytes, 0: none
	ReplicaOutputSoftSecond int   // seconds over the soft limit before disconnecting

	// Persistence (RDB).
	RdbCompression      bool
	RdbChecksum         bool
	ListMaxListpackSize int
	Dbfilename          string
	SavePoints          []SavePoint
	// Dir is the working directory dump.rdb lives in; "" turns persistence off (servers
	// built in process by tests and tools).
	Dir string
}

// SavePoint is one "save <seconds> <changes>" schedule.
type SavePoint struct {
	Seconds int64
	Changes int64
}

// DefaultSettings are redis-server 7.0's defaults.
func DefaultSettings() *Settings {
	return &Settings{
		MaxClients:             10000,
		ProtoMaxBulkLen:        512 << 20,
		ProtectedMode:          true,
		LogLevel:               "notice",
		EnableDebugCommand:     "no",
		HashMaxListpackEntries: 512,
		HashMaxListpackValue:   64,
		SetMaxIntsetEntries:    512,
		ZsetMaxListpackEntries: 128,
		ZsetMaxListpackValue:   64,

		ClusterRequireFullCoverage:   true,
		ClusterPreferredEndpointType: endpointIP,
		ReplicaReadOnly:              true,

		ReplBacklogSize:         1 << 20,
		ReplBacklogTTL:          3600,
		ReplTimeout:             60,
		ReplPingReplicaPeriod:   10,
		ReplDisklessSync:        true,
		ReplDisklessSyncDelay:   5,
		ReplicaPriority:         100,
		ReplicaAnnounced:        true,
		ReplicaOutputHardLimit:  256 << 20,
		ReplicaOutputSoftLimit:  64 << 20,
		ReplicaOutputSoftSecond: 60,
		RdbCompression:          true,
		RdbChecksum:             true,
		ListMaxListpackSize:     -2,
		Dbfilename:              "dump.rdb",
	}
}

// Configurator is the configuration store CONFIG GET/SET/REWRITE delegate to.
type Configurator interface {
	Get(patterns ...string) [][2]string
	// Set applies CONFIG SET; local tells whether the client is on loopback (for
	// enable-protected-configs local).
	Set(pairs [][2]string, local bool) error
	Rewrite() error
}
