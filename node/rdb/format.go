package rdb

// Version is the RDB format version Redis 7.0 writes (RDB_VERSION); it loads 1 to 10.
const Version = 10

// Value types (rdb.h RDB_TYPE_*). 7.0 writes String, Set, Hash, ZSet2, SetIntset,
// HashListpack, ZSetListpack and ListQuicklist2 for the types rcnode stores, and Module2 and
// StreamListpacks2 for types it does not.
const (
	typeString          = 0
	typeList            = 1
	typeSet             = 2
	typeZSet            = 3
	typeHash            = 4
	typeZSet2           = 5
	typeModule          = 6
	typeModule2         = 7
	typeHashZipmap      = 9
	typeListZiplist     = 10
	typeSetIntset       = 11
	typeZSetZiplist     = 12
	typeHashZiplist     = 13
	typeListQuicklist   = 14
	typeStreamListpacks = 15
	typeHashListpack    = 16
	typeZSetListpack    = 17
	typeListQuicklist2  = 18
	typeStreamListpack2 = 19
)

// Opcodes that may appear where a value type is expected (RDB_OPCODE_*).
const (
	opFunction2    = 0xF5
	opFunction     = 0xF6 // 7.0 release candidates only
	opModuleAux    = 0xF7
	opIdle         = 0xF8
	opFreq         = 0xF9
	opAux          = 0xFA
	opResizeDB     = 0xFB
	opExpireTimeMs = 0xFC
	opExpireTime   = 0xFD
	opSelectDB     = 0xFE
	opEOF          = 0xFF
)

// Length encoding: the top two bits of the first byte.
const (
	len6Bit  = 0
	len14Bit = 1
	len32Bit = 0x80
	len64Bit = 0x81
	lenEnc   = 3 // "special" encoding: the low 6 bits say which

	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// Quicklist node containers in LIST_QUICKLIST_2.
const (
	containerPlain  = 1 // one element stored as is (elements of 1 GB or more)
	containerPacked = 2 // a listpack
)

// listpackMaxSafety is LISTPACK_MAX_SAFETY_SIZE: Redis never grows a listpack past 1 GB,
// and a hash or sorted set that would need a bigger one is a hash table / skiplist.
const listpackMaxSafety = 1 << 30

// packedThreshold is quicklist's packed_threshold: elements of at least this size get a
// plain node of their own.
const packedThreshold = 1 << 30
