package config

// Differential tests against the real redis-server 7.0 (skipped when it is not on PATH).
// Every server listens on 127.0.0.1 only, on a port from testutil.FreePort, and is killed
// when its test ends.

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rcnode/rcnode/internal/testutil"
)

func redisServerBin(t *testing.T) string {
	t.Helper()
	p := testutil.RedisServerPath(t)
	out, err := exec.Command(p, "--version").Output()
	if err != nil || !bytes.Contains(out, []byte("v=7.0.")) {
		t.Skipf("redis-server is not 7.0: %s", out)
	}
	return p
}

type redisRun struct {
	exited bool
	ready  bool
	stdout string
	stderr string
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRedis runs redis-server in dir and waits (at most wait) until it is ready to accept
// connections or has exited. The process is killed at cleanup.
func startRedis(t *testing.T, dir string, args []string, stdin string, wait time.Duration) redisRun {
	port := ""
	for i := range args {
		if args[i] == "--port" && i+1 < len(args) {
			port = args[i+1]
		}
	}
	t.Helper()
	cmd := exec.Command(redisServerBin(t), args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr syncBuf
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	})
	deadline := time.After(wait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var probedAt time.Time
	for {
		select {
		case <-done:
			return redisRun{exited: true, stdout: stdout.String(), stderr: stderr.String()}
		case <-deadline:
			return redisRun{stdout: stdout.String(), stderr: stderr.String()}
		case <-tick.C:
			if strings.Contains(stdout.String(), "Ready to accept connections") {
				return redisRun{ready: true, stdout: stdout.String(), stderr: stderr.String()}
			}
			// With loglevel warning or a logfile the Ready line never shows: probe the
			// port, then give the server a moment to fail a late check (module configs).
			if probedAt.IsZero() && port != "" {
				if c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, 100*time.Millisecond); err == nil {
					c.Close()
					probedAt = time.Now()
				}
			}
			if !probedAt.IsZero() && time.Since(probedAt) > 300*time.Millisecond {
				return redisRun{ready: true, stdout: stdout.String(), stderr: stderr.String()}
			}
		}
	}
}

