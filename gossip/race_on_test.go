//go:build race

package gossip

// raceEnabled: the race detector slows the simulation about fivefold, so the long chaos run
// uses fewer seeds under it (the seeds it runs are the same first ones).
const raceEnabled = true
