package datatype

// Str is a string value. Its bytes are owned by the keyspace and may be rewritten in place
// (APPEND, SETRANGE, INCR, or SET over an existing string) while the key's lock is held.
type Str struct{ B []byte }

// NewStr copies b into a new string value.
func NewStr(b []byte) *Str { return &Str{B: append([]byte(nil), b...)} }
