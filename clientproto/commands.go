package clientproto

//go:generate go run ../tools/gencommands

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/rcnode/rcnode/internal/glob"
	"github.com/rcnode/rcnode/internal/numconv"
)

// The command table. Its data (commands_gen.go) is read from a real redis-server 7.0 by
// tools/gencommands: names, arity, flags, legacy key range, ACL categories and the server's own
// COMMAND INFO and COMMAND DOCS entries, kept as reply trees so they are re-emitted byte for
// byte. This file adds what COMMAND does not show (hidden flags, the getkeys procedures of
// movable-key commands) and the lookups and writers the server uses.

// CommandFlags are a command's flags. The bits below FlagMayReplicate are in the order
// addReplyFlagsForCommand (server.c) lists them, which is the order COMMAND shows them.
type CommandFlags uint64

const (
	FlagWrite CommandFlags = 1 << iota
	FlagReadonly
	FlagDenyOOM
	FlagModule
	FlagAdmin
	FlagPubsub
	FlagNoScript
	FlagBlocking
	FlagLoading
	FlagStale
	FlagSkipMonitor
	FlagSkipSlowlog
	FlagAsking
	FlagFast
	FlagNoAuth
	FlagNoMandatoryKeys
	FlagNoAsyncLoading
	FlagNoMulti
	FlagMovableKeys
	FlagAllowBusy

	// FlagMayReplicate is set in the table but hidden from COMMAND, as in Redis: the command
	// may propagate even when it is not a write (PUBLISH, EVAL, PFCOUNT...).
	FlagMayReplicate
)

var commandFlagNames = [...]string{
	"write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking",
	"loading", "stale", "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth",
	"no_mandatory_keys", "no_async_loading", "no_multi", "movablekeys", "allow_busy",
}

// mayReplicate lists the 7.0.15 commands declared CMD_MAY_REPLICATE (src/commands.c), a flag
// COMMAND hides on purpose.
var mayReplicate = []string{"eval", "evalsha", "fcall", "pfcount", "publish", "spublish"}

// KeyFlags are a key spec's flags, in the order addReplyFlagsForKeyArgs lists them.
type KeyFlags uint32

const (
	KeyRO KeyFlags = 1 << iota
	KeyRW
	KeyOW
	KeyRM
	KeyAccess
	KeyUpdate
	KeyInsert
	KeyDelete
	KeyNotKey
	KeyIncomplete
	KeyVariableFlags
)

var keyFlagNames = [...]string{"RO", "RW", "OW", "RM", "access", "update", "insert", "delete",
	"not_key", "incomplete", "variable_flags"}

// Begin-search and find-keys types of a key spec.
const (
	SearchUnknown = iota // begin_search / find_keys "unknown"
	SearchIndex          // begin_search "index"
	SearchKeyword        // begin_search "keyword"
	FindRange            // find_keys "range"
	FindKeynum           // find_keys "keynum"
)

// KeySpec is one entry of a command's key specs (the 9th element of COMMAND INFO).
type KeySpec struct {
	Notes string
	Flags KeyFlags

	BeginSearch int    // SearchUnknown, SearchIndex or SearchKeyword
	Index       int    // SearchIndex: position of the first key
	Keyword     string // SearchKeyword: the keyword after which keys start
	StartFrom   int    // SearchKeyword: where to start looking (negative: from the end, backwards)

	FindKeys  int // SearchUnknown, FindRange or FindKeynum
	LastKey   int // FindRange: last key relative to the first; negative counts from the end
	KeyStep   int // FindRange, FindKeynum
	Limit     int // FindRange: with LastKey -1, take 1/Limit of the remaining arguments
	KeyNumIdx int // FindKeynum: where the number of keys is, relative to the begin search
	FirstKey  int // FindKeynum: first key, relative to the begin search
}

// CommandSpec is one command or subcommand of the table.
type CommandSpec struct {
	Name                    string // lower case; subcommands "container|sub"
	Index                   int    // the entry's place in the table, 0 <= Index < TableSize()
	Arity                   int    // N: exactly N arguments (name included); -N: at least N
	Flags                   CommandFlags
	FirstKey, LastKey, Step int                     // the legacy key range COMMAND shows
	Subcommands             map[string]*CommandSpec // by lower-case sub name; nil if none
	Parent                  *CommandSpec            // the container of a subcommand
	FlagNames               []string                // the flags as COMMAND shows them
	ACLCategories           []string                // "@read", "@string", ...
	KeySpecs                []KeySpec
	// MayWait marks a command a server must not run on a thread shared with other clients:
	// it waits for something outside itself (a timeout, the network, replicas) or turns the
	// connection into a stream. The server using the table sets it.
	MayWait bool

	subs        []*CommandSpec // table order
	info        Reply          // the COMMAND INFO entry; a container's subcommand array is empty
	docsRaw     string         // the COMMAND DOCS entry as RESP3, decoded on first use
	docs        *lazyReply
	getkeys     getKeysProc
	useSpecs    bool // key specs exist and none has variable flags: try them first
	implemented bool
	implSubs    []*CommandSpec
}

