package node

import (
	"strconv"
	"strings"

	"github.com/rcnode/rcnode/clientproto"
)

func init() {
	register("client|setname", cmdClientSetName)
	register("client|getname", cmdClientGetName)
	register("client|id", cmdClientID)
	register("client|list", cmdClientList)
	register("client|info", cmdClientInfo)
	register("client|kill", cmdClientKill)
	register("client|help", cmdClientHelp)
}

// validClientName applies Redis's rule: printable ASCII without spaces.
func validClientName(name []byte) bool {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

func (c *Client) setName(name []byte) {
	if len(name) == 0 {
		c.name.Store(nil)
		return
	}
	s := string(name)
	c.name.Store(&s)
}

func (c *Client) nameString() string {
	if p := c.name.Load(); p != nil {
		return *p
	}
	return ""
}

func cmdClientSetName(c *Client, args [][]byte) {
	if !validClientName(args[2]) {
		c.w.Error("ERR Client names cannot contain spaces, newlines or special characters.")
		return
	}
	c.setName(args[2])
	c.w.OK()
}

func cmdClientGetName(c *Client, args [][]byte) {
	if p := c.name.Load(); p != nil {
		c.w.BulkString(*p)
		return
	}
	c.w.Null()
}

func cmdClientID(c *Client, args [][]byte) { c.w.Int(c.id) }

// infoLine formats one client the way CLIENT LIST and CLIENT INFO do. Fields that describe
// redis-server's internal buffers are reported with the values of an idle client.
func (c *Client) infoLine(now int64) string {
	var flags []byte
	switch {
	case c.isMaster:
		flags = append(flags, 'M')
	case c.replica.Load() != nil:
		flags = append(flags, 'S')
	}
	queued := c.queued.Load()
	if queued > 0 {
		flags = append(flags, 'x')
	}
	if c.blocked.Load() {
		flags = append(flags, 'b')
	}
	if c.watch.dirty.Load() {
		flags = append(flags, 'd')
	}
	if c.readonly {
		flags = append(flags, 'r')
	}
	if len(flags) == 0 {
		flags = append(flags, 'N')
	}
	cmd := "NULL"
	if p := c.lastCmd.Load(); p != nil {
		cmd = *p
	}
	var b strings.Builder
	b.WriteString("id=" + strconv.FormatInt(c.id, 10))
	b.WriteString(" addr=" + c.addr)
	b.WriteString(" laddr=" + c.laddr)
	b.WriteString(" fd=8 name=" + c.nameString())
	b.WriteString(" age=" + strconv.FormatInt(now-c.created.Unix(), 10))
	b.WriteString(" idle=" + strconv.FormatInt(now-c.lastUsed.Load(), 10))
	b.WriteString(" flags=" + string(flags))
	b.WriteString(" db=" + strconv.Itoa(c.dbID()))
	b.WriteString(" sub=0 psub=0 ssub=0 multi=" + strconv.Itoa(int(queued)-1))
	b.WriteString(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0")
	b.WriteString(" rbs=" + strconv.Itoa(readBufferSize) + " rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r")
	b.WriteString(" cmd=" + cmd)
	b.WriteString(" user=default redir=-1 resp=" + strconv.Itoa(c.proto()))
	return b.String()
}

// dbID and proto are read by other clients' CLIENT LIST; the owner changes them only
// between commands, so a racy read shows either the old or the new value.
func (c *Client) dbID() int  { return int(c.dbIndex.Load()) }
func (c *Client) proto() int { return int(c.protoVer.Load()) }

func (s *Server) clientList(filter func(*Client) bool) string {
	now := s.unixTime()
	s.clientsMu.Lock()
	list := make([]*Client, 0, len(s.clients))
	for _, cl := range s.clients {
		if filter == nil || filter(cl) {
			list = append(list, cl)
		}
	}
	s.clientsMu.Unlock()
	sortClients(list)
	var b strings.Builder
	for _, cl := range list {
		b.WriteString(cl.infoLine(now))
		b.WriteByte('\n')
	}
	return b.String()
}

func sortClients(list []*Client) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].id < list[j-1].id; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

func cmdClientList(c *Client, args [][]byte) {
	var filter func(*Client) bool
	if len(args) > 2 {
		switch {
		case len(args) == 4 && argIs(args[2], "type"):
			kind, ok := clientType(args[3])
			if !ok {
				c.w.Error("ERR Unknown client type '" + string(args[3]) + "'")
				return
			}
			filter = func(cl *Client) bool { return cl.kind() == kind }
		case argIs(args[2], "id") && len(args) > 3:
			ids := map[int64]bool{}
			for _, a := range args[3:] {
				id, err := strconv.ParseInt(string(a), 10, 64)
				if err != nil || id <= 0 {
					c.w.Error("ERR Invalid client ID")
					return
				}
				ids[id] = true
			}
			filter = func(cl *Client) bool { return ids[cl.id] }
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	c.w.Verbatim(c.srv.clientList(filter), "txt")
}

func cmdClientInfo(c *Client, args [][]byte) {
	c.w.Verbatim(c.infoLine(c.srv.unixTime())+"\n", "txt")
}

func cmdClientKill(c *Client, args [][]byte) {
	// Old form: CLIENT KILL addr:port.
	if len(args) == 3 {
		addr := string(args[2])
		victim := c.srv.findClient(func(cl *Client) bool { return cl.addr == addr })
		if len(victim) == 0 {
			c.w.Error("ERR No such client")
			return
		}
		c.killClients(victim)
		c.w.OK()
		return
	}
	if len(args)%2 != 0 {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	var conds []func(*Client) bool
	skipMe := true
	for i := 2; i < len(args); i += 2 {
		opt, val := lowerASCII(args[i]), string(args[i+1])
		switch opt {
		case "id":
			id, err := strconv.ParseInt(val, 10, 64)
			if err != nil || id <= 0 {
				c.w.Error("ERR client-id should be greater than 0")
				return
			}
			conds = append(conds, func(cl *Client) bool { return cl.id == id })
		case "addr":
			conds = append(conds, func(cl *Client) bool { return cl.addr == val })
		case "laddr":
			conds = append(conds, func(cl *Client) bool { return cl.laddr == val })
		case "user":
			if val != "default" {
				c.w.Error("ERR No such user '" + val + "'")
				return
			}
		case "type":
			kind, ok := clientType([]byte(val))
			if !ok {
				c.w.Error("ERR Unknown client type '" + val + "'")
				return
			}
			conds = append(conds, func(cl *Client) bool { return cl.kind() == kind })
		case "skipme":
			switch lowerASCII([]byte(val)) {
			case "yes":
				skipMe = true
			case "no":
				skipMe = false
			default:
				c.w.Error(clientproto.ErrSyntax)
				return
			}
		default:
			c.w.Error(clientproto.ErrSyntax)
			return
		}
	}
	victims := c.srv.findClient(func(cl *Client) bool {
		if skipMe && cl == c {
			return false
		}
		for _, cond := range conds {
			if !cond(cl) {
				return false
			}
		}
		return true
	})
	c.killClients(victims)
	c.w.Int(int64(len(victims)))
}

func (s *Server) findClient(match func(*Client) bool) []*Client {
	s.clientsMu.Lock()
	defer s.clientsMu.Unlock()
	var out []*Client
	for _, cl := range s.clients {
		if match(cl) {
			out = append(out, cl)
		}
	}
	return out
}

// killClients closes victims; the caller itself is closed after its reply is written.
func (c *Client) killClients(victims []*Client) {
	for _, v := range victims {
		if v == c {
			c.closeAfter = true
			continue
		}
		v.kill()
	}
}

func cmdClientHelp(c *Client, args [][]byte) {
	writeHelp(c, "CLIENT",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"    * ID <client-id>",
		"      Kill connections by client id.",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.")
}

// clientType parses CLIENT LIST/KILL's TYPE (getClientTypeByName): normal, master, replica
// (or slave) and pubsub.
func clientType(b []byte) (string, bool) {
	switch t := lowerASCII(b); t {
	case "normal", "master", "pubsub":
		return t, true
	case "replica", "slave":
		return "replica", true
	}
	return "", false
}

// kind is the client's type for CLIENT LIST/KILL TYPE.
func (c *Client) kind() string {
	switch {
	case c.isMaster:
		return "master"
	case c.replica.Load() != nil:
		return "replica"
	}
	return "normal"
}
