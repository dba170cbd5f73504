package config

import (
	"math"
	"strconv"
	"strings"

	"github.com/rcnode/rcnode/internal/numconv"
)

// pflag are the standardConfig flags that change behaviour here.
type pflag uint8

const (
	fImmutable   pflag = 1 << iota // CONFIG SET refuses it
	fSensitive                     // its value is a secret (redacted in Ignored)
	fMultiArg                      // takes several arguments
	fHidden                        // only an exact CONFIG GET shows it
	fProtected                     // CONFIG SET needs enable-protected-configs
	fDenyLoading                   // CONFIG SET refused while loading (the server checks)
)

// numFlag are the numeric formats a value may be written in.
type numFlag uint8

const (
	nMemory  numFlag = 1 << iota // 10mb, 1gb...
	nPercent                     // 50%, stored negated
	nOctal                       // 0777
)

// param is one entry of Redis's standardConfig table.
type param struct {
	name  string
	alias string
	flags pflag
	// typed is true when a Config field backs the value, i.e. rcnode implements it; lines
	// setting the others are reported in Config.Ignored.
	typed bool

	init func(c *Config)
	// set parses and stores a value; changed is false when the value stayed the same (for
	// the special directives Redis always reports a change); a non-empty msg is Redis's
	// error text.
	set     func(c *Config, args []string) (changed bool, msg string)
	get     func(c *Config) string
	rewrite func(c *Config, st *rewriteState)
	snap    func(c *Config) any
	restore func(c *Config, v any)
}

func (p *param) displayName(alias bool) string {
	if alias {
		return p.alias
	}
	return p.name
}

// slot returns the storage of a directive that has no typed field.
func slot[T any](c *Config, name string) *T {
	if v, ok := c.extra[name]; ok {
		return v.(*T)
	}
	if c.extra == nil {
		c.extra = make(map[string]any)
	}
	v := new(T)
	c.extra[name] = v
	return v
}

func storage[T any](name string, field func(*Config) *T) (func(*Config) *T, bool) {
	if field != nil {
		return field, true
	}
	return func(c *Config) *T { return slot[T](c, name) }, false
}

func snapRestore[T any](p *param, field func(*Config) *T) {
	p.snap = func(c *Config) any { return *field(c) }
	p.restore = func(c *Config, v any) { *field(c) = v.(T) }
}

func boolP(name, alias string, fl pflag, def bool, field func(*Config) *bool, check func(bool) string) *param {
	field, typed := storage(name, field)
	p := &param{name: name, alias: alias, flags: fl, typed: typed}
	p.init = func(c *Config) { *field(c) = def }
	p.set = func(c *Config, args []string) (bool, string) {
		v, ok := yesno(cstr(args[0]))
		if !ok {
			return false, "argument must be 'yes' or 'no'"
		}
		if check != nil {
			if msg := check(v); msg != "" {
				return false, msg
			}
		}
		changed := *field(c) != v
		*field(c) = v
		return changed, ""
	}
	p.get = func(c *Config) string { return yesnoStr(*field(c)) }
	p.rewrite = func(c *Config, st *rewriteState) {
		v := *field(c)
		st.rewriteLine(name, name+" "+yesnoStr(v), v != def)
	}
	snapRestore(p, field)
	return p
}

// strP is a string directive. nullable is Redis's EMPTY_STRING_IS_NULL: "" means unset,
// and an unset value is left out of a rewritten file.
func strP(name, alias string, fl pflag, nullable bool, def string, field func(*Config) *string, check func(c *Config, v string) string) *param {
	field, typed := storage(name, field)
	sds := name == "masterauth" || name == "requirepass" // SDS configs keep NUL bytes
	p := &param{name: name, alias: alias, flags: fl, typed: typed}
	p.init = func(c *Config) { *field(c) = def }
	p.set = func(c *Config, args []string) (bool, string) {
		v := args[0]
		if !sds {
			v = cstr(v)
		}
		if check != nil {
			if msg := check(c, v); msg != "" {
				return false, msg
			}
		}
		changed := *field(c) != v
		*field(c) = v
		return changed, ""
	}
	p.get = func(c *Config) string { return *field(c) }
	p.rewrite = func(c *Config, st *rewriteState) {
		v := *field(c)
		if nullable && v == "" {
			st.markProcessed(name)
			return
		}
		st.rewriteLine(name, name+" "+repr(v), nullable || v != def)
	}
	snapRestore(p, field)
	return p
}

type enumItem struct {
	name string
	val  int
}

