package gossip

import "fmt"

// ReplyError is a CLUSTER command's refusal, worded exactly as Redis's error reply ("ERR
// Slot 5 is already busy"): the node sends its text as it is.
type ReplyError string

func (e ReplyError) Error() string { return string(e) }

func replyErrorf(format string, args ...any) error {
	return ReplyError(fmt.Sprintf(format, args...))
}
