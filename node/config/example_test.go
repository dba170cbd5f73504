package config_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/rcnode/rcnode/node/config"
)

// How cmd/rcnode starts: the same exits and messages as redis-server.
func ExampleParseArgs() {
	cfg, err := config.ParseArgs([]string{"--port", "7000", "--cluster-enabled", "yes", "--save", ""})
	var ce *config.ConfigError
	switch {
	case errors.Is(err, config.ErrShowVersion):
		fmt.Println(config.VersionText()) // then exit 0
	case errors.Is(err, config.ErrShowHelp):
		fmt.Fprint(os.Stderr, config.Usage()) // then exit 1
	case errors.As(err, &ce) && ce.Plain:
		fmt.Println("log at warning level:", ce) // then exit 1
	case err != nil:
		fmt.Fprintf(os.Stderr, "\n%s\n", err) // then exit 1
	default:
		fmt.Println(cfg.Port, cfg.ClusterEnabled, len(cfg.Save), cfg.ClusterNodeTimeout)
	}
	// Output: 7000 true 0 15000
}

func ExampleParse_error() {
	_, err := config.Parse("port 7000\nappendonly maybe\n")
	fmt.Println(err)
	// Output:
	// *** FATAL CONFIG FILE ERROR (rcnode 7.0.15) ***
	// Reading the configuration file, at line 2
	// >>> 'appendonly maybe'
	// argument must be 'yes' or 'no'
}

func ExampleConfig_Set() {
	cfg := config.Default()
	cfg.OnChange(func(name string) { fmt.Println("changed:", name) })
	fmt.Println(cfg.Set([][2]string{{"maxmemory", "100mb"}, {"slave-read-only", "no"}}))
	fmt.Println(cfg.Set([][2]string{{"timeout", "10"}, {"databases", "4"}}))
	fmt.Println(cfg.Get("maxmemory", "*read-only"))
	// Output:
	// changed: maxmemory
	// changed: replica-read-only
	// <nil>
	// ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config
	// [[maxmemory 104857600] [replica-read-only no] [slave-read-only no]]
}
