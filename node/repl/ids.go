package repl

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// NoID is the all-zero replication ID Redis reports when there is no secondary ID.
const NoID = "0000000000000000000000000000000000000000"

// NewID returns a random 40-character replication ID (changeReplicationId).
func NewID() string {
	var b [20]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// IDs are a node's replication history names: ID names the history this node's offsets
// belong to; ID2 the history it continued from (its old master's, after a promotion), valid
// up to and including the byte at SecondOffset-1.
type IDs struct {
	ID           string
	ID2          string
	SecondOffset int64 // -1 when ID2 is NoID
}

// NewIDs returns fresh IDs with no secondary history.
func NewIDs() IDs { return IDs{ID: NewID(), ID2: NoID, SecondOffset: -1} }

// Shift makes the current ID the secondary one, valid up to offset (our
// master_repl_offset), and starts a new history (shiftReplicationId): a replica promoted to
// master keeps accepting PSYNCs from its former siblings, who know the old ID.
func (ids *IDs) Shift(offset int64) {
	ids.ID2 = ids.ID
	ids.SecondOffset = offset + 1
	ids.ID = NewID()
}

// ClearSecond forgets the secondary ID (clearReplicationId2).
func (ids *IDs) ClearSecond() {
	ids.ID2 = NoID
	ids.SecondOffset = -1
}

// PartialRefusal says why a PSYNC cannot continue partially; PartialOK means it can.
type PartialRefusal int

// The outcomes of CanContinue, in the order masterTryPartialResynchronization checks them.
const (
	PartialOK           PartialRefusal = iota
	PartialForced                      // the replica asked for a full resync ("?")
	PartialIDMismatch                  // neither of our IDs
	PartialSecondTooFar                // our ID2, but past where that history ended here
	PartialNoBacklog                   // the offset is outside what the backlog holds
)

// CanContinue decides a "PSYNC <id> <offset>" as Redis 7.0's masterTryPartialResynchronization
// does: the ID must be ours, or our secondary one with offset <= SecondOffset, and the
// backlog must hold every byte from offset on (first is the backlog's first byte offset, end
// the master_repl_offset; active is false when there is no backlog).
func (ids *IDs) CanContinue(id string, offset int64, active bool, first, end int64) PartialRefusal {
	if !strings.EqualFold(id, ids.ID) && (!strings.EqualFold(id, ids.ID2) || offset > ids.SecondOffset) {
		switch {
		case strings.HasPrefix(id, "?"):
			return PartialForced
		case !strings.EqualFold(id, ids.ID) && !strings.EqualFold(id, ids.ID2):
			return PartialIDMismatch
		default:
			return PartialSecondTooFar
		}
	}
	if !active || offset < first || offset > end+1 {
		return PartialNoBacklog
	}
	return PartialOK
}
