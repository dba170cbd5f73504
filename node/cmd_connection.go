package node

import (
	"math"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/node/keyspace"
)

func init() {
	register("ping", cmdPing)
	register("echo", cmdEcho)
	register("quit", cmdQuit)
	register("select", cmdSelect)
	register("hello", cmdHello)
	register("auth", cmdAuth)
	register("readonly", cmdReadonly)
	register("readwrite", cmdReadwrite)
	register("asking", cmdAsking)
}

func cmdPing(c *Client, args [][]byte) {
	if len(args) <= 2 && c.pingSubscribed(args) {
		return
	}
	switch len(args) {
	case 1:
		c.w.Simple("PONG")
	case 2:
		c.w.Bulk(args[1])
	default:
		c.w.Error(clientproto.WrongArity("ping"))
	}
}

func cmdEcho(c *Client, args [][]byte) { c.w.Bulk(args[1]) }

func cmdQuit(c *Client, args [][]byte) {
	c.w.OK()
	c.closeAfter = true
}

// dbArg parses a database index as SELECT, COPY ... DB and friends do, replying with Redis's
// errors; clusterErr is the command's refusal of any database but 0 in cluster mode.
func (c *Client) dbArg(b []byte, clusterErr string) (*keyspace.DB, bool) {
	id, ok := numconv.ParseInt(b)
	if !ok || id < math.MinInt32 || id > math.MaxInt32 {
		c.w.Error(clientproto.ErrNotInteger)
		return nil, false
	}
	if c.srv.opts.ClusterEnabled && id != 0 {
		c.w.Error(clusterErr)
		return nil, false
	}
	if id < 0 || id >= int64(len(c.srv.ks.DBs)) {
		c.w.Error("ERR DB index is out of range")
		return nil, false
	}
	return c.srv.ks.DBs[id], true
}

func cmdSelect(c *Client, args [][]byte) {
	db, ok := c.dbArg(args[1], "ERR SELECT is not allowed in cluster mode")
	if !ok {
		return
	}
	id := db.ID
	c.db.use(db)
	c.dbIndex.Store(int32(id))
	c.w.OK()
}

// checkPassword applies the default user's password rules of AUTH and HELLO ... AUTH.
func (c *Client) checkPassword(user, pass []byte) bool {
	want := c.srv.Settings().RequirePass
	if user != nil && string(user) != "default" {
		return false
	}
	if want == "" {
		// The default user has nopass: any password is accepted.
		return true
	}
	return string(pass) == want
}

func cmdAuth(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	var user, pass []byte
	if len(args) == 2 {
		pass = args[1]
		if c.srv.Settings().RequirePass == "" {
			c.w.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
			return
		}
	} else {
		user, pass = args[1], args[2]
	}
	if !c.checkPassword(user, pass) {
		c.w.Error("WRONGPASS invalid username-password pair or user is disabled.")
		return
	}
	c.authenticated = true
	c.w.OK()
}

func cmdHello(c *Client, args [][]byte) {
	proto := c.w.Proto
	next := 1
	if len(args) >= 2 {
		v, ok := numconv.ParseInt(args[1])
		if !ok {
			c.w.Error("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			c.w.Error("NOPROTO unsupported protocol version")
			return
		}
		proto = int(v)
		next = 2
	}
	var name []byte
	authed := false
	for i := next; i < len(args); i++ {
		opt := lowerASCII(args[i])
		switch {
		case opt == "auth" && i+2 < len(args):
			if !c.checkPassword(args[i+1], args[i+2]) {
				c.w.Error("WRONGPASS invalid username-password pair or user is disabled.")
				return
			}
			authed = true
			i += 2
		case opt == "setname" && i+1 < len(args):
			name = args[i+1]
			if !validClientName(name) {
				c.w.Error("ERR Client names cannot contain spaces, newlines or special characters.")
				return
			}
			i++
		default:
			c.w.Error("ERR Syntax error in HELLO option '" + string(args[i]) + "'")
			return
		}
	}
	if authed {
		c.authenticated = true
	}
	if !c.authenticated {
		c.w.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if name != nil {
		c.setName(name)
	}
	c.w.Proto = proto
	c.protoVer.Store(int32(proto))
	mode := "standalone"
	if c.srv.opts.ClusterEnabled {
		mode = "cluster"
	}
	c.w.Map(7)
	c.w.BulkString("server")
	c.w.BulkString("redis")
	c.w.BulkString("version")
	c.w.BulkString(Version)
	c.w.BulkString("proto")
	c.w.Int(int64(proto))
	c.w.BulkString("id")
	c.w.Int(c.id)
	c.w.BulkString("mode")
	c.w.BulkString(mode)
	c.w.BulkString("role")
	c.w.BulkString(c.srv.roleName())
	c.w.BulkString("modules")
	c.w.Array(0)
}

func (c *Client) requireCluster() bool {
	if !c.srv.opts.ClusterEnabled {
		c.w.Error("ERR This instance has cluster support disabled")
		return false
	}
	return true
}

func cmdReadonly(c *Client, args [][]byte) {
	if c.requireCluster() {
		c.readonly = true
		c.w.OK()
	}
}

func cmdReadwrite(c *Client, args [][]byte) {
	if c.requireCluster() {
		c.readonly = false
		c.w.OK()
	}
}

func cmdAsking(c *Client, args [][]byte) {
	if c.requireCluster() {
		c.w.OK()
		c.asking = true
	}
}
