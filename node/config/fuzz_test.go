package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

const debianConf = "/etc/redis/redis.conf" // the full commented redis.conf Debian ships

func fuzzEnv() *env {
	return memEnv(map[string]string{"/w/inc.conf": "port 1\nsave 1 1\n", "/w/d/x": ""})
}

func addSeeds(f *testing.F) {
	for _, tc := range diffCases {
		f.Add(tc.conf)
	}
	f.Add("include inc.conf\nsave 2 2\ninclude d/*.conf\ndir d\n")
	f.Add("save \"1 2 3\"\nbind \"'a\"\nlatency-tracking-info-percentiles \"1 '2\"")
	f.Add("client-output-buffer-limit normal 1 2 3 replica 4k 5mb 6 pubsub 7gb 8 9\noom-score-adj-values -1 0 1\n")
	f.Add("maxmemory 99999999999999999999\nsave 1 4294967295\nreplicaof h 4294967296\n")
}

// FuzzParseConfig: no input makes loading panic; every refusal is a *ConfigError that
// points at a real line; whatever is accepted can be read back through CONFIG GET and
// rewritten, and the rewrite can be loaded again without panicking.
func FuzzParseConfig(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data string) {
		text := fgetsCat([]byte(data))
		c := newConfig(fuzzEnv())
		err := c.load(text)
		if err != nil {
			checkConfigError(t, text, err)
			return
		}
		_ = c.Get("*")
		for _, p := range params {
			_, _ = c.Value(p.name)
		}
		out := c.RewriteContent(text)
		c2 := newConfig(fuzzEnv())
		if err := c2.load(out); err != nil {
			checkConfigError(t, out, err)
		}
	})
}

func checkConfigError(t *testing.T, text string, err error) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error %T is not a *ConfigError: %v", err, err)
	}
	msg := ce.Error()
	switch {
	case ce.Plain:
		if !strings.HasPrefix(msg, "Fatal error, can't open config file") && !strings.HasPrefix(msg, "Module Configuration detected") {
			t.Fatalf("unexpected plain error %q", msg)
		}
	case ce.Line == 0:
		if !strings.HasPrefix(msg, "*** FATAL CONFIG FILE ERROR") || ce.Msg == "" {
			t.Fatalf("bad error %q", msg)
		}
	case ce.File == "":
		lines := strings.Split(text, "\n")
		if ce.Line > len(lines) {
			t.Fatalf("line %d of a %d-line text", ce.Line, len(lines))
		}
		if want := trimSet(lines[ce.Line-1], " \t\r\n"); ce.Text != want {
			t.Fatalf("line %d is %q, error shows %q", ce.Line, want, ce.Text)
		}
		if ce.Msg == "" {
			t.Fatal("empty message")
		}
	}
}

// FuzzParseArgs: command lines (one argument per input line) never panic and fail only
// with the sentinels or a *ConfigError.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"-v", "--port\n7000", "inc.conf\n--save\n--port\n1", "-\n--maxmemory", "--save\n--\n-\n-", "\n\n--port 1 2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\n")
		if len(args) > 32 {
			args = args[:32]
		}
		e := fuzzEnv()
		e.stdin = strings.NewReader("timeout 5\n")
		_, err := parseArgs(args, e)
		if err != nil && err != ErrShowHelp && err != ErrShowVersion {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *ConfigError: %v", err, err)
			}
			_ = ce.Error()
		}
	})
}

// The redis.conf Debian installs (every directive documented, most commented out) loads,
// with daemonize overridden as its systemd unit does.
func TestDebianRedisConf(t *testing.T) {
	if _, err := os.ReadFile(debianConf); err != nil {
		t.Skip(err)
	}
	e := osEnv(strings.NewReader(""), nil)
	e.chdir = func(cwd, dir string) (string, error) { return resolve(cwd, dir), nil }
	e.openLog = func(string) error { return nil }
	c, err := parseArgs([]string{debianConf, "--daemonize", "no"}, e)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir != "/var/lib/redis" || c.Logfile != "/var/log/redis/redis-server.log" || c.Port != 6379 {
		t.Errorf("got dir %q logfile %q port %d", c.Dir, c.Logfile, c.Port)
	}
	t.Logf("ignored: %q", c.Ignored)
}
