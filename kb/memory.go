package kb

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// MemoryStore is a [Store] that keeps everything in memory, history included.
// It is meant for tests and for bots whose knowledge base is loaded from a
// file at start. It is safe for concurrent use; its zero value is not
// usable, call [NewMemoryStore].
type MemoryStore struct {
	mu      sync.Mutex
	entries map[string]Entry
	last    map[string]int64 // last version of every ID ever written
	log     []Revision
	changed chan struct{} // closed and replaced on every write
	now     func() time.Time
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		entries: make(map[string]Entry),
		last:    make(map[string]int64),
		changed: make(chan struct{}),
		now:     time.Now,
	}
}

// Get implements [Store].
func (m *MemoryStore) Get(ctx context.Context, id string) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return Entry{}, notFound(id)
	}
	return e.Clone(), nil
}

// List implements [Store].
func (m *MemoryStore) List(ctx context.Context) ([]Entry, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Entry, 0, len(m.entries))
	for _, e := range m.entries {
		out = append(out, e.Clone())
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return out, int64(len(m.log)), nil
}

// Write implements [Store].
func (m *MemoryStore) Write(ctx context.Context, b Batch) ([]Revision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	revs, err := b.Plan(int64(len(m.log)), m.now(), func(id string) (*Entry, int64, error) {
		if e, ok := m.entries[id]; ok {
			return &e, m.last[id], nil
		}
		return nil, m.last[id], nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		id := r.Entry.ID
		m.last[id] = r.Entry.Version
		if r.Op == OpPut {
			m.entries[id] = r.Entry.Clone()
		} else {
			delete(m.entries, id)
		}
		m.log = append(m.log, r)
	}
	close(m.changed)
	m.changed = make(chan struct{})
	return cloneRevs(revs), nil
}

// Revisions implements [Store].
func (m *MemoryStore) Revisions(ctx context.Context, q RevQuery) ([]Revision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Revision
	for _, r := range m.log[max(0, min(q.After, int64(len(m.log)))):] {
		if q.ID != "" && r.Entry.ID != q.ID {
			continue
		}
		out = append(out, r)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return cloneRevs(out), nil
}

// Wait implements [Waiter].
func (m *MemoryStore) Wait(ctx context.Context, after int64) error {
	m.mu.Lock()
	if int64(len(m.log)) > after {
		m.mu.Unlock()
		return nil
	}
	ch := m.changed
	m.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func cloneRevs(revs []Revision) []Revision {
	out := make([]Revision, len(revs))
	for i, r := range revs {
		r.Entry = r.Entry.Clone()
		out[i] = r
	}
	return out
}
