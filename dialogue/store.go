package dialogue

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/kefuai/kefu/internal/keylock"
)

// Store keeps sessions as opaque bytes, by session ID. Implementations must
// be safe for concurrent use; a store shared by several processes (Redis)
// must keep its guarantees across them. dialogue/storetest checks an
// implementation.
type Store interface {
	// Get returns the stored bytes of a session, or an error wrapping
	// ErrNotFound when there is none or it expired.
	Get(ctx context.Context, id string) ([]byte, error)
	// Update reads the session, calls fn with its bytes (nil when there is
	// none) and stores what fn returns, with a time to live of ttl (none
	// when ttl <= 0); an empty result deletes the session. Updates of one
	// session are serialized: no other Update of the same id runs between
	// the read and the write, and none is lost. fn is called at most once
	// and must not use the store for the same id. When fn returns an
	// error, nothing is stored and Update returns that error. Update
	// returns an error wrapping ErrStoreUnavailable when the store cannot
	// be reached, ErrBusy when the session stays locked too long,
	// ErrLockLost when fn outlived the lock and the session changed, and
	// the context's error when ctx ends first.
	Update(ctx context.Context, id string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error
	// Delete removes a session; deleting a missing session is not an
	// error.
	Delete(ctx context.Context, id string) error
}

// MemoryOptions configure a MemoryStore. The zero value is ready to use.
type MemoryOptions struct {
	// MaxSessions bounds the sessions kept; beyond it the least recently
	// updated is evicted. 100 000 when zero.
	MaxSessions int
	// Now is the clock for time to live; time.Now when nil.
	Now func() time.Time
}

// MemoryStore is a Store in the memory of one process, for a single bot
// instance and for tests. Sessions expire after their time to live and the
// least recently used are evicted beyond MaxSessions. It is safe for
// concurrent use; Update holds a lock per session, so turns of different
// sessions run in parallel.
type MemoryStore struct {
	now func() time.Time
	max int

	mu    sync.Mutex
	items map[string]*list.Element // of *memItem
	lru   list.List                // front: most recently used
	locks keylock.Map
}

type memItem struct {
	id      string
	data    []byte
	expires time.Time // zero: never
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts MemoryOptions) *MemoryStore {
	s := &MemoryStore{now: opts.Now, max: opts.MaxSessions, items: map[string]*list.Element{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.max <= 0 {
		s.max = 100_000
	}
	return s
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.live(id)
	if it == nil {
		return nil, ErrNotFound
	}
	return clone(it.data), nil
}

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, id string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error {
	unlock, err := s.locks.Lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()

	s.mu.Lock()
	var old []byte
	if it := s.live(id); it != nil {
		old = clone(it.data)
	}
	s.mu.Unlock()

	data, err := fn(old)
	if err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if len(data) == 0 {
		s.remove(id)
		return nil
	}
	it := &memItem{id: id, data: clone(data)}
	if ttl > 0 {
		it.expires = s.now().Add(ttl)
	}
	if e, ok := s.items[id]; ok {
		e.Value = it
		s.lru.MoveToFront(e)
	} else {
		s.items[id] = s.lru.PushFront(it)
	}
	for s.lru.Len() > s.max {
		s.remove(s.lru.Back().Value.(*memItem).id)
	}
	// Drop expired sessions at the cold end while they are there.
	for e := s.lru.Back(); e != nil; e = s.lru.Back() {
		old := e.Value.(*memItem)
		if old.expires.IsZero() || s.now().Before(old.expires) {
			break
		}
		s.remove(old.id)
	}
	return nil
}

// Delete implements Store.
func (s *MemoryStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(id)
	return nil
}

// Len returns the number of sessions held, expired ones dropped first.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for id, e := range s.items {
		if it := e.Value.(*memItem); !it.expires.IsZero() && !now.Before(it.expires) {
			s.remove(id)
		}
	}
	return len(s.items)
}

// live returns the unexpired item of id, removing an expired one. s.mu is
// held.
func (s *MemoryStore) live(id string) *memItem {
	e, ok := s.items[id]
	if !ok {
		return nil
	}
	it := e.Value.(*memItem)
	if !it.expires.IsZero() && !s.now().Before(it.expires) {
		s.remove(id)
		return nil
	}
	return it
}

func (s *MemoryStore) remove(id string) {
	if e, ok := s.items[id]; ok {
		s.lru.Remove(e)
		delete(s.items, id)
	}
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
