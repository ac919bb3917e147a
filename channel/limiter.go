package channel

import (
	"sync"
	"time"
)

// LimiterOptions configure a Limiter. The zero value is ready to use.
type LimiterOptions struct {
	// Rate is how many events per second a key may have in the long run;
	// 1 when zero.
	Rate float64
	// Burst is how many events a key may have at once; 5 when zero.
	Burst int
	// MaxKeys bounds the keys tracked, so that a flood of new keys cannot
	// exhaust memory; 100 000 when zero. Beyond it, keys idle long enough
	// to have a full bucket are forgotten, and if that is not enough, all
	// are.
	MaxKeys int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Limiter is a token-bucket rate limiter per key (a user, a session, a
// connection). It is safe for concurrent use.
type Limiter struct {
	rate    float64
	burst   float64
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a Limiter with every key's bucket full.
func NewLimiter(opts LimiterOptions) *Limiter {
	l := &Limiter{rate: opts.Rate, burst: float64(opts.Burst), maxKeys: opts.MaxKeys, now: opts.Now, buckets: map[string]*bucket{}}
	if l.rate <= 0 {
		l.rate = 1
	}
	if l.burst <= 0 {
		l.burst = 5
	}
	if l.maxKeys <= 0 {
		l.maxKeys = 100_000
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Allow takes a token from key's bucket. It reports whether there was
// one, and when there was not, how long until there will be.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	} else if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// sweep forgets the buckets that would be full by now, and all of them
// when that frees less than half; l.mu is held.
func (l *Limiter) sweep(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) >= full {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) > l.maxKeys/2 {
		clear(l.buckets)
	}
}
