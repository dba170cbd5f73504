// Command bench measures rcnode beside redis-server 7.0 on this machine, in the same run:
//
//   - throughput and p99 latency with redis-benchmark over several rounds, each test run on
//     one server right after the other; each row reports every server's median and the
//     median of the per-round ratios;
//   - memory: the resident set size of each process after loading the same keys.
//
// It prints markdown tables, and with --markdown-out refreshes the results section of a file
// (BENCHMARKS.md) together with the command line, date, machine and versions. Every process
// it starts runs on loopback in its own process group and is killed when bench ends, fails,
// times out or is interrupted.
//
// Usually run through scripts/bench, which builds bin/rcnode first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	redisServer    string
	rcnode         string
	redisBenchmark string

	requests  int
	requestsP int // requests per test at pipeline depths above 1
	clients   int
	pipelines []int
	keyspace  int
	tests     []string
	rounds    int
	runTimout time.Duration

	maxNoise     float64
	noiseRetries int

	pinServer string
	pinClient string

	memKeys    int
	valueSize  int
	batch      int
	settle     time.Duration
	skipThru   bool
	skipMemory bool

	markdownOut string
	profileDir  string
	timeout     time.Duration
	keepLogs    bool
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.redisServer, "redis-server", "redis-server", "redis-server binary to compare against")
	fs.StringVar(&o.rcnode, "rcnode", "bin/rcnode", "rcnode binary")
	fs.StringVar(&o.redisBenchmark, "redis-benchmark", "redis-benchmark", "redis-benchmark binary")
	fs.IntVar(&o.requests, "n", 500000, "redis-benchmark -n: requests per test")
	fs.IntVar(&o.requestsP, "n-pipelined", 3000000, "redis-benchmark -n at pipeline depths above 1 (500k pipelined requests last half a second, too short to measure)")
	fs.IntVar(&o.clients, "c", 50, "redis-benchmark -c: parallel connections")
	pipes := fs.String("P", "1,16", "comma-separated redis-benchmark -P values (pipeline depths)")
	fs.IntVar(&o.keyspace, "r", 100000, "redis-benchmark -r: random keyspace size")
	tests := fs.String("t", "set,get,incr,lpush,hset,zadd", "comma-separated redis-benchmark -t tests")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each round starts both servers and runs each test on one after the other, alternating which goes first")
	fs.DurationVar(&o.runTimout, "run-timeout", 5*time.Minute, "limit for one redis-benchmark run")
	fs.Float64Var(&o.maxNoise, "max-noise", 0.10, "repeat a redis-benchmark run if other processes took more than this fraction of the machine's CPU during it")
	fs.IntVar(&o.noiseRetries, "noise-retries", 3, "how many times a noisy run is repeated at most (the quietest attempt is kept)")
	fs.StringVar(&o.pinServer, "pin-server", "", "pin each server to these CPUs with taskset -c (e.g. 0); default: not pinned")
	fs.StringVar(&o.pinClient, "pin-client", "", "pin redis-benchmark to these CPUs with taskset -c (e.g. 1); default: not pinned")
	fs.IntVar(&o.memKeys, "mem-keys", 1000000, "keys loaded for the memory measurement")
	fs.IntVar(&o.valueSize, "mem-value-size", 16, "value size in bytes for the memory measurement")
	fs.IntVar(&o.batch, "mem-batch", 1000, "SETs per pipelined batch when loading")
	fs.DurationVar(&o.settle, "mem-settle", 3*time.Second, "wait after loading before reading RSS")
	fs.BoolVar(&o.skipThru, "skip-throughput", false, "skip the redis-benchmark part")
	fs.BoolVar(&o.skipMemory, "skip-memory", false, "skip the memory part")
	fs.StringVar(&o.markdownOut, "markdown-out", "", "refresh the results section of this markdown file")
	fs.StringVar(&o.profileDir, "profile", "", "instead of comparing, profile rcnode in-process (CPU, allocations, heap) into this directory; needs -tags benchprofile, which scripts/bench adds")
	fs.DurationVar(&o.timeout, "timeout", time.Hour, "limit for the whole run")
	fs.BoolVar(&o.keepLogs, "keep-logs", false, "keep the servers' working directories and logs")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for _, p := range splitList(*pipes) {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-P: bad pipeline depth %q", p)
		}
		o.pipelines = append(o.pipelines, n)
	}
	o.tests = splitList(*tests)
	switch {
	case len(o.pipelines) == 0:
		return nil, errors.New("-P: no pipeline depth")
	case len(o.tests) == 0:
		return nil, errors.New("-t: no test")
	case o.rounds < 1:
		return nil, errors.New("-rounds must be at least 1")
	case o.memKeys < 1 || o.valueSize < 1 || o.batch < 1:
		return nil, errors.New("-mem-keys, -mem-value-size and -mem-batch must be positive")
	}
	if o.pinServer != "" || o.pinClient != "" {
		if _, err := exec.LookPath("taskset"); err != nil {
			return nil, errors.New("CPU pinning asked for but taskset is not installed")
		}
	}
	return o, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	o, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	// Under `go run` a SIGTERM kills the go command without reaching bench: ask for a SIGTERM
	// when the parent dies, so the servers are still stopped.
	ppid := os.Getppid()
	syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0)
	if os.Getppid() != ppid {
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	if o.profileDir != "" {
		if err := runProfile(ctx, o); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		return 0
	}
	if err := compare(ctx, o); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", err, context.Cause(ctx))
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

// compare runs the side-by-side measurements and reports them.
func compare(ctx context.Context, o *options) error {
	for _, bin := range []string{o.redisServer, o.rcnode, o.redisBenchmark} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("%s: %w", bin, err)
		}
	}
	work, err := os.MkdirTemp("", "rcnode-bench-")
	if err != nil {
		return err
	}
	if o.keepLogs {
		logf("working directory (kept): %s", work)
	} else {
		defer os.RemoveAll(work)
	}
	rep := &report{started: time.Now(), opts: o, loadStart: loadAvg()}
	rep.env = describeEnv(o)
	// Other builds may replace bin/rcnode while this runs: measure one fixed copy.
	rcnode, err := snapshotBinary(o.rcnode, work)
	if err != nil {
		return err
	}

	servers := []serverSpec{
		{name: "redis", bin: o.redisServer},
		{name: "rcnode", bin: rcnode},
	}
	if !o.skipThru {
		rep.thru, err = throughput(ctx, o, servers, work)
		if err != nil {
			return err
		}
	}
	if !o.skipMemory {
		rep.mem, err = memory(ctx, o, servers, work)
		if err != nil {
			return err
		}
	}
	rep.finished = time.Now()
	rep.loadEnd = loadAvg()
	md := rep.markdown()
	fmt.Print(md)
	if o.markdownOut != "" {
		if err := refreshMarkdown(o.markdownOut, md); err != nil {
			return err
		}
		logf("results written to %s", o.markdownOut)
	}
	return nil
}

// snapshotBinary copies bin into dir and returns the copy's path.
func snapshotBinary(bin, dir string) (string, error) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, filepath.Base(path))
	return dst, os.WriteFile(dst, b, 0o755)
}

// loadAvg returns the 1-minute load average, or -1.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// logf reports progress on stderr, keeping stdout for the tables.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
