package node

import (
	"strconv"
	"sync"
	"testing"

	"github.com/rcnode/rcnode/internal/testutil"
)

// TestExecIsAtomic runs transactions that move units between keys in two slots (each EXEC
// takes one from a and gives it to b, in two commands) while other clients read both keys
// and walk the keyspace: no reader may see a total other than the one kept by every EXEC.
func TestExecIsAtomic(t *testing.T) {
	s := startNode(t, nil)
	c := testutil.NewClient(t, addrOf(s))
	mustDo(t, c, "MSET", "a", "1000", "b", "0")

	const writers, rounds, padding = 3, 300, 50
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := testutil.NewClient(t, addrOf(s))
			for i := 0; i < rounds; i++ {
				c.Send("MULTI")
				c.Send("DECR", "a")
				for j := 0; j < padding; j++ { // a window for a reader, were EXEC not atomic
					c.Send("GET", "a")
				}
				c.Send("INCR", "b")
				c.Send("EXEC")
				for j := 0; j < 3+padding; j++ {
					if _, err := c.Receive(); err != nil {
						errs <- err.Error()
						return
					}
				}
				reply, err := c.Receive()
				if r, ok := reply.([]any); err != nil || !ok || len(r) != 2+padding {
					errs <- "EXEC replied " + strconv.Quote(toString(reply))
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < 2; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			c := testutil.NewClient(t, addrOf(s))
			for {
				select {
				case <-done:
					return
				default:
				}
				v, err := c.Do("MGET", "a", "b")
				if err != nil {
					errs <- err.Error()
					return
				}
				ab := v.([]any)
				x, _ := strconv.Atoi(toString(ab[0]))
				y, _ := strconv.Atoi(toString(ab[1]))
				if x+y != 1000 {
					errs <- "MGET saw a=" + toString(ab[0]) + " b=" + toString(ab[1]) + " mid-transaction"
					return
				}
				if _, err := c.Do("KEYS", "*"); err != nil {
					errs <- err.Error()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if got := toString(mustDo(t, c, "GET", "b")); got != strconv.Itoa(writers*rounds) {
		t.Fatalf("b = %s after %d transactions", got, writers*rounds)
	}
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case nil:
		return "(nil)"
	}
	return "?"
}
