// Package rdb is the RDB codec of Redis 7.0 (format version 10), shared by full
// synchronisation (a master's snapshot to a replica, and loading one), dump.rdb
// persistence, and DUMP/RESTORE.
//
// What it owns: the byte format. Writer writes a whole RDB stream (magic, aux fields,
// function libraries, SELECTDB/RESIZEDB per database, keys with EXPIRETIME_MS, EOF and
// the CRC64 checksum) with every value in the encoding redis-server 7.0 chooses for it:
// strings with integer and LZF encodings, lists as quicklists of listpacks cut where Redis
// cuts them, hashes and sorted sets as listpacks while the value reports that encoding,
// sets as intsets likewise. Decode reads any RDB that 7.0 loads (versions 1 to 10, and the
// older zipmap, ziplist, intset and linked encodings) as a stream, key by key, with memory
// bounded by the data itself, and rebuilds values with the encodings Redis's loader gives
// them. EncodeValue, DumpPayload, VerifyDump and DecodeDump are the DUMP/RESTORE payload.
// CRC64 is Redis's CRC-64/Jones.
//
// Values are the node/datatype types: *datatype.Str, *datatype.List, *datatype.Set,
// *datatype.Hash and *datatype.ZSet. Streams and module values are not among them, and
// reading one is an error matching ErrUnsupported.
//
// What it must not touch: the keyspace and its locking (the caller walks the keyspace,
// holds the slot locks while a value is encoded, and decides what to do with each decoded
// key: drop it when expired, refuse duplicates, swap databases on success), sockets, and
// files: it reads and writes only the io.Reader and io.Writer it is given. It never panics
// on input; every malformed byte sequence is a *FormatError saying where.
package rdb
