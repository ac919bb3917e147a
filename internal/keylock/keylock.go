// Package keylock serializes work per key within a process: one holder per
// key at a time, waiting in line, with cancellation.
package keylock

import (
	"context"
	"sync"
)

// Map holds a lock per key, created on first use and dropped when no one
// holds or waits for it. The zero value is ready to use; a Map is safe for
// concurrent use.
type Map struct {
	mu    sync.Mutex
	locks map[string]*entry
}

type entry struct {
	ch   chan struct{}
	refs int
}

// Lock waits until key is free or ctx ends, and returns the function that
// releases it.
func (m *Map) Lock(ctx context.Context, key string) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.locks == nil {
		m.locks = map[string]*entry{}
	}
	l, ok := m.locks[key]
	if !ok {
		l = &entry{ch: make(chan struct{}, 1)}
		m.locks[key] = l
	}
	l.refs++
	m.mu.Unlock()
	release := func() {
		m.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(m.locks, key)
		}
		m.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}

// Len returns the number of keys held or waited for.
func (m *Map) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.locks)
}
