package node

import (
	"strings"

	"github.com/rcnode/rcnode/clientproto"
)

func init() {
	register("config|get", cmdConfigGet)
	register("config|set", cmdConfigSet)
	register("config|resetstat", cmdConfigResetStat)
	register("config|rewrite", cmdConfigRewrite)
	register("config|help", cmdConfigHelp)
	register("command", cmdCommand)
	register("command|count", cmdCommandCount)
	register("command|info", cmdCommandInfo)
	register("command|docs", cmdCommandDocs)
	register("command|list", cmdCommandList)
	register("command|getkeys", cmdCommandGetKeys)
	register("command|getkeysandflags", cmdCommandGetKeysAndFlags)
	register("command|help", cmdCommandHelp)
}

func cmdConfigGet(c *Client, args [][]byte) {
	patterns := make([]string, 0, len(args)-2)
	for _, a := range args[2:] {
		patterns = append(patterns, string(a))
	}
	pairs := c.srv.config.Get(patterns...)
	c.w.Map(len(pairs))
	for _, p := range pairs {
		c.w.BulkString(p[0])
		c.w.BulkString(p[1])
	}
}

func cmdConfigSet(c *Client, args [][]byte) {
	if len(args)%2 != 0 {
		c.w.Error(clientproto.WrongArity("config|set"))
		return
	}
	pairs := make([][2]string, 0, len(args)/2-1)
	for i := 2; i < len(args); i += 2 {
		pairs = append(pairs, [2]string{string(args[i]), string(args[i+1])})
	}
	if err := c.srv.config.Set(pairs, c.loopback); err != nil {
		c.w.Error(err.Error())
		return
	}
	c.w.OK()
}

func cmdConfigResetStat(c *Client, args [][]byte) {
	c.srv.resetStats()
	c.w.OK()
}

func cmdConfigRewrite(c *Client, args [][]byte) {
	if err := c.srv.config.Rewrite(); err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "ERR ") {
			msg = "ERR Rewriting config file: " + msg
		}
		c.w.Error(msg)
		return
	}
	c.srv.log.Infof("CONFIG REWRITE executed with success.")
	c.w.OK()
}

func cmdConfigHelp(c *Client, args [][]byte) {
	writeHelp(c, "CONFIG",
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.")
}

// writeHelp replies like Redis's addReplyHelp: a header line, the lines, and HELP's own entry.
func writeHelp(c *Client, cmd string, lines ...string) {
	c.w.Array(len(lines) + 3)
	c.w.Simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.w.Simple(l)
	}
	c.w.Simple("HELP")
	c.w.Simple("    Prints this help.")
}

func cmdCommand(c *Client, args [][]byte) {
	if len(args) > 1 {
		c.w.Error(clientproto.UnknownSubcommand(string(args[1]), "command"))
		return
	}
	clientproto.WriteCommandTable(c.w)
}

func cmdCommandCount(c *Client, args [][]byte) { c.w.Int(int64(clientproto.CommandCount())) }

func cmdCommandInfo(c *Client, args [][]byte) { clientproto.WriteCommandInfoReply(c.w, args[2:]) }

func cmdCommandDocs(c *Client, args [][]byte) { clientproto.WriteCommandDocsReply(c.w, args[2:]) }

func cmdCommandList(c *Client, args [][]byte) { clientproto.WriteCommandListReply(c.w, args[2:]) }

func cmdCommandGetKeys(c *Client, args [][]byte) {
	clientproto.WriteCommandGetKeys(c.w, args[2:], false)
}

func cmdCommandGetKeysAndFlags(c *Client, args [][]byte) {
	clientproto.WriteCommandGetKeys(c.w, args[2:], true)
}

func cmdCommandHelp(c *Client, args [][]byte) {
	writeHelp(c, "COMMAND",
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.")
}
