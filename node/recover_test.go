package node

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/internal/testutil"
	"github.com/rcnode/rcnode/slots"
)

// TestBugInCommandClosesOnlyThatClient makes GET panic and checks that the client gets an
// error and is closed, the key's slot lock is released, and the node keeps serving.
func TestBugInCommandClosesOnlyThatClient(t *testing.T) {
	s := newTestServer(t, DefaultSettings())
	spec := clientproto.LookupCommand([]byte("get"))
	orig := dispatch[spec.Index]
	dispatch[spec.Index] = func(c *Client, args [][]byte) { panic("boom") }
	defer func() { dispatch[spec.Index] = orig }()

	server, client := net.Pipe()
	defer client.Close()
	c := s.newClient(server)
	go c.serve(nil)
	client.SetDeadline(time.Now().Add(5 * time.Second))
	client.Write(testutil.EncodeCommand("GET", "k"))
	line, err := bufio.NewReader(client).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "-ERR internal error while executing 'get'") {
		t.Fatalf("reply %q %v", line, err)
	}
	locked := make(chan struct{})
	go func() {
		s.ks.Lock(slots.KeySlotString("k"))
		s.ks.Unlock(slots.KeySlotString("k"))
		close(locked)
	}()
	select {
	case <-locked:
	case <-time.After(5 * time.Second):
		t.Fatal("the slot lock is still held after the panic")
	}
	if _, err := client.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection left open")
	}
}
