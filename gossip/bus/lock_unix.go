//go:build unix

package bus

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockConfig takes an exclusive, non-blocking flock on "<configFile>.lock" and keeps the file
// open for the life of the node, so a second node on the same nodes.conf refuses to start
// (Redis's clusterLockConfig). Redis locks nodes.conf itself because it rewrites it in place;
// nodesconf.Save renames a new file over it, which would leave the lock on the old inode.
func lockConfig(configFile string) (*os.File, error) {
	path := configFile + ".lock"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("Can't open %s in order to acquire a lock: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("Sorry, the cluster configuration file %s is already used by a different Redis Cluster node. Please make sure that different nodes use different cluster configuration files.", configFile)
		}
		return nil, fmt.Errorf("Impossible to lock %s: %w", path, err)
	}
	return f, nil
}

// unlockConfig releases the lock. The lock file stays: removing it would let a node that
// opened it just before lock a file no one else can see.
func unlockConfig(f *os.File) {
	if f != nil {
		f.Close()
	}
}
