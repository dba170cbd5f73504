//go:build !race

package integration

// raceEnabled says these tests run with -race; rcnode is then built with it too.
const raceEnabled = false
