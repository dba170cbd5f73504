package nodesconf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nodes.conf")

	// A new file gets 0644 less the umask, as Redis's open(O_CREAT, 0644).
	old := syscall.Umask(0o022)
	err := Save(path, []byte("first\n"))
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "first\n", 0o644)

	// A replaced file keeps its mode; a shorter content leaves no tail behind.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Save(path, []byte("2\n")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "2\n", 0o600)
	onlyFiles(t, dir, "nodes.conf")

	// A relative path works from the working directory.
	t.Chdir(dir)
	if err := Save("nodes.conf", []byte("3\n")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path, "3\n", 0o600)
}

func TestSaveThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "data", "nodes-7000.conf")
	if err := os.Mkdir(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "nodes.conf")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := Save(link, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	checkFile(t, real, "new\n", 0o640)
	onlyFiles(t, filepath.Dir(real), "nodes-7000.conf")
}

// A save that fails leaves the old file and no temporary file.
func TestSaveFailure(t *testing.T) {
	dir := t.TempDir()

	// The rename fails: path is a directory (holding the "old" content).
	path := filepath.Join(dir, "nodes.conf")
	if err := os.MkdirAll(filepath.Join(path, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := Save(path, []byte("new\n"))
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Save over a directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(path, "keep")); err != nil {
		t.Fatal(err)
	}
	onlyFiles(t, dir, "nodes.conf")

	// The directory does not exist.
	if err := Save(filepath.Join(dir, "missing", "nodes.conf"), []byte("x")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Save into a missing directory: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nodes.conf")
	if _, err := Load(path); err != ErrNoConfig {
		t.Fatalf("missing file: %v", err)
	}
	if err := Save(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != ErrNoConfig {
		t.Fatalf("empty file: %v", err)
	}
	if err := Save(path, []byte(redisFile)); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil || string(Format(f)) != redisFile {
		t.Fatalf("Load: %v", err)
	}
	if err := Save(path, []byte("\n"+ids("@A@ 1.1.1.1:1@2 myself,master - 0 0 0\n"))); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != path || pe.Line != 2 ||
		!strings.HasPrefix(err.Error(), `corrupted cluster config file "`+path+`", line 2: `) {
		t.Fatalf("corrupt file: %v", err)
	}
	if _, err := Load(dir); err == nil || err == ErrNoConfig {
		t.Fatalf("a directory: %v", err)
	}
}

func checkFile(t *testing.T, path, content string, perm os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != content {
		t.Fatalf("%s holds %q, want %q", path, b, content)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != perm {
		t.Fatalf("%s has mode %v, want %v", path, fi.Mode().Perm(), perm)
	}
}

func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
}
