package config

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// The directives Redis implements with their own set/get/rewrite functions.

const maxBindAddrs = 16 // CONFIG_BINDADDR_MAX

var defaultBind = []string{"*", "-::*"}

var defaultSave = []SaveParam{{3600, 1}, {300, 100}, {60, 10000}}

// obufLimit is one class of client-output-buffer-limit.
type obufLimit struct {
	hard, soft uint64
	seconds    int
}

// obufClasses are the classes in Redis's order: normal, replica (slave), pubsub.
var obufClassNames = [3]string{"normal", "slave", "pubsub"}

var defaultObuf = [3]obufLimit{{0, 0, 0}, {256 << 20, 64 << 20, 60}, {32 << 20, 8 << 20, 60}}

var defaultOOMValues = [3]int{0, 200, 800}

func specialParams() []*param {
	return []*param{dirParam(), saveParam(), obufParam(), oomValuesParam(), notifyParam(),
		bindParam(), replicaofParam(), latencyPercentilesParam()}
}

func dirParam() *param {
	p := &param{name: "dir", flags: fProtected | fDenyLoading, typed: true}
	p.init = func(c *Config) {}
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) != 1 {
			return false, "wrong number of arguments"
		}
		d, err := c.env.chdir(c.Dir, cstr(args[0]))
		if err != nil {
			return false, strerror(err)
		}
		c.Dir = d
		return true, ""
	}
	p.get = func(c *Config) string { return c.Dir }
	p.rewrite = func(c *Config, st *rewriteState) {
		if c.Dir == "" {
			st.markProcessed("dir")
			return
		}
		st.rewriteLine("dir", "dir "+repr(c.Dir), true)
	}
	snapRestore(p, func(c *Config) *string { return &c.Dir })
	return p
}

// resolve joins a relative path to the (virtual) working directory.
func resolve(dir, path string) string {
	if filepath.IsAbs(path) || dir == "" {
		return path
	}
	return filepath.Join(dir, path)
}

func saveParam() *param {
	p := &param{name: "save", flags: fMultiArg, typed: true}
	p.init = func(c *Config) { c.Save = append([]SaveParam(nil), defaultSave...) }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) == 1 && args[0] == "" {
			c.Save = nil
			args = nil
		}
		if len(args)%2 != 0 {
			return false, "Invalid save parameters"
		}
		vals := make([]int64, len(args))
		for j, a := range args {
			v, ok := strtollAll(a)
			if !ok || (j%2 == 0 && v < 1) || (j%2 == 1 && v < 0) {
				return false, "Invalid save parameters"
			}
			vals[j] = v
		}
		// While a file is read, the first save line replaces the defaults and the following
		// ones add to it; otherwise (CONFIG SET) the new list replaces the old one.
		if c.ld == nil || !c.ld.reading {
			c.Save = nil
		} else if !c.ld.saveLoaded {
			c.ld.saveLoaded = true
			c.Save = nil
		}
		for j := 0; j < len(vals); j += 2 {
			c.Save = append(c.Save, SaveParam{Seconds: vals[j], Changes: int(int32(vals[j+1]))})
		}
		return true, ""
	}
	p.get = func(c *Config) string {
		parts := make([]string, 0, 2*len(c.Save))
		for _, s := range c.Save {
			parts = append(parts, strconv.FormatInt(s.Seconds, 10), strconv.Itoa(s.Changes))
		}
		return strings.Join(parts, " ")
	}
	p.rewrite = func(c *Config, st *rewriteState) {
		if len(c.Save) == 0 {
			st.rewriteLine("save", `save ""`, true)
		}
		for _, s := range c.Save {
			st.rewriteLine("save", "save "+strconv.FormatInt(s.Seconds, 10)+" "+strconv.Itoa(s.Changes), true)
		}
		st.markProcessed("save")
	}
	p.snap = func(c *Config) any { return append([]SaveParam(nil), c.Save...) }
	p.restore = func(c *Config, v any) { c.Save = v.([]SaveParam) }
	return p
}

func obufParam() *param {
	const name = "client-output-buffer-limit"
	field := func(c *Config) *[3]obufLimit { return slot[[3]obufLimit](c, name) }
	p := &param{name: name, flags: fMultiArg}
	p.init = func(c *Config) { *field(c) = defaultObuf }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args)%4 != 0 {
			return false, "Wrong number of arguments in buffer limit configuration."
		}
		vals := *field(c)
		for j := 0; j < len(args); j += 4 {
			class := -1
			switch lowerASCII(cstr(args[j])) {
			case "normal":
				class = 0
			case "slave", "replica":
				class = 1
			case "pubsub":
				class = 2
			}
			if class < 0 {
				return false, "Invalid client class specified in buffer limit configuration."
			}
			hard, ok1 := memtoull(args[j+1])
			soft, ok2 := memtoull(args[j+2])
			secs, ok3 := strtollAll(args[j+3])
			if !ok1 || !ok2 || !ok3 || int32(secs) < 0 {
				return false, "Error in hard, soft or soft_seconds setting in buffer limit configuration."
			}
			vals[class] = obufLimit{hard, soft, int(int32(secs))}
		}
		*field(c) = vals
		return true, ""
	}
	p.get = func(c *Config) string {
		v := field(c)
		parts := make([]string, 0, 3)
		for i, l := range v {
			parts = append(parts, obufClassNames[i]+" "+strconv.FormatUint(l.hard, 10)+" "+
				strconv.FormatUint(l.soft, 10)+" "+strconv.Itoa(l.seconds))
		}
		return strings.Join(parts, " ")
	}
	p.rewrite = func(c *Config, st *rewriteState) {
		for i, l := range *field(c) {
			class := obufClassNames[i]
			if class == "slave" {
				class = "replica"
			}
			line := name + " " + class + " " + formatMemory(int64(l.hard)) + " " +
				formatMemory(int64(l.soft)) + " " + strconv.Itoa(l.seconds)
			st.rewriteLine(name, line, l != defaultObuf[i])
		}
	}
	snapRestore(p, field)
	return p
}

