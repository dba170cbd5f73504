//go:build benchprofile

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/rcnode/rcnode/node"
	"github.com/rcnode/rcnode/node/config"
)

// runProfile runs rcnode in this process, built the way cmd/rcnode builds it, and profiles:
//
//   - heap.pprof, the live heap (after a GC) of a fresh node loaded with -mem-keys keys as the
//     memory comparison loads them;
//   - cpu.pprof and allocs.pprof (allocations since allocs-base.pprof) of another fresh node
//     while redis-benchmark runs the SET and GET tests at the largest -P given, with the same
//     -c, -n and -r.
//
// It prints the top of each profile; look further with `go tool pprof DIR/<file>`.
func runProfile(ctx context.Context, o *options) error {
	dir, err := filepath.Abs(o.profileDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := exec.LookPath(o.redisBenchmark); err != nil {
		return err
	}
	pipeline := 0
	for _, p := range o.pipelines {
		pipeline = max(pipeline, p)
	}
	if err := profileHeap(ctx, o, dir); err != nil {
		return err
	}
	// Let the loaded node's client goroutines end, so its keys are garbage while CPU is measured.
	time.Sleep(500 * time.Millisecond)
	runtime.GC()
	if err := profileCPU(ctx, o, dir, pipeline); err != nil {
		return err
	}

	for _, p := range []struct {
		title, file string
		args        []string
	}{
		{"CPU, SET+GET", "cpu.pprof", []string{"-top", "-nodecount=35"}},
		{"CPU, SET+GET, cumulative", "cpu.pprof", []string{"-top", "-cum", "-nodecount=35"}},
		{"allocated space during SET+GET", "allocs.pprof", []string{"-top", "-sample_index=alloc_space", "-nodecount=20", "-base", filepath.Join(dir, "allocs-base.pprof")}},
		{"allocated objects during SET+GET", "allocs.pprof", []string{"-top", "-sample_index=alloc_objects", "-nodecount=20", "-base", filepath.Join(dir, "allocs-base.pprof")}},
		{"live heap after loading", "heap.pprof", []string{"-top", "-sample_index=inuse_space", "-nodecount=20"}},
	} {
		args := append([]string{"tool", "pprof"}, p.args...)
		args = append(args, filepath.Join(dir, p.file))
		out, err := exec.CommandContext(ctx, "go", args...).CombinedOutput()
		fmt.Printf("==== %s: go %s\n%s\n", p.title, strings.Join(args, " "), out)
		if err != nil {
			logf("go tool pprof: %v", err)
		}
	}
	return nil
}

// startInProcess builds a node the way cmd/rcnode does, from the same flags bench gives
// bin/rcnode (plus a log file), and starts it on a free loopback port.
func startInProcess(dir string) (*node.Server, int, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	cfg, err := config.ParseArgs([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--logfile", filepath.Join(dir, "rcnode.log")})
	if err != nil {
		return nil, 0, err
	}
	store := node.NewConfigStore(cfg)
	srv, err := node.New(node.Options{
		Port:           cfg.Port,
		Bind:           cfg.Bind,
		Databases:      cfg.Databases,
		ClusterEnabled: cfg.ClusterEnabled,
		LogFile:        cfg.Logfile,
		LogLevel:       cfg.Loglevel,
	}, store.Settings(), store)
	if err != nil {
		return nil, 0, err
	}
	store.Attach(srv)
	if err := srv.Start(); err != nil {
		return nil, 0, err
	}
	return srv, port, nil
}

func stopInProcess(srv *node.Server) {
	srv.Shutdown()
	srv.Wait()
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// profileHeap loads a fresh node and writes its live heap profile.
func profileHeap(ctx context.Context, o *options, dir string) error {
	srv, port, err := startInProcess(dir)
	if err != nil {
		return err
	}
	defer stopInProcess(srv)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	conn, err := dialResp(ctx, fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	start := time.Now()
	err = loadKeys(ctx, conn, o.memKeys, o.valueSize, o.batch)
	conn.close()
	if err != nil {
		return err
	}
	logf("loaded %d keys in %v", o.memKeys, time.Since(start).Round(time.Millisecond))
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if err := writeProfile("heap", filepath.Join(dir, "heap.pprof")); err != nil {
		return err
	}
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	objs := int64(after.HeapObjects) - int64(before.HeapObjects)
	fmt.Printf("live heap for %d keys: %s (%.1f B/key), %d objects (%.2f per key); HeapSys %s, Sys %s, next GC at %s\n\n",
		o.memKeys, mib(live), float64(live)/float64(o.memKeys), objs, float64(objs)/float64(o.memKeys),
		mib(int64(after.HeapSys)), mib(int64(after.Sys)), mib(int64(after.NextGC)))
	return nil
}

// profileCPU profiles CPU and allocations of a fresh node under SET and GET.
func profileCPU(ctx context.Context, o *options, dir string, pipeline int) error {
	srv, port, err := startInProcess(dir)
	if err != nil {
		return err
	}
	defer stopInProcess(srv)
	logf("in-process rcnode on 127.0.0.1:%d, profiles into %s", port, dir)
	// Warm up (connections, the keyspace's tables) before measuring.
	if _, _, err := runBenchmark(ctx, o, port, "set", pipeline); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	if err := writeProfile("allocs", filepath.Join(dir, "allocs-base.pprof")); err != nil {
		return err
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		cpu.Close()
		return err
	}
	var runErr error
	for _, t := range []string{"set", "get"} {
		rows, _, err := runBenchmark(ctx, o, port, t, pipeline)
		for _, r := range rows {
			logf("profiled %s -P %d: %.0f rps, p99 %.3f ms", r.test, pipeline, r.rps, r.p99)
		}
		if err != nil {
			runErr = errors.Join(runErr, fmt.Errorf("%s: %w", t, err))
		}
	}
	pprof.StopCPUProfile()
	cpu.Close()
	if err := writeProfile("allocs", filepath.Join(dir, "allocs.pprof")); err != nil {
		runErr = errors.Join(runErr, err)
	}
	return runErr
}
