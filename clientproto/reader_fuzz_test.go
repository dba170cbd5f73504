package clientproto

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
	"unsafe"
)

// FuzzReader feeds arbitrary bytes, in arbitrary chunks, to a Reader. It must never panic;
// every argument must lie inside the reader's buffer with no spare capacity; parsing a
// command's arguments re-encoded as a multibulk must give them back; and below the 64KB
// limits (where Redis's own result depends on how reads split the data) the chunking must not
// change what is parsed.
func FuzzReader(f *testing.F) {
	for _, c := range errorCases {
		if len(c.in) < 1024 {
			f.Add([]byte(c.in), uint16(0))
		}
	}
	for _, c := range inlineCases {
		f.Add([]byte(c.line+"\r\n"), uint16(1))
	}
	in, _ := pipeline()
	f.Add([]byte(in), uint16(7))
	f.Add([]byte(mb("SET", "k", string(bytes.Repeat([]byte("v"), BigArg+5)))+"PING\n"), uint16(3))

	f.Fuzz(func(t *testing.T, data []byte, seed uint16) {
		whole, wholeErr := fuzzParse(t, data, []int{len(data) + 1}, 16, true)

		sizes := []int{1 + int(seed%7), 1 + int(seed>>3%61), 1 + int(seed>>9%13)}
		chunked, chunkedErr := fuzzParse(t, data, sizes, 1+int(seed%97), true)
		if len(data) <= InlineMax {
			if !reflect.DeepEqual(whole, chunked) || !reflect.DeepEqual(wholeErr, chunkedErr) {
				t.Fatalf("chunks %v changed the result:\nwhole   %.100q %v\nchunked %.100q %v", sizes, whole, wholeErr, chunked, chunkedErr)
			}
		}

		// Unauthenticated limits only ever turn a stream into an error sooner.
		unauth, _ := fuzzParse(t, data, sizes, 1+int(seed%97), false)
		if len(unauth) > len(chunked) || (len(unauth) > 0 && !reflect.DeepEqual(unauth, chunked[:len(unauth)])) {
			t.Fatalf("unauthenticated parse %.100q is not a prefix of the authenticated one %.100q", unauth, chunked)
		}

		for _, cmd := range whole {
			again, err := fuzzParse(t, []byte(mb(cmd...)), []int{5}, 8, true)
			if err != nil || len(again) != 1 || !reflect.DeepEqual(again[0], cmd) {
				t.Fatalf("re-encoded %.100q parsed as %.100q, %v", cmd, again, err)
			}
		}
	})
}

// fuzzParse parses data delivered in reads of the given sizes (cycled) and checks the
// invariants that hold for every command.
func fuzzParse(t *testing.T, data []byte, sizes []int, bufSize int, authenticated bool) ([][]string, error) {
	r := NewReader(bufSize)
	r.Authenticated = authenticated
	r.MaxBulkLen = 1 << 20 // keep the up-front reservation for big bulks small while fuzzing
	src := &chunkReader{data: data, sizes: sizes}
	var cmds [][]string
	fed, eof := 0, false
	var peekedBefore []string // what PeekFirstArg(1) saw before the previous Parse
	for {
		peeked := peekFirstArgs(r, 0)
		peekedAfter := peekFirstArgs(r, 1)
		args, err := r.Parse()
		if err == nil {
			if len(args) == 0 {
				t.Fatal("empty command returned")
			}
			for _, p := range [][]string{peeked, peekedBefore} {
				if p != nil && (len(args) < 2 || string(args[0]) != p[0] || string(args[1]) != p[1]) {
					t.Fatalf("PeekFirstArg saw %q, Parse returned %.100q", p, args)
				}
			}
			peekedBefore = peekedAfter
			lo := uintptr(unsafe.Pointer(unsafe.SliceData(r.buf)))
			hi := lo + uintptr(len(r.buf))
			cmd := make([]string, len(args))
			for i, a := range args {
				p := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
				if len(a) > 0 && (p < lo || p+uintptr(len(a)) > hi) {
					t.Fatalf("argument %d (%q) lies outside the buffer", i, a)
				}
				if cap(a) != len(a) {
					t.Fatalf("argument %d has spare capacity %d > %d", i, cap(a), len(a))
				}
				cmd[i] = string(a)
			}
			cmds = append(cmds, cmd)
			continue
		}
		peekedBefore = nil
		if b := r.Buffered(); b < 0 || b > fed {
			t.Fatalf("Buffered() = %d after %d bytes fed", b, fed)
		}
		if !errors.Is(err, ErrIncomplete) {
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("unexpected error %T %v", err, err)
			}
			return cmds, err
		}
		if eof {
			return cmds, nil
		}
		before := r.Buffered()
		ferr := r.Fill(src)
		fed += r.Buffered() - before
		if ferr == io.EOF {
			eof = true
		} else if ferr != nil {
			t.Fatal(ferr)
		}
	}
}

func peekFirstArgs(r *Reader, skip int) []string {
	if name, arg := r.PeekFirstArg(skip); arg != nil {
		return []string{string(name), string(arg)}
	}
	return nil
}
