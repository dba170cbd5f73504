package rdb

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/rcnode/rcnode/node/datatype"
)

const benchKeys = 1_000_000

// benchData is 1M small string keys ("key:N" = "value:N"; a tenth integers), the typical
// full-sync payload of a cache.
func benchData() ([]string, []any) {
	keys := make([]string, benchKeys)
	vals := make([]any, benchKeys)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
		if i%10 == 0 {
			vals[i] = &datatype.Str{B: strconv.AppendInt(nil, int64(i), 10)}
		} else {
			vals[i] = &datatype.Str{B: []byte("value:" + strconv.Itoa(i))}
		}
	}
	return keys, vals
}

func writeBench(w io.Writer, keys []string, vals []any) error {
	wr := NewWriter(w, EncodeOptions{Compress: true})
	wr.WriteHeader(DefaultAux(0, 0, nil, false))
	wr.SelectDB(0, int64(len(keys)), 0)
	for i, k := range keys {
		exp := int64(-1)
		if i%4 == 0 {
			exp = 1893456000000
		}
		if err := wr.WriteKey(k, vals[i], exp); err != nil {
			return err
		}
	}
	return wr.Close()
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func BenchmarkEncode1MStrings(b *testing.B) {
	keys, vals := benchData()
	var cw countWriter
	writeBench(&cw, keys, vals)
	b.SetBytes(cw.n)
	b.ResetTimer()
	for b.Loop() {
		if err := writeBench(&countWriter{}, keys, vals); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchKeys)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

func BenchmarkDecode1MStrings(b *testing.B) {
	keys, vals := benchData()
	var buf bytes.Buffer
	writeBench(&buf, keys, vals)
	keys, vals = nil, nil
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		_, err := Decode(bytes.NewReader(data), DecodeOptions{Limits: DefaultLimits()}, func(e *Entry) error {
			n++
			return nil
		})
		if err != nil || n != benchKeys {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(benchKeys)*float64(b.N)/b.Elapsed().Seconds(), "keys/s")
}

// BenchmarkEncodeBigList writes one list of 1M 100-byte elements (about 12k chunks and as
// many quicklist nodes): the encoder must walk it once per pass, not once per node.
func BenchmarkEncodeBigList(b *testing.B) {
	l := &datatype.List{}
	v := bytes.Repeat([]byte("v"), 100)
	for range 1_000_000 {
		l.PushBack(v)
	}
	for b.Loop() {
		if err := writeBench(&countWriter{}, []string{"biglist"}, []any{l}); err != nil {
			b.Fatal(err)
		}
	}
}
