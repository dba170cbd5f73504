package migrate

import (
	"errors"
	"github.com/rcnode/rcnode/clientproto"
	"net"
	"strconv"
	"time"
)

// Request is one MIGRATE's transfer: optional AUTH, SELECT when the connection has another
// database selected, then Commands (the RESTORE or RESTORE-ASKING commands, RESP-encoded,
// NumCommands of them), each answered by one line.
type Request struct {
	Host, Port string
	Timeout    time.Duration
	DB         int64
	// Auth sends AUTH [User] Password first; User is used when non-nil (AUTH2).
	Auth           bool
	User, Password []byte

	Commands    []byte
	NumCommands int
}

// Failure says which step of a transfer failed on the connection, if any.
type Failure int

const (
	// NoFailure: every reply was read (some may be errors: see Result.TargetError).
	NoFailure Failure = iota
	// FailConnect: the target could not be reached within the timeout.
	FailConnect
	// FailWrite: the commands could not be written within the timeout.
	FailWrite
	// FailRead: a reply did not arrive within the timeout or the connection broke.
	FailRead
)

// Result is what happened to a transfer.
type Result struct {
	// Acked[i] is true when command i was answered with success; only those keys may be
	// deleted at the source.
	Acked []bool
	// TargetError is the first error the target replied (to AUTH, SELECT or a command),
	// without its leading '-'; "" when none.
	TargetError string
	Failure     Failure
	// Retried says the first attempt failed on a socket error and the transfer was sent
	// again on a new connection.
	Retried bool
}

var errEmptyLine = errors.New("migrate: empty reply line")

// Transfer sends req on a connection from the cache and reads every reply, as Redis's
// migrateCommand does. After a socket error (not a timeout) before any command was
// acknowledged it tries once more on a new connection: a cached connection the target
// closed while idle fails that way, and nothing can have been applied twice.
func (c *Cache) Transfer(req *Request) Result {
	mayRetry := true
	retried := false
	for {
		conn, err := c.Get(req.Host, req.Port, req.Timeout)
		if err != nil {
			if isAddressError(err) {
				return Result{Failure: FailConnect, Retried: retried}
			}
			// Redis's blocking connect reports success once it has started (or timed out),
			// so a refused or unreachable target fails its first write: the same reply
			// and the same retry rule as a write error.
			if mayRetry && !IsTimeout(err) {
				mayRetry, retried = false, true
				continue
			}
			return Result{Failure: FailWrite, Retried: retried}
		}
		res, retry := c.transferOnce(conn, req, mayRetry)
		if !retry {
			res.Retried = retried
			return res
		}
		mayRetry, retried = false, true
	}
}

// transferOnce runs one attempt; it reports retry when the caller should try once more.
func (c *Cache) transferOnce(conn *Conn, req *Request, mayRetry bool) (res Result, retry bool) {
	var head []byte
	if req.Auth {
		if req.User != nil {
			head = clientproto.AppendCommand(head, []byte("AUTH"), req.User, req.Password)
		} else {
			head = clientproto.AppendCommand(head, []byte("AUTH"), req.Password)
		}
	}
	selectDB := conn.LastDB != req.DB
	if selectDB {
		head = clientproto.AppendCommand(head, []byte("SELECT"), strconv.AppendInt(nil, req.DB, 10))
	}
	err := conn.Write(head, req.Timeout)
	if err == nil {
		err = conn.Write(req.Commands, req.Timeout)
	}
	if err != nil {
		c.Discard(conn)
		return Result{Failure: FailWrite}, mayRetry && !IsTimeout(err)
	}

	var authReply, selectReply string
	if req.Auth {
		authReply, err = readReply(conn, req.Timeout)
	}
	if err == nil && selectDB {
		selectReply, err = readReply(conn, req.Timeout)
	}
	if err != nil {
		c.Discard(conn)
		return Result{Failure: FailRead}, mayRetry && !IsTimeout(err)
	}

	res.Acked = make([]bool, req.NumCommands)
	var socketErr error
	i := 0
	for ; i < req.NumCommands; i++ {
		line, err := readReply(conn, req.Timeout)
		if err != nil {
			socketErr = err
			break
		}
		// An AUTH or SELECT error fails every command after it, as the target ran them
		// unauthenticated or in the wrong database.
		failed := ""
		switch {
		case req.Auth && authReply[0] == '-':
			failed = authReply
		case selectDB && selectReply[0] == '-':
			failed = selectReply
		case line[0] == '-':
			failed = line
		}
		if failed == "" {
			res.Acked[i] = true
		} else if res.TargetError == "" {
			res.TargetError = failed[1:]
			conn.LastDB = -1
		}
	}
	if socketErr != nil {
		c.Discard(conn)
		if res.TargetError == "" {
			// Retry only when nothing can have been applied: the first reply is missing.
			if i == 0 && mayRetry && !IsTimeout(socketErr) {
				return Result{Failure: FailRead}, true
			}
			res.Failure = FailRead
		}
		return res, false
	}
	if res.TargetError == "" {
		conn.LastDB = req.DB
	}
	c.Put(conn)
	return res, false
}

// isAddressError reports whether a connection could not even be attempted: the host does not
// resolve or the address is malformed. That is the only failure Redis reports as "error or
// timeout connecting".
func isAddressError(err error) bool {
	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	var parseErr *net.ParseError
	return errors.Is(err, errEmptyHost) || errors.As(err, &dnsErr) || errors.As(err, &addrErr) || errors.As(err, &parseErr)
}

// readReply reads one reply line; an empty one is a broken reply, as it is to Redis.
func readReply(conn *Conn, timeout time.Duration) (string, error) {
	line, err := conn.ReadLine(timeout)
	if err == nil && line == "" {
		err = errEmptyLine
	}
	return line, err
}
