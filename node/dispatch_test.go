package node

import (
	"testing"

	"github.com/rcnode/rcnode/clientproto"
)

func TestCommandCacheAnswersLikeTheTable(t *testing.T) {
	var cc commandCache
	for _, name := range []string{"GET", "GET", "get", "nosuchcommand", "get", "SET", "", "cluster", "georadiusbymember_ro", "GET"} {
		got, want := cc.lookup([]byte(name)), clientproto.LookupCommand([]byte(name))
		if got != want {
			t.Fatalf("lookup(%q) = %v, the table says %v", name, got, want)
		}
	}
	if cc.spec == nil || string(cc.name[:cc.n]) != "GET" {
		t.Fatalf("cache holds %q, want the last name that fits, GET", cc.name[:cc.n])
	}
}