// configVerdict extracts redis-server's config error: the FATAL block from stderr, or the
// log message of the config errors Redis logs instead.
func configVerdict(t *testing.T, r redisRun) (msg string, rejected bool, retry bool) {
	t.Helper()
	if !r.exited {
		return "", false, false
	}
	if i := strings.Index(r.stderr, "*** FATAL CONFIG FILE ERROR"); i >= 0 {
		return strings.TrimRight(r.stderr[i:], "\n"), true, false
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		for _, m := range []string{"Fatal error, can't open config file", "Module Configuration detected"} {
			if i := strings.Index(line, m); i >= 0 {
				return line[i:], true, false
			}
		}
	}
	if strings.Contains(r.stdout, "Address already in use") {
		return "", false, true
	}
	t.Fatalf("redis-server exited for a reason other than its config:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	return "", false, false
}

// testCommands stands in for the server's command table in rename-command checks.
var testCommands = map[string]bool{"flushall": true, "flushdb": true, "config": true, "debug": true, "keys": true, "get": true, "set": true}

func dirEnv(dir string, stdin string) *env {
	e := osEnv(strings.NewReader(stdin), func(name string) bool { return testCommands[name] })
	e.getwd = func() (string, error) { return dir, nil }
	return e
}

type diffCase struct {
	name  string
	conf  string
	files map[string]string
	args  []string
	stdin string
	// nofile starts the command line with "-" (config from stdin only) instead of a file.
	nofile bool
}

var diffCases = []diffCase{
	// Accepted.
	{name: "empty", conf: ""},
	{name: "comments", conf: "# comment\n\n   \t\n  # indented\nport 7000\n"},
	{name: "save-lines", conf: "save 3600 1 300 100\nsave 60 10000\n"},
	{name: "save-empty", conf: "save \"\"\n"},
	{name: "save-one-arg", conf: "save \"3600 1 300 100\"\n"},
	{name: "save-strtoll", conf: "save +10 010\nsave 5 \"\"\n"},
	{name: "bind-many", conf: "bind 127.0.0.1 ::1 -::*\n"},
	{name: "memory-units", conf: "maxmemory 1GB\nmaxmemory-policy ALLKEYS-LRU\nrepl-backlog-size 10mb\nproto-max-bulk-len 2g\n"},
	{name: "maxmemory-empty", conf: "maxmemory \"\"\n"},
	{name: "replicaof", conf: "SLAVEOF 127.0.0.1 1\nmasterauth \"a\\x41b\"\nmasteruser u\n"},
	{name: "cluster", conf: "cluster-enabled yes\ncluster-config-file nodes-x.conf\ncluster-node-timeout 5000\ncluster-slave-validity-factor 0\ncluster-announce-hostname node-1.example\ncluster-preferred-endpoint-type hostname\n"},
	{name: "include", conf: "include other.conf\n", files: map[string]string{"other.conf": "maxclients 100\n"}},
	{name: "include-glob-none", conf: "include conf.d/*.conf\n"},
	{name: "include-glob", conf: "include conf.d/*.conf\n", files: map[string]string{"conf.d/a.conf": "timeout 1\n", "conf.d/b.conf": "timeout 2\n"}},
	{name: "loglevel-case", conf: "loglevel WARNING\nlogfile \"\"\n"},
	{name: "logfile", conf: "logfile redis.log\n"},
	{name: "hz-out-of-range", conf: "hz 1000\n"},
	{name: "hz-zero", conf: "hz 0\n"},
	{name: "deprecated", conf: "list-max-ziplist-entries 512\nlist-max-ziplist-value 64\nlua-replicate-commands yes\n"},
	{name: "aliases", conf: "lua-time-limit 100\nhash-max-ziplist-entries 1\nslave-priority 5\nmin-slaves-to-write 0\nslave-read-only no\n"},
	{name: "rename-command", conf: "rename-command FLUSHALL \"\"\nrename-command flushdb wipe\n"},
	{name: "notify", conf: "notify-keyspace-events KEA\n"},
	{name: "obuf", conf: "client-output-buffer-limit replica 256mb 64mb 60 pubsub 0 0 0\n"},
	{name: "shutdown-flags", conf: "shutdown-on-sigterm save now\nshutdown-on-sigint \"nosave force\"\n"},
	{name: "quoting", conf: "requirepass 'it\\'s'\ncluster-announce-ip \"1.2.3.4\"\n"},
	{name: "dir", conf: "dir .\ndir sub\n", files: map[string]string{"sub/keep": ""}},
	{name: "daemonize-overridden", conf: "daemonize yes\n"},
	{name: "oom-values", conf: "oom-score-adj-values 0 200 800\n"},
	{name: "percentiles", conf: "latency-tracking-info-percentiles 50 99.9\nlatency-tracking-info-percentiles \"\"\n"},
	{name: "octal", conf: "unixsocketperm 700\n"},
	{name: "protected-actions", conf: "enable-debug-command local\nenable-protected-configs yes\nenable-module-command no\n"},
	{name: "bare-sentinel", conf: "sentinel\n"},
	{name: "proc-title", conf: "proc-title-template \"{title} {port} {{x\"\n"},
	{name: "user", conf: "user default on nopass ~* &* +@all\n"},
	{name: "tls", conf: "tls-port 0\ntls-auth-clients optional\n"},
	{name: "percent", conf: "maxmemory-clients 10%\n"},
	{name: "options-save", args: []string{"--save", "--maxmemory", "1gb"}},
	{name: "options-multi", args: []string{"--save", "900", "1", "300", "10"}},
	{name: "options-one-arg", args: []string{"--maxmemory 2mb"}},
	{name: "stdin", conf: "port 7000\n", stdin: "maxclients 50\n"},
	{name: "nul-byte", conf: "timeout 1\x00junk\nmaxclients 5\n"},
	{name: "crlf", conf: "port 7000\r\nmaxclients 5\r\n"},

	// Refused.
	{name: "bad-directive", conf: "foo bar\n"},
	{name: "bad-int", conf: "\n\nport abc\n"},
	{name: "port-range", conf: "port 70000\n"},
	{name: "port-no-arg", conf: "port\n"},
	{name: "port-two-args", conf: "port 1 2\n"},
	{name: "unbalanced", conf: "port \"7000\n"},
	{name: "quote-then-text", conf: "port \"7000\"x\n"},
	{name: "save-odd", conf: "save 1\n"},
	{name: "save-zero-seconds", conf: "save 0 1\n"},
	{name: "save-garbage", conf: "save abc 1\n"},
	{name: "memory-negative", conf: "maxmemory -1\n"},
	{name: "memory-unit", conf: "maxmemory 1xb\n"},
	{name: "enum", conf: "loglevel loud\n"},
	{name: "bool", conf: "appendonly maybe\n"},
	{name: "too-many-binds", conf: "bind" + strings.Repeat(" 127.0.0.1", 17) + "\n"},
	{name: "include-missing", conf: "include /nonexistent/x.conf\n"},
	{name: "include-error", conf: "port 7000\ninclude inc.conf\n", files: map[string]string{"inc.conf": "# c\nbad line here\n"}},
	{name: "dir-missing", conf: "dir /nonexistent\n"},
	{name: "dir-file", conf: "dir afile\n", files: map[string]string{"afile": ""}},
	{name: "cluster-replicaof", conf: "cluster-enabled yes\nreplicaof 127.0.0.1 6380\n"},
	{name: "logfile-dir-missing", conf: "logfile /nonexistent/x.log\n"},
	{name: "dbfilename-path", conf: "dbfilename a/b\n"},
	{name: "appendfilename-empty", conf: "appendfilename \"\"\n"},
	{name: "databases-zero", conf: "databases 0\n"},
	{name: "maxclients-zero", conf: "maxclients 0\n"},
	{name: "size-t-negative", conf: "hash-max-listpack-entries -1\n"},
	{name: "deprecated-argc", conf: "list-max-ziplist-entries 1 2\n"},
	{name: "sentinel-line", conf: "sentinel monitor x 127.0.0.1 6379 2\n"},
	{name: "module-config-no-value", conf: "foo.bar\n"},
	{name: "module-config", conf: "foo.bar baz\n"},
	{name: "replicaof-port", conf: "replicaof 127.0.0.1 99999\n"},
	{name: "hostname", conf: "cluster-announce-hostname a_b\n"},
	{name: "shutdown-save-nosave", conf: "shutdown-on-sigint save nosave\n"},
	{name: "activedefrag", conf: "activedefrag yes\n"},
	{name: "notify-bad", conf: "notify-keyspace-events Q\n"},
	{name: "obuf-master", conf: "client-output-buffer-limit master 1 1 1\n"},
	{name: "oom-values-argc", conf: "oom-score-adj-values 1 2\n"},
	{name: "percentile-range", conf: "latency-tracking-info-percentiles 101\n"},
	{name: "octal-bad", conf: "unixsocketperm 999\n"},
	{name: "rename-unknown", conf: "rename-command nosuchcmd foo\n"},
	{name: "rename-target-exists", conf: "rename-command flushdb flushall\n"},
	{name: "percent-range", conf: "maxmemory-clients 200%\n"},
	{name: "proc-title-unknown", conf: "proc-title-template \"{nope}\"\n"},
	{name: "user-duplicate", conf: "user alice on\nuser Alice off\nuser alice off\n"},
	{name: "trailing-backslash", conf: "port 7951 \\\n"},
	{name: "option-no-value", args: []string{"--maxmemory"}},
	{name: "option-extra", args: []string{"--timeout", "1", "extra"}},
	{name: "stdin-error", conf: "port 7000\n", stdin: "maxclients abc\n"},
	{name: "stdin-joins-last-line", conf: "timeout 1", stdin: "0\nmaxclients x\n"},
	{name: "missing-file", conf: "-"},
	{name: "options-save-last", args: []string{"--save"}},
	{name: "options-dash-middle", args: []string{"--timeout", "-", "5"}},
	{name: "options-bare-dashes", args: []string{"--", "x"}},
	{name: "options-unbalanced-name", args: []string{"--\"unbalanced"}},
	{name: "options-value-with-space", args: []string{"--maxmemory", "1 gb"}},
	{name: "options-quoted-value", args: []string{"--requirepass", "a\"b c\x01", "--masterauth", "'"}},
	{name: "options-save-then-option", args: []string{"--save", "--appendonly", "yes", "--save", "10", "1"}},
	{name: "stdin-only", nofile: true, stdin: "maxclients 7\nfoo\n"},
	{name: "stdin-only-ok", nofile: true, stdin: "maxclients 7\n"},
}

func TestOracleConfigFiles(t *testing.T) {
	redisServerBin(t)
	for _, tc := range diffCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			for name, content := range tc.files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			file := filepath.Join(dir, "redis.conf")
			if tc.conf == "-" {
				file = filepath.Join(dir, "missing.conf")
			} else if err := os.WriteFile(file, []byte(tc.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			for attempt := 0; ; attempt++ {
				port := strconv.Itoa(testutil.FreePort(t))
				first := file
				if tc.nofile {
					first = "-"
				}
				args := append([]string{first, "--port", port, "--daemonize", "no", "--bind", "127.0.0.1"}, tc.args...)
				if tc.stdin != "" && !tc.nofile {
					args = append(args, "-")
				}
				run := startRedis(t, dir, args, tc.stdin, 3*time.Second)
				want, rejected, retry := configVerdict(t, run)
				if retry && attempt < 3 {
					continue
				}
				_, err := parseArgs(args, dirEnv(dir, tc.stdin))
				var got string
				if err != nil {
					var ce *ConfigError
					if !errors.As(err, &ce) {
						t.Fatalf("error is %T, not *ConfigError: %v", err, err)
					}
					got = strings.Replace(err.Error(), "("+ServerName+" ", "(Redis ", 1)
				}
				switch {
				case rejected && err == nil:
					t.Errorf("redis-server refuses, rcnode accepts:\n%s", want)
				case !rejected && err != nil:
					t.Errorf("redis-server accepts, rcnode refuses:\n%s", got)
				case rejected && got != want:
					t.Errorf("error differs\nredis-server:\n%s\nrcnode:\n%s", want, got)
				}
				return
			}
		})
	}
}

