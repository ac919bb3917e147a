package channel

import (
	"errors"
	"fmt"
	"time"
)

// Errors that messages, handlers and middleware report. Adapters map them
// to their protocol (an HTTP status, an error frame), so a handler that
// wraps them with %w gets the same treatment in every channel. Check them
// with errors.Is.
var (
	// ErrEmptyText is returned for a message whose text is empty or only
	// white space.
	ErrEmptyText = errors.New("channel: empty text")
	// ErrTooLarge is returned for a message whose text or attachments are
	// over the limits.
	ErrTooLarge = errors.New("channel: message too large")
	// ErrInvalidUTF8 is returned for a message whose text is not valid
	// UTF-8.
	ErrInvalidUTF8 = errors.New("channel: invalid UTF-8")
	// ErrInvalidID is returned for a message without a session ID, or
	// with a session or user ID that is too long or holds spaces or
	// control characters.
	ErrInvalidID = errors.New("channel: invalid session or user ID")
	// ErrRateLimited is matched by every *RateLimitError: the customer
	// sends faster than allowed and should wait.
	ErrRateLimited = errors.New("channel: rate limited")
	// ErrUnavailable says that the handler cannot answer for now (a store
	// is down, the turn ran out of time) and that the same message may
	// succeed later. Adapters answer it with 503 or its equivalent; a
	// handler wraps its outage errors with it.
	ErrUnavailable = errors.New("channel: service unavailable")
	// ErrPanic is matched by every *PanicError.
	ErrPanic = errors.New("channel: handler panicked")
)

// RateLimitError is returned by the RateLimit middleware for a message
// over the limit.
type RateLimitError struct {
	// Key is what was limited: a user or session ID.
	Key string
	// RetryAfter is how long until a message would be allowed.
	RetryAfter time.Duration
}

// Error says how long to wait.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("channel: rate limited, retry after %v", e.RetryAfter.Round(time.Millisecond))
}

// Is reports whether target is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// PanicError is returned by the Recover middleware when the handler
// panicked.
type PanicError struct {
	// Value is what the handler panicked with.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error gives the panic value.
func (e *PanicError) Error() string { return fmt.Sprintf("channel: handler panicked: %v", e.Value) }

// Is reports whether target is ErrPanic.
func (e *PanicError) Is(target error) bool { return target == ErrPanic }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
