package keyspace

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/node/datatype"
)

// TestTableMatchesAMap runs random sets and removes, with keys of every entry size, against
// a Go map, checking every key after each step of a small table (so probe runs wrap around
// its end and deletions shift cells back across it) and the table's invariants.
func TestTableMatchesAMap(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var tb table
	model := map[string]any{}
	keyOf := func(i int) string {
		return fmt.Sprintf("%d:%s", i, strings.Repeat("k", i%70)) // 2 to 72 bytes
	}
	const universe = 300
	for step := 0; step < 20000; step++ {
		k := keyOf(r.Intn(universe))
		if r.Intn(3) == 0 {
			_, had := model[k]
			if got := tb.remove([]byte(k)); got != had {
				t.Fatalf("step %d: remove(%q) = %v, want %v", step, k, got, had)
			}
			delete(model, k)
		} else {
			_, had := model[k]
			if added := tb.set([]byte(k), step); added == had {
				t.Fatalf("step %d: set(%q) added=%v with the key present=%v", step, k, added, had)
			}
			model[k] = step
		}
		if tb.n != len(model) {
			t.Fatalf("step %d: n=%d, want %d", step, tb.n, len(model))
		}
		if step%97 == 0 {
			checkTable(t, &tb, model, universe, keyOf)
		}
	}
	for k := range model {
		tb.remove([]byte(k))
	}
	if tb.n != 0 || tb.cells != nil {
		t.Fatalf("emptied table: n=%d, %d cells", tb.n, len(tb.cells))
	}
}

func checkTable(t *testing.T, tb *table, model map[string]any, universe int, keyOf func(int) string) {
	t.Helper()
	for i := 0; i < universe; i++ {
		k := keyOf(i)
		want, ok := model[k]
		got, found := tb.get([]byte(k))
		if found != ok || got != want {
			t.Fatalf("get(%q) = %v,%v; want %v,%v", k, got, found, want, ok)
		}
	}
	seen := 0
	tb.each(func(k string, v any) bool {
		if model[k] != v {
			t.Fatalf("each gave %q=%v, want %v", k, v, model[k])
		}
		seen++
		return true
	})
	if seen != len(model) {
		t.Fatalf("each saw %d keys, want %d", seen, len(model))
	}
	if len(tb.cells) > 0 && (tb.n*maxLoadDen > len(tb.cells)*maxLoadNum || len(tb.cells)&(len(tb.cells)-1) != 0) {
		t.Fatalf("%d keys in %d cells", tb.n, len(tb.cells))
	}
}

func TestTableEmptyAndLongKeys(t *testing.T) {
	var tb table
	if _, ok := tb.get(nil); ok || tb.remove([]byte("x")) {
		t.Fatal("an empty table found a key")
	}
	long := strings.Repeat("x", 1000)
	for _, k := range []string{"", "a", long, long[:48], long[:49]} {
		if !tb.set([]byte(k), k) {
			t.Fatalf("set(%d bytes) not new", len(k))
		}
	}
	for _, k := range []string{"", "a", long, long[:48], long[:49]} {
		if v, ok := tb.get([]byte(k)); !ok || v != k {
			t.Fatalf("get(%d bytes) = %v, %v", len(k), v, ok)
		}
	}
}

// A string value sharing its key's allocation grows in place without touching the key.
func TestTableStringEntries(t *testing.T) {
	var tb table
	for _, n := range []int{0, 10, 40, 100, 200} {
		key := []byte(fmt.Sprintf("key:%d", n))
		val := []byte(strings.Repeat("v", n))
		if !tb.setStr(key, val) {
			t.Fatalf("setStr(%q) not new", key)
		}
		v, ok := tb.get(key)
		s, isStr := v.(*datatype.Str)
		if !ok || !isStr || string(s.B) != string(val) {
			t.Fatalf("get(%q) = %v", key, v)
		}
		s.B = append(s.B, "tail"...)
		tb.each(func(k string, v any) bool {
			if v == any(s) && k != string(key) {
				t.Fatalf("appending to the value changed its key to %q", k)
			}
			return true
		})
		if tb.setStr(key, []byte("x")) {
			t.Fatalf("setStr(%q) of an existing key reported new", key)
		}
		if v, _ := tb.get(key); string(v.(*datatype.Str).B) != "x" {
			t.Fatalf("overwritten value %q", v.(*datatype.Str).B)
		}
	}
}
