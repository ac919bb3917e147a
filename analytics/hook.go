package analytics

import (
	"context"
	"time"

	"github.com/kefuai/kefu/internal/redact"
)

// Hook receives events. A Dispatcher calls each hook from one goroutine of
// its own, so a hook need not be safe for concurrent use unless it is also
// called from elsewhere; it should return when ctx ends. An error is
// counted and logged; for a durable hook it means "retry later".
type Hook interface {
	Handle(ctx context.Context, e Event) error
}

// HookFunc adapts a function to a Hook.
type HookFunc func(ctx context.Context, e Event) error

// Handle calls f(ctx, e).
func (f HookFunc) Handle(ctx context.Context, e Event) error { return f(ctx, e) }

// BatchHook is a Hook that can take several events at once, such as a
// store writing them in one transaction. The Dispatcher finds it by type
// assertion and hands it what has queued up. HandleBatch must not keep
// the slice after it returns. An error means no event of the batch was
// taken (stores make a batch atomic, or idempotent by Event.ID).
type BatchHook interface {
	Hook
	HandleBatch(ctx context.Context, events []Event) error
}

// TextPolicy says what is kept of the free text of events (messages,
// questions, comments): the minimum necessary by default.
type TextPolicy uint8

const (
	// TextRedacted keeps text with personal information replaced by
	// tokens such as [手机号] (see RedactFunc). It is the default.
	TextRedacted TextPolicy = iota
	// TextNone keeps no text at all: reports then list no unanswered
	// questions and accuracy reviews have nothing to label.
	TextNone
	// TextRaw keeps text as the customer wrote it. Use it only where the
	// operator has decided, and told its customers, that it needs to.
	TextRaw
)

// String returns "redacted", "none" or "raw".
func (p TextPolicy) String() string {
	switch p {
	case TextRedacted:
		return "redacted"
	case TextNone:
		return "none"
	case TextRaw:
		return "raw"
	}
	return "unknown"
}

// RedactFunc replaces personal information in a text.
type RedactFunc func(string) string

// DefaultRedact returns the built-in redaction: mainland mobile and
// landline numbers, identity numbers (checksum validated), bank card
// numbers (Luhn), e-mail and IP addresses become tokens such as [手机号].
func DefaultRedact() RedactFunc {
	r, err := redact.New(redact.Options{})
	if err != nil {
		panic(err) // the zero Options are always valid
	}
	return r.Redact
}

// Apply returns e with its text treated by the policy; redact is used for
// TextRedacted (DefaultRedact when nil).
func (p TextPolicy) Apply(e Event, redact RedactFunc) Event {
	if e.Text == "" {
		return e
	}
	switch p {
	case TextNone:
		e.Text = ""
	case TextRaw:
	default:
		if redact == nil {
			redact = DefaultRedact()
		}
		e.Text = redact(e.Text)
	}
	return e
}

// nowFunc returns f, or time.Now when f is nil.
func nowFunc(f func() time.Time) func() time.Time {
	if f == nil {
		return time.Now
	}
	return f
}
