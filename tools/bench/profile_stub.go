//go:build !benchprofile

package main

import (
	"context"
	"errors"
)

// runProfile needs the in-process server, which only the benchprofile build links in, so
// that the comparison itself builds even while the node package's API moves.
func runProfile(context.Context, *options) error {
	return errors.New("--profile needs the benchprofile build tag: go run -tags benchprofile ./tools/bench --profile DIR (scripts/bench adds it)")
}
