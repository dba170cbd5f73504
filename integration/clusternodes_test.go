package integration

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// nodesLine is one line of CLUSTER NODES:
// <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
type nodesLine struct {
	ID          string
	Addr        string // ip:port@cport, without the hostname
	Flags       []string
	MasterID    string // "-" for a master
	ConfigEpoch string
	LinkState   string
	Slots       []string // "0-5460", "7"; the [slot->-id] / [slot-<-id] migration tokens are left out
}

func (l nodesLine) has(flag string) bool { return slices.Contains(l.Flags, flag) }

// role is "master" or "slave", as the flags say.
func (l nodesLine) role() string {
	if l.has("slave") {
		return "slave"
	}
	return "master"
}

// parseClusterNodes parses a CLUSTER NODES reply the way redis-cli reads it: eight fields,
// then slot tokens.
func parseClusterNodes(text string) ([]nodesLine, error) {
	var out []nodesLine
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			return nil, fmt.Errorf("CLUSTER NODES line with %d fields: %q", len(f), line)
		}
		addr, _, _ := strings.Cut(f[1], ",")
		l := nodesLine{ID: f[0], Addr: addr, Flags: strings.Split(f[2], ","), MasterID: f[3],
			ConfigEpoch: f[6], LinkState: f[7]}
		for _, s := range f[8:] {
			if !strings.HasPrefix(s, "[") {
				l.Slots = append(l.Slots, s)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

func TestParseClusterNodes(t *testing.T) {
	// Shapes redis-server 7.0 prints: a hostname after the address, a replica, migration tokens.
	text := "" +
		"e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001,host-a myself,master - 0 1426238317239 1 connected 0-5460 [5461->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]\n" +
		"292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30004@40004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238316232 1 disconnected\n" +
		"67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@40002 master,fail? - 1426238316232 0 2 connected 5461-10922 16383\n"
	got, err := parseClusterNodes(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []nodesLine{
		{"e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", "127.0.0.1:30001@40001", []string{"myself", "master"}, "-", "1", "connected", []string{"0-5460"}},
		{"292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f", "127.0.0.1:30004@40004", []string{"slave"}, "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca", "1", "disconnected", nil},
		{"67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1", "127.0.0.1:30002@40002", []string{"master", "fail?"}, "-", "2", "connected", []string{"5461-10922", "16383"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseClusterNodes =\n%+v\nwant\n%+v", got, want)
	}
	if got[1].role() != "slave" || got[2].role() != "master" || !got[2].has("fail?") || got[2].has("fail") {
		t.Errorf("role/has wrong on %+v", got)
	}
	if _, err := parseClusterNodes("abc 127.0.0.1:1@2 master -\n"); err == nil {
		t.Error("a short line was accepted")
	}
}
