package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if rcnodeBuild.dir != "" {
		os.RemoveAll(rcnodeBuild.dir)
	}
	os.Exit(code)
}

// rcnodeBuild is the rcnode binary built for this test binary; built on first use so that
// tests of redis-server alone do not wait for a build.
var rcnodeBuild struct {
	once sync.Once
	dir  string // temporary directory holding the binary, removed by TestMain
	path string
	err  error
}

// rcnodeBinary returns the rcnode binary to test: RCNODE_BIN when set, otherwise ./cmd/rcnode
// of this module built once, with the race detector when these tests run with it.
func rcnodeBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("RCNODE_BIN"); p != "" {
		return p
	}
	rcnodeBuild.once.Do(func() {
		rcnodeBuild.path, rcnodeBuild.err = buildRcnode()
	})
	if rcnodeBuild.err != nil {
		t.Fatal(rcnodeBuild.err)
	}
	return rcnodeBuild.path
}

func buildRcnode() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside the rcnode module")
	}
	dir, err := os.MkdirTemp("", "rcnode-integration-")
	if err != nil {
		return "", err
	}
	rcnodeBuild.dir = dir
	path := filepath.Join(dir, "rcnode")
	args := []string{"build", "-o", path}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/rcnode")...)
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/rcnode: %v\n%s", err, out)
	}
	return path, nil
}
