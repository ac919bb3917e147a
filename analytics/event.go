package analytics

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Kind is the kind of an Event.
type Kind uint8

// The kinds of events a Bot emits.
const (
	// SessionStarted: a customer opened a conversation.
	SessionStarted Kind = iota + 1
	// SessionEnded: the conversation ended. Duration, Resolved and
	// Confirmed apply.
	SessionEnded
	// MessageIn: the customer sent a message. Text applies.
	MessageIn
	// MessageOut: the bot replied. Text applies.
	MessageOut
	// IntentRecognized: the customer's message was classified. Text (the
	// classified message), Intent, Confidence and OutOfScope apply.
	IntentRecognized
	// AnswerServed: a knowledge-base entry answered the customer. EntryID
	// and Category apply.
	AnswerServed
	// Fallback: the bot had no answer for the customer's message. Text
	// (the unanswered question) applies.
	Fallback
	// Handoff: the conversation was handed to a person. Reason applies.
	Handoff
	// Rating: the customer rated the service. Rating (1 to 5) and Text
	// (an optional comment) apply.
	Rating
)

var kindNames = [...]string{
	SessionStarted:   "session_started",
	SessionEnded:     "session_ended",
	MessageIn:        "message_in",
	MessageOut:       "message_out",
	IntentRecognized: "intent_recognized",
	AnswerServed:     "answer_served",
	Fallback:         "fallback",
	Handoff:          "handoff",
	Rating:           "rating",
}

// Kinds returns every kind, in order.
func Kinds() []Kind {
	return []Kind{SessionStarted, SessionEnded, MessageIn, MessageOut, IntentRecognized, AnswerServed, Fallback, Handoff, Rating}
}

// String returns the kind's name, such as "message_in".
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { return k > 0 && int(k) < len(kindNames) }

// MarshalText returns the kind's name.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("analytics: invalid kind %d", uint8(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText parses a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n != "" && n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("analytics: unknown event kind %q", b)
}

// Event is one thing that happened in a conversation. Every event has a
// kind, a time and a session; the other fields apply to some kinds only
// (see each Kind) and are zero otherwise. Events are values: a hook may keep
// one without copying.
type Event struct {
	// ID identifies the event; stores use it to ignore an event delivered
	// twice. Dispatcher.Emit fills it in when empty.
	ID   string
	Kind Kind
	// Time is when the event happened; Dispatcher.Emit uses the current
	// time when it is zero.
	Time      time.Time
	SessionID string
	// UserID is the operator's identifier of the customer; EraseUser and
	// ExportUser select by it.
	UserID string
	// Channel names where the conversation takes place, such as "web" or
	// "wecom". It becomes a metric label: keep the set small.
	Channel string

	// Text is the message, the unanswered question or the rating's
	// comment. What stores and hooks keep of it follows their TextPolicy.
	Text string

	// Intent, Confidence and OutOfScope describe a classification.
	Intent     string
	Confidence float64
	OutOfScope bool

	// EntryID and Category identify the knowledge-base entry served;
	// Confidence is then the search's confidence in it.
	EntryID  string
	Category string

	// Flow and State say where the conversation's flow stood after the
	// turn (MessageOut), "" outside flows.
	Flow, State string

	// Reason says why a conversation was handed off, one of the values of
	// channel.HandoffReason such as "requested" or "retry_limit" (it
	// becomes a metric label).
	Reason string

	// Rating is the customer's rating, 1 (worst) to 5 (best).
	Rating int

	// Duration is how long the session lasted. Dispatcher.Emit computes it
	// from the session's start when it is zero.
	Duration time.Duration
	// Resolved tells whether the session counts as resolved. The
	// Dispatcher sets it from the session's events with its Resolver.
	Resolved bool
	// Confirmed tells that the customer confirmed the problem solved
	// (answered yes to "did this solve your problem?").
	Confirmed bool
}

// ErrInvalidEvent is matched by the errors returned for an event that
// lacks a kind, a time or a session, or has a rating outside 1 to 5.
var ErrInvalidEvent = errors.New("analytics: invalid event")

// Validate checks what every consumer relies on: a known kind, a time, a
// session ID and, for a rating, a value from 1 to 5.
func (e *Event) Validate() error {
	switch {
	case !e.Kind.Valid():
		return fmt.Errorf("%w: unknown kind %d", ErrInvalidEvent, uint8(e.Kind))
	case e.Time.IsZero():
		return fmt.Errorf("%w: %s without a time", ErrInvalidEvent, e.Kind)
	case e.SessionID == "":
		return fmt.Errorf("%w: %s without a session ID", ErrInvalidEvent, e.Kind)
	case e.Kind == Rating && (e.Rating < 1 || e.Rating > 5):
		return fmt.Errorf("%w: rating %d is not from 1 to 5", ErrInvalidEvent, e.Rating)
	}
	return nil
}

// jsonEvent is the JSON form of an Event: snake_case names, the duration
// in milliseconds, empty fields left out.
type jsonEvent struct {
	ID         string    `json:"id"`
	Kind       Kind      `json:"kind"`
	Time       time.Time `json:"time"`
	SessionID  string    `json:"session_id"`
	UserID     string    `json:"user_id,omitempty"`
	Channel    string    `json:"channel,omitempty"`
	Text       string    `json:"text,omitempty"`
	Intent     string    `json:"intent,omitempty"`
	Confidence float64   `json:"confidence,omitempty"`
	OutOfScope bool      `json:"out_of_scope,omitempty"`
	EntryID    string    `json:"entry_id,omitempty"`
	Category   string    `json:"category,omitempty"`
	Flow       string    `json:"flow,omitempty"`
	State      string    `json:"state,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Rating     int       `json:"rating,omitempty"`
	DurationMS int64     `json:"duration_ms,omitempty"`
	Resolved   bool      `json:"resolved,omitempty"`
	Confirmed  bool      `json:"confirmed,omitempty"`
}

// MarshalJSON encodes the event as one JSON object with snake_case keys,
// the kind by name and the duration in milliseconds ("duration_ms").
func (e Event) MarshalJSON() ([]byte, error) {
	return json.Marshal(jsonEvent{
		ID: e.ID, Kind: e.Kind, Time: e.Time, SessionID: e.SessionID, UserID: e.UserID, Channel: e.Channel,
		Text: e.Text, Intent: e.Intent, Confidence: e.Confidence, OutOfScope: e.OutOfScope,
		EntryID: e.EntryID, Category: e.Category, Flow: e.Flow, State: e.State, Reason: e.Reason, Rating: e.Rating,
		DurationMS: e.Duration.Milliseconds(), Resolved: e.Resolved, Confirmed: e.Confirmed,
	})
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (e *Event) UnmarshalJSON(b []byte) error {
	var j jsonEvent
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*e = Event{
		ID: j.ID, Kind: j.Kind, Time: j.Time, SessionID: j.SessionID, UserID: j.UserID, Channel: j.Channel,
		Text: j.Text, Intent: j.Intent, Confidence: j.Confidence, OutOfScope: j.OutOfScope,
		EntryID: j.EntryID, Category: j.Category, Flow: j.Flow, State: j.State, Reason: j.Reason, Rating: j.Rating,
		Duration: time.Duration(j.DurationMS) * time.Millisecond, Resolved: j.Resolved, Confirmed: j.Confirmed,
	}
	return nil
}