// enumName is configEnumGetName: the first name with exactly this value, or for bit flags
// the names of the bits it covers, in table order.
func enumName(items []enumItem, v int, bitflags bool) string {
	var names []string
	unmatched := v
	for _, it := range items {
		if v == it.val {
			return it.name
		}
		if bitflags && it.val != 0 && it.val == unmatched&it.val {
			names = append(names, it.name)
			unmatched &^= it.val
		}
	}
	if len(names) == 0 || unmatched != 0 {
		return "unknown"
	}
	return strings.Join(names, " ")
}

func enumErr(items []enumItem) string {
	var b strings.Builder
	b.WriteString("argument(s) must be one of the following: ")
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(it.name)
	}
	s := b.String()
	if len(s) > 255 { // Redis formats it into a 256-byte buffer
		s = s[:255]
	}
	return s
}

// enumP is an enum directive; the field holds the canonical name of the value (Redis shows
// "yes" after "oom-score-adj relative", both being the same value).
func enumP(name, alias string, fl pflag, items []enumItem, def int, field func(*Config) *string, check func(int) string) *param {
	field, typed := storage(name, field)
	bitflags := fl&fMultiArg != 0
	defName := enumName(items, def, bitflags)
	p := &param{name: name, alias: alias, flags: fl, typed: typed}
	p.init = func(c *Config) { *field(c) = defName }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) == 0 || (!bitflags && len(args) != 1) {
			return false, enumErr(items)
		}
		v := 0
		for _, a := range args {
			matched := false
			for _, it := range items {
				if lowerASCII(cstr(a)) == it.name {
					v |= it.val
					matched = true
				}
			}
			if !matched {
				return false, enumErr(items)
			}
		}
		if check != nil {
			if msg := check(v); msg != "" {
				return false, msg
			}
		}
		n := enumName(items, v, bitflags)
		changed := *field(c) != n
		*field(c) = n
		return changed, ""
	}
	p.get = func(c *Config) string { return *field(c) }
	p.rewrite = func(c *Config, st *rewriteState) {
		v := *field(c)
		st.rewriteLine(name, name+" "+v, v != defName)
	}
	snapRestore(p, field)
	return p
}

type number interface{ ~int | ~int64 | ~uint64 }

// numP is a numeric directive. unsigned selects Redis's unsigned bound check (unsigned int,
// unsigned long long and size_t fields), where -1 is a huge number rather than below 0.
func numP[T number](name, alias string, fl pflag, unsigned bool, lower, upper, def int64, nf numFlag, field func(*Config) *T) *param {
	field, typed := storage(name, field)
	p := &param{name: name, alias: alias, flags: fl, typed: typed}
	p.init = func(c *Config) { *field(c) = T(def) }
	p.set = func(c *Config, args []string) (bool, string) {
		v, msg := parseNumber(args[0], nf)
		if msg != "" {
			return false, msg
		}
		if msg := checkBounds(v, lower, upper, unsigned, nf); msg != "" {
			return false, msg
		}
		changed := int64(*field(c)) != v
		*field(c) = T(v)
		switch {
		case name == "hz":
			clampHz(c)
		case name == "repl-backlog-size" && c.ld == nil && c.ReplBacklogSize < 16*1024:
			// CONFIG SET's apply raises it to CONFIG_REPL_BACKLOG_MIN_SIZE; a config file
			// is taken as written.
			c.ReplBacklogSize = 16 * 1024
		}
		return changed, ""
	}
	p.get = func(c *Config) string {
		v := int64(*field(c))
		switch {
		case nf&nPercent != 0 && v < 0:
			return strconv.FormatInt(-v, 10) + "%"
		case nf&nMemory != 0:
			return strconv.FormatUint(uint64(v), 10)
		case nf&nOctal != 0:
			return strconv.FormatInt(v, 8)
		}
		return strconv.FormatInt(v, 10)
	}
	p.rewrite = func(c *Config, st *rewriteState) {
		v := int64(*field(c))
		switch {
		case nf&nPercent != 0 && v < 0:
			// Redis compares the positive percentage with the default here.
			st.rewriteLine(name, name+" "+strconv.FormatInt(-v, 10)+"%", -v != def)
		case nf&nMemory != 0:
			st.rewriteLine(name, name+" "+formatMemory(v), v != def)
		case nf&nOctal != 0:
			st.rewriteLine(name, name+" "+strconv.FormatUint(uint64(v), 8), v != def)
		default:
			st.rewriteLine(name, name+" "+strconv.FormatInt(v, 10), v != def)
		}
	}
	snapRestore(p, field)
	return p
}

