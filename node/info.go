package node

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

func init() { register("info", cmdInfo) }

// infoSections are INFO's sections in redis-server's order; "default" prints those marked.
var infoSections = []struct {
	name      string
	inDefault bool
	write     func(s *Server, b *strings.Builder)
}{
	{"server", true, infoServer},
	{"clients", true, infoClients},
	{"memory", true, infoMemory},
	{"persistence", true, infoPersistence},
	{"stats", true, infoStats},
	{"replication", true, infoReplication},
	{"cpu", true, infoCPU},
	{"modules", true, func(*Server, *strings.Builder) {}},
	{"errorstats", true, func(*Server, *strings.Builder) {}},
	{"cluster", true, infoCluster},
	{"keyspace", true, infoKeyspace},
}

func cmdInfo(c *Client, args [][]byte) {
	want := map[string]bool{}
	all := false
	if len(args) == 1 {
		want["default"] = true
	}
	for _, a := range args[1:] {
		name := lowerASCII(a)
		if name == "all" || name == "everything" {
			all = true
		}
		want[name] = true
	}
	c.w.Verbatim(c.srv.info(want, all), "txt")
}

func (s *Server) info(want map[string]bool, all bool) string {
	var b strings.Builder
	for _, sec := range infoSections {
		if !all && !want[sec.name] && !(want["default"] && sec.inDefault) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# ")
		if sec.name == "cpu" {
			b.WriteString("CPU")
		} else {
			b.WriteString(strings.ToUpper(sec.name[:1]) + sec.name[1:])
		}
		b.WriteString("\r\n")
		sec.write(s, &b)
	}
	return b.String()
}

func field(b *strings.Builder, name string, value any) {
	b.WriteString(name)
	b.WriteByte(':')
	fmt.Fprint(b, value)
	b.WriteString("\r\n")
}

func infoServer(s *Server, b *strings.Builder) {
	mode := "standalone"
	if s.opts.ClusterEnabled {
		mode = "cluster"
	}
	var uts syscall.Utsname
	osName := runtime.GOOS
	if syscall.Uname(&uts) == nil {
		osName = utsString(uts.Sysname[:]) + " " + utsString(uts.Release[:]) + " " + utsString(uts.Machine[:])
	}
	exe, _ := os.Executable()
	now := time.Now()
	uptime := int64(now.Sub(s.startTime).Seconds())
	field(b, "redis_version", Version)
	field(b, "redis_git_sha1", "00000000")
	field(b, "redis_git_dirty", 0)
	field(b, "redis_build_id", "0")
	field(b, "redis_mode", mode)
	field(b, "rcnode_version", RcnodeVersion)
	field(b, "os", osName)
	field(b, "arch_bits", 64)
	field(b, "monotonic_clock", "POSIX clock_gettime")
	field(b, "multiplexing_api", "epoll")
	field(b, "atomicvar_api", "c11-builtin")
	field(b, "go_version", runtime.Version())
	field(b, "process_id", os.Getpid())
	field(b, "process_supervised", "no")
	field(b, "run_id", s.runID)
	field(b, "tcp_port", s.opts.Port)
	field(b, "server_time_usec", now.UnixMicro())
	field(b, "uptime_in_seconds", uptime)
	field(b, "uptime_in_days", uptime/86400)
	field(b, "hz", 10)
	field(b, "configured_hz", 10)
	field(b, "lru_clock", (now.UnixMilli()/1000)&(1<<24-1))
	field(b, "executable", exe)
	field(b, "config_file", s.opts.ConfigFile)
	field(b, "io_threads_active", 0)
}

func utsString(cs []int8) string {
	var sb strings.Builder
	for _, c := range cs {
		if c == 0 {
			break
		}
		sb.WriteByte(byte(c))
	}
	return sb.String()
}

func infoClients(s *Server, b *strings.Builder) {
	s.clientsMu.Lock()
	n := len(s.clients)
	s.clientsMu.Unlock()
	field(b, "connected_clients", n)
	field(b, "cluster_connections", 0)
	field(b, "maxclients", s.Settings().MaxClients)
	field(b, "client_recent_max_input_buffer", 0)
	field(b, "client_recent_max_output_buffer", 0)
	field(b, "blocked_clients", s.blocking.waiting.Load())
	field(b, "tracking_clients", 0)
	field(b, "clients_in_timeout_table", 0)
}

