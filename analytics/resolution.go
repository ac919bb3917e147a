package analytics

import (
	"slices"
	"time"
)

// SessionSummary is what a session's events add up to, the input of a
// Resolver.
type SessionSummary struct {
	SessionID, UserID, Channel string
	// Start and End are the times of the session's first event and of its
	// SessionEnded event (zero when it has not ended).
	Start, End time.Time
	Ended      bool
	// Duration is the SessionEnded event's duration, or End-Start.
	Duration time.Duration

	MessagesIn, MessagesOut int
	Answers, Fallbacks      int
	Handoff                 bool
	HandoffReason           string
	// Unanswered tells that the customer's last message was followed by a
	// fallback: the bot had no answer to the last question asked.
	Unanswered bool
	// Confirmed tells that the customer confirmed the problem solved.
	Confirmed bool
	// Rating is the last rating given, 0 when none.
	Rating int
}

// Add folds one more event of the session into s. Events must come in time
// order.
func (s *SessionSummary) Add(e Event) {
	if s.SessionID == "" {
		s.SessionID = e.SessionID
	}
	if s.UserID == "" {
		s.UserID = e.UserID
	}
	if s.Channel == "" {
		s.Channel = e.Channel
	}
	if s.Start.IsZero() || e.Time.Before(s.Start) {
		s.Start = e.Time
	}
	switch e.Kind {
	case MessageIn:
		s.MessagesIn++
		s.Unanswered = false
	case MessageOut:
		s.MessagesOut++
	case AnswerServed:
		s.Answers++
		s.Unanswered = false
	case Fallback:
		s.Fallbacks++
		s.Unanswered = true
	case Handoff:
		s.Handoff = true
		if s.HandoffReason == "" {
			s.HandoffReason = e.Reason
		}
	case Rating:
		s.Rating = e.Rating
	case SessionEnded:
		s.Ended = true
		s.End = e.Time
		s.Confirmed = s.Confirmed || e.Confirmed
		s.Duration = e.Duration
		if s.Duration == 0 {
			s.Duration = s.End.Sub(s.Start)
		}
	}
}

// Summarize adds up the events of one session, sorted by time.
func Summarize(events []Event) SessionSummary {
	sorted := slices.IsSortedFunc(events, func(a, b Event) int { return a.Time.Compare(b.Time) })
	if !sorted {
		events = slices.Clone(events)
		slices.SortStableFunc(events, func(a, b Event) int { return a.Time.Compare(b.Time) })
	}
	var s SessionSummary
	for _, e := range events {
		s.Add(e)
	}
	return s
}

// Resolver decides whether a session counts as resolved. It must be a pure
// function of the summary: reports recompute it from stored events.
type Resolver func(SessionSummary) bool

// DefaultResolver is the rule of resolution unless an operator sets
// another: a session is resolved when the customer confirmed the problem
// solved, or when the customer asked something, the session was not handed
// off to a person, and the last question did not end in a fallback.
func DefaultResolver(s SessionSummary) bool {
	if s.Confirmed {
		return true
	}
	return s.MessagesIn > 0 && !s.Handoff && !s.Unanswered
}
