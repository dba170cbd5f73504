// Command rcnode is a Redis Cluster node. It starts like redis-server:
//
//	rcnode [/path/to/redis.conf] [--directive value ...] [-]
//
// and serves clients until SHUTDOWN, SIGTERM or SIGINT.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/rcnode/rcnode/internal/gcpace"
	"github.com/rcnode/rcnode/node"
	"github.com/rcnode/rcnode/node/config"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	cfg, err := config.ParseArgs(args)
	switch {
	case errors.Is(err, config.ErrShowVersion):
		fmt.Println(config.VersionText())
		return 0
	case errors.Is(err, config.ErrShowHelp):
		fmt.Fprint(os.Stderr, config.Usage())
		return 1
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	runtime.GOMAXPROCS(threadsFor(cfg, runtime.NumCPU()))
	gcpace.Start()
	if err := os.Chdir(cfg.Dir); err != nil {
		fmt.Fprintf(os.Stderr, "Can't chdir to '%s': %v\n", cfg.Dir, err)
		return 1
	}
	store := node.NewConfigStore(cfg)
	srv, err := node.New(optionsFrom(cfg), store.Settings(), store)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	store.Attach(srv)
	log := srv.Logger()
	if err := srv.Start(); err != nil {
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	for {
		select {
		case s := <-sig:
			name := "SIGTERM"
			if s == syscall.SIGINT {
				name = "SIGINT"
			}
			log.Warnf("Received %s scheduling shutdown...", name)
			if err := srv.ShutdownOnSignal(); err != nil {
				// The final save failed: keep serving, as redis-server does.
				log.Warnf("%s received but errors trying to shut down the server, check the logs for more information", name)
				continue
			}
		case <-srv.Done():
		}
		srv.Wait()
		return 0
	}
}

// threadsFor picks how many cores run Go code. redis-server runs commands on one thread and
// leaves the others to the kernel's network stack and to clients on the same machine; rcnode
// takes half the cores by default (one on a 2-core machine, where that measured fastest with
// redis-benchmark on the other core), and exactly io-threads when it is configured.
func threadsFor(cfg *config.Config, cpus int) int {
	for _, line := range cfg.Ignored {
		if name, value, _ := strings.Cut(line, " "); name == "io-threads" {
			if n, err := strconv.Atoi(strings.Trim(value, `"`)); err == nil && n > 0 {
				return n
			}
		}
	}
	return max(1, cpus/2)
}

// optionsFrom takes the settings fixed at startup from the configuration.
func optionsFrom(cfg *config.Config) node.Options {
	return node.Options{
		Port:           cfg.Port,
		Bind:           cfg.Bind,
		Databases:      cfg.Databases,
		ClusterEnabled: cfg.ClusterEnabled,
		Cluster:        node.ClusterOptionsFrom(cfg),
		PidFile:        cfg.Pidfile,
		LogFile:        cfg.Logfile,
		LogLevel:       cfg.Loglevel,
		ConfigFile:     cfg.File,
		Ignored:        cfg.Ignored,
		ReplicaOfHost:  cfg.ReplicaofHost,
		ReplicaOfPort:  cfg.ReplicaofPort,
	}
}
