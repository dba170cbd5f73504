package config

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Options adjusts ParseArgsWith.
type Options struct {
	// Stdin is read for the "-" argument; nil means os.Stdin.
	Stdin io.Reader
	// CommandExists validates rename-command like Redis's command table does ("No such
	// command in rename-command", "Target command name already exists"); nil accepts any
	// name.
	CommandExists func(name string) bool
}

// ParseArgs reads the configuration the way redis-server's main() does from its arguments
// (os.Args[1:]):
//
//	rcnode [/path/to/redis.conf] [--directive value ...] [-]
//
// The first argument is the config file unless it starts with "-"; "-" as the first or
// last argument reads more configuration from standard input; every "--name value..."
// becomes a "name value..." line appended after the file and stdin, so the last setting
// wins. -v/--version and -h/--help return ErrShowVersion and ErrShowHelp.
//
// A configuration redis-server would refuse gives a *ConfigError with Redis's text.
// Deliberate differences: "daemonize yes" is refused (rcnode runs in the foreground only),
// and --sentinel, --test-memory and --check-system are not supported.
func ParseArgs(args []string) (*Config, error) { return ParseArgsWith(args, Options{}) }

// ParseArgsWith is ParseArgs with Options.
func ParseArgsWith(args []string, opt Options) (*Config, error) {
	return parseArgs(args, osEnv(opt.Stdin, opt.CommandExists))
}

// Parse loads text as if it were the config file's content, without a config file
// (File is ""): for tests and tools.
func Parse(text string) (*Config, error) {
	e := osEnv(strings.NewReader(""), nil)
	c := newConfig(e)
	if err := c.load(text); err != nil {
		return nil, err
	}
	if err := c.finalChecks(); err != nil {
		return nil, err
	}
	return c, nil
}

// env is everything loading touches outside the process: tests and the fuzz target
// replace it.
type env struct {
	getwd    func() (string, error)
	readFile func(path string) ([]byte, error) // a directory reads as empty, as with fopen+fgets
	glob     func(pattern string) []string
	// chdir checks that dir could be chdir()ed to from cwd and returns the new working
	// directory as getcwd would report it.
	chdir         func(cwd, dir string) (string, error)
	openLog       func(path string) error
	stdin         io.Reader
	commandExists func(name string) bool
}

func osEnv(stdin io.Reader, commandExists func(string) bool) *env {
	if stdin == nil {
		stdin = os.Stdin
	}
	return &env{
		getwd: syscall.Getwd,
		readFile: func(path string) ([]byte, error) {
			f, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			if fi, err := f.Stat(); err == nil && fi.IsDir() {
				return nil, nil
			}
			return io.ReadAll(f)
		},
		glob: func(pattern string) []string {
			m, _ := filepath.Glob(pattern)
			return m
		},
		chdir: func(cwd, dir string) (string, error) {
			if dir == "" {
				return "", syscall.ENOENT
			}
			p := resolve(cwd, dir)
			fi, err := os.Stat(p)
			if err != nil {
				return "", err
			}
			if !fi.IsDir() {
				return "", syscall.ENOTDIR
			}
			if err := syscall.Access(p, 1 /* X_OK */); err != nil {
				return "", err
			}
			if real, err := filepath.EvalSymlinks(p); err == nil {
				p = real
			}
			return filepath.Clean(p), nil
		},
		openLog: func(path string) error {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
			if err != nil {
				return err
			}
			return f.Close()
		},
		stdin:         stdin,
		commandExists: commandExists,
	}
}

// loader is the state of one load: Redis keeps it in globals.
type loader struct {
	c *Config
	// reading is Redis's reading_config_file. It is cleared when any text load ends, an
	// included file's included: a quirk that makes save lines after an include replace
	// each other instead of accumulating. Kept, since it is what redis-server does.
	reading    bool
	saveLoaded bool
	depth      int

	loadmodule    bool // a loadmodule directive was seen
	moduleConfigs bool // a module.option directive was seen
	removed       map[string]bool
	added         map[string]bool
	users         map[string]bool // user directives seen, by exact name
}

const maxIncludeDepth = 64

