//go:build !unix

package bus

import "os"

// lockConfig does nothing where flock does not exist (Redis skips it on Solaris too).
func lockConfig(string) (*os.File, error) { return nil, nil }

func unlockConfig(*os.File) {}