func oomValuesParam() *param {
	const name = "oom-score-adj-values"
	field := func(c *Config) *[3]int { return slot[[3]int](c, name) }
	p := &param{name: name, flags: fMultiArg}
	p.init = func(c *Config) { *field(c) = defaultOOMValues }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) != 3 {
			return false, "wrong number of arguments"
		}
		var vals [3]int
		for i, a := range args {
			v, ok := strtollAll(a)
			if !ok || v < -2000 || v > 2000 {
				return false, "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
			}
			vals[i] = int(v)
		}
		changed := *field(c) != vals
		*field(c) = vals
		return changed, ""
	}
	p.get = func(c *Config) string {
		v := field(c)
		return strconv.Itoa(v[0]) + " " + strconv.Itoa(v[1]) + " " + strconv.Itoa(v[2])
	}
	p.rewrite = func(c *Config, st *rewriteState) {
		st.rewriteLine(name, name+" "+p.get(c), *field(c) != defaultOOMValues)
	}
	snapRestore(p, field)
	return p
}

// Keyspace notification classes (server.h NOTIFY_*).
const (
	notifyKeyspace = 1 << 0
	notifyKeyevent = 1 << 1
	notifyGeneric  = 1 << 2
	notifyString   = 1 << 3
	notifyList     = 1 << 4
	notifySet      = 1 << 5
	notifyHash     = 1 << 6
	notifyZset     = 1 << 7
	notifyExpired  = 1 << 8
	notifyEvicted  = 1 << 9
	notifyStream   = 1 << 10
	notifyKeyMiss  = 1 << 11
	notifyModule   = 1 << 13
	notifyNew      = 1 << 14
	notifyAll      = notifyGeneric | notifyString | notifyList | notifySet | notifyHash | notifyZset |
		notifyExpired | notifyEvicted | notifyStream | notifyModule
)

func keyspaceEventsFlags(s string) int {
	flags := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'A':
			flags |= notifyAll
		case 'g':
			flags |= notifyGeneric
		case '$':
			flags |= notifyString
		case 'l':
			flags |= notifyList
		case 's':
			flags |= notifySet
		case 'h':
			flags |= notifyHash
		case 'z':
			flags |= notifyZset
		case 'x':
			flags |= notifyExpired
		case 'e':
			flags |= notifyEvicted
		case 'K':
			flags |= notifyKeyspace
		case 'E':
			flags |= notifyKeyevent
		case 't':
			flags |= notifyStream
		case 'm':
			flags |= notifyKeyMiss
		case 'd':
			flags |= notifyModule
		case 'n':
			flags |= notifyNew
		default:
			return -1
		}
	}
	return flags
}

func keyspaceEventsString(flags int) string {
	var b strings.Builder
	if flags&notifyAll == notifyAll {
		b.WriteByte('A')
	} else {
		for _, f := range []struct {
			bit int
			c   byte
		}{{notifyGeneric, 'g'}, {notifyString, '$'}, {notifyList, 'l'}, {notifySet, 's'},
			{notifyHash, 'h'}, {notifyZset, 'z'}, {notifyExpired, 'x'}, {notifyEvicted, 'e'},
			{notifyStream, 't'}, {notifyModule, 'd'}, {notifyNew, 'n'}} {
			if flags&f.bit != 0 {
				b.WriteByte(f.c)
			}
		}
	}
	if flags&notifyKeyspace != 0 {
		b.WriteByte('K')
	}
	if flags&notifyKeyevent != 0 {
		b.WriteByte('E')
	}
	if flags&notifyKeyMiss != 0 {
		b.WriteByte('m')
	}
	return b.String()
}

func notifyParam() *param {
	const name = "notify-keyspace-events"
	field := func(c *Config) *int { return slot[int](c, name) }
	p := &param{name: name}
	p.init = func(c *Config) { *field(c) = 0 }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) != 1 {
			return false, "wrong number of arguments"
		}
		f := keyspaceEventsFlags(cstr(args[0]))
		if f < 0 {
			return false, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
		}
		*field(c) = f
		return true, ""
	}
	p.get = func(c *Config) string { return keyspaceEventsString(*field(c)) }
	p.rewrite = func(c *Config, st *rewriteState) {
		st.rewriteLine(name, name+" "+repr(p.get(c)), *field(c) != 0)
	}
	snapRestore(p, field)
	return p
}