// parseNumber is numericParseString.
func parseNumber(s string, nf numFlag) (int64, string) {
	if nf&nMemory != 0 {
		if v, ok := memtoull(s); ok {
			return int64(v), ""
		}
	}
	if nf&nPercent != 0 && len(s) > 1 && s[len(s)-1] == '%' {
		if v, ok := numconv.ParseIntString(s[:len(s)-1]); ok && v >= 0 {
			return -v, ""
		}
	}
	if nf&nOctal != 0 {
		v, end, over := strtollBase(s, 8)
		if !over && end == len(cstr(s)) {
			return v, ""
		}
	}
	if nf == 0 {
		if v, ok := numconv.ParseIntString(s); ok {
			return v, ""
		}
	}
	switch {
	case nf&nMemory != 0 && nf&nPercent != 0:
		return 0, "argument must be a memory or percent value"
	case nf&nMemory != 0:
		return 0, "argument must be a memory value"
	case nf&nOctal != 0:
		return 0, "argument couldn't be parsed as an octal number"
	}
	return 0, "argument couldn't be parsed into an integer"
}

// checkBounds is numericBoundaryCheck.
func checkBounds(v, lower, upper int64, unsigned bool, nf numFlag) string {
	if unsigned {
		u, lo, hi := uint64(v), uint64(lower), uint64(upper)
		if u > hi || u < lo {
			if nf&nOctal != 0 {
				return "argument must be between " + strconv.FormatUint(lo, 8) + " and " + strconv.FormatUint(hi, 8) + " inclusive"
			}
			return "argument must be between " + strconv.FormatUint(lo, 10) + " and " + strconv.FormatUint(hi, 10) + " inclusive"
		}
		return ""
	}
	if nf&nPercent != 0 && v < 0 {
		if v < lower {
			return "percentage argument must be less or equal to " + strconv.FormatInt(-lower, 10)
		}
		return ""
	}
	if v > upper || v < lower {
		return "argument must be between " + strconv.FormatInt(lower, 10) + " and " + strconv.FormatInt(upper, 10) + " inclusive"
	}
	return ""
}

// clampHz keeps hz in 1..500: Redis takes any value as a hint and caps it.
func clampHz(c *Config) {
	if c.Hz < 1 {
		c.Hz = 1
	}
	if c.Hz > 500 {
		c.Hz = 500
	}
}

// Validators, with Redis's texts.

// isValidActiveDefrag: the Debian redis-server 7.0 build used as the oracle links the
// system jemalloc, which lacks the defrag hooks, so it refuses "activedefrag yes"; rcnode
// has no active defragmentation either.
func isValidActiveDefrag(v bool) string {
	if v {
		return "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"
	}
	return ""
}

func isBaseName(s string) bool { return !strings.ContainsAny(s, "/\\") }

func isValidDBfilename(_ *Config, v string) string {
	if !isBaseName(v) {
		return "dbfilename can't be a path, just a filename"
	}
	return ""
}

func isValidAOFfilename(_ *Config, v string) string {
	if v == "" {
		return "appendfilename can't be empty"
	}
	if !isBaseName(v) {
		return "appendfilename can't be a path, just a filename"
	}
	return ""
}

func isValidAOFdirname(_ *Config, v string) string {
	if v == "" {
		return "appenddirname can't be empty"
	}
	if !isBaseName(v) {
		return "appenddirname can't be a path, just a dirname"
	}
	return ""
}

const (
	shutdownSave   = 1
	shutdownNosave = 2
)

func isValidShutdownOnSigFlags(v int) string {
	if v&shutdownNosave != 0 && v&shutdownSave != 0 {
		return "shutdown options SAVE and NOSAVE can't be used simultaneously"
	}
	return ""
}

func isValidAnnouncedHostname(_ *Config, v string) string {
	if len(v) >= 256 {
		return "Hostnames must be less than 256 characters"
	}
	for i := 0; i < len(v); i++ {
		b := v[i]
		if !(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || isDigit(b) || b == '-' || b == '.') {
			return "Hostnames may only contain alphanumeric characters, hyphens or dots"
		}
	}
	return ""
}

// isValidProcTitleTemplate expands the template the way Redis does (with an empty title)
// and refuses unknown {variables}, an unterminated one, or an empty result.
func isValidProcTitleTemplate(c *Config, v string) string {
	const bad = "template format is invalid or contains unknown variables"
	var res strings.Builder
	p := v
	for len(p) > 0 {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			res.WriteString(p)
			break
		}
		res.WriteString(p[:i])
		p = p[i+1:]
		if len(p) == 0 {
			return bad
		}
		if p[0] == '{' {
			res.WriteByte('{')
			p = p[1:]
			continue
		}
		j := strings.IndexByte(p, '}')
		if j < 0 {
			return bad
		}
		switch p[:j] {
		case "title":
		case "listen-addr":
			tls := int(*slot[int](c, "tls-port"))
			sock := *slot[string](c, "unixsocket")
			switch {
			case c.Port != 0 || tls != 0:
				addr := "*"
				if len(c.Bind) > 0 {
					addr = c.Bind[0]
				}
				port := c.Port
				if port == 0 {
					port = tls
				}
				res.WriteString(addr + ":" + strconv.Itoa(port))
			case sock == "":
				res.WriteString("unixsocket:(null)")
			default:
				res.WriteString("unixsocket:" + sock)
			}
		case "server-mode":
			if c.ClusterEnabled {
				res.WriteString("[cluster]")
			}
		case "config-file":
			if c.File != "" {
				res.WriteString(c.File)
			} else {
				res.WriteString("-")
			}
		case "port":
			res.WriteString(strconv.Itoa(c.Port))
		case "tls-port":
			res.WriteString(strconv.Itoa(*slot[int](c, "tls-port")))
		case "unixsocket":
			res.WriteString(*slot[string](c, "unixsocket"))
		default:
			return bad
		}
		p = p[j+1:]
	}
	if strings.Trim(res.String(), " ") == "" {
		return bad
	}
	return ""
}