// respConn is a connection to the oracle; an error reply is a respError value.
type respConn struct {
	*testutil.Client
	port int
}

func dialRedis(t *testing.T, port int) *respConn {
	t.Helper()
	return &respConn{Client: testutil.NewClient(t, "127.0.0.1:"+strconv.Itoa(port)), port: port}
}

func (rc *respConn) do(t *testing.T, args ...string) any {
	t.Helper()
	cmd := make([]any, len(args))
	for i, a := range args {
		cmd[i] = a
	}
	v, err := rc.Do(cmd...)
	if err != nil {
		return respError(err.Error())
	}
	return v
}

type respError string

func (rc *respConn) configGet(t *testing.T, patterns ...string) map[string]string {
	t.Helper()
	v := rc.do(t, append([]string{"CONFIG", "GET"}, patterns...)...)
	arr, ok := v.([]any)
	if !ok {
		t.Fatalf("CONFIG GET reply %v", v)
	}
	m := map[string]string{}
	for i := 0; i+1 < len(arr); i += 2 {
		m[arr[i].(string)] = arr[i+1].(string)
	}
	return m
}

func asMap(kv [][2]string) map[string]string {
	m := map[string]string{}
	for _, p := range kv {
		m[p[0]] = p[1]
	}
	return m
}

func diffMaps(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, fmt.Sprintf("%s: redis-server %q, rcnode %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: only rcnode has it (%q)", k, v))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// liveRedis starts redis-server in dir with args plus a free port and loopback bind, and
// loads the same arguments into an rcnode Config.
func liveRedis(t *testing.T, dir string, args []string) (*respConn, *Config) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		port := testutil.FreePort(t)
		full := append(append([]string{}, args...), "--port", strconv.Itoa(port), "--bind", "127.0.0.1")
		run := startRedis(t, dir, full, "", 5*time.Second)
		if !run.ready {
			if strings.Contains(run.stdout, "Address already in use") && attempt < 3 {
				continue
			}
			t.Fatalf("redis-server did not start:\n%s\n%s", run.stdout, run.stderr)
		}
		c, err := parseArgs(full, dirEnv(dir, ""))
		if err != nil {
			t.Fatal(err)
		}
		return dialRedis(t, port), c
	}
}