func bindParam() *param {
	p := &param{name: "bind", flags: fMultiArg, typed: true}
	p.init = func(c *Config) { c.Bind = append([]string(nil), defaultBind...) }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) > maxBindAddrs {
			return false, "Too many bind addresses specified."
		}
		if len(args) == 1 && args[0] == "" {
			args = nil
		}
		c.Bind = make([]string, len(args))
		for i, a := range args {
			c.Bind[i] = cstr(a)
		}
		return true, ""
	}
	p.get = func(c *Config) string { return strings.Join(c.Bind, " ") }
	p.rewrite = func(c *Config, st *rewriteState) {
		if equalStrings(c.Bind, defaultBind) {
			st.markProcessed("bind")
			return
		}
		addrs := `""`
		if len(c.Bind) > 0 {
			addrs = strings.Join(c.Bind, " ")
		}
		st.rewriteLine("bind", "bind "+addrs, true)
	}
	p.snap = func(c *Config) any { return append([]string(nil), c.Bind...) }
	p.restore = func(c *Config, v any) { c.Bind = v.([]string) }
	return p
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type replicaof struct {
	host string
	port int
}

func replicaofParam() *param {
	p := &param{name: "replicaof", alias: "slaveof", flags: fImmutable | fMultiArg, typed: true}
	p.init = func(c *Config) { c.ReplicaofHost, c.ReplicaofPort = "", 6379 }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) != 2 {
			return false, "wrong number of arguments"
		}
		c.ReplicaofHost = ""
		if lowerASCII(cstr(args[0])) == "no" && lowerASCII(cstr(args[1])) == "one" {
			return true, ""
		}
		v, ok := strtollAll(args[1])
		port := int(int32(v)) // masterport is a C int
		c.ReplicaofPort = port
		if port < 0 || port > 65535 || !ok {
			return false, "Invalid master port"
		}
		c.ReplicaofHost = args[0]
		return true, ""
	}
	p.get = func(c *Config) string {
		if c.ReplicaofHost == "" {
			return ""
		}
		return c.ReplicaofHost + " " + strconv.Itoa(c.ReplicaofPort)
	}
	p.rewrite = func(c *Config, st *rewriteState) {
		// A master, or any cluster node, must not keep a replicaof line.
		if c.ClusterEnabled || c.ReplicaofHost == "" {
			st.markProcessed("replicaof")
			return
		}
		st.rewriteLine("replicaof", "replicaof "+c.ReplicaofHost+" "+strconv.Itoa(c.ReplicaofPort), true)
	}
	p.snap = func(c *Config) any { return replicaof{c.ReplicaofHost, c.ReplicaofPort} }
	p.restore = func(c *Config, v any) {
		r := v.(replicaof)
		c.ReplicaofHost, c.ReplicaofPort = r.host, r.port
	}
	return p
}

func latencyPercentilesParam() *param {
	const name = "latency-tracking-info-percentiles"
	field := func(c *Config) *[]float64 { return slot[[]float64](c, name) }
	p := &param{name: name, flags: fMultiArg}
	p.init = func(c *Config) { *field(c) = []float64{50, 99, 99.9} }
	p.set = func(c *Config, args []string) (bool, string) {
		if len(args) == 1 && args[0] == "" {
			args = nil
		}
		vals := make([]float64, 0, len(args))
		for _, a := range args {
			f, ok := string2d(a)
			if !ok {
				*field(c) = nil
				return false, "Invalid latency-tracking-info-percentiles parameters"
			}
			if f > 100 || f < 0 {
				*field(c) = nil
				return false, "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
			}
			vals = append(vals, f)
		}
		*field(c) = vals
		return true, ""
	}
	p.get = func(c *Config) string {
		v := *field(c)
		parts := make([]string, len(v))
		for i, f := range v {
			parts[i] = formatPercentile(f)
		}
		return strings.Join(parts, " ")
	}
	p.rewrite = func(c *Config, st *rewriteState) {
		v := *field(c)
		line := name
		if len(v) == 0 {
			line += ` ""`
		}
		for _, f := range v {
			line += " " + formatPercentile(f)
		}
		st.rewriteLine(name, line, true)
	}
	p.snap = func(c *Config) any { return append([]float64(nil), *field(c)...) }
	p.restore = func(c *Config, v any) { *field(c) = v.([]float64) }
	return p
}

// formatPercentile is "%f" with trailing zeros (and a trailing dot) removed.
func formatPercentile(f float64) string {
	s := strconv.FormatFloat(f, 'f', 6, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// string2d is Redis's strict strtod wrapper: the whole string, no leading blank, no NaN,
// no overflow.
func string2d(s string) (float64, bool) {
	if s == "" || isCSpace(s[0]) || strings.ContainsRune(s, '_') {
		return 0, false
	}
	t := s
	// C strtod takes hex floats without an exponent; Go needs the "p".
	body := strings.TrimLeft(t, "+-")
	if (strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X")) && !strings.ContainsAny(body, "pP") {
		t += "p0"
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}
