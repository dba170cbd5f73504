package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// benchRow is one row of redis-benchmark's CSV output.
type benchRow struct {
	test string
	rps  float64
	p99  float64 // ms
}

// sample is one server's result for one row in one round.
type sample struct {
	round    int
	rps, p99 float64
}

// rowKey identifies a table row: a redis-benchmark test name (as it prints it) and a depth.
type rowKey struct {
	test     string
	pipeline int
}

// measuredRun runs one test and measures how much CPU other processes took meanwhile. A run
// during which they took more than o.maxNoise of the machine is repeated, up to
// o.noiseRetries times; the quietest attempt is kept and added to others.
func measuredRun(ctx context.Context, o *options, srv *server, test string, pipeline int, others *otherCPU, res *thruResult, logRun func(string, ...any)) ([]benchRow, error) {
	var best struct {
		rows  []benchRow
		err   error
		noise otherCPU
		set   bool
	}
	for attempt := 0; ; attempt++ {
		m0, errM0 := readMachineCPU()
		s0, errS0 := processCPU(srv.pid())
		rows, clientTicks, err := runBenchmark(ctx, o, srv.port, test, pipeline)
		m1, errM1 := readMachineCPU()
		s1, errS1 := processCPU(srv.pid())
		var noise otherCPU
		known := errM0 == nil && errS0 == nil && errM1 == nil && errS1 == nil && clientTicks >= 0
		if known {
			noise.add(m0, m1, s1-s0+clientTicks)
		}
		if !best.set || (known && noise.share() < best.noise.share()) {
			best.rows, best.err, best.noise, best.set = rows, err, noise, true
		}
		if err != nil || !known || noise.share() <= o.maxNoise || attempt >= o.noiseRetries || ctx.Err() != nil {
			break
		}
		res.retries++
		logRun("other processes took %.0f%% of the machine: running it again", 100*noise.share())
	}
	others.other += best.noise.other
	others.total += best.noise.total
	return best.rows, best.err
}

// thruResult holds every round's samples, per row and server.
type thruResult struct {
	rows    []rowKey                       // in the order first seen
	samples map[rowKey]map[string][]sample // row -> server name -> rounds
	fails   map[rowKey]map[string]string   // row -> server name -> last failure
	servers []string
	// others is, per server session in order, the share of all cores' time that processes
	// other than the server and redis-benchmark took while the tests ran.
	others  []sessionOthers
	retries int // runs repeated because other processes were busy
}

type sessionOthers struct {
	server string
	share  float64
}

func (r *thruResult) addRow(k rowKey) {
	if _, ok := r.samples[k]; !ok {
		r.samples[k] = map[string][]sample{}
		r.fails[k] = map[string]string{}
		r.rows = append(r.rows, k)
	}
}

// throughput runs every test at every pipeline depth against each server, for o.rounds
// rounds. Each round starts each server fresh; then each test runs on one server right after
// the other, odd rounds starting with the other server, so the two runs of a row are seconds
// apart and drift on the machine hits both.
func throughput(ctx context.Context, o *options, servers []serverSpec, work string) (*thruResult, error) {
	res := &thruResult{
		samples: map[rowKey]map[string][]sample{},
		fails:   map[rowKey]map[string]string{},
	}
	for _, s := range servers {
		res.servers = append(res.servers, s.name)
	}
	// Row names come from the output ("-t lrange" prints LRANGE_100, LRANGE_300...); keep
	// the names each test produced so a server that fails it can be marked on those rows.
	names := map[string][]string{}
	for round := 0; round < o.rounds; round++ {
		order := servers
		if round%2 == 1 {
			order = []serverSpec{servers[1], servers[0]}
		}
		if err := thruRound(ctx, o, order, work, round, res, names); err != nil {
			return nil, err
		}
	}
	// A test that failed on every server before any row name was seen still gets a row.
	for _, t := range o.tests {
		if len(names[t]) == 0 {
			for _, p := range o.pipelines {
				res.addRow(rowKey{strings.ToUpper(t), p})
			}
		}
	}
	return res, nil
}

// session is one server's part of a round.
type session struct {
	spec   serverSpec
	work   string // where servers get their directories
	srv    *server
	others otherCPU
}

