package rdb

import "encoding/binary"

// replyError is an error whose text is a Redis reply, capitals included.
type replyError string

func (e replyError) Error() string { return string(e) }

// ErrDumpPayload is RESTORE's reply to a payload whose version is newer than 10 or whose
// checksum does not match (verifyDumpPayload); a reply writer prefixes "ERR ".
var ErrDumpPayload error = replyError("DUMP payload version or checksum are wrong")

// ErrBadDataFormat is RESTORE's reply to a payload that passed the checks but does not
// decode. Errors from DecodeDump that are not ErrDumpPayload match it with errors.Is; their
// text says what is wrong, for logs.
var ErrBadDataFormat error = replyError("Bad data format")

// EncodeValue returns the RDB encoding of one value, type byte first (rdbSaveObjectType +
// rdbSaveObject): the body of a DUMP payload. The value is a *datatype.Str, List, Set, Hash
// or ZSet.
func EncodeValue(v any, opts EncodeOptions) ([]byte, error) {
	enc := valueEncoder{fill: opts.ListMaxListpackSize}
	t, err := enc.prepare(v)
	if err != nil {
		return nil, err
	}
	o := out{compress: opts.Compress}
	o.byte1(t)
	enc.body(&o, t, v)
	return o.buf, nil
}

// DumpPayload returns DUMP's reply for v: EncodeValue, the RDB version (10) as 2 bytes
// little-endian and the CRC64 of all that, 8 bytes little-endian (createDumpPayload).
func DumpPayload(v any, opts EncodeOptions) ([]byte, error) {
	b, err := EncodeValue(v, opts)
	if err != nil {
		return nil, err
	}
	return AppendDumpFooter(b), nil
}

// AppendDumpFooter appends the version and checksum that make a DUMP payload of an encoded
// value.
func AppendDumpFooter(b []byte) []byte {
	b = binary.LittleEndian.AppendUint16(b, Version)
	return binary.LittleEndian.AppendUint64(b, CRC64(0, b))
}

// VerifyDump checks a DUMP payload's footer as RESTORE does: at least 10 bytes, a version
// of at most 10, and (unless skipChecksum, DEBUG SET-SKIP-CHECKSUM-VALIDATION) a matching
// CRC64. It returns the encoded value and its version, or ErrDumpPayload.
func VerifyDump(payload []byte, skipChecksum bool) (body []byte, version int, err error) {
	if len(payload) < 10 {
		return nil, 0, ErrDumpPayload
	}
	n := len(payload) - 10
	version = int(binary.LittleEndian.Uint16(payload[n:]))
	if version > Version {
		return nil, version, ErrDumpPayload
	}
	if !skipChecksum && CRC64(0, payload[:n+2]) != binary.LittleEndian.Uint64(payload[n+2:]) {
		return nil, version, ErrDumpPayload
	}
	return payload[:n], version, nil
}

// DecodeDump verifies a DUMP payload and decodes its value as RESTORE does, with the
// encoding thresholds in lim. Like Redis it ignores bytes between the value and the footer.
// An empty collection is an error here (RESTORE refuses it) although a file load skips it.
func DecodeDump(payload []byte, lim Limits, skipChecksum bool) (any, error) {
	body, _, err := VerifyDump(payload, skipChecksum)
	if err != nil {
		return nil, err
	}
	return DecodeValue(body, lim)
}