func parseArgs(args []string, e *env) (*Config, error) {
	c := newConfig(e)
	if len(args) == 0 {
		return c, nil
	}
	switch args[0] {
	case "-v", "--version":
		return nil, ErrShowVersion
	case "--help", "-h":
		return nil, ErrShowHelp
	case "--test-memory", "--check-system":
		return nil, &ConfigError{Plain: true, Msg: ServerName + " does not implement " + args[0]}
	}
	for _, a := range args {
		if a == "--sentinel" {
			return nil, &ConfigError{Plain: true, Msg: ServerName + " does not implement Sentinel mode (--sentinel)"}
		}
	}

	j := 0
	if !strings.HasPrefix(args[0], "-") {
		c.File = absolutePath(args[0], c.Dir)
		j = 1
	}
	var opts strings.Builder
	handledLast := true
	n := len(args)
	for ; j < n; j++ {
		a := cstr(args[j])
		if a == "-" && (j == 0 || j == n-1) {
			c.FromStdin = true
			continue
		}
		if handledLast && strings.HasPrefix(a, "--") {
			if opts.Len() > 0 {
				opts.WriteByte('\n')
			}
			opts.WriteString(a[2:])
			opts.WriteByte(' ')
			tmp, _ := splitArgs(a)
			if len(tmp) == 1 {
				// Only a name ("--port"): its value is the next argument.
				handledLast = false
				nextIsOption := j != n-1 && strings.HasPrefix(cstr(args[j+1]), "--")
				isSave := lowerASCII(a) == "--save"
				if isSave && (nextIsOption || j == n-1) {
					// "--save" followed by another option or nothing means save "".
					opts.WriteString(`""`)
					handledLast = nextIsOption
				}
			} else {
				handledLast = true
			}
		} else {
			opts.WriteString(repr(a))
			opts.WriteByte(' ')
			handledLast = true
		}
	}

	var text strings.Builder
	if c.File != "" {
		data, err := e.readFile(c.File)
		if err != nil {
			return nil, cantOpen(c.File, err)
		}
		text.WriteString(fgetsCat(data))
	}
	if c.FromStdin {
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, &ConfigError{Plain: true, Msg: "Fatal error, can't read config from stdin: " + strerror(err)}
		}
		text.WriteString(fgetsCat(data))
	}
	text.WriteByte('\n')
	text.WriteString(opts.String())
	if err := c.load(text.String()); err != nil {
		return nil, err
	}
	if err := c.finalChecks(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) load(text string) error {
	ld := &loader{c: c}
	c.ld = ld
	defer func() { c.ld = nil }()
	if err := ld.loadString(text, ""); err != nil {
		return err
	}
	if ld.moduleConfigs && !ld.loadmodule {
		return &ConfigError{Plain: true, Msg: "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting"}
	}
	return nil
}

// finalChecks are rcnode's own refusals, made on the final values so that
// "--daemonize no" on the command line still overrides a file's "daemonize yes".
func (c *Config) finalChecks() error {
	if c.Daemonize {
		return &ConfigError{Msg: ServerName + " does not fork into the background: daemonize yes is not supported; " +
			"use daemonize no and run it under a supervisor (systemd, runit, a container)"}
	}
	return nil
}

func cantOpen(path string, err error) error {
	return &ConfigError{Plain: true, Msg: "Fatal error, can't open config file '" + path + "': " + strerror(err)}
}

// absolutePath is getAbsolutePath: trimmed, joined to the working directory, leading
// "../" elements folded into it.
func absolutePath(name, cwd string) string {
	rel := trimSet(cstr(name), " \r\n\t")
	if strings.HasPrefix(rel, "/") {
		return rel
	}
	abs := cwd
	if abs == "" || abs[len(abs)-1] != '/' {
		abs += "/"
	}
	for len(rel) >= 3 && strings.HasPrefix(rel, "../") {
		rel = rel[3:]
		if len(abs) > 1 {
			i := strings.LastIndexByte(abs[:len(abs)-1], '/')
			abs = abs[:i+1]
		}
	}
	return abs + rel
}

// fgetsCat is how Redis reads a file: fgets chunks of at most 1024 bytes appended with
// sdscat, so anything after a NUL byte in a chunk (newline included) is lost.
func fgetsCat(data []byte) string {
	var b strings.Builder
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n')
		if n >= 0 && n < 1024 {
			n++
		} else {
			n = min(len(data), 1024)
		}
		chunk := data[:n]
		if z := bytes.IndexByte(chunk, 0); z >= 0 {
			chunk = chunk[:z]
		}
		b.Write(chunk)
		data = data[n:]
	}
	return b.String()
}

// deprecated are directives Redis 7.0 still reads and ignores, with their exact argc.
var deprecated = map[string]int{
	"list-max-ziplist-entries": 2,
	"list-max-ziplist-value":   2,
	"lua-replicate-commands":   2,
}

