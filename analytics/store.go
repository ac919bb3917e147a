package analytics

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// Query selects events from a Store. The zero Query selects every event.
type Query struct {
	// From and To bound the events' time: From <= Time < To. A zero bound
	// is open.
	From, To time.Time
	// UserID and SessionID, when not empty, select one user's or one
	// session's events.
	UserID    string
	SessionID string
	// Kinds, when not empty, selects events of these kinds.
	Kinds []Kind
}

// Match reports whether e is selected by q.
func (q *Query) Match(e *Event) bool {
	switch {
	case !q.From.IsZero() && e.Time.Before(q.From):
		return false
	case !q.To.IsZero() && !e.Time.Before(q.To):
		return false
	case q.UserID != "" && e.UserID != q.UserID:
		return false
	case q.SessionID != "" && e.SessionID != q.SessionID:
		return false
	case len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Kind):
		return false
	}
	return true
}

// Store keeps events durably: the transcripts that reports are computed
// from. Implementations are safe for concurrent use, keep event times to
// the microsecond, and apply their StoreOptions' TextPolicy before
// anything is written. analytics/transcripttest checks an implementation.
//
// Besides appending and scanning, every store supports what data
// protection needs: purging old events (retention), erasing and exporting
// one user's events, and exporting everything when a contract ends.
type Store interface {
	// Append stores events atomically: all or none. An event whose ID is
	// already stored is skipped, so a batch delivered twice is stored once.
	// Events without an ID get a random one. It returns an error wrapping
	// ErrInvalidEvent, storing nothing, when an event fails Validate.
	Append(ctx context.Context, events []Event) error
	// Scan calls fn for each event selected by q, in order of time (then
	// ID). It stops at fn's first error and returns it.
	Scan(ctx context.Context, q Query, fn func(Event) error) error
	// Purge deletes events older than before and returns how many.
	Purge(ctx context.Context, before time.Time) (int64, error)
	// EraseUser deletes every event of a user and returns how many.
	EraseUser(ctx context.Context, userID string) (int64, error)
	// ExportUser writes a user's events to w as JSON lines, in time order.
	ExportUser(ctx context.Context, userID string, w io.Writer) error
	// ExportAll writes every event to w as JSON lines, in time order.
	ExportAll(ctx context.Context, w io.Writer) error
}

// StoreOptions are what every Store takes about data protection. The zero
// value keeps redacted text.
type StoreOptions struct {
	// Text is what is kept of events' text; TextRedacted by default.
	Text TextPolicy
	// Redact replaces personal information for TextRedacted;
	// DefaultRedact when nil.
	Redact RedactFunc
}

// Prepare readies events for storage, as every Store's Append does: it
// validates them, gives an ID to those without (IDs that sort in the
// order of the batch, so that events of the same time keep it), cuts
// times to the
// microsecond (in UTC) and applies the text policy. It returns a new
// slice; events is not changed.
func (o StoreOptions) Prepare(events []Event) ([]Event, error) {
	redact := o.Redact
	if o.Text == TextRedacted && redact == nil {
		redact = DefaultRedact()
	}
	out := make([]Event, len(events))
	prefix := ""
	for i, e := range events {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		if e.ID == "" {
			if prefix == "" {
				prefix = rand.Text()[:16] + "-"
			}
			e.ID = sortableID(prefix, uint64(i))
		}
		e.Time = e.Time.Truncate(time.Microsecond).UTC()
		out[i] = o.Text.Apply(e, redact)
	}
	return out, nil
}

// WriteJSONL writes the events of s selected by q to w, one JSON object a
// line. Stores implement ExportUser and ExportAll with it, so every store
// exports the same format.
func WriteJSONL(ctx context.Context, s Store, q Query, w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	err := s.Scan(ctx, q, func(e Event) error { return enc.Encode(e) })
	return errors.Join(err, bw.Flush())
}

// ReadJSONL decodes JSON lines written by WriteJSONL (or a JSONLWriter)
// and calls fn for each event, stopping at fn's first error.
func ReadJSONL(r io.Reader, fn func(Event) error) error {
	dec := json.NewDecoder(r)
	for line := 1; ; line++ {
		var e Event
		if err := dec.Decode(&e); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("analytics: JSON lines record %d: %w", line, err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}

// StoreHook returns a BatchHook that appends events to s. Add it with
// Dispatcher.AddDurable so that nothing is lost while the store is down.
func StoreHook(s Store) BatchHook { return storeHook{s} }

type storeHook struct{ s Store }

func (h storeHook) Handle(ctx context.Context, e Event) error {
	return h.s.Append(ctx, []Event{e})
}

func (h storeHook) HandleBatch(ctx context.Context, events []Event) error {
	return h.s.Append(ctx, events)
}
