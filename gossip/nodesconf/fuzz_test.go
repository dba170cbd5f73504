package nodesconf

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that it fails only with ErrNoConfig or a
// *ParseError naming a line of the input, and that what it accepts Format writes back as a
// file that parses to the same File (checkRoundTrip).
func FuzzParse(f *testing.F) {
	f.Add([]byte(redisFile))
	for _, c := range accepted {
		f.Add([]byte(ids(c.in)))
	}
	for _, c := range corrupt {
		if len(c.in) < 4096 {
			f.Add([]byte(ids(c.in)))
		}
	}
	// Short IDs keep the fuzzer's mutations inside the interesting fields.
	f.Add([]byte("a" + strings.Repeat("0", 39) + " 1:2@3,h myself,slave b" + strings.Repeat("0", 39) + " 1 2 3 connected 1 3-5 [7->-c" + strings.Repeat("0", 39) + "]\nvars currentEpoch 1 lastVoteEpoch 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			var pe *ParseError
			switch {
			case errors.Is(err, ErrNoConfig):
				if len(data) != 0 {
					t.Fatalf("ErrNoConfig for %d bytes", len(data))
				}
			case !errors.As(err, &pe):
				t.Fatalf("error %v is not a *ParseError", err)
			case pe.Line < 0 || pe.Line > strings.Count(string(data), "\n")+1:
				t.Fatalf("line %d of a %d-line input", pe.Line, strings.Count(string(data), "\n")+1)
			case pe.Line > 0 && pe.Text != strings.Split(string(data), "\n")[pe.Line-1]:
				t.Fatalf("Text %q is not line %d", pe.Text, pe.Line)
			}
			if file != nil {
				t.Fatal("a File with an error")
			}
			_ = err.Error()
			return
		}
		if file.Myself() == nil {
			t.Fatal("parsed without a myself node")
		}
		checkRoundTrip(t, file)
	})
}
