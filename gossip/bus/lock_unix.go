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
		return nil, &fatalError{fmt.Sprintf("Can't open %s in order to acquire a lock: %v", path, err), err}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &fatalError{fmt.Sprintf("Sorry, the cluster configuration file %s is already used by a different Redis Cluster node. Please make sure that different nodes use different cluster configuration files.", configFile), err}
		}
		return nil, &fatalError{fmt.Sprintf("Impossible to lock %s: %v", path, err), err}
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
