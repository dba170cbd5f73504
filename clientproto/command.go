package clientproto

import "strconv"

// AppendCommand appends args as a RESP array of bulk strings: a command as it travels
// between servers (the replication stream, MIGRATE's pipeline, a replica's handshake).
func AppendCommand(dst []byte, args ...[]byte) []byte { return AppendBulkAggregate(dst, '*', args) }

// AppendBulkAggregate appends items as an aggregate of bulk strings opened by typ: '*' for
// an array, '>' for a RESP3 push.
func AppendBulkAggregate(dst []byte, typ byte, items [][]byte) []byte {
	dst = append(dst, typ)
	dst = strconv.AppendInt(dst, int64(len(items)), 10)
	dst = append(dst, '\r', '\n')
	for _, it := range items {
		dst = AppendBulk(dst, it)
	}
	return dst
}

// AppendBulk appends b as a RESP bulk string.
func AppendBulk(dst, b []byte) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}