// rssBytes reads the resident set size from /proc, as Redis's zmalloc_get_rss does.
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// humanBytes formats like Redis's bytesToHuman.
func humanBytes(n int64) string {
	f := float64(n)
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + "B"
	case n < 1024*1024:
		return fmt.Sprintf("%.2fK", f/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.2fM", f/(1024*1024))
	case n < 1024*1024*1024*1024:
		return fmt.Sprintf("%.2fG", f/(1024*1024*1024))
	default:
		return fmt.Sprintf("%.2fT", f/(1024*1024*1024*1024))
	}
}

func infoMemory(s *Server, b *strings.Builder) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	used := int64(ms.HeapAlloc)
	rss := rssBytes()
	field(b, "used_memory", used)
	field(b, "used_memory_human", humanBytes(used))
	field(b, "used_memory_rss", rss)
	field(b, "used_memory_rss_human", humanBytes(rss))
	field(b, "used_memory_peak", int64(ms.HeapSys))
	field(b, "used_memory_peak_human", humanBytes(int64(ms.HeapSys)))
	field(b, "total_system_memory", totalSystemMemory())
	field(b, "maxmemory", 0)
	field(b, "maxmemory_human", "0B")
	field(b, "maxmemory_policy", "noeviction")
	ratio := 0.0
	if used > 0 {
		ratio = float64(rss) / float64(used)
	}
	field(b, "mem_fragmentation_ratio", fmt.Sprintf("%.2f", ratio))
	field(b, "mem_allocator", "go-"+runtime.Version())
	field(b, "lazyfree_pending_objects", 0)
}

func totalSystemMemory() int64 {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}

func infoStats(s *Server, b *strings.Builder) {
	ks := s.ks.Stats()
	field(b, "total_connections_received", s.stats.connectionsReceived.Load())
	field(b, "total_commands_processed", s.commandsProcessed())
	field(b, "instantaneous_ops_per_sec", 0)
	field(b, "total_net_input_bytes", s.stats.netInputBytes.Load())
	field(b, "total_net_output_bytes", s.stats.netOutputBytes.Load())
	field(b, "rejected_connections", s.stats.rejectedConns.Load())
	field(b, "sync_full", s.repl.syncFull.Load())
	field(b, "sync_partial_ok", s.repl.syncPartialOK.Load())
	field(b, "sync_partial_err", s.repl.syncPartialErr.Load())
	field(b, "expired_keys", ks.ExpiredKeys)
	field(b, "evicted_keys", 0)
	field(b, "keyspace_hits", ks.Hits)
	field(b, "keyspace_misses", ks.Misses)
	field(b, "pubsub_channels", 0)
	field(b, "pubsub_patterns", 0)
	field(b, "latest_fork_usec", 0)
	field(b, "total_forks", 0)
	field(b, "migrate_cached_sockets", 0)
	field(b, "unexpected_error_replies", s.stats.unexpectedErrors.Load())
	field(b, "total_error_replies", s.stats.errorReplies.Load())
}

func infoCPU(s *Server, b *strings.Builder) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) string {
		return fmt.Sprintf("%d.%06d", t.Sec, t.Usec)
	}
	field(b, "used_cpu_sys", tv(ru.Stime))
	field(b, "used_cpu_user", tv(ru.Utime))
	field(b, "used_cpu_sys_children", "0.000000")
	field(b, "used_cpu_user_children", "0.000000")
}

func infoCluster(s *Server, b *strings.Builder) {
	enabled := 0
	if s.opts.ClusterEnabled {
		enabled = 1
	}
	field(b, "cluster_enabled", enabled)
}

func infoKeyspace(s *Server, b *strings.Builder) {
	for _, db := range s.ks.DBs {
		if n := db.Size(); n > 0 {
			fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=0\r\n", db.ID, n, db.Volatile())
		}
	}
}

func (s *Server) resetStats() {
	s.stats.connectionsReceived.Store(0)
	s.stats.rejectedConns.Store(0)
	s.stats.netInputBytes.Store(0)
	s.stats.netOutputBytes.Store(0)
	s.stats.errorReplies.Store(0)
	s.stats.unexpectedErrors.Store(0)
	s.ks.ResetStats()
	s.clientsMu.Lock()
	s.closedCmds = 0
	for _, c := range s.clients {
		atomic.StoreInt64(&c.cmds, 0)
	}
	s.clientsMu.Unlock()
}
