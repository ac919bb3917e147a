package kefu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/kb"
)

// Erasure says what EraseUser deleted.
type Erasure struct {
	UserID   string `json:"user_id"`
	Events   int64  `json:"events"`
	Sessions int    `json:"sessions"`
}

// eachEvent streams the JSON lines export writes and calls fn for each
// event, without holding the export in memory.
func eachEvent(export func(io.Writer) error, fn func(analytics.Event) error) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := export(pw)
		pw.CloseWithError(err)
		done <- err
	}()
	err := analytics.ReadJSONL(pr, fn)
	pr.CloseWithError(errors.New("kefu: export reader stopped"))
	if exportErr := <-done; exportErr != nil && err == nil {
		err = exportErr
	}
	return err
}

// sessionIDs collects the distinct session IDs of events, in order.
type sessionIDs struct {
	seen map[string]bool
	ids  []string
}

func (s *sessionIDs) add(e analytics.Event) {
	if e.SessionID == "" || s.seen[e.SessionID] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[e.SessionID] = true
	s.ids = append(s.ids, e.SessionID)
}

// sessionsOf returns the IDs of the sessions a user's events belong to.
func (a *Admin) sessionsOf(ctx context.Context, userID string) ([]string, error) {
	if a.o.Transcripts == nil {
		return nil, nil
	}
	var ids sessionIDs
	err := eachEvent(func(w io.Writer) error { return a.o.Transcripts.ExportUser(ctx, userID, w) },
		func(e analytics.Event) error { ids.add(e); return nil })
	return ids.ids, err
}

// eventLine and the other line types are what exports write, one JSON
// object a line.
type eventLine struct {
	Type  string          `json:"type"`
	Event analytics.Event `json:"event"`
}

// EraseUser deletes everything kept about a user: the sessions of the
// bot and the dialogue engine, and the transcripts and events. The audit
// log records who did it (the audit record itself names the user ID and
// counts, never content).
func (a *Admin) EraseUser(ctx context.Context, actor, userID string) (Erasure, error) {
	if userID == "" {
		return Erasure{}, errors.New("kefu: erase needs a user ID")
	}
	if a.o.Bot != nil {
		a.o.Bot.hooks.forgetUser(userID)
	}
	if a.o.Events != nil {
		if err := a.drain(ctx); err != nil {
			return Erasure{UserID: userID}, err
		}
	}
	res := Erasure{UserID: userID}
	sessions, err := a.sessionsOf(ctx, userID)
	if err != nil {
		return res, fmt.Errorf("kefu: finding the user's sessions: %w", err)
	}
	if a.o.Sessions != nil {
		for _, id := range sessions {
			for _, key := range []string{id, stateKey(id)} {
				if err := a.o.Sessions.Delete(ctx, key); err != nil {
					return res, fmt.Errorf("kefu: deleting session %s: %w", id, err)
				}
			}
			res.Sessions++
		}
	}
	if a.o.Transcripts != nil {
		if res.Events, err = a.o.Transcripts.EraseUser(ctx, userID); err != nil {
			return res, fmt.Errorf("kefu: erasing transcripts: %w", err)
		}
	}
	_, err = a.o.Audit.Append(ctx, audit.Entry{Actor: actor, Action: audit.ActionEraseUser, Target: userID,
		Details: map[string]string{"events": strconv.FormatInt(res.Events, 10), "sessions": strconv.Itoa(res.Sessions)}})
	return res, err
}

// drain waits (up to 10 s) until the dispatcher's hooks have taken every
// event emitted so far; erasing before would let events in flight be
// stored after the erasure.
func (a *Admin) drain(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pending := false
		for _, s := range a.o.Events.Stats() {
			if s.Queued > 0 || s.Backlog > 0 {
				pending = true
			}
		}
		if !pending {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("kefu: events are still being delivered (a store may be down); erasure not done, try again")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ExportUser writes everything kept about a user as JSON lines: their
// events (type "event"), the current state of their sessions (type
// "session"), and a last line of type "end" with the counts.
func (a *Admin) ExportUser(ctx context.Context, actor, userID string, w io.Writer) error {
	if userID == "" {
		return errors.New("kefu: export needs a user ID")
	}
	enc := json.NewEncoder(w)
	n := 0
	var sessions sessionIDs
	if a.o.Transcripts != nil {
		err := eachEvent(func(w io.Writer) error { return a.o.Transcripts.ExportUser(ctx, userID, w) },
			func(e analytics.Event) error {
				n++
				sessions.add(e)
				return enc.Encode(eventLine{"event", e})
			})
		if err != nil {
			return err
		}
	}
	if a.o.Sessions != nil {
		for _, id := range sessions.ids {
			for _, key := range []string{id, stateKey(id)} {
				b, err := a.o.Sessions.Get(ctx, key)
				if errors.Is(err, dialogue.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if err := enc.Encode(struct {
					Type string          `json:"type"`
					Key  string          `json:"key"`
					Data json.RawMessage `json:"data"`
				}{"session", key, rawJSON(b)}); err != nil {
					return err
				}
			}
		}
	}
	if err := enc.Encode(endLine{Type: "end", Events: n, Sessions: len(sessions.ids)}); err != nil {
		return err
	}
	_, err := a.o.Audit.Append(ctx, audit.Entry{Actor: actor, Action: audit.ActionExportUser, Target: userID,
		Details: map[string]string{"events": strconv.Itoa(n), "sessions": strconv.Itoa(len(sessions.ids))}})
	return err
}

// endLine closes every export, so that a reader can tell a complete export
// from one cut short.
type endLine struct {
	Type     string `json:"type"`
	Events   int    `json:"events"`
	Sessions int    `json:"sessions,omitempty"`
	Entries  int    `json:"entries,omitempty"`
}

func rawJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

// ExportAll writes all the operator's data as JSON lines: every event
// (type "event"), every knowledge-base entry (type "entry"), and a last
// line of type "end" with the counts, so that it can be taken back when a
// contract ends.
func (a *Admin) ExportAll(ctx context.Context, actor string, w io.Writer) error {
	enc := json.NewEncoder(w)
	events, entries := 0, 0
	if a.o.Transcripts != nil {
		err := eachEvent(func(w io.Writer) error { return a.o.Transcripts.ExportAll(ctx, w) },
			func(e analytics.Event) error {
				events++
				return enc.Encode(eventLine{"event", e})
			})
		if err != nil {
			return err
		}
	}
	if a.o.Knowledge != nil {
		es, _, err := a.o.Knowledge.Store().List(ctx)
		if err != nil {
			return err
		}
		for _, e := range es {
			entries++
			if err := enc.Encode(struct {
				Type  string   `json:"type"`
				Entry kb.Entry `json:"entry"`
			}{"entry", e}); err != nil {
				return err
			}
		}
	}
	if err := enc.Encode(endLine{Type: "end", Events: events, Entries: entries}); err != nil {
		return err
	}
	_, err := a.o.Audit.Append(ctx, audit.Entry{Actor: actor, Action: audit.ActionExportAll, Target: "*",
		Details: map[string]string{"events": strconv.Itoa(events), "entries": strconv.Itoa(entries)}})
	return err
}
