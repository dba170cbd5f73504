// Package config owns rcnode's configuration: the redis-server command line
// (`rcnode [/path/to/redis.conf] [--directive value ...] [-]`), redis.conf parsing with
// Redis 7.0's exact rules and error texts (quoting, include, aliases, units, ranges), the
// typed values the server reads, and the runtime side of CONFIG GET, CONFIG SET and
// CONFIG REWRITE.
//
// Every directive redis-server 7.0.15 knows is accepted and validated the way Redis
// validates it. Directives rcnode implements have typed fields on Config; the others keep
// their value (so CONFIG GET/SET/REWRITE round-trip them) and the lines that set them are
// listed in Config.Ignored for the server to log.
//
// It must not touch sockets or server state: it never listens, never changes the process's
// working directory, never forks. The server applies changes (chdir to Dir, rebinding,
// resizing) itself, from OnApply/OnChange. The only files it touches are the config files
// it reads, the log file it opens for append to check it (as Redis does at startup), and
// the config file CONFIG REWRITE replaces.
package config
