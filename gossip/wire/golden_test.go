package wire

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenRedis decodes frames a real redis-server 7.0.15 sent in TestInteropRedis
// (captured with RCNODE_WIRE_CAPTURE; redis had cluster-announce-hostname "redis-host",
// config epoch 5 and slot 0), so machines without redis-server still check real bytes.
// File names: <link>-<type>[-gossip].bin.
func TestGoldenRedis(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "redis-7.0.15", "*.bin"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".bin")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(Encode(m), b) {
				t.Fatal("re-encodes differently")
			}
			parts := strings.Split(name, "-")
			if m.Type.String() != parts[1] {
				t.Fatalf("type %s, file says %s", m.Type, parts[1])
			}
			if !m.Sender.Valid() {
				t.Fatalf("sender %q", m.Sender[:])
			}
			checkRedisHeader(t, name, m, m.Sender, int(m.Port))
			if gossip := len(parts) > 2 && parts[2] == "gossip"; gossip != (len(m.Gossip) > 0) {
				t.Fatalf("%d gossip entries", len(m.Gossip))
			}
			for _, g := range m.Gossip {
				if !g.Node.Valid() || g.IP.String() != "127.0.0.1" || g.Flags != NodeMaster || g.CPort != g.Port+10000 || g.NotUsed1 != 0 {
					t.Errorf("gossip entry %+v", g)
				}
			}
			switch m.Type {
			case TypeUpdate:
				if m.Update.Node != m.Sender || m.Update.ConfigEpoch != 5 || m.Update.Slots != m.MySlots {
					t.Errorf("update %+v", m.Update)
				}
			case TypePublish:
				if string(m.Publish.Channel) != "wire-out" || string(m.Publish.Message) != "from redis" {
					t.Errorf("publish %q %q", m.Publish.Channel, m.Publish.Message)
				}
			}
			// The hostname extension: 8-byte header, "redis-host\0", zero padding to 24.
			if m.Type.hasGossip() {
				off := HeaderLen + GossipLen*len(m.Gossip)
				if want := "\x00\x00\x00\x18\x00\x00\x00\x00redis-host\x00\x00\x00\x00\x00\x00"; string(b[off:]) != want {
					t.Errorf("extension bytes %q, want %q", b[off:], want)
				}
			}
		})
	}
}
