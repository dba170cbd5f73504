package node

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/node/datatype"
)

func listElems(l *datatype.List) []string {
	var out []string
	l.ForEach(func(v string) bool { out = append(out, strings.Clone(v)); return true })
	return out
}

// TestCloneList checks that COPY's clone has the same elements in order, also when the
// source was pushed at both ends and spans many chunks, and that changing either list leaves
// the other alone.
func TestCloneList(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 100, 10000} {
		l := &datatype.List{}
		for i := 0; i < n; i++ {
			if i%2 == 0 {
				l.PushFront([]byte(fmt.Sprint(i)))
			} else {
				l.PushBack([]byte(fmt.Sprint(i)))
			}
		}
		want := listElems(l)
		c := cloneList(l)
		if got := listElems(c); fmt.Sprint(got) != fmt.Sprint(want) || c.Len() != n {
			t.Fatalf("n=%d: clone %v, want %v", n, got, want)
		}
		c.PushBack([]byte("extra"))
		c.Set(0, []byte("changed"))
		if got := listElems(l); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("n=%d: changing the clone changed the source: %v", n, got)
		}
		l.PushFront([]byte("src"))
		if c.Len() != n+1 {
			t.Fatalf("n=%d: changing the source changed the clone", n)
		}
	}
}
