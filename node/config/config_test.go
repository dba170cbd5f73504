package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/rcnode/rcnode/internal/numconv"
)

// memEnv is an env over an in-memory file system rooted at /w.
func memEnv(files map[string]string) *env {
	isDir := func(p string) bool {
		if p == "/" || p == "/w" {
			return true
		}
		for f := range files {
			if strings.HasPrefix(f, p+"/") {
				return true
			}
		}
		return false
	}
	return &env{
		getwd: func() (string, error) { return "/w", nil },
		readFile: func(path string) ([]byte, error) {
			if s, ok := files[path]; ok {
				return []byte(s), nil
			}
			if isDir(path) {
				return nil, nil
			}
			return nil, &fs.PathError{Op: "open", Path: path, Err: syscall.ENOENT}
		},
		glob: func(pattern string) []string {
			var out []string
			for f := range files {
				if ok, _ := filepath.Match(pattern, f); ok {
					out = append(out, f)
				}
			}
			sort.Strings(out) // as filepath.Glob and glob(3) return them
			return out
		},
		chdir: func(cwd, dir string) (string, error) {
			if dir == "" {
				return "", syscall.ENOENT
			}
			p := filepath.Clean(resolve(cwd, dir))
			if _, ok := files[p]; ok {
				return "", syscall.ENOTDIR
			}
			if !isDir(p) {
				return "", syscall.ENOENT
			}
			return p, nil
		},
		openLog: func(path string) error {
			if strings.HasPrefix(path, "/nonexistent/") {
				return syscall.ENOENT
			}
			return nil
		},
		stdin: strings.NewReader(""),
	}
}

func parseMem(t *testing.T, args []string, files map[string]string) (*Config, error) {
	t.Helper()
	return parseArgs(args, memEnv(files))
}

func mustParse(t *testing.T, text string) *Config {
	t.Helper()
	c := newConfig(memEnv(map[string]string{"/w/sub/x": ""}))
	if err := c.load(text); err != nil {
		t.Fatalf("load %q: %v", text, err)
	}
	return c
}

