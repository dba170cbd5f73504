package node

import (
	"strconv"
	"strings"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/numconv"
	"github.com/rcnode/rcnode/internal/sdsargs"
)

func init() { register("replconf", cmdReplconf) }

// replicaConf is what a replica told us with REPLCONF before its PSYNC.
type replicaConf struct {
	listeningPort int
	ip            string
	capaEOF       bool
	capaPSYNC2    bool
	rdbOnly       bool
	emptyRDB      bool // rdb-filter-only without "functions": an RDB without keys
}

func (c *Client) conf() *replicaConf {
	if c.replConf == nil {
		c.replConf = &replicaConf{}
	}
	return c.replConf
}

// cmdReplconf is REPLCONF option value [option value ...], replconfCommand's options in its
// order. ACK and GETACK never reply.
func cmdReplconf(c *Client, args [][]byte) {
	if len(args)%2 == 0 {
		c.w.Error(clientproto.ErrSyntax)
		return
	}
	for j := 1; j < len(args); j += 2 {
		val := args[j+1]
		switch lowerASCII(args[j]) {
		case "listening-port":
			port, ok := numconv.ParseInt(val)
			if !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return
			}
			c.conf().listeningPort = int(port)
		case "ip-address":
			if len(val) >= 46 { // NET_HOST_STR_LEN
				c.w.Error("ERR REPLCONF ip-address provided by replica instance is too long: " + strconv.Itoa(len(val)) + " bytes")
				return
			}
			c.conf().ip = string(val)
		case "capa":
			switch {
			case argIs(val, "eof"):
				c.conf().capaEOF = true
			case argIs(val, "psync2"):
				c.conf().capaPSYNC2 = true
			}
		case "ack":
			// From a replica of ours; its session reads them itself once it streams, so
			// only an ACK pipelined right behind PSYNC lands here.
			if rs := c.replica.Load(); rs != nil {
				if off, ok := numconv.ParseInt(val); ok {
					rs.ack(off)
				}
			}
			return
		case "getack":
			// From our master: answer with the offset processed so far.
			if c.isMaster && c.masterLink != nil {
				c.masterLink.sendAck()
			}
			return
		case "rdb-only":
			n, ok := numconv.ParseInt(val)
			if !ok {
				c.w.Error(clientproto.ErrNotInteger)
				return
			}
			if n < 0 || n > 1 {
				c.w.Error("ERR value is out of range, value must between 0 and 1")
				return
			}
			c.conf().rdbOnly = n == 1
		case "rdb-filter-only":
			filters, err := sdsargs.Split(string(val))
			if err != nil {
				c.w.Error("ERR Missing rdb-filter-only values")
				return
			}
			for _, f := range filters {
				if !strings.EqualFold(f, "functions") {
					c.w.Error("ERR Unsupported rdb-filter-only option: " + f)
					return
				}
			}
			// rcnode has no functions, so either way the RDB holds no keys.
			c.conf().emptyRDB = true
		default:
			c.w.Error("ERR Unrecognized REPLCONF option: " + string(args[j]))
			return
		}
	}
	c.w.OK()
}
