package rdb

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FormatError is malformed RDB data: what is wrong and where, counted in bytes from the
// start of the stream (or of the DUMP payload).
type FormatError struct {
	Offset int64
	Msg    string
	Err    error // an underlying cause such as io.ErrUnexpectedEOF, or nil
}

func (e *FormatError) Error() string {
	return "rdb: corrupt data at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}

func (e *FormatError) Unwrap() error { return e.Err }

// ErrUnsupported is matched (errors.Is) by the errors for content rcnode cannot hold:
// stream and module values, and module aux data.
var ErrUnsupported = errors.New("rdb: unsupported content")

type unsupportedError struct{ what string }

func (e unsupportedError) Error() string { return "rdb: " + e.what + " are not supported" }
func (e unsupportedError) Is(t error) bool {
	return t == ErrUnsupported
}

// errEmpty marks an empty collection, which Redis's loader skips (old versions could write
// them) and RESTORE refuses.
var errEmpty = errors.New("empty collection")

// KeyError is an error in the value of one key: which key, in which database.
type KeyError struct {
	DB  int
	Key string
	Err error // a *FormatError, or an error matching ErrUnsupported
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("rdb: key %q in DB %d: %s", e.Key, e.DB, strings.TrimPrefix(e.Err.Error(), "rdb: "))
}

func (e *KeyError) Unwrap() error { return e.Err }

func keyError(db int, key []byte, err error) error {
	return &KeyError{DB: db, Key: string(key), Err: err}
}