type lazyReply struct {
	once sync.Once
	r    Reply
}

// Implemented reports whether the server serves the command (see SetImplemented).
func (c *CommandSpec) Implemented() bool { return c != nil && c.implemented }

// IsContainer reports whether the command is only a container of subcommands (CONFIG, CLIENT).
func (c *CommandSpec) IsContainer() bool { return c != nil && c.subs != nil }

// ArityOK is Redis's dispatch-time arity check for argc arguments (the name included).
func (c *CommandSpec) ArityOK(argc int) bool {
	if c.Arity > 0 {
		return argc == c.Arity
	}
	return argc >= -c.Arity
}

// HasKeys reports whether the command can take keys at all (doesCommandHaveKeys): it has a
// getkeys procedure or a key spec that is not marked not_key.
func (c *CommandSpec) HasKeys() bool { return c.getkeys != nil || c.hasKeySpec() }

func (c *CommandSpec) hasKeySpec() bool {
	for i := range c.KeySpecs {
		if c.KeySpecs[i].Flags&KeyNotKey == 0 {
			return true
		}
	}
	return false
}

// HasACLCategory reports whether the command is in the ACL category cat, named without the
// '@' in any case ("read"), the way COMMAND LIST FILTERBY ACLCAT matches it.
func (c *CommandSpec) HasACLCategory(cat string) bool {
	for _, have := range c.ACLCategories {
		if cEqualFold([]byte(cat), have[1:]) {
			return true
		}
	}
	return false
}

// InfoReply is the command's COMMAND INFO entry as stored (a container's subcommands are not
// in it; WriteCommandInfo adds them).
func (c *CommandSpec) InfoReply() Reply { return c.info }

// DocsReply is the command's COMMAND DOCS entry as stored (a container's "subcommands" map is
// empty; WriteCommandDocs fills it).
func (c *CommandSpec) DocsReply() Reply {
	c.docs.once.Do(func() {
		r, n, err := decodeReply(c.docsRaw, 0)
		if err != nil || n != len(c.docsRaw) {
			panic("clientproto: bad COMMAND DOCS data for " + c.Name)
		}
		c.docs.r = r
	})
	return c.docs.r
}

// LookupSub returns the subcommand name (any case) of a container, or nil.
func (c *CommandSpec) LookupSub(name []byte) *CommandSpec {
	if c == nil || c.Subcommands == nil {
		return nil
	}
	return lookupFold(c.Subcommands, name)
}

var (
	commandTable   []*CommandSpec // top-level commands, table order
	commandsByName = map[string]*CommandSpec{}
	implTop        []*CommandSpec
)

// TableSize is the number of entries, commands and subcommands, in the command table.
func TableSize() int { return len(genCommands) }

// LookupCommand returns the top-level command name (any case), or nil if Redis 7.0 has no such
// command. It does not allocate. Whether the server serves it is c.Implemented().
func LookupCommand(name []byte) *CommandSpec { return lookupFold(commandsByName, name) }

// LookupCommandFullName resolves a full name as COMMAND INFO and DOCS take it ("get",
// "client|list"), like lookupCommandBySds: a name with a '|' must name a subcommand of a
// container, and a container's name alone gives the container.
func LookupCommandFullName(name []byte) *CommandSpec {
	for i, ch := range name {
		if ch == '|' {
			base := LookupCommand(name[:i])
			rest := name[i+1:]
			for _, ch := range rest {
				if ch == '|' {
					return nil // one level of subcommands only
				}
			}
			return base.LookupSub(rest)
		}
	}
	return LookupCommand(name)
}

