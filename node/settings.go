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