func parseErr(t *testing.T, text string) *ConfigError {
	t.Helper()
	c := newConfig(memEnv(nil))
	err := c.load(text)
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("load %q: got %v, want a *ConfigError", text, err)
	}
	return ce
}

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string // nil = unbalanced
	}{
		{"", []string{}},
		{"  port   7000  ", []string{"port", "7000"}},
		{`save ""`, []string{"save", ""}},
		{`a "b c" 'd e'`, []string{"a", "b c", "d e"}},
		{`"\n\r\t\b\a\\\"\x41\x4g"`, []string{"\n\r\t\b\a\\\"A" + "x4g"}},
		{`'it\'s' '\n'`, []string{"it's", `\n`}},
		{`"abc"def`, nil},
		{`'abc'def`, nil},
		{`"abc`, nil},
		{`'abc`, nil},
		{`"a"	b`, []string{"a", "b"}},
		{`a"b c"`, []string{"ab c"}},
		{"a\vb", []string{"a\vb"}},
		{"\va", []string{"a"}},
		{`"x\x00y"`, []string{"x\x00y"}},
		{`"\`, nil},
	}
	for _, tt := range tests {
		got, ok := splitArgs(tt.in)
		if tt.want == nil {
			if ok {
				t.Errorf("splitArgs(%q) = %q, want unbalanced", tt.in, got)
			}
			continue
		}
		if !ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitArgs(%q) = %q %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestReprRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "a b", "q\"uote", "back\\slash", "\x00\x01\xff\n\r\t\a\b", "é"} {
		got, ok := splitArgs(repr(s))
		if !ok || len(got) != 1 || got[0] != s {
			t.Errorf("splitArgs(repr(%q)) = %q, %v", s, got, ok)
		}
	}
	if got := repr("a\"b\x01é"); got != `"a\"b\x01\xc3\xa9"` {
		t.Errorf("repr = %s", got)
	}
}

func TestNumbers(t *testing.T) {
	mem := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"", 0, true}, {"0", 0, true}, {"100", 100, true}, {"1b", 1, true}, {"1B", 1, true},
		{"1k", 1000, true}, {"1kb", 1024, true}, {"1KB", 1024, true}, {"2m", 2000000, true},
		{"2mb", 2 << 20, true}, {"1g", 1e9, true}, {"1Gb", 1 << 30, true},
		{"-1", 0, false}, {"+1", 0, false}, {" 1", 0, false}, {"1 ", 0, false}, {"1t", 0, false},
		{"1.5mb", 0, false}, {"99999999999999999999", 1<<64 - 1, true},
		{"9999999999999999g", 1590897977359414784, true}, // wraps, as redis-server shows
	}
	for _, tt := range mem {
		got, ok := memtoull(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("memtoull(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	ll := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-0", 0, false}, {"01", 0, false}, {"+1", 0, false}, {"", 0, false},
		{"-", 0, false}, {"9223372036854775807", 1<<63 - 1, true}, {"9223372036854775808", 0, false},
		{"-9223372036854775808", -1 << 63, true}, {"-9223372036854775809", 0, false}, {"12a", 0, false},
	}
	for _, tt := range ll {
		got, ok := numconv.ParseIntString(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("numconv.ParseIntString(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	st := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true}, {" 10", 10, true}, {"+10", 10, true}, {"010", 10, true}, {"-5", -5, true},
		{"10 ", 10, false}, {"1e3", 1, false}, {" ", 0, false}, {"99999999999999999999", 1<<63 - 1, true},
	}
	for _, tt := range st {
		got, ok := strtollAll(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("strtollAll(%q) = %d %v, want %d %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	fm := map[int64]string{0: "0", 1: "1", 1024: "1kb", 1536: "1536", 1 << 20: "1mb", 3 << 30: "3gb", -1: "18446744073709551615"}
	for in, want := range fm {
		if got := formatMemory(in); got != want {
			t.Errorf("formatMemory(%d) = %s, want %s", in, got, want)
		}
	}
}

func TestStringMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"*", "port", true}, {"p*", "PORT", true}, {"P*", "port", true}, {"?ort", "port", true},
		{"*max*ziplist*", "hash-max-ziplist-entries", true}, {"[pm]ort", "mort", true},
		{"[^p]ort", "port", false}, {"[a-c]x", "bx", true}, {"[c-a]x", "bx", true}, {"\\*", "*", true},
		{"a\\", "a\\", true}, {"port", "ports", false}, {"*s", "ports", true}, {"[", "[", false},
		{"[abc", "a", true}, {"**a", "ba", true}, {"*a*b*c*d*e*f*", "aaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
		{"p[", "p", false}, {"", "", true}, {"*", "", false},
	}
	for _, tt := range tests {
		if got := stringMatch(tt.pat, tt.s, true); got != tt.want {
			t.Errorf("stringMatch(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	c := newConfig(memEnv(nil))
	checks := map[string]any{
		"port": c.Port == 6379, "bind": reflect.DeepEqual(c.Bind, []string{"*", "-::*"}),
		"dir": c.Dir == "/w", "databases": c.Databases == 16, "hz": c.Hz == 10,
		"loglevel": c.Loglevel == "notice", "save": reflect.DeepEqual(c.Save, defaultSave),
		"protected": c.ProtectedMode, "timeout": c.ClusterNodeTimeout == 15000,
		"backlog": c.ReplBacklogSize == 1<<20, "policy": c.MaxmemoryPolicy == "noeviction",
		"hash": c.HashMaxListpackEntries == 512, "listpack": c.ListMaxListpackSize == -2,
		"cfgfile": c.ClusterConfigFile == "nodes.conf", "maxclients": c.Maxclients == 10000,
		"proto": c.ProtoMaxBulkLen == 512<<20, "qbuf": c.ClientQueryBufferLimit == 1<<30,
		"debug": c.EnableDebugCommand == "no", "endpoint": c.ClusterPreferredEndpointType == "ip",
		"replport": c.ReplicaofPort == 6379, "ro": c.ReplicaReadOnly, "fullcov": c.ClusterRequireFullCoverage,
	}
	for name, ok := range checks {
		if ok != true {
			t.Errorf("default %s wrong", name)
		}
	}
	if got := c.Get("save", "bind", "maxmemory", "dir"); !reflect.DeepEqual(got, [][2]string{
		{"save", "3600 1 300 100 60 10000"}, {"bind", "* -::*"}, {"maxmemory", "0"}, {"dir", "/w"}}) {
		t.Errorf("Get = %q", got)
	}
}

func TestLoadValues(t *testing.T) {
	c := mustParse(t, strings.Join([]string{
		"# comment",
		"  PORT 7000  ",
		"bind 127.0.0.1 ::1",
		`save "900 1 300 10"`,
		"save 60 10000",
		"maxmemory 2GB",
		"maxmemory-policy ALLKEYS-LRU",
		"SLAVEOF 10.0.0.1 6380",
		"slave-read-only no",
		"cluster-slave-validity-factor 3",
		"hash-max-ziplist-entries 64",
		"repl-backlog-size 10mb",
		"hz 1000",
		`requirepass "p\x41ss"`,
		"dir sub",
		"appendfsync always",
		"maxmemory-clients 10%",
		"list-max-ziplist-entries 5",
		"oom-score-adj relative",
		"shutdown-on-sigint now save",
		"tls-port 6380",
		"notify-keyspace-events KEA",
		"user default on >secret ~* +@all",
	}, "\n"))
	if c.Port != 7000 || !reflect.DeepEqual(c.Bind, []string{"127.0.0.1", "::1"}) {
		t.Errorf("port/bind: %d %q", c.Port, c.Bind)
	}
	if !reflect.DeepEqual(c.Save, []SaveParam{{900, 1}, {300, 10}, {60, 10000}}) {
		t.Errorf("save: %v", c.Save)
	}
	if c.Maxmemory != 2<<30 || c.MaxmemoryPolicy != "allkeys-lru" || c.ReplicaofHost != "10.0.0.1" ||
		c.ReplicaofPort != 6380 || c.ReplicaReadOnly || c.ClusterReplicaValidityFactor != 3 ||
		c.HashMaxListpackEntries != 64 || c.ReplBacklogSize != 10<<20 || c.Hz != 500 ||
		c.Requirepass != "pAss" || c.Dir != "/w/sub" || c.Appendfsync != "always" {
		t.Errorf("values: %+v", c)
	}
	want := map[string]string{
		"maxmemory-clients": "10%", "oom-score-adj": "yes", "shutdown-on-sigint": "save now",
		"notify-keyspace-events": "AKE", "slaveof": "10.0.0.1 6380", "hz": "500",
	}
	for k, v := range want {
		if got, _ := c.Value(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	wantIgnored := []string{"maxmemory-clients 10%", "list-max-ziplist-entries 5", "oom-score-adj relative",
		"shutdown-on-sigint now save", "tls-port 6380", "notify-keyspace-events KEA", "user default (rules not shown)"}
	if !reflect.DeepEqual(c.Ignored, wantIgnored) {
		t.Errorf("Ignored = %q\nwant %q", c.Ignored, wantIgnored)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		text string
		line int
		msg  string
	}{
		{"foo bar", 1, "Bad directive or wrong number of arguments"},
		{"\n\nport abc", 3, "argument couldn't be parsed into an integer"},
		{"port 70000", 1, "argument must be between 0 and 65535 inclusive"},
		{"port", 1, "wrong number of arguments"},
		{"port 1 2", 1, "wrong number of arguments"},
		{`port "7000"x`, 1, "Unbalanced quotes in configuration line"},
		{"save 1", 1, "Invalid save parameters"},
		{"save 0 1", 1, "Invalid save parameters"},
		{"save 1 -1", 1, "Invalid save parameters"},
		{"maxmemory -1", 1, "argument must be a memory value"},
		{"maxmemory-clients 101%", 1, "percentage argument must be less or equal to 100"},
		{"maxmemory-clients x", 1, "argument must be a memory or percent value"},
		{"unixsocketperm 999", 1, "argument couldn't be parsed as an octal number"},
		{"unixsocketperm 1777", 1, "argument must be between 0 and 777 inclusive"},
		{"maxclients 0", 1, "argument must be between 1 and 4294967295 inclusive"},
		{"hash-max-listpack-entries -1", 1, "argument must be between 0 and 9223372036854775807 inclusive"},
		{"loglevel loud", 1, "argument(s) must be one of the following: debug, verbose, notice, warning"},
		{"appendonly maybe", 1, "argument must be 'yes' or 'no'"},
		{"dir /nope", 1, "No such file or directory"},
		{"dbfilename a/b", 1, "dbfilename can't be a path, just a filename"},
		{`appendfilename ""`, 1, "appendfilename can't be empty"},
		{"cluster-announce-hostname a_b", 1, "Hostnames may only contain alphanumeric characters, hyphens or dots"},
		{"shutdown-on-sigint save nosave", 1, "shutdown options SAVE and NOSAVE can't be used simultaneously"},
		{"activedefrag yes", 1, "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"},
		{"notify-keyspace-events Q", 1, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
		{"client-output-buffer-limit master 1 1 1", 1, "Invalid client class specified in buffer limit configuration."},
		{"client-output-buffer-limit normal 1 1", 1, "Wrong number of arguments in buffer limit configuration."},
		{"client-output-buffer-limit normal 1 1 -1", 1, "Error in hard, soft or soft_seconds setting in buffer limit configuration."},
		{"oom-score-adj-values 1 2", 1, "wrong number of arguments"},
		{"oom-score-adj-values 1 2 3000", 1, "Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
		{"latency-tracking-info-percentiles 101", 1, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
		{"latency-tracking-info-percentiles x", 1, "Invalid latency-tracking-info-percentiles parameters"},
		{"replicaof 1.2.3.4 99999", 1, "Invalid master port"},
		{"replicaof 1.2.3.4", 1, "wrong number of arguments"},
		{"bind " + strings.Repeat("a ", 17), 1, "Too many bind addresses specified."},
		{"list-max-ziplist-entries 1 2", 1, "Bad directive or wrong number of arguments"},
		{"include", 1, "Bad directive or wrong number of arguments"},
		{"sentinel monitor m 127.0.0.1 6379 2", 1, "sentinel directive while not in sentinel mode"},
		{"foo.bar", 1, "Module config specified without value"},
		{"proc-title-template {nope}", 1, "template format is invalid or contains unknown variables"},
		{"proc-title-template {server-mode}", 1, "template format is invalid or contains unknown variables"},
		{"cluster-enabled yes\nreplicaof 1.2.3.4 6379", 0, "replicaof directive not allowed in cluster mode"},
		{"logfile /nonexistent/x.log", 0, "Can't open the log file: No such file or directory"},
	}
	for _, tt := range tests {
		ce := parseErr(t, tt.text)
		if ce.Line != tt.line || ce.Msg != tt.msg || ce.Plain {
			t.Errorf("%q: got line %d %q plain=%v, want line %d %q", tt.text, ce.Line, ce.Msg, ce.Plain, tt.line, tt.msg)
		}
	}
	ce := parseErr(t, "port 7000\n  foo   bar  \n")
	want := "*** FATAL CONFIG FILE ERROR (rcnode 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'foo   bar'\nBad directive or wrong number of arguments"
	if ce.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", ce.Error(), want)
	}
	ce = parseErr(t, "cluster-enabled yes\nslaveof a 1")
	if ce.Error() != "*** FATAL CONFIG FILE ERROR (rcnode 7.0.15) ***\nreplicaof directive not allowed in cluster mode" {
		t.Errorf("Error() = %q", ce.Error())
	}
	ce = parseErr(t, "a.b c")
	if !ce.Plain || ce.Error() != "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting" {
		t.Errorf("module config: %+v", ce)
	}
	mustParse(t, "loadmodule /x.so\na.b c")
}

func TestParseArgs(t *testing.T) {
	files := map[string]string{
		"/w/redis.conf":    "port 7000\nsave 900 1\n",
		"/w/conf.d/a.conf": "maxclients 100\n",
		"/w/conf.d/b.conf": "maxclients 200\n",
	}
	c, err := parseMem(t, []string{"redis.conf", "--port", "7001", "--save", "--bind", "127.0.0.1", "::1"}, files)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "/w/redis.conf" || c.Port != 7001 || len(c.Save) != 0 || !reflect.DeepEqual(c.Bind, []string{"127.0.0.1", "::1"}) {
		t.Errorf("got file %q port %d save %v bind %q", c.File, c.Port, c.Save, c.Bind)
	}
	c, err = parseMem(t, []string{"--save", "--port 7002", "--maxmemory", "1gb"}, nil)
	if err != nil || c.File != "" || len(c.Save) != 0 || c.Port != 7002 || c.Maxmemory != 1<<30 {
		t.Errorf("got %v %+v", err, c)
	}
	c, err = parseMem(t, []string{"--save", "3600", "1", "300", "100"}, nil)
	if err != nil || !reflect.DeepEqual(c.Save, []SaveParam{{3600, 1}, {300, 100}}) {
		t.Errorf("got %v %v", err, c.Save)
	}
	for _, args := range [][]string{{"-v"}, {"--version"}, {"--version", "x"}} {
		if _, err := parseMem(t, args, nil); err != ErrShowVersion {
			t.Errorf("%q: %v", args, err)
		}
	}
	for _, args := range [][]string{{"-h"}, {"--help"}} {
		if _, err := parseMem(t, args, nil); err != ErrShowHelp {
			t.Errorf("%q: %v", args, err)
		}
	}
	// Options are lines after the file: line 3 (file, its trailing newline, then "\n").
	_, err = parseMem(t, []string{"redis.conf", "--maxmemory"}, files)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line != 4 || ce.Text != "maxmemory" || ce.Msg != "wrong number of arguments" {
		t.Errorf("got %v", err)
	}
	_, err = parseMem(t, []string{"--port", "7000", "extra words"}, nil)
	if !errors.As(err, &ce) || ce.Line != 2 || ce.Text != `port "7000" "extra words"` {
		t.Errorf("got %#v", err)
	}
	_, err = parseMem(t, []string{"missing.conf"}, nil)
	if !errors.As(err, &ce) || !ce.Plain || ce.Error() != "Fatal error, can't open config file '/w/missing.conf': No such file or directory" {
		t.Errorf("got %v", err)
	}
	_, err = parseMem(t, []string{"--daemonize", "yes"}, nil)
	if !errors.As(err, &ce) || ce.Line != 0 || !strings.Contains(ce.Msg, "daemonize yes is not supported") {
		t.Errorf("got %v", err)
	}
	if _, err = parseMem(t, []string{"--sentinel"}, nil); err == nil {
		t.Error("--sentinel accepted")
	}
	// stdin is appended to the file directly, options after a newline.
	e := memEnv(files)
	e.stdin = strings.NewReader("maxclients 5\n")
	c, err = parseArgs([]string{"redis.conf", "--timeout", "9", "-"}, e)
	if err != nil || !c.FromStdin || c.Maxclients != 5 || c.Timeout != 9 || c.Port != 7000 {
		t.Errorf("stdin: %v %+v", err, c)
	}
	// include with a glob, relative to dir.
	c, err = parseMem(t, []string{"--include", "conf.d/*.conf"}, files)
	if err != nil || c.Maxclients != 200 {
		t.Errorf("glob include: %v %d", err, c.Maxclients)
	}
	c, err = parseMem(t, []string{"--dir", "conf.d", "--include", "a.conf"}, files)
	if err != nil || c.Maxclients != 100 || c.Dir != "/w/conf.d" {
		t.Errorf("include after dir: %v %+v", err, c)
	}
	_, err = parseMem(t, []string{"--include", "nope.conf"}, files)
	if !errors.As(err, &ce) || !ce.Plain || ce.Msg != "Fatal error, can't open config file 'nope.conf': No such file or directory" {
		t.Errorf("got %v", err)
	}
}

func TestIncludeErrorsAndSaveQuirk(t *testing.T) {
	files := map[string]string{
		"/w/inc.conf":  "port 1\nfoo\n",
		"/w/ok.conf":   "port 2\n",
		"/w/self.conf": "include self.conf\n",
	}
	e := memEnv(files)
	c := newConfig(e)
	err := c.load("port 3\ninclude inc.conf")
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line != 2 || ce.File != "inc.conf" || ce.Text != "foo" {
		t.Errorf("got %#v", err)
	}
	// After an include, Redis forgets it is reading a file: later save lines replace each other.
	c = newConfig(e)
	if err := c.load("save 100 1\ninclude ok.conf\nsave 200 2\nsave 300 3"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Save, []SaveParam{{300, 3}}) {
		t.Errorf("save after include = %v", c.Save)
	}
	c = newConfig(e)
	if err := c.load("include self.conf"); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("self include: %v", err)
	}
}

func TestFgetsCat(t *testing.T) {
	if got := fgetsCat([]byte("port 1\x00junk\nport 2\n")); got != "port 1port 2\n" {
		t.Errorf("got %q", got)
	}
	long := strings.Repeat("x", 1030) + "\x00y\nz\n"
	if got := fgetsCat([]byte(long)); got != strings.Repeat("x", 1030)+"z\n" {
		t.Errorf("got %q", got[1020:])
	}
}

func TestGet(t *testing.T) {
	c := newConfig(memEnv(nil))
	keys := func(kv [][2]string) []string {
		var out []string
		for _, p := range kv {
			out = append(out, p[0])
		}
		return out
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"PORT", "port", "p*"}, []string{"PORT", "protected-mode", "pidfile", "proc-title-template", "propagation-error-behavior", "proto-max-bulk-len"}},
		{[]string{"*slave-p*"}, []string{"slave-priority", "repl-ping-slave-period"}},
		{[]string{"use-exit-on-panic"}, []string{"use-exit-on-panic"}},
		{[]string{"*exit-on*"}, nil},
		{[]string{"nosuch"}, nil},
		{[]string{"slaveof", "replicaof"}, []string{"slaveof", "replicaof"}},
	}
	for _, tt := range tests {
		if got := keys(c.Get(tt.args...)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Get(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
	if n := len(c.Get("*")); n != 192 {
		t.Errorf("Get(*) has %d entries, redis-server 7.0.15 has 192", n)
	}
}

func TestSet(t *testing.T) {
	c := newConfig(memEnv(map[string]string{"/w/d/x": ""}))
	var changed []string
	c.OnChange(func(name string) { changed = append(changed, name) })
	tests := []struct {
		pairs [][2]string
		err   string
	}{
		{[][2]string{{"foo", "bar"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"PORT", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer"},
		{[][2]string{{"slave-priority", "x"}}, "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer"},
		{[][2]string{{"databases", "3"}}, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		{[][2]string{{"dir", "/tmp"}}, "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"},
		{[][2]string{{"timeout", "5"}, {"TIMEOUT", "6"}}, "ERR CONFIG SET failed (possibly related to argument 'TIMEOUT') - duplicate parameter"},
		{[][2]string{{"databases", "1"}, {"foo", "bar"}}, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		{[][2]string{{"foo", "bar"}, {"databases", "1"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"save", "100 1  3"}}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
		{[][2]string{{"maxmemory", "10mb"}, {"maxmemory-policy", "bogus"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"},
	}
	for _, tt := range tests {
		err := c.Set(tt.pairs)
		if err == nil || err.Error() != tt.err {
			t.Errorf("Set(%q) = %v, want %s", tt.pairs, err, tt.err)
		}
	}
	if c.Maxmemory != 0 || c.Timeout != 0 || len(changed) != 0 {
		t.Errorf("failed Set changed something: maxmemory %d timeout %d changed %q", c.Maxmemory, c.Timeout, changed)
	}
	if err := c.Set([][2]string{{"maxmemory", "1gb"}, {"slave-read-only", "no"}, {"replica-read-only", "no"}, {"hz", "1000"}, {"save", ""}, {"loglevel", "notice"}}); err != nil {
		t.Fatal(err)
	}
	if c.Maxmemory != 1<<30 || c.ReplicaReadOnly || c.Hz != 500 || len(c.Save) != 0 {
		t.Errorf("values after Set: %+v", c)
	}
	if want := []string{"maxmemory", "replica-read-only", "hz", "save"}; !reflect.DeepEqual(changed, want) {
		t.Errorf("changed = %q, want %q", changed, want)
	}
	// Protected configs need enable-protected-configs (yes, or local for a local client).
	c.EnableProtectedConfigs = "local"
	if err := c.SetFrom([][2]string{{"dir", "d"}}, false); err == nil {
		t.Error("protected dir set from a remote client")
	}
	if err := c.SetFrom([][2]string{{"dir", "d"}, {"dbfilename", "x.rdb"}}, true); err != nil || c.Dir != "/w/d" || c.Dbfilename != "x.rdb" {
		t.Errorf("local protected set: %v %q %q", err, c.Dir, c.Dbfilename)
	}
	if err := c.SetFrom([][2]string{{"dir", "nope"}}, true); err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory" {
		t.Errorf("bad dir: %v", err)
	}
}

func TestSetApplyFailureRestores(t *testing.T) {
	c := newConfig(memEnv(nil))
	var applied []string
	c.OnApply(func(name string) error {
		applied = append(applied, name+"="+mustValue(c, name))
		if name == "port" && c.Port == 7777 {
			return errors.New("Unable to listen on this port. Check server logs.")
		}
		return nil
	})
	err := c.Set([][2]string{{"timeout", "30"}, {"port", "7777"}})
	if err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs." {
		t.Fatalf("got %v", err)
	}
	if c.Port != 6379 || c.Timeout != 0 {
		t.Errorf("not restored: port %d timeout %d", c.Port, c.Timeout)
	}
	if want := []string{"timeout=30", "port=7777", "timeout=0", "port=6379"}; !reflect.DeepEqual(applied, want) {
		t.Errorf("applied %q, want %q", applied, want)
	}
}

func mustValue(c *Config, name string) string {
	v, _ := c.Value(name)
	return v
}

func TestRewriteContent(t *testing.T) {
	old := strings.Join([]string{
		"# top comment",
		"port 7955",
		"",
		"",
		"bind 127.0.0.1",
		"save 100 1",
		"# middle",
		"save 200 2",
		"SLAVE-READ-ONLY no",
		"maxmemory 1mb",
		"include /etc/other.conf",
		"user default on nopass",
		"no-such-directive 1",
		`requirepass "a b"`,
		"bind * -::*",
		"",
	}, "\n")
	c := newConfig(memEnv(map[string]string{"/etc/other.conf": ""}))
	if err := c.load(strings.Replace(old, "no-such-directive 1\n", "", 1)); err != nil {
		t.Fatal(err)
	}
	if err := c.Set([][2]string{{"maxmemory", "3000"}, {"timeout", "7"}, {"save", ""}, {"replica-read-only", "yes"},
		{"cluster-announce-ip", "1.2.3.4"}, {"client-output-buffer-limit", "pubsub 1mb 2mb 3"}, {"masterauth", "x\"y"}}); err != nil {
		t.Fatal(err)
	}
	got := c.RewriteContent(old)
	want := strings.Join([]string{
		"# top comment",
		"port 7955",
		"",
		`save ""`,
		"# middle",
		"",
		"replica-read-only yes",
		"maxmemory 3000",
		"include /etc/other.conf",
		"user default on nopass",
		"# ??? no-such-directive 1",
		`requirepass "a b"`,
		"",
		rewriteSignature,
		`cluster-announce-ip "1.2.3.4"`,
		`masterauth "x\"y"`,
		"timeout 7",
		`dir "/w"`,
		"client-output-buffer-limit pubsub 1mb 2mb 3",
		"latency-tracking-info-percentiles 50 99 99.9",
		"",
	}, "\n")
	if got != want {
		t.Errorf("rewrite:\n%s\nwant:\n%s", got, want)
	}
	// What was rewritten loads back to the same values.
	c2 := newConfig(memEnv(map[string]string{"/etc/other.conf": ""}))
	if err := c2.load(got); err != nil {
		t.Fatal(err)
	}
	if a, b := c.Get("*"), c2.Get("*"); !reflect.DeepEqual(a, b) {
		t.Errorf("reloaded config differs")
	}
}

func TestRewriteFile(t *testing.T) {
	dir := t.TempDir()
	c := Default()
	if err := c.Rewrite(); err == nil || err.Error() != "ERR The server is running without a config file" {
		t.Errorf("no file: %v", err)
	}
	c.File = filepath.Join(dir, "redis.conf")
	if err := os.WriteFile(c.File, []byte("# mine\nport 7000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.Port = 7001
	if err := c.Rewrite(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(c.File)
	if !strings.HasPrefix(string(data), "# mine\nport 7001\n") {
		t.Errorf("rewritten: %q", data)
	}
	fi, _ := os.Stat(c.File)
	if fi.Mode().Perm() != 0o644&^umask() {
		t.Errorf("mode %v", fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp file left behind: %v", entries)
	}
	c.File = filepath.Join(dir, "missing-dir", "redis.conf")
	if err := c.Rewrite(); err == nil || !strings.HasPrefix(err.Error(), "ERR Rewriting config file: No such file or directory") {
		t.Errorf("bad dir: %v", err)
	}
}
