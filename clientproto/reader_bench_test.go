package clientproto

import (
	"strings"
	"testing"
)

// benchParse parses pipelined copies of unit from an endless in-memory stream, one command
// per iteration, the way a connection does: Parse until ErrIncomplete, then Fill.
func benchParse(b *testing.B, unit string, bufSize int) {
	r := NewReader(bufSize)
	src := &repeatReader{data: []byte(unit)}
	b.SetBytes(int64(len(unit)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for {
			args, err := r.Parse()
			if err == nil {
				if len(args) == 0 {
					b.Fatal("empty command")
				}
				break
			}
			if err != ErrIncomplete {
				b.Fatal(err)
			}
			r.Fill(src)
		}
	}
}

// BenchmarkParseSet is the hot path: pipelined "SET key:<12> val:<12>" (16-byte key and value).
func BenchmarkParseSet(b *testing.B) {
	benchParse(b, mb("SET", "key:000000000001", "val:000000000001"), 16<<10)
}

func BenchmarkParseInlineSet(b *testing.B) {
	benchParse(b, "SET key:000000000001 val:000000000001\r\n", 16<<10)
}

func BenchmarkParseMSet100(b *testing.B) {
	args := []string{"MSET"}
	for i := 0; i < 50; i++ {
		args = append(args, "key:000000000001", "val:000000000001")
	}
	benchParse(b, mb(args...), 16<<10)
}

// BenchmarkParseBigValue is a 1MB SET: one growth of the buffer per command, and one
// allocation to shrink it back afterwards.
func BenchmarkParseBigValue(b *testing.B) {
	benchParse(b, mb("SET", "key", strings.Repeat("v", 1<<20)), 16<<10)
}