// compareSets runs each CONFIG SET (name value pairs) on redis-server and on c, and checks
// that both answer alike and that CONFIG GET * agrees afterwards.
func compareSets(t *testing.T, rc *respConn, c *Config, sets [][]string) {
	t.Helper()
	for _, s := range sets {
		var pairs [][2]string
		for i := 0; i+1 < len(s); i += 2 {
			pairs = append(pairs, [2]string{s[i], s[i+1]})
		}
		want := rc.do(t, append([]string{"CONFIG", "SET"}, s...)...)
		got := any("OK")
		if err := c.Set(pairs); err != nil {
			got = respError(err.Error())
		}
		if got != want {
			t.Errorf("CONFIG SET %q:\nredis-server: %v\nrcnode:       %v", s, want, got)
		}
		if d := diffMaps(rc.configGet(t, "*"), asMap(c.Get("*"))); d != "" {
			t.Fatalf("CONFIG GET * differs after CONFIG SET %q:\n%s", s, d)
		}
	}
}

func TestOracleConfigGetSet(t *testing.T) {
	redisServerBin(t)
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	rc, c := liveRedis(t, dir, []string{"--save", "", "--dir", dir})
	if d := diffMaps(rc.configGet(t, "*"), asMap(c.Get("*"))); d != "" {
		t.Fatalf("CONFIG GET * differs after startup:\n%s", d)
	}
	sets := [][]string{
		{"foo", "bar"},
		{"port", "abc"}, {"PORT", "abc"}, {"port", "70000"}, {"port", "-1"},
		{"databases", "3"}, {"dir", dir}, {"dbfilename", "x.rdb"}, {"unixsocketperm", "777"}, {"slaveof", "a 1"},
		{"maxmemory", "1gb"}, {"maxmemory", "-1"}, {"maxmemory", ""}, {"maxmemory", "99999999999999999999"},
		{"maxmemory", "9999999999999999g"}, {"maxmemory", " 1"}, {"maxmemory", "1B"},
		{"save", "100 1 300 3"}, {"save", "100 1  3"}, {"save", "+10 01"}, {"save", " 10 1"}, {"save", "1e3 1"},
		{"save", "10 4294967297"}, {"save", ""},
		{"loglevel", "xx"}, {"loglevel", "WARNING"},
		{"timeout", "5", "TIMEOUT", "6"}, {"slave-read-only", "no", "replica-read-only", "yes"},
		{"timeout", "5", "foo", "bar"}, {"databases", "1", "foo", "bar"}, {"foo", "bar", "databases", "1"},
		{"hz", "1000"}, {"hz", "0"}, {"hz", "-1"},
		{"maxmemory-clients", "101%"}, {"maxmemory-clients", "10%"}, {"maxmemory-clients", "-1%"}, {"maxmemory-clients", "1mb"},
		{"oom-score-adj", "relative"}, {"oom-score-adj", "no"},
		{"shutdown-on-sigint", "now save"}, {"shutdown-on-sigint", "save nosave"}, {"shutdown-on-sigint", ""},
		{"activedefrag", "yes"}, {"appendonly", "maybe"}, {"appendfsync", "ALWAYS"},
		{"cluster-announce-hostname", "a_b"}, {"cluster-announce-hostname", "node-1.example"}, {"cluster-announce-hostname", ""},
		{"client-output-buffer-limit", "pubsub 1mb 2mb 3"}, {"client-output-buffer-limit", "master 1 1 1"},
		{"client-output-buffer-limit", "normal 1 2"}, {"client-output-buffer-limit", ""}, {"client-output-buffer-limit", "replica 1 2 -3"},
		{"notify-keyspace-events", "KEA"}, {"notify-keyspace-events", "Q"}, {"notify-keyspace-events", "gx$"},
		{"latency-tracking-info-percentiles", "50 99.99"}, {"latency-tracking-info-percentiles", "abc"},
		{"latency-tracking-info-percentiles", ""}, {"latency-tracking-info-percentiles", "0x10 1e1"},
		{"list-max-ziplist-size", "-1"}, {"hash-max-ziplist-entries", "-1"}, {"set-max-intset-entries", "1k"},
		{"maxmemory", "10mb", "maxmemory-policy", "bogus"},
		{"proc-title-template", "{nope}"}, {"proc-title-template", "{title} {port}"}, {"proc-title-template", "{server-mode}"},
		{"slowlog-log-slower-than", "-2"}, {"slowlog-log-slower-than", "-1"},
		{"maxclients", "-1"}, {"maxclients", "5000"},
		{"repl-backlog-size", "0"}, {"repl-backlog-size", "1kb"},
		{"oom-score-adj-values", "0 200 800"}, {"oom-score-adj-values", "1 2"}, {"oom-score-adj-values", "0 200 9999"},
		{"bind", strings.TrimSpace(strings.Repeat("127.0.0.1 ", 17))},
		{"cluster-node-timeout", "0"}, {"watchdog-period", "0"}, {"key-load-delay", "-5"},
		{"masterauth", "x\"y"}, {"masteruser", ""}, {"replica-announce-ip", "10.0.0.1"},
		{"unixsocket", "/tmp/x"}, {"requirepass", ""},
		{"tls-port", "0"}, {"tls-auth-clients", "optional"},
		{"busy-reply-threshold", "100", "lua-time-limit", "200"},
	}
	compareSets(t, rc, c, sets)
	gets := [][]string{
		{"*"}, {"PORT"}, {"port", "PORT", "Port"}, {"PORT", "p*"}, {"*slave*"}, {"use-exit-on-panic"},
		{"*exit*"}, {"nosuch"}, {"*max*ziplist*"}, {"?ort"}, {"[^a-p]*"}, {"[pm]ax*"}, {"save", "bind", "dir"},
		{"SLAVEOF"}, {"*-*-*-*-*"}, {"\\*"}, {"[a-c]*", "*s"},
		{"[\xff-z]ort"}, {"[\x80-z]ort"}, {"[z-\xfe]*"}, {"[\x80-\xff]*"},
	}
	for _, g := range gets {
		want := rc.configGet(t, g...)
		got := asMap(c.Get(g...))
		if !reflect.DeepEqual(want, got) {
			t.Errorf("CONFIG GET %q:\n%s", g, diffMaps(want, got))
		}
	}
}