// loadString is loadServerConfigFromString.
func (ld *loader) loadString(text, file string) error {
	c := ld.c
	ld.reading = true
	var lines []string
	if text != "" {
		lines = strings.Split(text, "\n")
	}
	for i, raw := range lines {
		line := trimSet(raw, " \t\r\n")
		fail := func(msg string) error {
			return &ConfigError{File: file, Line: i + 1, Text: line, Msg: msg}
		}
		if line == "" || line[0] == '#' {
			continue
		}
		argv, ok := splitArgs(line)
		if !ok {
			return fail("Unbalanced quotes in configuration line")
		}
		if len(argv) == 0 {
			continue
		}
		name := lowerASCII(argv[0])
		argc := len(argv)

		if p, _ := lookup(name); p != nil {
			if p.flags&fMultiArg == 0 && argc != 2 {
				return fail("wrong number of arguments")
			}
			args := argv[1:]
			if p.flags&fMultiArg != 0 && argc == 2 && argv[1] != "" {
				// One argument to a multi-argument directive is split again, so that
				// --save "3600 1 300 100" works. Unbalanced quotes give no arguments.
				args, _ = splitArgs(argv[1])
			}
			if _, msg := p.set(c, args); msg != "" {
				return fail(msg)
			}
			if !p.typed {
				c.Ignored = append(c.Ignored, ignoredLine(p, line))
			}
			continue
		}
		cname := cstr(name) // Redis compares the rest with strcasecmp, up to a NUL
		if want, ok := deprecated[cname]; ok && argc == want {
			c.Ignored = append(c.Ignored, line)
			continue
		}
		switch {
		case cname == "include" && argc == 2:
			if err := ld.include(argv[1], fail); err != nil {
				return err
			}
		case cname == "rename-command" && argc == 3:
			if msg := ld.renameCommand(argv[1], argv[2]); msg != "" {
				return fail(msg)
			}
			c.RenameCommands = append(c.RenameCommands, [2]string{argv[1], argv[2]})
			c.Ignored = append(c.Ignored, line)
		case cname == "user" && argc >= 2:
			// Only Redis's duplicate check is made; the ACL rules themselves are not
			// validated: rcnode has no ACL system yet.
			if ld.users[argv[1]] {
				return fail("Error in user declaration '" + cstr(argv[1]) + "': Duplicate user found. A user can only be defined once in config files")
			}
			if ld.users == nil {
				ld.users = map[string]bool{}
			}
			ld.users[argv[1]] = true
			c.Ignored = append(c.Ignored, "user "+argv[1]+" (rules not shown)")
		case cname == "loadmodule" && argc >= 2:
			ld.loadmodule = true
			c.Ignored = append(c.Ignored, line)
		case strings.IndexByte(cname, '.') >= 0:
			if argc < 2 {
				return fail("Module config specified without value")
			}
			ld.moduleConfigs = true
			c.Ignored = append(c.Ignored, argv[0]+" (module config)")
		case cname == "sentinel":
			// A bare "sentinel" line is handled by redis-server's main(); rcnode has no
			// Sentinel mode, so any other sentinel line is refused as Redis does outside it.
			if argc != 1 {
				return fail("sentinel directive while not in sentinel mode")
			}
		default:
			return fail("Bad directive or wrong number of arguments")
		}
	}

	if c.Logfile != "" {
		if err := c.env.openLog(resolve(c.Dir, c.Logfile)); err != nil {
			return &ConfigError{File: file, Msg: "Can't open the log file: " + strerror(err)}
		}
	}
	if c.ClusterEnabled && c.ReplicaofHost != "" {
		return &ConfigError{File: file, Msg: "replicaof directive not allowed in cluster mode"}
	}
	clampHz(c)
	ld.reading = false
	return nil
}

func ignoredLine(p *param, line string) string {
	if p.flags&fSensitive != 0 || strings.HasSuffix(p.name, "-pass") {
		return p.name + " (value not shown)"
	}
	return line
}

// include reads another file (or every file a glob pattern matches, concatenated) as its
// own text, relative to the current dir setting.
func (ld *loader) include(path string, fail func(string) error) error {
	c := ld.c
	if ld.depth >= maxIncludeDepth {
		return fail("Too many nested include directives")
	}
	path = cstr(path)
	var text string
	if strings.ContainsAny(path, "*?[") {
		var b strings.Builder
		for _, m := range c.env.glob(resolve(c.Dir, path)) {
			data, err := c.env.readFile(m)
			if err != nil {
				return cantOpen(m, err)
			}
			b.WriteString(fgetsCat(data))
		}
		text = b.String()
	} else {
		data, err := c.env.readFile(resolve(c.Dir, path))
		if err != nil {
			return cantOpen(path, err)
		}
		text = fgetsCat(data)
	}
	ld.depth++
	defer func() { ld.depth-- }()
	return ld.loadString(text, path)
}

// renameCommand checks rename-command against the server's command table, when it gave one.
func (ld *loader) renameCommand(from, to string) string {
	exists := ld.c.env.commandExists
	if exists == nil {
		return ""
	}
	if ld.removed == nil {
		ld.removed, ld.added = map[string]bool{}, map[string]bool{}
	}
	has := func(name string) bool {
		n := lowerASCII(name)
		if ld.added[n] {
			return true
		}
		return !ld.removed[n] && exists(n)
	}
	if !has(from) {
		return "No such command in rename-command"
	}
	ld.removed[lowerASCII(from)] = true
	delete(ld.added, lowerASCII(from))
	if to != "" {
		if has(to) {
			return "Target command name already exists"
		}
		ld.added[lowerASCII(to)] = true
	}
	return ""
}
