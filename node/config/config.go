package config

import (
	"errors"
	"fmt"
	"strings"
)

// Version is the Redis version whose configuration behaviour rcnode reproduces.
const Version = "7.0.15"

// ServerName replaces "Redis" in the messages redis-server prints about its config.
const ServerName = "rcnode"

// SaveParam is one "save <seconds> <changes>" point.
type SaveParam struct {
	Seconds int64
	Changes int // a C int: Redis truncates larger values to 32 bits
}

// Config holds every configuration value. The exported fields are the ones rcnode
// implements; the server reads them directly. Durations are in the unit Redis uses for the
// directive (noted per field); memory values are bytes.
//
// A Config is not safe for concurrent use: the server serializes Get/Set/Rewrite (its
// CONFIG handler) with any goroutine reading fields, or publishes the values hot paths need
// from OnChange (for example into an atomic settings pointer).
type Config struct {
	// File is the absolute path of the config file, or "" when started without one.
	File string
	// FromStdin is true when part of the configuration was read from standard input
	// (redis-server logs "Reading config from stdin").
	FromStdin bool
	// Ignored lists, in file order, the lines that set a real Redis 7.0 directive rcnode does
	// not implement ("name value..."; user and password-like values redacted). The server
	// should log each one.
	Ignored []string
	// RenameCommands are the rename-command directives in order, {from, to}; to == "" removes
	// the command.
	RenameCommands [][2]string

	// General.
	Daemonize      bool   // only "no" is supported: ParseArgs refuses daemonize yes
	Pidfile        string // "" = none
	Logfile        string // "" = standard output; relative to Dir
	Loglevel       string // debug, verbose, notice or warning
	Databases      int
	AlwaysShowLogo bool
	// Dir is the working directory, absolute and with symlinks resolved (as getcwd reports
	// it). Redis chdir()s to it; the server should os.Chdir(Dir) at startup and again when
	// "dir" changes, since relative file names (dbfilename, cluster-config-file, logfile...)
	// are relative to it.
	Dir string
	Hz  int // clamped to 1..500, as Redis does

	// Network.
	Port          int
	Bind          []string // default ["*", "-::*"]; empty = listen on no TCP address
	ProtectedMode bool
	TCPBacklog    int
	TCPKeepalive  int // seconds
	Timeout       int // client idle timeout in seconds, 0 = never
	Maxclients    int // 1..4294967295
	Maxmemory     uint64
	// Protocol and memory limits.
	MaxmemoryPolicy        string // volatile-lru ... noeviction
	ProtoMaxBulkLen        int64
	ClientQueryBufferLimit int64
	LazyfreeLazyEviction   bool
	LazyfreeLazyExpire     bool
	LazyfreeLazyServerDel  bool
	LazyfreeLazyUserDel    bool
	LazyfreeLazyUserFlush  bool

	// Encodings.
	HashMaxListpackEntries int64
	HashMaxListpackValue   int64
	SetMaxIntsetEntries    int64
	ZsetMaxListpackEntries int64
	ZsetMaxListpackValue   int64
	ListMaxListpackSize    int

	// Cluster.
	ClusterEnabled                  bool
	ClusterConfigFile               string // relative to Dir
	ClusterNodeTimeout              int64  // milliseconds
	ClusterPort                     int    // 0 = port+10000
	ClusterAnnounceIP               string
	ClusterAnnouncePort             int
	ClusterAnnounceBusPort          int
	ClusterAnnounceHostname         string
	ClusterReplicaValidityFactor    int
	ClusterMigrationBarrier         int
	ClusterRequireFullCoverage      bool
	ClusterAllowReadsWhenDown       bool
	ClusterAllowPubsubshardWhenDown bool
	ClusterAllowReplicaMigration    bool
	ClusterReplicaNoFailover        bool
	ClusterPreferredEndpointType    string // ip, hostname or unknown-endpoint
	ClusterLinkSendbufLimit         uint64

	// Persistence.
	Appendonly     bool
	Appendfilename string
	Appendfsync    string // always, everysec or no
	Save           []SaveParam
	Dbfilename     string

	// Security.
	Requirepass            string
	Masterauth             string
	Masteruser             string
	EnableProtectedConfigs string // no, yes or local
	EnableDebugCommand     string // no, yes or local
	EnableModuleCommand    string // no, yes or local

	// Replication.
	ReplicaofHost         string // "" = not a replica
	ReplicaofPort         int
	ReplBacklogSize       int64
	ReplBacklogTTL        int64 // seconds
	ReplDisklessSync      bool
	ReplDisklessSyncDelay int // seconds
	ReplPingReplicaPeriod int // seconds
	ReplTimeout           int // seconds
	ReplicaReadOnly       bool
	ReplicaServeStaleData bool

	extra    map[string]any // values of the directives without a typed field
	env      *env
	ld       *loader // non-nil while a config file is being read
	onChange []func(name string)
	onApply  []func(name string) error
}