func TestOracleRewrite(t *testing.T) {
	redisServerBin(t)
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	base := strings.Join([]string{
		"# top comment",
		"port 6379",
		"",
		"",
		"save 100 1",
		"# middle",
		"save 200 2",
		"SLAVE-READ-ONLY no",
		"maxmemory 1mb",
		"    loglevel notice",
		"hz 10",
		`notify-keyspace-events ""`,
		"include " + filepath.Join(dir, "inc.conf"),
		"list-max-ziplist-entries 512",
		`rename-command FLUSHDB ""`,
		"client-output-buffer-limit pubsub 32mb 8mb 60",
		"cluster-slave-validity-factor 10",
		"cluster-slave-validity-factor 11",
		"bind * -::*",
		"",
	}, "\n")
	os.WriteFile(filepath.Join(dir, "inc.conf"), []byte("# included\ntimeout 3\n"), 0o644)
	fileA, fileB := filepath.Join(dir, "a.conf"), filepath.Join(dir, "b.conf")
	os.WriteFile(fileA, []byte(base), 0o644)
	os.WriteFile(fileB, []byte(base), 0o644)
	rc, _ := liveRedis(t, dir, []string{fileA})
	port := rc.port
	c, err := parseArgs([]string{fileB, "--port", strconv.Itoa(port), "--bind", "127.0.0.1"}, dirEnv(dir, ""))
	if err != nil {
		t.Fatal(err)
	}
	sets := [][2]string{{"maxmemory", "3000"}, {"timeout", "7"}, {"loglevel", "warning"}, {"save", ""},
		{"cluster-announce-ip", "1.2.3.4"}, {"replica-read-only", "yes"}, {"notify-keyspace-events", "KEA"},
		{"client-output-buffer-limit", "normal 1mb 2mb 3"}, {"masterauth", "x\"y"}, {"maxmemory-clients", "5%"},
		{"shutdown-on-sigterm", "save now"}, {"latency-tracking-info-percentiles", "50 99.99"}, {"hz", "100"},
		{"appendfsync", "always"}, {"repl-backlog-size", "3mb"}, {"unixsocketperm", "700"}}
	for _, kv := range sets {
		if kv[0] == "unixsocketperm" {
			continue // immutable; kept to show the rewrite leaves defaults out
		}
		if v := rc.do(t, "CONFIG", "SET", kv[0], kv[1]); v != "OK" {
			t.Fatalf("redis-server CONFIG SET %q: %v", kv, v)
		}
		if err := c.Set([][2]string{kv}); err != nil {
			t.Fatal(err)
		}
	}
	if v := rc.do(t, "CONFIG", "REWRITE"); v != "OK" {
		t.Fatalf("redis-server CONFIG REWRITE: %v", v)
	}
	if err := c.Rewrite(); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(fileA)
	b, _ := os.ReadFile(fileB)
	split := func(s string) (head string, tail []string) {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "user ") { // Redis writes its ACL users; rcnode has none
				continue
			}
			lines = append(lines, l)
		}
		s = strings.Join(lines, "\n")
		h, t, _ := strings.Cut(s, rewriteSignature)
		tail = strings.Split(strings.TrimSpace(t), "\n")
		sort.Strings(tail) // Redis appends in its dict's order
		return h, tail
	}
	ha, ta := split(string(a))
	hb, tb := split(string(b))
	if ha != hb || !reflect.DeepEqual(ta, tb) {
		t.Errorf("rewritten files differ\nredis-server:\n%s\nrcnode:\n%s", a, b)
	}
	// Each reads the other's file back.
	if _, err := parseArgs([]string{fileA}, dirEnv(dir, "")); err != nil {
		t.Errorf("rcnode cannot load redis-server's rewrite: %v", err)
	}
	run := startRedis(t, dir, []string{fileB, "--port", strconv.Itoa(testutil.FreePort(t)), "--bind", "127.0.0.1"}, "", 5*time.Second)
	if !run.ready {
		t.Errorf("redis-server cannot load rcnode's rewrite:\n%s%s", run.stdout, run.stderr)
	}
}

func TestOracleProtectedConfigs(t *testing.T) {
	redisServerBin(t)
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	os.MkdirAll(filepath.Join(dir, "sub", "deeper"), 0o755)
	os.WriteFile(filepath.Join(dir, "afile"), nil, 0o644)
	os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "link"))
	rc, c := liveRedis(t, dir, []string{"--save", "", "--dir", dir, "--enable-protected-configs", "yes"})
	sets := [][]string{
		{"dir", "sub"}, {"dir", "deeper"}, {"dir", ".."}, {"dir", "nonexistent"}, {"dir", filepath.Join(dir, "afile")},
		{"dir", ""}, {"dir", filepath.Join(dir, "link")}, {"dir", dir}, {"dir", dir + "/./sub/../"},
		{"dbfilename", "x.rdb"}, {"dbfilename", "a/b"}, {"dbfilename", "a\\b"}, {"dbfilename", ""},
		{"dir", "sub", "dbfilename", "a/b"},
	}
	compareSets(t, rc, c, sets)
}
