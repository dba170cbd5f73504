package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const (
	beginMarker = "<!-- bench:results:begin — written by scripts/bench --markdown-out; edits between the markers are replaced -->"
	endMarker   = "<!-- bench:results:end -->"
	beginPrefix = "<!-- bench:results:begin"
)

// env describes how and where the figures were taken.
type env struct {
	cmdline  string
	machine  string
	redis    string
	rcnode   string
	client   string
	rcnodeGo string
	commit   string
}

type report struct {
	opts               *options
	env                env
	started, finished  time.Time
	loadStart, loadEnd float64
	thru               *thruResult
	mem                []memResult
}

func describeEnv(o *options) env {
	e := env{cmdline: os.Getenv("BENCH_CMDLINE")}
	if e.cmdline == "" {
		q := []string{"go", "run", "./tools/bench"}
		for _, a := range os.Args[1:] {
			q = append(q, shellQuote(a))
		}
		e.cmdline = strings.Join(q, " ")
	}
	ncpu := strconv.Itoa(runtime.NumCPU())
	if out, err := exec.Command("nproc").Output(); err == nil {
		ncpu = strings.TrimSpace(string(out))
	}
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(b))
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if kb, err := infoLikeField(string(b), "MemTotal"); err == nil {
			mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	e.machine = fmt.Sprintf("nproc %s, %s%s%s", ncpu, model, kernel, mem)
	e.redis = firstLine(o.redisServer, "--version")
	e.rcnode = firstLine(o.rcnode, "--version")
	e.client = firstLine(o.redisBenchmark, "--version")
	if out, err := exec.Command("go", "version", o.rcnode).Output(); err == nil {
		if f := strings.Fields(string(out)); len(f) >= 2 {
			e.rcnodeGo = f[len(f)-1]
		}
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		e.commit = strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
			e.commit += " plus uncommitted changes"
		}
	}
	return e
}