// Default returns a Config holding redis-server 7.0's defaults, with Dir set to the current
// working directory.
func Default() *Config {
	return newConfig(osEnv(nil, nil))
}

func newConfig(e *env) *Config {
	c := &Config{env: e}
	for _, p := range params {
		p.init(c)
	}
	if wd, err := e.getwd(); err == nil {
		c.Dir = wd
	}
	return c
}

// OnChange registers fn to run after a successful Set, once for each parameter whose value
// Set changed, with the parameter's canonical name (an alias like "slaveof" reports
// "replicaof").
func (c *Config) OnChange(fn func(name string)) { c.onChange = append(c.onChange, fn) }

// OnApply registers fn to apply a changed parameter during Set, like Redis's apply
// functions (rebinding the port, resizing the backlog). It runs after all new values are in
// place; an error makes Set restore every old value, call the apply functions again for
// what was already applied, and fail with
// "ERR CONFIG SET failed (possibly related to argument '<name>') - <error text>".
func (c *Config) OnApply(fn func(name string) error) { c.onApply = append(c.onApply, fn) }

// Get implements CONFIG GET: each argument is an exact name (which may be hidden or an
// alias; the reply uses it as given) or a glob pattern matched case-insensitively against
// every non-hidden name and alias. Each parameter is reported once.
//
// Redis replies in its dict's order, which is not reproducible; Get returns exact names in
// argument order, then pattern matches in the order of Redis's config table, each
// primary name followed by its alias.
func (c *Config) Get(patterns ...string) [][2]string {
	var out [][2]string
	seen := map[string]bool{}
	add := func(key string, p *param) {
		lk := lowerASCII(key)
		if seen[lk] {
			return
		}
		seen[lk] = true
		out = append(out, [2]string{key, p.get(c)})
	}
	for _, pat := range patterns {
		if !strings.ContainsAny(cstr(pat), "[*?") {
			if p, _ := lookup(pat); p != nil {
				add(pat, p)
			}
			continue
		}
		for _, p := range params {
			if p.flags&fHidden != 0 {
				continue
			}
			if stringMatch(pat, p.name, true) {
				add(p.name, p)
			}
			if p.alias != "" && stringMatch(pat, p.alias, true) {
				add(p.alias, p)
			}
		}
	}
	return out
}

// Value returns the CONFIG GET text of one parameter (name or alias, any case).
func (c *Config) Value(name string) (string, bool) {
	p, _ := lookup(name)
	if p == nil {
		return "", false
	}
	return p.get(c), true
}

// Set implements CONFIG SET for a client that is not local (see SetFrom).
func (c *Config) Set(pairs [][2]string) error { return c.SetFrom(pairs, false) }

// SetFrom implements CONFIG SET name value [name value ...] atomically: every value is
// validated and set, then applied (OnApply); on any failure all old values come back.
// local tells whether the client is on a unix socket or a loopback address, which
// "enable-protected-configs local" needs. Errors are Redis's reply texts, "ERR ..." included.
// Redis's LOADING refusal for dir/appendonly/repl-diskless-load while loading data is the
// server's to check.
func (c *Config) SetFrom(pairs [][2]string, local bool) error {
	type item struct {
		p     *param
		alias bool
		value string
	}
	var failure error
	items := make([]item, 0, len(pairs))
	for _, kv := range pairs {
		p, alias := lookup(kv[0])
		if p == nil {
			if failure == nil {
				failure = fmt.Errorf("ERR Unknown option or number of arguments for CONFIG SET - '%s'", kv[0])
			}
			continue
		}
		if failure != nil {
			continue
		}
		if p.flags&fImmutable != 0 {
			failure = setFailed(kv[0], "can't set immutable config")
			continue
		}
		if p.flags&fProtected != 0 && !allowed(c.EnableProtectedConfigs, local) {
			failure = setFailed(kv[0], "can't set protected config")
			continue
		}
		for _, it := range items {
			// Redis registers an alias as a separate table entry, so "slave-read-only" and
			// "replica-read-only" in one CONFIG SET are not duplicates of each other.
			if it.p == p && it.alias == alias {
				failure = setFailed(kv[0], "duplicate parameter")
				break
			}
		}
		items = append(items, item{p, alias, kv[1]})
	}
	if failure != nil {
		return failure
	}

	old := make([]any, len(items))
	for i, it := range items {
		old[i] = it.p.snap(c)
	}
	restore := func(n int) {
		for i := n - 1; i >= 0; i-- {
			items[i].p.restore(c, old[i])
		}
	}
	var changed []string
	for i, it := range items {
		var args []string
		if it.p.flags&fMultiArg != 0 {
			args = splitLen(it.value, " ")
		} else {
			args = []string{it.value}
		}
		ch, msg := it.p.set(c, args)
		if msg != "" {
			restore(i + 1)
			return setFailed(it.p.displayName(it.alias), msg)
		}
		if ch && !contains(changed, it.p.name) {
			changed = append(changed, it.p.name)
		}
	}
	for i, name := range changed {
		for _, fn := range c.onApply {
			if err := fn(name); err != nil {
				restore(len(items))
				for _, again := range changed[:i+1] {
					for _, fn2 := range c.onApply {
						_ = fn2(again)
					}
				}
				return setFailed(name, err.Error())
			}
		}
	}
	for _, name := range changed {
		for _, fn := range c.onChange {
			fn(name)
		}
	}
	return nil
}

