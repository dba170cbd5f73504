package difftest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rcnode/rcnode/internal/testutil"
)

// rcnodeOnlyInfoFields are fields rcnode adds to INFO; every other field must be one
// redis-server 7.0 prints, in a section of the same name.
var rcnodeOnlyInfoFields = map[string]bool{"rcnode_version": true, "go_version": true}

// requiredInfoFields are the fields tools and our later issues read; rcnode must print them.
var requiredInfoFields = []string{
	"redis_version", "redis_mode", "process_id", "run_id", "tcp_port", "uptime_in_seconds",
	"connected_clients", "maxclients", "used_memory", "used_memory_rss", "rdb_changes_since_last_save",
	"rdb_last_save_time", "total_connections_received", "total_commands_processed",
	"expired_keys", "keyspace_hits", "keyspace_misses", "total_error_replies", "role",
	"connected_slaves", "master_replid", "master_repl_offset", "cluster_enabled",
}

// infoSections parses an INFO reply into section name -> field names, keeping the order of
// sections.
func infoSections(t *testing.T, addr string) ([]string, map[string]map[string]bool) {
	c, err := testutil.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Do("SET", "somekey", "v")
	raw, err := c.Do("INFO", "everything")
	if err != nil {
		t.Fatal(err)
	}
	body := raw[bytes.IndexByte(raw, '\n')+1:]
	var order []string
	fields := map[string]map[string]bool{}
	section := ""
	for _, line := range strings.Split(string(body), "\r\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			section = strings.TrimPrefix(line, "# ")
			order = append(order, section)
			fields[section] = map[string]bool{}
		case strings.Contains(line, ":") && section != "":
			name, _, _ := strings.Cut(line, ":")
			fields[section][name] = true
		}
	}
	return order, fields
}

func TestInfoFieldsAreRedisFields(t *testing.T) {
	redis := testutil.StartRedis(t)
	rc := testutil.StartRcnode(t)
	redisOrder, redisFields := infoSections(t, redis.Addr)
	rcOrder, rcFields := infoSections(t, rc.Addr)

	pos := map[string]int{}
	for i, s := range redisOrder {
		pos[s] = i
	}
	last := -1
	for _, s := range rcOrder {
		p, ok := pos[s]
		if !ok {
			t.Errorf("rcnode prints section %q, redis-server does not", s)
			continue
		}
		if p < last {
			t.Errorf("section %q is out of redis-server's order %v", s, redisOrder)
		}
		last = p
		for f := range rcFields[s] {
			// Keyspace lines are "db0:..."; their names are data, not fields.
			if !redisFields[s][f] && !rcnodeOnlyInfoFields[f] && s != "Keyspace" {
				t.Errorf("section %s: rcnode prints %q, redis-server does not", s, f)
			}
		}
	}
	all := map[string]bool{}
	for _, fs := range rcFields {
		for f := range fs {
			all[f] = true
		}
	}
	for _, f := range requiredInfoFields {
		if !all[f] {
			t.Errorf("rcnode's INFO lacks %q", f)
		}
	}
	if !rcFields["Keyspace"]["db0"] {
		t.Errorf("Keyspace section lacks db0: %v", rcFields["Keyspace"])
	}
}