func thruRound(ctx context.Context, o *options, specs []serverSpec, work string, round int, res *thruResult, names map[string][]string) error {
	sessions := make([]*session, 0, len(specs))
	defer func() {
		for _, s := range sessions {
			if s.srv != nil {
				s.srv.stop()
			}
			res.others = append(res.others, sessionOthers{s.spec.name, s.others.share()})
			if sh := s.others.share(); sh >= 0 {
				logf("round %d/%d %s: other processes took %.0f%% of the machine's CPU meanwhile", round+1, o.rounds, s.spec.name, 100*sh)
			}
		}
	}()
	for _, spec := range specs {
		srv, err := startServer(ctx, spec, o.pinServer, work)
		if err != nil {
			return err
		}
		sessions = append(sessions, &session{spec: spec, work: work, srv: srv})
		logf("round %d/%d %s started on port %d (load average %.2f)", round+1, o.rounds, spec.name, srv.port, loadAvg())
	}
	for _, p := range o.pipelines {
		for _, t := range o.tests {
			for _, s := range sessions {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err := s.run(ctx, o, t, p, round, res, names); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// run runs one test at one depth on the session's server and records its rows, or the
// failure on them; a server that died is restarted for the tests still to come.
func (s *session) run(ctx context.Context, o *options, t string, p, round int, res *thruResult, names map[string][]string) error {
	name := s.spec.name
	start := time.Now()
	rows, runErr := measuredRun(ctx, o, s.srv, t, p, &s.others, res, func(format string, args ...any) {
		logf("round %d/%d %-6s -P %-3d %-12s "+format, append([]any{round + 1, o.rounds, name, p, t}, args...)...)
	})
	for _, row := range rows {
		k := rowKey{row.test, p}
		res.addRow(k)
		res.samples[k][name] = append(res.samples[k][name], sample{round, row.rps, row.p99})
		if !contains(names[t], row.test) {
			names[t] = append(names[t], row.test)
		}
		logf("round %d/%d %-6s -P %-3d %-12s %12.0f rps  p99 %.3f ms", round+1, o.rounds, name, p, row.test, row.rps, row.p99)
	}
	if runErr == nil && len(rows) == 0 {
		runErr = fmt.Errorf("redis-benchmark printed no result")
	}
	if runErr == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := runErr.Error()
	logf("round %d/%d %-6s -P %-3d %-12s FAILED after %v: %s", round+1, o.rounds, name, p, t, time.Since(start).Round(time.Millisecond), msg)
	testNames := names[t]
	if len(testNames) == 0 {
		testNames = []string{strings.ToUpper(t)}
	}
	for _, n := range testNames {
		if !rowsHave(rows, n) {
			k := rowKey{n, p}
			res.addRow(k)
			res.fails[k][name] = msg
		}
	}
	if !s.srv.alive() {
		logf("%s exited; restarting it for the remaining tests\n%s", name, s.srv.logTail())
		s.srv.stop()
		next, err := startServer(ctx, s.spec, o.pinServer, s.work)
		s.srv = next
		if err != nil {
			return err
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func rowsHave(rows []benchRow, test string) bool {
	for _, r := range rows {
		if r.test == test {
			return true
		}
	}
	return false
}

var serverErrRE = regexp.MustCompile(`Error from server: ([^\r\n]*)`)

// requestsFor is redis-benchmark's -n at a pipeline depth.
func (o *options) requestsFor(pipeline int) int {
	if pipeline > 1 && o.requestsP > 0 {
		return o.requestsP
	}
	return o.requests
}

// runBenchmark runs redis-benchmark for one test at one pipeline depth and parses its CSV.
// redis-benchmark 7.0 exits at the first error reply ("Error from server: ..."), which is
// how an unimplemented command shows; the error returned then carries that reply.
// It also returns the CPU time redis-benchmark used, in clock ticks (-1 if unknown).
func runBenchmark(ctx context.Context, o *options, port int, test string, pipeline int) ([]benchRow, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, o.runTimout)
	defer cancel()
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-t", test,
		"-c", strconv.Itoa(o.clients), "-n", strconv.Itoa(o.requestsFor(pipeline)),
		"-P", strconv.Itoa(pipeline), "-r", strconv.Itoa(o.keyspace), "--csv"}
	cmd := command(ctx, o.pinClient, o.redisBenchmark, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	ticks := int64(-1)
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			ticks = rusageTicks(ru)
		}
	}
	rows, parseErr := parseCSV(stdout.Bytes())
	if runErr != nil {
		if ctx.Err() != nil {
			return rows, ticks, fmt.Errorf("redis-benchmark timed out after %v", o.runTimout)
		}
		out := stdout.String() + stderr.String()
		if m := serverErrRE.FindStringSubmatch(out); m != nil {
			return rows, ticks, fmt.Errorf("%s", strings.TrimSpace(m[1]))
		}
		return rows, ticks, fmt.Errorf("redis-benchmark: %v: %s", runErr, lastLine(out))
	}
	return rows, ticks, parseErr
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// parseCSV reads redis-benchmark --csv output. Columns are found by the header's names
// (7.0 prints "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",
// "p95_latency_ms","p99_latency_ms","max_latency_ms"); other lines are ignored.
func parseCSV(out []byte) ([]benchRow, error) {
	var rows []benchRow
	iTest, iRPS, iP99 := -1, -1, -1
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, `"`) {
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil {
			return rows, fmt.Errorf("redis-benchmark CSV line %q: %w", line, err)
		}
		if rec[0] == "test" {
			iTest, iRPS, iP99 = index(rec, "test"), index(rec, "rps"), index(rec, "p99_latency_ms")
			if iRPS < 0 || iP99 < 0 {
				return rows, fmt.Errorf("redis-benchmark CSV header lacks rps or p99_latency_ms: %q", line)
			}
			continue
		}
		if iTest < 0 {
			return rows, fmt.Errorf("redis-benchmark CSV row before its header: %q", line)
		}
		if len(rec) <= iRPS || len(rec) <= iP99 {
			return rows, fmt.Errorf("redis-benchmark CSV row too short: %q", line)
		}
		rps, err1 := strconv.ParseFloat(rec[iRPS], 64)
		p99, err2 := strconv.ParseFloat(rec[iP99], 64)
		if err1 != nil || err2 != nil {
			return rows, fmt.Errorf("redis-benchmark CSV row with bad numbers: %q", line)
		}
		rows = append(rows, benchRow{test: rec[iTest], rps: rps, p99: p99})
	}
	return rows, nil
}

func index(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// pairedRatios returns, for every round in which both servers measured the row, b's figure
// divided by a's, as picked by field.
func pairedRatios(a, b []sample, field func(sample) float64) []float64 {
	var rs []float64
	for _, x := range a {
		for _, y := range b {
			if y.round == x.round && field(x) > 0 {
				rs = append(rs, field(y)/field(x))
			}
		}
	}
	return rs
}

// median returns the median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