// Enum tables, in Redis's order (which decides CONFIG GET's name for shared values and the
// order of the names in error messages).
var (
	maxmemoryPolicyEnum = []enumItem{
		{"volatile-lru", 0}, {"volatile-lfu", 1}, {"volatile-random", 2}, {"volatile-ttl", 3},
		{"allkeys-lru", 4}, {"allkeys-lfu", 5}, {"allkeys-random", 6}, {"noeviction", 7},
	}
	syslogFacilityEnum = []enumItem{
		{"user", 1 << 3}, {"local0", 16 << 3}, {"local1", 17 << 3}, {"local2", 18 << 3}, {"local3", 19 << 3},
		{"local4", 20 << 3}, {"local5", 21 << 3}, {"local6", 22 << 3}, {"local7", 23 << 3},
	}
	loglevelEnum                     = []enumItem{{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}}
	supervisedEnum                   = []enumItem{{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}}
	aofFsyncEnum                     = []enumItem{{"everysec", 2}, {"always", 1}, {"no", 0}}
	shutdownOnSigEnum                = []enumItem{{"default", 0}, {"save", shutdownSave}, {"nosave", shutdownNosave}, {"now", 4}, {"force", 8}}
	replDisklessLoadEnum             = []enumItem{{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}}
	tlsAuthClientsEnum               = []enumItem{{"no", 0}, {"yes", 1}, {"optional", 2}}
	oomScoreAdjEnum                  = []enumItem{{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}
	aclPubsubDefaultEnum             = []enumItem{{"allchannels", 1}, {"resetchannels", 0}}
	sanitizeDumpPayloadEnum          = []enumItem{{"no", 0}, {"yes", 1}, {"clients", 2}}
	protectedActionEnum              = []enumItem{{"no", 0}, {"yes", 1}, {"local", 2}}
	clusterPreferredEndpointTypeEnum = []enumItem{{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}}
	propagationErrorBehaviorEnum     = []enumItem{{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}}
)

// params is Redis 7.0.15's standardConfig table (src/config.c static_configs), in its order,
// TLS entries included (the Debian build has TLS), followed by the special directives.
var params []*param

// byName maps every lower-case name and alias to its entry.
var byName map[string]*param

func init() {
	params = []*param{
		boolP("rdbchecksum", "", fImmutable, true, nil, nil),
		boolP("daemonize", "", fImmutable, false, func(c *Config) *bool { return &c.Daemonize }, nil),
		boolP("io-threads-do-reads", "", fImmutable, false, nil, nil),
		boolP("always-show-logo", "", fImmutable, false, func(c *Config) *bool { return &c.AlwaysShowLogo }, nil),
		boolP("protected-mode", "", 0, true, func(c *Config) *bool { return &c.ProtectedMode }, nil),
		boolP("rdbcompression", "", 0, true, nil, nil),
		boolP("rdb-del-sync-files", "", 0, false, nil, nil),
		boolP("activerehashing", "", 0, true, nil, nil),
		boolP("stop-writes-on-bgsave-error", "", 0, true, nil, nil),
		boolP("set-proc-title", "", fImmutable, true, nil, nil),
		boolP("dynamic-hz", "", 0, true, nil, nil),
		boolP("lazyfree-lazy-eviction", "", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyEviction }, nil),
		boolP("lazyfree-lazy-expire", "", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyExpire }, nil),
		boolP("lazyfree-lazy-server-del", "", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyServerDel }, nil),
		boolP("lazyfree-lazy-user-del", "", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyUserDel }, nil),
		boolP("lazyfree-lazy-user-flush", "", 0, false, func(c *Config) *bool { return &c.LazyfreeLazyUserFlush }, nil),
		boolP("repl-disable-tcp-nodelay", "", 0, false, nil, nil),
		boolP("repl-diskless-sync", "", 0, true, func(c *Config) *bool { return &c.ReplDisklessSync }, nil),
		boolP("aof-rewrite-incremental-fsync", "", 0, true, nil, nil),
		boolP("no-appendfsync-on-rewrite", "", 0, false, nil, nil),
		boolP("cluster-require-full-coverage", "", 0, true, func(c *Config) *bool { return &c.ClusterRequireFullCoverage }, nil),
		boolP("rdb-save-incremental-fsync", "", 0, true, nil, nil),
		boolP("aof-load-truncated", "", 0, true, nil, nil),
		boolP("aof-use-rdb-preamble", "", 0, true, nil, nil),
		boolP("aof-timestamp-enabled", "", 0, false, nil, nil),
		boolP("cluster-replica-no-failover", "cluster-slave-no-failover", 0, false, func(c *Config) *bool { return &c.ClusterReplicaNoFailover }, nil),
		boolP("replica-lazy-flush", "slave-lazy-flush", 0, false, nil, nil),
		boolP("replica-serve-stale-data", "slave-serve-stale-data", 0, true, func(c *Config) *bool { return &c.ReplicaServeStaleData }, nil),
		boolP("replica-read-only", "slave-read-only", 0, true, func(c *Config) *bool { return &c.ReplicaReadOnly }, nil),
		boolP("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, true, nil, nil),
		boolP("jemalloc-bg-thread", "", 0, true, nil, nil),
		boolP("activedefrag", "", 0, false, nil, isValidActiveDefrag),
		boolP("syslog-enabled", "", fImmutable, false, nil, nil),
		boolP("cluster-enabled", "", fImmutable, false, func(c *Config) *bool { return &c.ClusterEnabled }, nil),
		boolP("appendonly", "", fDenyLoading, false, func(c *Config) *bool { return &c.Appendonly }, nil),
		boolP("cluster-allow-reads-when-down", "", 0, false, func(c *Config) *bool { return &c.ClusterAllowReadsWhenDown }, nil),
		boolP("cluster-allow-pubsubshard-when-down", "", 0, true, func(c *Config) *bool { return &c.ClusterAllowPubsubshardWhenDown }, nil),
		boolP("crash-log-enabled", "", 0, true, nil, nil),
		boolP("crash-memcheck-enabled", "", 0, true, nil, nil),
		boolP("use-exit-on-panic", "", fHidden, false, nil, nil),
		boolP("disable-thp", "", fImmutable, true, nil, nil),
		boolP("cluster-allow-replica-migration", "", 0, true, func(c *Config) *bool { return &c.ClusterAllowReplicaMigration }, nil),
		boolP("replica-announced", "", 0, true, nil, nil),
		boolP("latency-tracking", "", 0, true, nil, nil),
		boolP("aof-disable-auto-gc", "", 0, false, nil, nil),
		boolP("replica-ignore-disk-write-errors", "", 0, false, nil, nil),
		strP("aclfile", "", fImmutable, false, "", nil, nil),
		strP("unixsocket", "", fImmutable, true, "", nil, nil),
		strP("pidfile", "", fImmutable, true, "", func(c *Config) *string { return &c.Pidfile }, nil),
		strP("replica-announce-ip", "slave-announce-ip", 0, true, "", nil, nil),
		strP("masteruser", "", fSensitive, true, "", func(c *Config) *string { return &c.Masteruser }, nil),
		strP("cluster-announce-ip", "", 0, true, "", func(c *Config) *string { return &c.ClusterAnnounceIP }, nil),
		strP("cluster-config-file", "", fImmutable, false, "nodes.conf", func(c *Config) *string { return &c.ClusterConfigFile }, nil),
		strP("cluster-announce-hostname", "", 0, true, "", func(c *Config) *string { return &c.ClusterAnnounceHostname }, isValidAnnouncedHostname),
		strP("syslog-ident", "", fImmutable, false, "redis", nil, nil),
		strP("dbfilename", "", fProtected, false, "dump.rdb", func(c *Config) *string { return &c.Dbfilename }, isValidDBfilename),
		strP("appendfilename", "", fImmutable, false, "appendonly.aof", func(c *Config) *string { return &c.Appendfilename }, isValidAOFfilename),
		strP("appenddirname", "", fImmutable, false, "appendonlydir", nil, isValidAOFdirname),
		strP("server_cpulist", "", fImmutable, true, "", nil, nil),
		strP("bio_cpulist", "", fImmutable, true, "", nil, nil),
		strP("aof_rewrite_cpulist", "", fImmutable, true, "", nil, nil),
		strP("bgsave_cpulist", "", fImmutable, true, "", nil, nil),
		strP("ignore-warnings", "", 0, false, "", nil, nil),
		strP("proc-title-template", "", 0, false, "{title} {listen-addr} {server-mode}", nil, isValidProcTitleTemplate),
		strP("bind-source-addr", "", 0, true, "", nil, nil),
		strP("logfile", "", fImmutable, false, "", func(c *Config) *string { return &c.Logfile }, nil),
		strP("masterauth", "", fSensitive, true, "", func(c *Config) *string { return &c.Masterauth }, nil),
		strP("requirepass", "", fSensitive, true, "", func(c *Config) *string { return &c.Requirepass }, nil),
		enumP("supervised", "", fImmutable, supervisedEnum, 0, nil, nil),
		enumP("syslog-facility", "", fImmutable, syslogFacilityEnum, 16<<3, nil, nil),
		enumP("repl-diskless-load", "", fDenyLoading, replDisklessLoadEnum, 0, nil, nil),
		enumP("loglevel", "", 0, loglevelEnum, 2, func(c *Config) *string { return &c.Loglevel }, nil),
		enumP("maxmemory-policy", "", 0, maxmemoryPolicyEnum, 7, func(c *Config) *string { return &c.MaxmemoryPolicy }, nil),
		enumP("appendfsync", "", 0, aofFsyncEnum, 2, func(c *Config) *string { return &c.Appendfsync }, nil),
		enumP("oom-score-adj", "", 0, oomScoreAdjEnum, 0, nil, nil),
		enumP("acl-pubsub-default", "", 0, aclPubsubDefaultEnum, 0, nil, nil),
		enumP("sanitize-dump-payload", "", 0, sanitizeDumpPayloadEnum, 0, nil, nil),
		enumP("enable-protected-configs", "", fImmutable, protectedActionEnum, 0, func(c *Config) *string { return &c.EnableProtectedConfigs }, nil),
		enumP("enable-debug-command", "", fImmutable, protectedActionEnum, 0, func(c *Config) *string { return &c.EnableDebugCommand }, nil),
		enumP("enable-module-command", "", fImmutable, protectedActionEnum, 0, func(c *Config) *string { return &c.EnableModuleCommand }, nil),
		enumP("cluster-preferred-endpoint-type", "", 0, clusterPreferredEndpointTypeEnum, 0, func(c *Config) *string { return &c.ClusterPreferredEndpointType }, nil),
		enumP("propagation-error-behavior", "", 0, propagationErrorBehaviorEnum, 0, nil, nil),
		enumP("shutdown-on-sigint", "", fMultiArg, shutdownOnSigEnum, 0, nil, isValidShutdownOnSigFlags),
		enumP("shutdown-on-sigterm", "", fMultiArg, shutdownOnSigEnum, 0, nil, isValidShutdownOnSigFlags),
		numP("databases", "", fImmutable, false, 1, math.MaxInt32, 16, 0, func(c *Config) *int { return &c.Databases }),
		numP("port", "", 0, false, 0, 65535, 6379, 0, func(c *Config) *int { return &c.Port }),
		numP[int]("io-threads", "", fImmutable, false, 1, 128, 1, 0, nil),
		numP[int]("auto-aof-rewrite-percentage", "", 0, false, 0, math.MaxInt32, 100, 0, nil),
		numP("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, false, 0, math.MaxInt32, 10, 0, func(c *Config) *int { return &c.ClusterReplicaValidityFactor }),
		numP("list-max-listpack-size", "list-max-ziplist-size", 0, false, math.MinInt32, math.MaxInt32, -2, 0, func(c *Config) *int { return &c.ListMaxListpackSize }),
		numP("tcp-keepalive", "", 0, false, 0, math.MaxInt32, 300, 0, func(c *Config) *int { return &c.TCPKeepalive }),
		numP("cluster-migration-barrier", "", 0, false, 0, math.MaxInt32, 1, 0, func(c *Config) *int { return &c.ClusterMigrationBarrier }),
		numP[int]("active-defrag-cycle-min", "", 0, false, 1, 99, 1, 0, nil),
		numP[int]("active-defrag-cycle-max", "", 0, false, 1, 99, 25, 0, nil),
		numP[int]("active-defrag-threshold-lower", "", 0, false, 0, 1000, 10, 0, nil),
		numP[int]("active-defrag-threshold-upper", "", 0, false, 0, 1000, 100, 0, nil),
		numP[int]("lfu-log-factor", "", 0, false, 0, math.MaxInt32, 10, 0, nil),
		numP[int]("lfu-decay-time", "", 0, false, 0, math.MaxInt32, 1, 0, nil),
		numP[int]("replica-priority", "slave-priority", 0, false, 0, math.MaxInt32, 100, 0, nil),
		numP("repl-diskless-sync-delay", "", 0, false, 0, math.MaxInt32, 5, 0, func(c *Config) *int { return &c.ReplDisklessSyncDelay }),
		numP[int]("maxmemory-samples", "", 0, false, 1, math.MaxInt32, 5, 0, nil),
		numP[int]("maxmemory-eviction-tenacity", "", 0, false, 0, 100, 10, 0, nil),
		numP("timeout", "", 0, false, 0, math.MaxInt32, 0, 0, func(c *Config) *int { return &c.Timeout }),
		numP[int]("replica-announce-port", "slave-announce-port", 0, false, 0, 65535, 0, 0, nil),
		numP("tcp-backlog", "", fImmutable, false, 0, math.MaxInt32, 511, 0, func(c *Config) *int { return &c.TCPBacklog }),
		numP("cluster-port", "", fImmutable, false, 0, 65535, 0, 0, func(c *Config) *int { return &c.ClusterPort }),
		numP("cluster-announce-bus-port", "", 0, false, 0, 65535, 0, 0, func(c *Config) *int { return &c.ClusterAnnounceBusPort }),
		numP("cluster-announce-port", "", 0, false, 0, 65535, 0, 0, func(c *Config) *int { return &c.ClusterAnnouncePort }),
		numP[int]("cluster-announce-tls-port", "", 0, false, 0, 65535, 0, 0, nil),
		numP("repl-timeout", "", 0, false, 1, math.MaxInt32, 60, 0, func(c *Config) *int { return &c.ReplTimeout }),
		numP("repl-ping-replica-period", "repl-ping-slave-period", 0, false, 1, math.MaxInt32, 10, 0, func(c *Config) *int { return &c.ReplPingReplicaPeriod }),
		numP[int]("list-compress-depth", "", 0, false, 0, math.MaxInt32, 0, 0, nil),
		numP[int]("rdb-key-save-delay", "", fHidden, false, math.MinInt32, math.MaxInt32, 0, 0, nil),
		numP[int]("key-load-delay", "", fHidden, false, math.MinInt32, math.MaxInt32, 0, 0, nil),
		numP[int]("active-expire-effort", "", 0, false, 1, 10, 1, 0, nil),
		numP("hz", "", 0, false, 0, math.MaxInt32, 10, 0, func(c *Config) *int { return &c.Hz }),
		numP[int]("min-replicas-to-write", "min-slaves-to-write", 0, false, 0, math.MaxInt32, 0, 0, nil),
		numP[int]("min-replicas-max-lag", "min-slaves-max-lag", 0, false, 0, math.MaxInt32, 10, 0, nil),
		numP[int]("watchdog-period", "", fHidden, false, 0, math.MaxInt32, 0, 0, nil),
		numP[int]("shutdown-timeout", "", 0, false, 0, math.MaxInt32, 10, 0, nil),
		numP[int]("repl-diskless-sync-max-replicas", "", 0, false, 0, math.MaxInt32, 0, 0, nil),
		numP("maxclients", "", 0, true, 1, math.MaxUint32, 10000, 0, func(c *Config) *int { return &c.Maxclients }),
		numP[int]("unixsocketperm", "", fImmutable, true, 0, 0o777, 0, nOctal, nil),
		numP[int]("socket-mark-id", "", fImmutable, true, 0, math.MaxUint32, 0, 0, nil),
		numP[int64]("active-defrag-max-scan-fields", "", 0, false, 1, math.MaxInt64, 1000, 0, nil),
		numP[int64]("slowlog-max-len", "", 0, false, 0, math.MaxInt64, 128, 0, nil),
		numP[int64]("acllog-max-len", "", 0, false, 0, math.MaxInt64, 128, 0, nil),
		numP[int64]("busy-reply-threshold", "lua-time-limit", 0, false, 0, math.MaxInt64, 5000, 0, nil),
		numP("cluster-node-timeout", "", 0, false, 0, math.MaxInt64, 15000, 0, func(c *Config) *int64 { return &c.ClusterNodeTimeout }),
		numP[int64]("slowlog-log-slower-than", "", 0, false, -1, math.MaxInt64, 10000, 0, nil),
		numP[int64]("latency-monitor-threshold", "", 0, false, 0, math.MaxInt64, 0, 0, nil),
		numP("proto-max-bulk-len", "", 0, false, 1024*1024, math.MaxInt64, 512*1024*1024, nMemory, func(c *Config) *int64 { return &c.ProtoMaxBulkLen }),
		numP[int64]("stream-node-max-entries", "", 0, false, 0, math.MaxInt64, 100, 0, nil),
		numP("repl-backlog-size", "", 0, false, 1, math.MaxInt64, 1024*1024, nMemory, func(c *Config) *int64 { return &c.ReplBacklogSize }),
		numP("maxmemory", "", 0, true, 0, -1, 0, nMemory, func(c *Config) *uint64 { return &c.Maxmemory }),
		numP("cluster-link-sendbuf-limit", "", 0, true, 0, -1, 0, nMemory, func(c *Config) *uint64 { return &c.ClusterLinkSendbufLimit }),
		numP("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, true, 0, math.MaxInt64, 512, 0, func(c *Config) *int64 { return &c.HashMaxListpackEntries }),
		numP("set-max-intset-entries", "", 0, true, 0, math.MaxInt64, 512, 0, func(c *Config) *int64 { return &c.SetMaxIntsetEntries }),
		numP("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, true, 0, math.MaxInt64, 128, 0, func(c *Config) *int64 { return &c.ZsetMaxListpackEntries }),
		numP[int64]("active-defrag-ignore-bytes", "", 0, true, 1, math.MaxInt64, 100<<20, nMemory, nil),
		numP("hash-max-listpack-value", "hash-max-ziplist-value", 0, true, 0, math.MaxInt64, 64, nMemory, func(c *Config) *int64 { return &c.HashMaxListpackValue }),
		numP[int64]("stream-node-max-bytes", "", 0, true, 0, math.MaxInt64, 4096, nMemory, nil),
		numP("zset-max-listpack-value", "zset-max-ziplist-value", 0, true, 0, math.MaxInt64, 64, nMemory, func(c *Config) *int64 { return &c.ZsetMaxListpackValue }),
		numP[int64]("hll-sparse-max-bytes", "", 0, true, 0, math.MaxInt64, 3000, nMemory, nil),
		numP[int64]("tracking-table-max-keys", "", 0, true, 0, math.MaxInt64, 1000000, 0, nil),
		numP("client-query-buffer-limit", "", 0, true, 1024*1024, math.MaxInt64, 1024*1024*1024, nMemory, func(c *Config) *int64 { return &c.ClientQueryBufferLimit }),
		numP[int64]("maxmemory-clients", "", 0, false, -100, math.MaxInt64, 0, nMemory|nPercent, nil),
		numP("repl-backlog-ttl", "", 0, false, 0, math.MaxInt64, 60*60, 0, func(c *Config) *int64 { return &c.ReplBacklogTTL }),
		numP[int64]("auto-aof-rewrite-min-size", "", 0, false, 0, math.MaxInt64, 64*1024*1024, nMemory, nil),
		numP[int64]("loading-process-events-interval-bytes", "", fHidden, false, 1024, math.MaxInt32, 1024*1024*2, 0, nil),
		numP[int]("tls-port", "", 0, false, 0, 65535, 0, 0, nil),
		numP[int]("tls-session-cache-size", "", 0, false, 0, math.MaxInt32, 20*1024, 0, nil),
		numP[int]("tls-session-cache-timeout", "", 0, false, 0, math.MaxInt32, 300, 0, nil),
		boolP("tls-cluster", "", 0, false, nil, nil),
		boolP("tls-replication", "", 0, false, nil, nil),
		enumP("tls-auth-clients", "", 0, tlsAuthClientsEnum, 1, nil, nil),
		boolP("tls-prefer-server-ciphers", "", 0, false, nil, nil),
		boolP("tls-session-caching", "", 0, true, nil, nil),
		strP("tls-cert-file", "", 0, true, "", nil, nil),
		strP("tls-key-file", "", 0, true, "", nil, nil),
		strP("tls-key-file-pass", "", 0, true, "", nil, nil),
		strP("tls-client-cert-file", "", 0, true, "", nil, nil),
		strP("tls-client-key-file", "", 0, true, "", nil, nil),
		strP("tls-client-key-file-pass", "", 0, true, "", nil, nil),
		strP("tls-dh-params-file", "", 0, true, "", nil, nil),
		strP("tls-ca-cert-file", "", 0, true, "", nil, nil),
		strP("tls-ca-cert-dir", "", 0, true, "", nil, nil),
		strP("tls-protocols", "", 0, true, "", nil, nil),
		strP("tls-ciphers", "", 0, true, "", nil, nil),
		strP("tls-ciphersuites", "", 0, true, "", nil, nil),
	}
	params = append(params, specialParams()...)
	byName = make(map[string]*param, 2*len(params))
	for _, p := range params {
		byName[p.name] = p
		if p.alias != "" {
			byName[p.alias] = p
		}
	}
}

// lookup finds a directive by name or alias, case-insensitively (Redis's config dict is
// case-insensitive); alias tells which of the two matched.
func lookup(name string) (p *param, alias bool) {
	p = byName[lowerASCII(cstr(name))]
	if p == nil || len(cstr(name)) != len(name) {
		return nil, false
	}
	return p, p.alias != "" && lowerASCII(name) == p.alias
}