func setFailed(name, msg string) error {
	if msg == "" {
		return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s')", name)
	}
	return fmt.Errorf("ERR CONFIG SET failed (possibly related to argument '%s') - %s", name, msg)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// allowed is allowProtectedAction: "yes", or "local" for a local client.
func allowed(setting string, local bool) bool {
	return setting == "yes" || (setting == "local" && local)
}

// AllowProtectedConfigs tells whether a client may CONFIG SET protected configs (dir,
// dbfilename) under enable-protected-configs.
func (c *Config) AllowProtectedConfigs(local bool) bool {
	return allowed(c.EnableProtectedConfigs, local)
}

// AllowDebugCommand tells whether a client may run DEBUG under enable-debug-command.
func (c *Config) AllowDebugCommand(local bool) bool { return allowed(c.EnableDebugCommand, local) }

// AllowModuleCommand tells whether a client may run MODULE under enable-module-command.
func (c *Config) AllowModuleCommand(local bool) bool { return allowed(c.EnableModuleCommand, local) }

// ConfigError is a configuration that redis-server would refuse to start with.
type ConfigError struct {
	// File is the file being read ("" for the main configuration text: the config file
	// given on the command line, stdin and the command-line options together).
	File string
	// Line is the 1-based line number in that text, 0 for a check of the configuration as a
	// whole (Redis then prints no line).
	Line int
	// Text is the offending line, trimmed, as shown after ">>>".
	Text string
	// Msg is Redis's reason, for example "Bad directive or wrong number of arguments".
	Msg string
	// Plain marks the errors Redis reports as a log line rather than the FATAL CONFIG FILE
	// ERROR block (an unreadable config file); Error() is then just Msg.
	Plain bool
}

// Error renders the error as redis-server prints it to stderr (after an empty line), with
// "Redis" replaced by ServerName:
//
//	*** FATAL CONFIG FILE ERROR (rcnode 7.0.15) ***
//	Reading the configuration file, at line 1
//	>>> 'foo bar'
//	Bad directive or wrong number of arguments
func (e *ConfigError) Error() string {
	if e.Plain {
		return e.Msg
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*** FATAL CONFIG FILE ERROR (%s %s) ***\n", ServerName, Version)
	if e.Line > 0 {
		fmt.Fprintf(&b, "Reading the configuration file, at line %d\n", e.Line)
		fmt.Fprintf(&b, ">>> '%s'\n", e.Text)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrShowVersion is returned by ParseArgs for -v/--version: print VersionText() to stdout
// and exit 0.
var ErrShowVersion = errors.New("config: show version")

// ErrShowHelp is returned by ParseArgs for -h/--help: print Usage() to stderr and exit 1
// (redis-server exits 1 after its usage text).
var ErrShowHelp = errors.New("config: show help")

// VersionText is the -v line, shaped like redis-server's so tools that parse "v=" work.
func VersionText() string {
	return fmt.Sprintf("%s server v=%s sha=00000000:0 malloc=libc bits=64 build=0", ServerName, Version)
}

// Usage is the --help text, redis-server's with the features rcnode lacks left out.
func Usage() string {
	p := "./" + ServerName
	return "Usage: " + p + " [/path/to/redis.conf] [options] [-]\n" +
		"       " + p + " - (read config from stdin)\n" +
		"       " + p + " -v or --version\n" +
		"       " + p + " -h or --help\n" +
		"\n" +
		"Examples:\n" +
		"       " + p + " (run the server with default conf)\n" +
		"       echo 'maxmemory 128mb' | " + p + " -\n" +
		"       " + p + " /etc/redis/6379.conf\n" +
		"       " + p + " --port 7777\n" +
		"       " + p + " --port 7777 --replicaof 127.0.0.1 8888\n" +
		"       " + p + " /etc/myredis.conf --loglevel verbose -\n" +
		"       " + p + " /etc/myredis.conf --loglevel verbose\n"
}

// DeniedWhileLoading tells whether CONFIG SET must answer -LOADING for this parameter while
// the server loads its data set (dir, appendonly, repl-diskless-load), as Redis does.
func DeniedWhileLoading(name string) bool {
	p, _ := lookup(name)
	return p != nil && p.flags&fDenyLoading != 0
}