func lookupFold(m map[string]*CommandSpec, name []byte) *CommandSpec {
	var buf [48]byte
	if len(name) > len(buf) {
		return nil // longer than any command name
	}
	for i, ch := range name {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	return m[string(buf[:len(name)])]
}

// SetImplemented declares which commands the server serves; COMMAND, COMMAND COUNT, LIST, INFO
// and DOCS show only those, and give for the others what Redis gives for unknown names. A
// subcommand name ("client|list") implies its container; a container named alone ("config")
// implies all its subcommands. Names Redis 7.0 does not know are ignored. Until it is called,
// every command counts as implemented. Call it at startup, before serving clients.
func SetImplemented(names []string) {
	all := allCommands()
	for _, c := range all {
		c.implemented = false
	}
	named := map[*CommandSpec]bool{}
	for _, n := range names {
		c := LookupCommandFullName([]byte(n))
		if c == nil {
			continue
		}
		named[c] = true
		c.implemented = true
		if c.Parent != nil {
			c.Parent.implemented = true
		}
	}
	for _, c := range commandTable {
		if c.subs == nil || !named[c] {
			continue
		}
		some := false
		for _, s := range c.subs {
			some = some || named[s]
		}
		if !some {
			for _, s := range c.subs {
				s.implemented = true
			}
		}
	}
	refreshImplemented()
}

func allCommands() []*CommandSpec {
	var all []*CommandSpec
	for _, c := range commandTable {
		all = append(all, c)
		all = append(all, c.subs...)
	}
	return all
}

func refreshImplemented() {
	implTop = implTop[:0]
	for _, c := range commandTable {
		if !c.implemented {
			continue
		}
		implTop = append(implTop, c)
		if c.subs != nil {
			c.implSubs = c.implSubs[:0]
			for _, s := range c.subs {
				if s.implemented {
					c.implSubs = append(c.implSubs, s)
				}
			}
		}
	}
}

// Commands returns the implemented top-level commands in table order (sorted by name). The
// slice is shared: do not modify it.
func Commands() []*CommandSpec { return implTop }

// CommandCount is COMMAND COUNT: the number of implemented top-level commands.
func CommandCount() int { return len(implTop) }

// ---- COMMAND replies ----

// WriteCommandInfo writes one COMMAND INFO entry as Redis 7.0 does for w.Proto, or the null
// Redis gives for an unknown name when c is nil or not implemented.
func WriteCommandInfo(w *Writer, c *CommandSpec) {
	if !c.Implemented() {
		w.Null()
		return
	}
	w.Array(10)
	for i := 0; i < 9; i++ {
		c.info.Elems[i].Write(w)
	}
	if c.subs == nil {
		c.info.Elems[9].Write(w)
		return
	}
	w.Array(len(c.implSubs))
	for _, s := range c.implSubs {
		WriteCommandInfo(w, s)
	}
}

// WriteCommandDocs writes the name and docs map of c, one pair of the COMMAND DOCS map; it
// writes nothing when c is nil or not implemented (Redis leaves unknown names out).
func WriteCommandDocs(w *Writer, c *CommandSpec) {
	if !c.Implemented() {
		return
	}
	w.BulkString(c.Name)
	d := c.DocsReply()
	w.Map(len(d.Elems) / 2)
	for i := 0; i+1 < len(d.Elems); i += 2 {
		d.Elems[i].Write(w)
		if c.subs != nil && d.Elems[i].Str == "subcommands" {
			w.Map(len(c.implSubs))
			for _, s := range c.implSubs {
				WriteCommandDocs(w, s)
			}
			continue
		}
		d.Elems[i+1].Write(w)
	}
}

// WriteCommandTable is the reply to COMMAND and to COMMAND INFO without names: every
// implemented command's entry, in table order.
func WriteCommandTable(w *Writer) {
	w.Array(len(implTop))
	for _, c := range implTop {
		WriteCommandInfo(w, c)
	}
}

// WriteCommandInfoReply is the reply to COMMAND INFO [name ...]; names are the arguments after
// INFO.
func WriteCommandInfoReply(w *Writer, names [][]byte) {
	if len(names) == 0 {
		WriteCommandTable(w)
		return
	}
	w.Array(len(names))
	for _, n := range names {
		WriteCommandInfo(w, LookupCommandFullName(n))
	}
}

// WriteCommandDocsReply is the reply to COMMAND DOCS [name ...]. Without names it lists the
// implemented commands in table order (Redis uses its dict order, which is random per run).
func WriteCommandDocsReply(w *Writer, names [][]byte) {
	if len(names) == 0 {
		w.Map(len(implTop))
		for _, c := range implTop {
			WriteCommandDocs(w, c)
		}
		return
	}
	n := 0
	for _, name := range names {
		if LookupCommandFullName(name).Implemented() {
			n++
		}
	}
	w.Map(n)
	for _, name := range names {
		WriteCommandDocs(w, LookupCommandFullName(name))
	}
}

// WriteCommandListReply is the reply to COMMAND LIST [FILTERBY MODULE m|ACLCAT c|PATTERN p];
// args are the arguments after LIST. Each container is followed by its subcommands, as Redis
// does (in table order rather than Redis's random dict order).
func WriteCommandListReply(w *Writer, args [][]byte) {
	const (
		noFilter = iota
		byModule
		byACLCat
		byPattern
	)
	filter, arg := noFilter, []byte(nil)
	for i := 0; i < len(args); i++ {
		if !cEqualFold(args[i], "filterby") || len(args)-1-i != 2 {
			w.Error("ERR syntax error")
			return
		}
		switch {
		case cEqualFold(args[i+1], "module"):
			filter = byModule
		case cEqualFold(args[i+1], "aclcat"):
			filter = byACLCat
		case cEqualFold(args[i+1], "pattern"):
			filter = byPattern
		default:
			w.Error("ERR syntax error")
			return
		}
		arg = args[i+2]
		i += 2
	}
	keep := func(c *CommandSpec) bool {
		switch filter {
		case byModule:
			return false // no modules are ever loaded
		case byACLCat:
			for _, cat := range c.ACLCategories {
				if cEqualFold(arg, cat[1:]) {
					return true
				}
			}
			return false // also when arg is no category at all, as in Redis
		case byPattern:
			return glob.MatchString(arg, c.Name, true) // stringmatchlen(..., nocase=1)
		}
		return true
	}
	n := 0
	for _, c := range implTop {
		if keep(c) {
			n++
		}
		for _, s := range c.implSubs {
			if keep(s) {
				n++
			}
		}
	}
	w.Array(n)
	for _, c := range implTop {
		if keep(c) {
			w.BulkString(c.Name)
		}
		for _, s := range c.implSubs {
			if keep(s) {
				w.BulkString(s.Name)
			}
		}
	}
}

// WriteCommandGetKeys is the reply to COMMAND GETKEYS (withFlags false) and COMMAND
// GETKEYSANDFLAGS (true); args are the command to analyse, its name first.
func WriteCommandGetKeys(w *Writer, args [][]byte, withFlags bool) {
	var c *CommandSpec
	if len(args) > 0 {
		c = LookupCommand(args[0])
		if c.IsContainer() && len(args) > 1 {
			c = c.LookupSub(args[1])
		}
	}
	switch {
	case !c.Implemented():
		w.Error("ERR Invalid command specified")
		return
	case !c.HasKeys():
		w.Error("ERR The command has no key arguments")
		return
	case !c.ArityOK(len(args)):
		w.Error("ERR Invalid number of arguments specified for command")
		return
	}
	var buf [16]KeyRef
	keys := KeysAndFlags(c, args, buf[:0])
	if len(keys) == 0 && c.Flags&FlagNoMandatoryKeys == 0 {
		w.Error("ERR Invalid arguments specified for command")
		return
	}
	w.Array(len(keys))
	for _, k := range keys {
		if !withFlags {
			w.Bulk(args[k.Pos])
			continue
		}
		w.Array(2)
		w.Bulk(args[k.Pos])
		writeKeyFlags(w, k.Flags)
	}
}

func writeKeyFlags(w *Writer, f KeyFlags) {
	n := 0
	for i := range keyFlagNames {
		if f&(1<<i) != 0 {
			n++
		}
	}
	w.Set(n)
	for i, name := range keyFlagNames {
		if f&(1<<i) != 0 {
			w.Simple(name)
		}
	}
}

// ---- key positions ----

// KeyRef is a key's argument index and how the command uses it.
type KeyRef struct {
	Pos   int
	Flags KeyFlags
}

// KeyPositions appends to dst the argument indexes of the keys in args (args[0] is the command
// name; for a subcommand args[1] is its name) and returns it. It finds the keys the way
// COMMAND GETKEYS does in 7.0 (getKeysFromCommandWithSpecs): from the key specs when they are
// complete and reliable, otherwise with the command's getkeys procedure. Keys of a not_key
// spec (SPUBLISH's shard channel) are not keys. A malformed command gives no keys. It does not
// allocate when dst has room.
func KeyPositions(c *CommandSpec, args [][]byte, dst []int) []int {
	s := keySink{pos: dst}
	s.collect(c, args)
	return s.pos
}

// KeysAndFlags is KeyPositions with each key's flags, as COMMAND GETKEYSANDFLAGS gives them.
func KeysAndFlags(c *CommandSpec, args [][]byte, dst []KeyRef) []KeyRef {
	s := keySink{refs: dst, withFlags: true}
	s.collect(c, args)
	return s.refs
}

type keySink struct {
	pos       []int
	refs      []KeyRef
	withFlags bool
}

func (s *keySink) n() int {
	if s.withFlags {
		return len(s.refs)
	}
	return len(s.pos)
}

func (s *keySink) truncate(n int) {
	if s.withFlags {
		s.refs = s.refs[:n]
	} else {
		s.pos = s.pos[:n]
	}
}

func (s *keySink) add(pos int, f KeyFlags) {
	if s.withFlags {
		s.refs = append(s.refs, KeyRef{pos, f})
	} else {
		s.pos = append(s.pos, pos)
	}
}

func (s *keySink) collect(c *CommandSpec, args [][]byte) {
	if c == nil {
		return
	}
	// Key specs are preferred when they exist and their flags are reliable.
	if c.useSpecs && s.fromSpecs(c, args) {
		return
	}
	if c.getkeys != nil {
		k := c.getkeys(args)
		for i := 0; i < k.count; i++ {
			s.add(k.first+i*k.step, k.flags)
		}
		if k.extra > 0 {
			s.add(k.extra, k.extraFlags)
		}
	}
}

// fromSpecs is getKeysUsingKeySpecs; false means a spec was unknown, incomplete or did not fit
// the arguments, and nothing was added.
func (s *keySink) fromSpecs(c *CommandSpec, args [][]byte) bool {
	start := s.n()
	argc := len(args)
	for j := range c.KeySpecs {
		spec := &c.KeySpecs[j]
		if spec.Flags&KeyNotKey != 0 {
			continue
		}
		first := 0
		switch spec.BeginSearch {
		case SearchIndex:
			first = spec.Index
		case SearchKeyword:
			startIdx, endIdx := argc+spec.StartFrom, 1
			if spec.StartFrom > 0 {
				startIdx, endIdx = spec.StartFrom, argc-1
			}
			// Like Redis, the scan stops before endIdx.
			for i := startIdx; i != endIdx; {
				if i >= argc || i < 1 {
					break
				}
				if cEqualFold(args[i], spec.Keyword) {
					first = i + 1
					break
				}
				if startIdx <= endIdx {
					i++
				} else {
					i--
				}
			}
			if first == 0 {
				continue // keyword not found: no keys from this spec
			}
		default:
			s.truncate(start)
			return false
		}
		var last, step int
		switch spec.FindKeys {
		case FindRange:
			step = spec.KeyStep
			switch {
			case spec.LastKey >= 0:
				last = first + spec.LastKey
			case spec.Limit == 0:
				last = argc + spec.LastKey
			default:
				last = first + ((argc-first)/spec.Limit + spec.LastKey)
			}
		case FindKeynum:
			step = spec.KeyStep
			idx := first + spec.KeyNumIdx
			if spec.KeyNumIdx >= argc || idx >= argc {
				s.truncate(start)
				return false
			}
			numkeys, ok := numconv.ParseInt(args[idx])
			if !ok || numkeys < 0 {
				s.truncate(start)
				return false
			}
			first += spec.FirstKey
			last = first + int(int32(numkeys)) - 1 // Redis casts numkeys to int
		default:
			s.truncate(start)
			return false
		}
		if last >= argc || last < first || first >= argc || step <= 0 {
			s.truncate(start)
			return false
		}
		for i := first; i <= last; i += step {
			s.add(i, spec.Flags)
		}
		if spec.Flags&KeyIncomplete != 0 {
			s.truncate(start)
			return false
		}
	}
	return true
}

// procKeys is what a getkeys procedure finds: count keys from first, step apart, then
// optionally one more key at extra.
type procKeys struct {
	first, count, step int
	flags              KeyFlags
	extra              int
	extraFlags         KeyFlags
}

type getKeysProc func(args [][]byte) procKeys

// getKeysProcs are the getkeys_proc of the 7.0.15 table (src/commands.c, db.c), used when the
// key specs cannot answer alone (incomplete, unknown or variable-flag specs, or a spec that
// does not fit the arguments).
var getKeysProcs = map[string]getKeysProc{
	"bitfield":          bitfieldGetKeys,
	"migrate":           migrateGetKeys,
	"sort":              sortGetKeys,
	"sort_ro":           sortROGetKeys,
	"georadius":         georadiusGetKeys,
	"georadiusbymember": georadiusGetKeys,
	"blmpop":            numkeysGetKeys(0, 2, 3),
	"bzmpop":            numkeysGetKeys(0, 2, 3),
	"lmpop":             numkeysGetKeys(0, 1, 2),
	"zmpop":             numkeysGetKeys(0, 1, 2),
	"sintercard":        numkeysGetKeys(0, 1, 2),
	"zintercard":        numkeysGetKeys(0, 1, 2),
	"zdiff":             numkeysGetKeys(0, 1, 2),
	"zinter":            numkeysGetKeys(0, 1, 2),
	"zunion":            numkeysGetKeys(0, 1, 2),
	"zdiffstore":        numkeysGetKeys(1, 2, 3),
	"zinterstore":       numkeysGetKeys(1, 2, 3),
	"zunionstore":       numkeysGetKeys(1, 2, 3),
	"eval":              numkeysGetKeys(0, 2, 3),
	"evalsha":           numkeysGetKeys(0, 2, 3),
	"eval_ro":           numkeysGetKeys(0, 2, 3),
	"evalsha_ro":        numkeysGetKeys(0, 2, 3),
	"fcall":             numkeysGetKeys(0, 2, 3),
	"fcall_ro":          numkeysGetKeys(0, 2, 3),
	"xread":             xreadGetKeys,
	"xreadgroup":        xreadGetKeys,
	"set":               setGetKeys,
}

// numkeysGetKeys is genericGetKeys: "[destkey] numkeys key ..." with the store key (if any)
// reported after the source keys.
func numkeysGetKeys(storeOfs, countOfs, firstOfs int) getKeysProc {
	return func(args [][]byte) procKeys {
		if countOfs >= len(args) {
			return procKeys{}
		}
		num := cAtoi(args[countOfs])
		if num < 1 || num > len(args)-firstOfs {
			return procKeys{} // the command will reply with an error
		}
		return procKeys{first: firstOfs, count: num, step: 1, extra: storeOfs}
	}
}

func sortROGetKeys(args [][]byte) procKeys {
	return procKeys{first: 1, count: 1, step: 1, flags: KeyRO | KeyAccess}
}

// sortGetKeys finds SORT's STORE key, skipping the arguments of LIMIT, GET and BY the way
// sortGetKeys in db.c does (the last STORE wins).
func sortGetKeys(args [][]byte) procKeys {
	k := sortROGetKeys(args)
	for i := 2; i < len(args); i++ {
		switch {
		case cEqualFold(args[i], "limit"):
			i += 2
		case cEqualFold(args[i], "store") && i+1 < len(args):
			k.extra, k.extraFlags = i+1, KeyOW|KeyUpdate
		case cEqualFold(args[i], "get"), cEqualFold(args[i], "by"):
			i++
		}
	}
	return k
}

// migrateGetKeys: MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw]
// [AUTH2 user pw] [KEYS key ...].
func migrateGetKeys(args [][]byte) procKeys {
	k := procKeys{first: 3, count: 1, step: 1, flags: KeyRW | KeyAccess | KeyDelete}
	if len(args) > 6 {
		for i := 6; i < len(args); i++ {
			if cEqualFold(args[i], "keys") {
				if len(args[3]) > 0 {
					k.count = 0 // syntax error, left to MIGRATE itself
				} else {
					k.first = i + 1
					k.count = len(args) - k.first
				}
				break
			}
			switch {
			case cEqualFold(args[i], "auth"):
				i++
			case cEqualFold(args[i], "auth2"):
				i += 2
			}
		}
	}
	return k
}

func georadiusGetKeys(args [][]byte) procKeys {
	k := procKeys{first: 1, count: 1, step: 1}
	for i := 5; i < len(args); i++ {
		if (cEqualFold(args[i], "store") || cEqualFold(args[i], "storedist")) && i+1 < len(args) {
			k.extra = i + 1
			i++
		}
	}
	return k
}

// xreadGetKeys finds the STREAMS keyword past XREAD/XREADGROUP's options; the keys are the
// first half of what follows it.
func xreadGetKeys(args [][]byte) procKeys {
	streams := -1
	for i := 1; i < len(args); i++ {
		a := args[i]
		if cEqualFold(a, "block") || cEqualFold(a, "count") {
			i++
		} else if cEqualFold(a, "group") {
			i += 2
		} else if cEqualFold(a, "noack") {
			continue
		} else {
			if cEqualFold(a, "streams") {
				streams = i
			}
			break
		}
	}
	if streams < 0 {
		return procKeys{}
	}
	num := len(args) - streams - 1
	if num == 0 || num%2 != 0 {
		return procKeys{}
	}
	return procKeys{first: streams + 1, count: num / 2, step: 1}
}

func setGetKeys(args [][]byte) procKeys {
	for i := 3; i < len(args); i++ {
		if cEqualFold(args[i], "get") {
			return procKeys{first: 1, count: 1, step: 1, flags: KeyRW | KeyAccess | KeyUpdate}
		}
	}
	return procKeys{first: 1, count: 1, step: 1, flags: KeyOW | KeyUpdate}
}

func bitfieldGetKeys(args [][]byte) procKeys {
	readonly := true
	for i := 2; i < len(args); i++ {
		rem := len(args) - i - 1
		switch {
		case cEqualFold(args[i], "get") && rem >= 2:
			i += 2
			continue
		case (cEqualFold(args[i], "set") || cEqualFold(args[i], "incrby")) && rem >= 3:
			readonly = false
		case cEqualFold(args[i], "overflow") && rem >= 1:
			i++
			continue
		default:
			readonly = false // a syntax error: assume it writes
		}
		break
	}
	if readonly {
		return procKeys{first: 1, count: 1, step: 1, flags: KeyRO | KeyAccess}
	}
	return procKeys{first: 1, count: 1, step: 1, flags: KeyRW | KeyAccess | KeyUpdate}
}

// cEqualFold is strcasecmp(arg, lit) == 0 on a C string: arg ends at its first NUL byte.
func cEqualFold(arg []byte, lit string) bool {
	for i, ch := range arg {
		if ch == 0 {
			arg = arg[:i]
			break
		}
	}
	if len(arg) != len(lit) {
		return false
	}
	for i := range arg {
		a, b := arg[i], lit[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// cAtoi is glibc's atoi: (int)strtol(s, NULL, 10) — leading spaces, a sign, digits up to the
// first other byte, saturating at the long range and then truncated to 32 bits.
func cAtoi(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var v uint64
	over := false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if v > (1<<63)/10 {
			over = true
			continue
		}
		v = v*10 + uint64(b[i]-'0')
		if v > 1<<63 {
			over = true
		}
	}
	var l int64
	switch {
	case over && neg, neg && v == 1<<63:
		l = -1 << 63
	case over, !neg && v > 1<<63-1:
		l = 1<<63 - 1
	case neg:
		l = -int64(v)
	default:
		l = int64(v)
	}
	return int(int32(l))
}

// ---- reply trees ----

// ReplyKind is the type of a Reply node.
type ReplyKind uint8

const (
	ReplyArray ReplyKind = iota
	ReplyMap             // Elems holds keys and values alternating
	ReplySet
	ReplyPush
	ReplyBulk
	ReplySimple
	ReplyError
	ReplyInt
	ReplyNull
	ReplyDouble    // Str is the text as the server sent it
	ReplyBool      // Int is 1 or 0
	ReplyVerbatim  // Str is "fmt:text"
	ReplyBigNumber // Str is the digits
)

// Reply is a generic reply tree that keeps the types and the order of a RESP3 reply, so it can
// be written again in either protocol exactly as the server would.
type Reply struct {
	Kind  ReplyKind
	Str   string
	Int   int64
	Elems []Reply
}

// Write writes r through w, so that maps become flat arrays and sets arrays in RESP2.
func (r *Reply) Write(w *Writer) {
	switch r.Kind {
	case ReplyArray:
		w.Array(len(r.Elems))
	case ReplyMap:
		w.Map(len(r.Elems) / 2)
	case ReplySet:
		w.Set(len(r.Elems))
	case ReplyPush:
		w.Push(len(r.Elems))
	case ReplyBulk:
		w.BulkString(r.Str)
	case ReplySimple:
		w.Simple(r.Str)
	case ReplyError:
		w.Error(r.Str)
	case ReplyInt:
		w.Int(r.Int)
	case ReplyNull:
		w.Null()
	case ReplyDouble:
		if w.Proto >= 3 {
			w.Raw([]byte("," + r.Str + "\r\n"))
		} else {
			w.BulkString(r.Str)
		}
	case ReplyBool:
		w.Bool(r.Int != 0)
	case ReplyVerbatim:
		if len(r.Str) >= 4 && r.Str[3] == ':' {
			w.Verbatim(r.Str[4:], r.Str[:3])
		} else {
			w.Verbatim(r.Str, "txt")
		}
	case ReplyBigNumber:
		w.BigNumber(r.Str)
	}
	for i := range r.Elems {
		r.Elems[i].Write(w)
	}
}

var errBadReply = errors.New("clientproto: malformed RESP3 data")

// decodeReply decodes the RESP3 (or RESP2) value at s[i:]; strings share s's memory.
func decodeReply(s string, i int) (Reply, int, error) {
	if i >= len(s) {
		return Reply{}, 0, errBadReply
	}
	end := strings.Index(s[i:], "\r\n")
	if end < 0 {
		return Reply{}, 0, errBadReply
	}
	typ, line, next := s[i], s[i+1:i+end], i+end+2
	var r Reply
	switch typ {
	case '+':
		r = Reply{Kind: ReplySimple, Str: line}
	case '-':
		r = Reply{Kind: ReplyError, Str: line}
	case ',':
		r = Reply{Kind: ReplyDouble, Str: line}
	case '(':
		r = Reply{Kind: ReplyBigNumber, Str: line}
	case '_':
		r = Reply{Kind: ReplyNull}
	case '#':
		r = Reply{Kind: ReplyBool}
		if line == "t" {
			r.Int = 1
		}
	case ':':
		v, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return Reply{}, 0, errBadReply
		}
		r = Reply{Kind: ReplyInt, Int: v}
	case '$', '=':
		n, err := strconv.Atoi(line)
		if err != nil || n < -1 {
			return Reply{}, 0, errBadReply
		}
		if n == -1 {
			return Reply{Kind: ReplyNull}, next, nil
		}
		if next+n+2 > len(s) || s[next+n:next+n+2] != "\r\n" {
			return Reply{}, 0, errBadReply
		}
		r = Reply{Kind: ReplyBulk, Str: s[next : next+n]}
		if typ == '=' {
			r.Kind = ReplyVerbatim
		}
		next += n + 2
	case '*', '%', '~', '>':
		n, err := strconv.Atoi(line)
		if err != nil || n < -1 {
			return Reply{}, 0, errBadReply
		}
		if n == -1 {
			return Reply{Kind: ReplyNull}, next, nil
		}
		switch typ {
		case '*':
			r.Kind = ReplyArray
		case '%':
			r.Kind = ReplyMap
			n *= 2
		case '~':
			r.Kind = ReplySet
		default:
			r.Kind = ReplyPush
		}
		if n > len(s)-next {
			return Reply{}, 0, errBadReply
		}
		r.Elems = make([]Reply, n)
		for j := range r.Elems {
			r.Elems[j], next, err = decodeReply(s, next)
			if err != nil {
				return Reply{}, 0, err
			}
		}
	default:
		return Reply{}, 0, errBadReply
	}
	return r, next, nil
}

// ---- building the table ----

// genCommand is one row of commands_gen.go.
type genCommand struct {
	name                    string
	arity                   int
	flags                   CommandFlags
	firstKey, lastKey, step int
	acl                     string
	info, docs              string
}

func init() {
	var container *CommandSpec
	for i := range genCommands {
		g := &genCommands[i]
		c := &CommandSpec{Name: g.name, Index: i, Arity: g.arity, Flags: g.flags, FirstKey: g.firstKey,
			LastKey: g.lastKey, Step: g.step, docsRaw: g.docs, docs: &lazyReply{}, implemented: true}
		if g.acl != "" {
			c.ACLCategories = strings.Split(g.acl, " ")
		}
		if err := c.loadInfo(g.info); err != nil {
			panic("clientproto: command table entry " + g.name + ": " + err.Error())
		}
		if base, sub, ok := strings.Cut(g.name, "|"); ok {
			if container == nil || container.Name != base {
				panic("clientproto: subcommand " + g.name + " out of place in the table")
			}
			c.Parent = container
			container.Subcommands[sub] = c
			container.subs = append(container.subs, c)
			continue
		}
		commandTable = append(commandTable, c)
		commandsByName[c.Name] = c
		container = nil
		if c.info.Elems[9].Kind == ReplyArray { // a container (see tools/gencommands)
			container = c
			c.Subcommands = map[string]*CommandSpec{}
			c.subs = []*CommandSpec{}
		}
	}
	for _, n := range mayReplicate {
		commandsByName[n].Flags |= FlagMayReplicate
	}
	for n, p := range getKeysProcs {
		commandsByName[n].getkeys = p
	}
	refreshImplemented()
}

// loadInfo decodes the row's COMMAND INFO entry, checks it agrees with the row's fields and
// takes the flag names and key specs from it.
func (c *CommandSpec) loadInfo(raw string) error {
	r, n, err := decodeReply(raw, 0)
	if err != nil || n != len(raw) || r.Kind != ReplyArray || len(r.Elems) != 10 {
		return errors.New("bad COMMAND INFO data")
	}
	e := r.Elems
	if e[0].Str != c.Name || e[1].Int != int64(c.Arity) || e[3].Int != int64(c.FirstKey) ||
		e[4].Int != int64(c.LastKey) || e[5].Int != int64(c.Step) {
		return errors.New("COMMAND INFO data disagrees with the row")
	}
	var flags CommandFlags
	for _, f := range e[2].Elems {
		found := false
		for i, name := range commandFlagNames {
			if f.Str == name {
				flags |= 1 << i
				found = true
			}
		}
		if !found {
			return errors.New("unknown flag " + f.Str)
		}
		c.FlagNames = append(c.FlagNames, f.Str)
	}
	if flags != c.Flags {
		return errors.New("flags disagree with COMMAND INFO data")
	}
	if len(e[6].Elems) != len(c.ACLCategories) {
		return errors.New("ACL categories disagree with COMMAND INFO data")
	}
	for i, cat := range e[6].Elems {
		if cat.Str != c.ACLCategories[i] {
			return errors.New("ACL categories disagree with COMMAND INFO data")
		}
	}
	varFlags := false
	for _, ks := range e[8].Elems {
		spec, err := parseKeySpec(ks)
		if err != nil {
			return err
		}
		c.KeySpecs = append(c.KeySpecs, spec)
		varFlags = varFlags || spec.Flags&KeyVariableFlags != 0
	}
	c.useSpecs = c.hasKeySpec() && !varFlags
	c.info = r
	return nil
}

func replyMapGet(m Reply, key string) (Reply, bool) {
	if m.Kind == ReplyMap {
		for i := 0; i+1 < len(m.Elems); i += 2 {
			if m.Elems[i].Str == key {
				return m.Elems[i+1], true
			}
		}
	}
	return Reply{}, false
}

func parseKeySpec(r Reply) (KeySpec, error) {
	var ks KeySpec
	bad := errors.New("bad key spec")
	if r.Kind != ReplyMap {
		return ks, bad
	}
	if notes, ok := replyMapGet(r, "notes"); ok {
		ks.Notes = notes.Str
	}
	flags, _ := replyMapGet(r, "flags")
	for _, f := range flags.Elems {
		found := false
		for i, name := range keyFlagNames {
			if f.Str == name {
				ks.Flags |= 1 << i
				found = true
			}
		}
		if !found {
			return ks, errors.New("unknown key spec flag " + f.Str)
		}
	}
	intOf := func(m Reply, key string) int {
		v, _ := replyMapGet(m, key)
		return int(v.Int)
	}
	bs, _ := replyMapGet(r, "begin_search")
	bsType, _ := replyMapGet(bs, "type")
	bsSpec, _ := replyMapGet(bs, "spec")
	switch bsType.Str {
	case "unknown":
		ks.BeginSearch = SearchUnknown
	case "index":
		ks.BeginSearch = SearchIndex
		ks.Index = intOf(bsSpec, "index")
	case "keyword":
		ks.BeginSearch = SearchKeyword
		kw, _ := replyMapGet(bsSpec, "keyword")
		ks.Keyword = kw.Str
		ks.StartFrom = intOf(bsSpec, "startfrom")
	default:
		return ks, bad
	}
	fk, _ := replyMapGet(r, "find_keys")
	fkType, _ := replyMapGet(fk, "type")
	fkSpec, _ := replyMapGet(fk, "spec")
	switch fkType.Str {
	case "unknown":
		ks.FindKeys = SearchUnknown
	case "range":
		ks.FindKeys = FindRange
		ks.LastKey = intOf(fkSpec, "lastkey")
		ks.KeyStep = intOf(fkSpec, "keystep")
		ks.Limit = intOf(fkSpec, "limit")
	case "keynum":
		ks.FindKeys = FindKeynum
		ks.KeyNumIdx = intOf(fkSpec, "keynumidx")
		ks.FirstKey = intOf(fkSpec, "firstkey")
		ks.KeyStep = intOf(fkSpec, "keystep")
	default:
		return ks, bad
	}
	return ks, nil
}
