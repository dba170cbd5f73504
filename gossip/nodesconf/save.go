package nodesconf

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Save replaces the file at path with data atomically and durably: it writes a temporary
// file in the same directory, fsyncs it, renames it over path and fsyncs the directory. A
// crash leaves the old file or the new one, never a mix; a failure before the rename returns
// an error and leaves the old file as it was (the temporary file is removed). An error from
// the final directory fsync means the new file is in place but may not survive a crash.
//
// The new file keeps the old one's permission bits; a file that did not exist gets 0644 less
// the umask, as Redis creates it. When path is a symbolic link, the file it points to is
// replaced and the link kept, as Redis's in-place write would.
func Save(path string, data []byte) error {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	fi, err := os.Stat(target)
	keepMode := err == nil && fi.Mode().IsRegular()

	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	var f *os.File
	var tmp string
	for range 100 {
		tmp = filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("save cluster config %s: %w", path, err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("save cluster config %s: %w", path, err)
	}
	if keepMode {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			return fail(err)
		}
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save cluster config %s: %w", path, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save cluster config %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("save cluster config %s: renamed, but fsync of its directory failed: %w", path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
