// Package backoff spaces out retries: each delay doubles from a minimum up
// to a maximum, with jitter so that many waiters do not retry in step.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff gives the delays between attempts. The zero Backoff waits 50 ms
// growing to 5 s. It is not safe for concurrent use; give each retry loop
// its own.
type Backoff struct {
	// Min is the first delay (before jitter); 50 ms when zero.
	Min time.Duration
	// Max bounds every delay; 5 s when zero, and never below Min.
	Max time.Duration

	n int
}

// Next returns the delay before the next attempt, between half and all of
// the current step, and doubles the step for the one after.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = 50 * time.Millisecond
	}
	if hi <= 0 {
		hi = 5 * time.Second
	}
	hi = max(hi, lo)
	d := hi
	if b.n < 62 && lo<<b.n > 0 && lo<<b.n < hi {
		d = lo << b.n
	}
	b.n++
	return d/2 + rand.N(d/2+1)
}

// Reset starts again from Min, after a success.
func (b *Backoff) Reset() { b.n = 0 }

// Sleep waits for d, or until ctx is done, when it returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
