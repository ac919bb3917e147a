package analytics

import (
	"context"
	"maps"
	"sync"
	"time"
)

// Totals are running counts of events, as kept by Aggregates.
type Totals struct {
	MessagesIn, MessagesOut         int64
	SessionsStarted, SessionsEnded  int64
	SessionsResolved                int64
	Fallbacks, Handoffs, OutOfScope int64
	// Intents counts in-scope recognitions by intent name.
	Intents map[string]int64
	// Categories counts answers served by knowledge-base category.
	Categories map[string]int64
	// Ratings counts ratings by value: Ratings[1] to Ratings[5].
	Ratings [6]int64
	// DurationTotal adds up the durations of ended sessions;
	// DurationMax is the longest.
	DurationTotal, DurationMax time.Duration
}

// ResolutionRate returns resolved / ended sessions, 0 when none ended.
func (t *Totals) ResolutionRate() float64 {
	return ratio(t.SessionsResolved, t.SessionsEnded)
}

// RatingCount returns the number of ratings.
func (t *Totals) RatingCount() int64 {
	var n int64
	for _, c := range t.Ratings[1:] {
		n += c
	}
	return n
}

// MeanRating returns the mean rating, 0 when there is none.
func (t *Totals) MeanRating() float64 {
	var sum int64
	for v, c := range t.Ratings {
		sum += int64(v) * c
	}
	return ratio(sum, t.RatingCount())
}

// MeanDuration returns the mean duration of ended sessions.
func (t *Totals) MeanDuration() time.Duration {
	if t.SessionsEnded == 0 {
		return 0
	}
	return t.DurationTotal / time.Duration(t.SessionsEnded)
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Aggregates is a Hook that keeps running totals in memory, for a status
// page or a health check; reports over periods come from a Store. It is
// safe for concurrent use.
type Aggregates struct {
	mu sync.Mutex
	t  Totals
}

// NewAggregates returns empty Aggregates.
func NewAggregates() *Aggregates {
	return &Aggregates{t: Totals{Intents: map[string]int64{}, Categories: map[string]int64{}}}
}

// Handle counts e. It never fails.
func (a *Aggregates) Handle(_ context.Context, e Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := &a.t
	switch e.Kind {
	case MessageIn:
		t.MessagesIn++
	case MessageOut:
		t.MessagesOut++
	case SessionStarted:
		t.SessionsStarted++
	case SessionEnded:
		t.SessionsEnded++
		if e.Resolved {
			t.SessionsResolved++
		}
		t.DurationTotal += e.Duration
		t.DurationMax = max(t.DurationMax, e.Duration)
	case IntentRecognized:
		if e.OutOfScope {
			t.OutOfScope++
		} else {
			t.Intents[e.Intent]++
		}
	case AnswerServed:
		t.Categories[e.Category]++
	case Fallback:
		t.Fallbacks++
	case Handoff:
		t.Handoffs++
	case Rating:
		if e.Rating >= 1 && e.Rating <= 5 {
			t.Ratings[e.Rating]++
		}
	}
	return nil
}

// Snapshot returns a copy of the totals.
func (a *Aggregates) Snapshot() Totals {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.t
	t.Intents = maps.Clone(a.t.Intents)
	t.Categories = maps.Clone(a.t.Categories)
	return t
}
