package node

import (
	"testing"
	"time"
)

func TestSpinBudget(t *testing.T) {
	var b spinBudget
	t0 := time.Unix(1000, 0)
	if got := b.idle(t0); got != 0 {
		t.Fatalf("a loop that never worked may poll %v, want 0", got)
	}

	// 30µs of work buys 30µs of polling.
	b.busy(t0)
	if got := b.idle(t0.Add(30 * time.Microsecond)); got != 30*time.Microsecond {
		t.Fatalf("after 30µs of work: %v, want 30µs", got)
	}
	b.spun(10 * time.Microsecond)
	// Going idle again without new work adds nothing: parked time is not work.
	if got := b.idle(t0.Add(time.Second)); got != 20*time.Microsecond {
		t.Fatalf("after polling 10µs of 30µs: %v, want 20µs", got)
	}
	b.spun(time.Second) // overspent: the credit stops at zero
	if got := b.idle(t0.Add(2 * time.Second)); got != 0 {
		t.Fatalf("after overspending: %v, want 0", got)
	}

	// A long burst of work is capped: one wait polls at most maxSpin, and what is left for
	// later at most maxSpinCredit.
	b.busy(t0)
	if got := b.idle(t0.Add(time.Minute)); got != maxSpin {
		t.Fatalf("after a minute of work: %v, want maxSpin %v", got, maxSpin)
	}
	waits := 0
	for b.idle(t0.Add(time.Minute)) > 0 {
		b.spun(maxSpin)
		waits++
	}
	if want := int(maxSpinCredit / maxSpin); waits != want {
		t.Fatalf("a minute of work paid for %d full polls, want %d", waits, want)
	}
}
