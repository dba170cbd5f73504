package clientproto

// Error replies shared by every command, exactly as redis-server 7.0 sends them (without the
// leading '-'). TestErrorStringsAgainstRedis provokes each one from a real server, except
// ErrLoading, which is copied from server.c's shared objects.
const (
	ErrSyntax       = "ERR syntax error"
	ErrWrongType    = "WRONGTYPE Operation against a key holding the wrong kind of value"
	ErrNotInteger   = "ERR value is not an integer or out of range"
	ErrNotFloat     = "ERR value is not a valid float"
	ErrOverflow     = "ERR increment or decrement would overflow"
	ErrNoSuchKey    = "ERR no such key"
	ErrNotPositive  = "ERR value is out of range, must be positive"
	ErrIndexRange   = "ERR index out of range"
	ErrSameObject   = "ERR source and destination objects are the same"
	ErrNaNOrInf     = "ERR increment would produce NaN or Infinity"
	ErrDBIndexRange = "ERR DB index is out of range"
	ErrNoAuth       = "NOAUTH Authentication required."
	ErrReadOnly     = "READONLY You can't write against a read only replica."
	ErrOOM          = "OOM command not allowed when used memory > 'maxmemory'."
	ErrExecAbort    = "EXECABORT Transaction discarded because of previous errors."
	ErrBusyKey      = "BUSYKEY Target key name already exists."
	ErrLoading      = "LOADING Redis is loading the dataset in memory"
	ErrMasterDown   = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
	ErrNoReplicas   = "NOREPLICAS Not enough good replicas to write."

	// Cluster redirections that carry no arguments (cluster.c clusterRedirectClient).
	ErrCrossSlot          = "CROSSSLOT Keys in request don't hash to the same slot"
	ErrTryAgain           = "TRYAGAIN Multiple keys request during rehashing of slot"
	ErrClusterDown        = "CLUSTERDOWN The cluster is down"
	ErrClusterDownRO      = "CLUSTERDOWN The cluster is down and only accepts read commands"
	ErrClusterDownUnbound = "CLUSTERDOWN Hash slot not served"
)

// Reply texts of the protocol errors the Reader reports (networking.c). The connection is
// closed after replying with one of these.
const (
	errTooBigInline     = "ERR Protocol error: too big inline request"
	errUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request"
	errTooBigMbulkCount = "ERR Protocol error: too big mbulk count string"
	errInvalidMbulkLen  = "ERR Protocol error: invalid multibulk length"
	errUnauthMbulkLen   = "ERR Protocol error: unauthenticated multibulk length"
	errTooBigBulkCount  = "ERR Protocol error: too big bulk count string"
	errInvalidBulkLen   = "ERR Protocol error: invalid bulk length"
	errUnauthBulkLen    = "ERR Protocol error: unauthenticated bulk length"
	errExpectedDollar   = "ERR Protocol error: expected '$', got '" // + the byte + "'"
)

// WrongArity is the arity error for a command. name is the command's full name as the command
// table declares it ("get", "config|get"); Redis prints the table's lower-case name, never
// what the client typed, so name is lower-cased here.
func WrongArity(name string) string {
	return "ERR wrong number of arguments for '" + asciiLower(name) + "' command"
}

// UnknownCommand is the reply to a command name that is not in the table. Like 7.0's
// commandCheckExistence it quotes at most 128 bytes of the name and adds quoted arguments
// while the argument list is shorter than 128 bytes (the last one cut so the list stops near
// 128). Every piece stops at a NUL byte (C strings) and CR/LF become spaces.
func UnknownCommand(name string, args [][]byte) string {
	b := make([]byte, 0, 64+len(name)+16*len(args))
	b = append(b, "ERR unknown command '"...)
	b = append(b, cstr(name, 128)...)
	b = append(b, "', with args beginning with: "...)
	list := 0
	for _, a := range args {
		if list >= 128 {
			break
		}
		s := cstr(string(a), 128-list)
		b = append(b, '\'')
		b = append(b, s...)
		b = append(b, '\'', ' ')
		list += len(s) + 3
	}
	return string(noNewlines(b))
}

// UnknownSubcommand is the reply to a container command (CONFIG, CLIENT, CLUSTER...) whose
// subcommand is not in the table: "ERR unknown subcommand 'foo'. Try CONFIG HELP.". sub is
// quoted as typed (at most 128 bytes), cmd is upper-cased.
func UnknownSubcommand(sub, cmd string) string {
	return string(noNewlines([]byte("ERR unknown subcommand '" + cstr(sub, 128) + "'. Try " +
		asciiUpper(cstr(cmd, len(cmd))) + " HELP.")))
}

// SubcommandSyntax is addReplySubcommandSyntaxError: the reply of a command that finds a known
// subcommand used with arguments it does not accept, e.g. "ERR unknown subcommand or wrong
// number of arguments for 'GET'. Try SLOWLOG HELP.".
func SubcommandSyntax(sub, cmd string) string {
	return string(noNewlines([]byte("ERR unknown subcommand or wrong number of arguments for '" +
		cstr(sub, 128) + "'. Try " + asciiUpper(cstr(cmd, len(cmd))) + " HELP.")))
}

// cstr is what printf("%.*s", max, s) prints for a Redis sds: it stops at the first NUL byte.
func cstr(s string, max int) string {
	for i := 0; i < len(s) && i < max; i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	if len(s) > max {
		return s[:max]
	}
	return s
}

// noNewlines maps CR and LF to spaces in place, as Redis does so a reply stays one line.
func noNewlines(b []byte) []byte {
	for i, c := range b {
		if c == '\r' || c == '\n' {
			b[i] = ' '
		}
	}
	return b
}

// asciiLower and asciiUpper change only ASCII letters, like C's tolower/toupper in the C locale.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func asciiUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
