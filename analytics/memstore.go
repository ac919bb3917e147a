package analytics

import (
	"context"
	"io"
	"slices"
	"sync"
	"time"
)

// MemoryStore is a Store in the memory of one process, for tests, examples
// and reports over a file of exported events. It is safe for concurrent
// use.
type MemoryStore struct {
	opts StoreOptions

	mu     sync.RWMutex
	events []Event // sorted by time, then ID
	ids    map[string]bool
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts StoreOptions) *MemoryStore {
	return &MemoryStore{opts: opts, ids: map[string]bool{}}
}

func eventLess(a, b Event) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	switch {
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// Append implements Store.
func (s *MemoryStore) Append(ctx context.Context, events []Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	prepared, err := s.opts.Prepare(events)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range prepared {
		if s.ids[e.ID] {
			continue
		}
		s.ids[e.ID] = true
		// Events arrive nearly in order: append, or insert near the end.
		if n := len(s.events); n == 0 || eventLess(s.events[n-1], e) <= 0 {
			s.events = append(s.events, e)
			continue
		}
		i, _ := slices.BinarySearchFunc(s.events, e, eventLess)
		s.events = slices.Insert(s.events, i, e)
	}
	return nil
}

// Scan implements Store. fn must not call the store's other methods that
// write.
func (s *MemoryStore) Scan(ctx context.Context, q Query, fn func(Event) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := 0
	if !q.From.IsZero() {
		i, _ = slices.BinarySearchFunc(s.events, q.From, func(e Event, t time.Time) int { return e.Time.Compare(t) })
	}
	for ; i < len(s.events); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		e := s.events[i]
		if !q.To.IsZero() && !e.Time.Before(q.To) {
			break
		}
		if !q.Match(&e) {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (s *MemoryStore) deleteWhere(ctx context.Context, drop func(*Event) bool) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	s.events = slices.DeleteFunc(s.events, func(e Event) bool {
		if drop(&e) {
			delete(s.ids, e.ID)
			n++
			return true
		}
		return false
	})
	return n, nil
}

// Purge implements Store.
func (s *MemoryStore) Purge(ctx context.Context, before time.Time) (int64, error) {
	return s.deleteWhere(ctx, func(e *Event) bool { return e.Time.Before(before) })
}

// EraseUser implements Store.
func (s *MemoryStore) EraseUser(ctx context.Context, userID string) (int64, error) {
	if userID == "" {
		return 0, ctx.Err()
	}
	return s.deleteWhere(ctx, func(e *Event) bool { return e.UserID == userID })
}

// ExportUser implements Store.
func (s *MemoryStore) ExportUser(ctx context.Context, userID string, w io.Writer) error {
	if userID == "" {
		return nil
	}
	return WriteJSONL(ctx, s, Query{UserID: userID}, w)
}

// ExportAll implements Store.
func (s *MemoryStore) ExportAll(ctx context.Context, w io.Writer) error {
	return WriteJSONL(ctx, s, Query{}, w)
}