// infoLikeField reads "Name:   123 kB" style files.
func infoLikeField(s, name string) (int64, error) {
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == name {
			if f := strings.Fields(v); len(f) > 0 {
				return strconv.ParseInt(f[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("no %s", name)
}

func firstLine(bin string, args ...string) string {
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil && len(out) == 0 {
		return "unknown (" + err.Error() + ")"
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ',' || r == '=' || r == ':' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// markdown renders the results section, markers included.
func (r *report) markdown() string {
	o := r.opts
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("%s\n## Results\n\n", beginMarker)
	w("Measured %s (%v) with:\n\n", r.started.UTC().Format("2006-01-02 15:04 UTC"), r.finished.Sub(r.started).Round(time.Second))
	w("    %s\n\n", r.env.cmdline)
	w("- machine: %s\n", r.env.machine)
	w("- redis-server: `%s`\n", r.env.redis)
	rc := r.env.rcnode
	w("- rcnode: `%s`", rc)
	if r.env.rcnodeGo != "" {
		w(", built with %s", r.env.rcnodeGo)
	}
	if r.env.commit != "" {
		w(" from commit %s", r.env.commit)
	}
	w("\n- client: `%s`\n", r.env.client)
	pin := "no CPU pinning"
	if o.pinServer != "" || o.pinClient != "" {
		pin = fmt.Sprintf("servers pinned to CPUs %q, redis-benchmark to %q (taskset -c)", o.pinServer, o.pinClient)
	}
	w("- 1-minute load average %.2f at start, %.2f at end\n", r.loadStart, r.loadEnd)
	w("- %s; both servers started as `<bin> --port P --bind 127.0.0.1 --save \"\" --appendonly no --dir <tmp>`\n\n", pin)

	if r.thru != nil {
		w("### Throughput\n\n")
		w("`redis-benchmark -h 127.0.0.1 -p P -t <test> -c %d -n <N> -P <pipeline> -r %d --csv` with N = %d at -P 1 and %d deeper, one test per run; "+
			"%d rounds, each starting both servers fresh, then running each test on one server right after the other (odd rounds the other one first; only one benchmarked at a time); "+
			"the rps and p99 columns are each server's median over the rounds; ratio and p99 ratio are the median over the rounds of rcnode's figure divided by redis-server's in the same round, "+
			"so drift on the machine between rounds cancels out; a run during which other processes took more than %.0f%% of the machine's CPU is repeated "+
			"(at most %d times, the quietest attempt kept). p99 in ms. Target: ratio ≥ 1.00x and p99 ratio ≤ 1.00x on every row.\n\n",
			o.clients, o.keyspace, o.requests, o.requestsFor(2), o.rounds, 100*o.maxNoise, o.noiseRetries)
		w("%s", r.thru.table())
		w("%s\n", r.thru.othersLine())
	}
	if len(r.mem) > 0 {
		w("### Memory\n\n")
		w("%d keys `key:%%010d` with %d-byte random printable values, loaded with pipelined SETs (%d per batch) into a fresh server; "+
			"VmRSS from /proc/<pid>/status after a %v settle; used_memory from INFO memory. Target: rcnode RSS ≤ 1.5x redis-server.\n\n",
			o.memKeys, o.valueSize, o.batch, o.settle)
		w("%s\n", memTable(r.mem))
	}
	w("%s\n", endMarker)
	return b.String()
}

func (t *thruResult) table() string {
	var b strings.Builder
	red, rcn := t.servers[0], t.servers[1]
	fmt.Fprintf(&b, "| test | pipeline | %s rps | %s rps | ratio | %s p99 | %s p99 | p99 ratio |\n", red, rcn, red, rcn)
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|\n")
	var rows, rpsOK, p99OK, measured, medRpsOK, medP99OK int
	for _, k := range t.rows {
		rows++
		cell := func(srv string) (rps, p99 string, mr, mp float64) {
			ss := t.samples[k][srv]
			if len(ss) == 0 {
				msg := t.fails[k][srv]
				if msg == "" {
					msg = "not run"
				}
				return "missing: " + mdEscape(shorten(msg, 70)), "—", 0, 0
			}
			var rs, ps []float64
			for _, s := range ss {
				rs, ps = append(rs, s.rps), append(ps, s.p99)
			}
			mr, mp = median(rs), median(ps)
			rps = fmt.Sprintf("%.0f", mr)
			if len(ss) < len(t.samplesMax(k)) || t.fails[k][srv] != "" {
				rps += fmt.Sprintf(" (%d rounds)", len(ss))
			}
			return rps, fmt.Sprintf("%.3f", mp), mr, mp
		}
		rr, rp, rrv, rpv := cell(red)
		cr, cp, crv, cpv := cell(rcn)
		ratio, p99Ratio := "—", "—"
		rpsRatios := pairedRatios(t.samples[k][red], t.samples[k][rcn], func(s sample) float64 { return s.rps })
		p99Ratios := pairedRatios(t.samples[k][red], t.samples[k][rcn], func(s sample) float64 { return s.p99 })
		if len(rpsRatios) > 0 && len(p99Ratios) > 0 {
			measured++
			rm, pm := median(rpsRatios), median(p99Ratios)
			ratio, p99Ratio = fmt.Sprintf("%.2fx", rm), fmt.Sprintf("%.2fx", pm)
			if rm >= 1 {
				rpsOK++
			}
			if pm <= 1 {
				p99OK++
			}
			if crv >= rrv {
				medRpsOK++
			}
			if cpv <= rpv {
				medP99OK++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s |\n", k.test, k.pipeline, rr, cr, ratio, rp, cp, p99Ratio)
	}
	fmt.Fprintf(&b, "\nRows measured on both: %d of %d; by the paired ratios, rcnode ≥ 1.00x throughput on %d of them and p99 no worse on %d. "+
		"Comparing the per-server medians instead (the rps and p99 columns): throughput ≥ on %d, p99 no worse on %d.\n",
		measured, rows, rpsOK, p99OK, medRpsOK, medP99OK)
	return b.String()
}

// othersLine says how much CPU other processes took in each server session.
func (t *thruResult) othersLine() string {
	var parts []string
	worst := 0.0
	for _, s := range t.others {
		if s.share < 0 {
			parts = append(parts, s.server+" ?")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.0f%%", s.server, 100*s.share))
		worst = max(worst, s.share)
	}
	line := fmt.Sprintf("CPU time other processes took during the kept runs, as a share of all cores, per server session in order: %s; %d runs repeated because others took more than the -max-noise share.", strings.Join(parts, ", "), t.retries)
	if worst > 0.10 {
		line += " **The machine was not idle: treat these figures as noisy.**"
	}
	return line + "\n"
}

// samplesMax returns the longest sample list of row k, to tell rows with missing rounds.
func (t *thruResult) samplesMax(k rowKey) []sample {
	var m []sample
	for _, ss := range t.samples[k] {
		if len(ss) > len(m) {
			m = ss
		}
	}
	return m
}

func memTable(ms []memResult) string {
	var b strings.Builder
	b.WriteString("| server | keys | RSS at start | RSS after load | RSS per key | used_memory | load time |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, m := range ms {
		perKey := "—"
		if m.keys > 0 {
			perKey = fmt.Sprintf("%.0f B", float64(m.rss-m.startRSS)/float64(m.keys))
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %v |\n", m.server, m.keys, mib(m.startRSS), mib(m.rss), perKey,
			mib(m.usedMemory), m.load.Round(time.Millisecond))
	}
	if len(ms) == 2 && ms[0].rss > 0 && ms[0].usedMemory > 0 {
		fmt.Fprintf(&b, "\nRSS ratio %s/%s: **%.2fx** (target ≤ 1.5x); used_memory ratio: %.2fx.\n",
			ms[1].server, ms[0].server, float64(ms[1].rss)/float64(ms[0].rss), float64(ms[1].usedMemory)/float64(ms[0].usedMemory))
	}
	return b.String()
}

func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// refreshMarkdown replaces the results section of file (between the markers) with section,
// or appends it when the file has none; the file is replaced atomically.
func refreshMarkdown(file, section string) error {
	old, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	var out string
	if i := strings.Index(text, beginPrefix); i >= 0 {
		j := strings.Index(text[i:], endMarker)
		if j < 0 {
			return fmt.Errorf("%s: results begin marker without %q", file, endMarker)
		}
		out = text[:i] + section + strings.TrimPrefix(text[i+j+len(endMarker):], "\n")
	} else {
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		if text != "" {
			text += "\n"
		}
		out = text + section
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".bench-*.md")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	mode := os.FileMode(0o644)
	if st, err := os.Stat(file); err == nil {
		mode = st.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(out); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
