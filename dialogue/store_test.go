package dialogue_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) dialogue.Store { return dialogue.NewMemoryStore(dialogue.MemoryOptions{}) })
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestMemoryStoreTTLWithClock(t *testing.T) {
	ctx := context.Background()
	c := &clock{now: time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)}
	s := dialogue.NewMemoryStore(dialogue.MemoryOptions{Now: c.Now})
	put := func(id string, ttl time.Duration) {
		require.NoError(t, s.Update(ctx, id, ttl, func([]byte) ([]byte, error) { return []byte(id), nil }))
	}
	put("a", time.Minute)
	put("b", time.Hour)
	put("c", 0)
	c.Add(time.Minute - time.Nanosecond)
	_, err := s.Get(ctx, "a")
	assert.NoError(t, err, "alive just before its time to live")
	c.Add(time.Nanosecond)
	_, err = s.Get(ctx, "a")
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
	assert.Equal(t, 2, s.Len())
	c.Add(24 * time.Hour)
	assert.Equal(t, 1, s.Len(), "only the session without time to live is left")
	// An expired session is new to Update.
	put("x", time.Second)
	c.Add(time.Second)
	require.NoError(t, s.Update(ctx, "x", time.Second, func(old []byte) ([]byte, error) {
		assert.Nil(t, old)
		return []byte("y"), nil
	}))
}

func TestMemoryStoreBounded(t *testing.T) {
	ctx := context.Background()
	s := dialogue.NewMemoryStore(dialogue.MemoryOptions{MaxSessions: 3})
	for i := range 5 {
		id := fmt.Sprint(i)
		require.NoError(t, s.Update(ctx, id, 0, func([]byte) ([]byte, error) { return []byte(id), nil }))
		if i == 2 {
			// Touch 0, so that 1 is the least recently used.
			require.NoError(t, s.Update(ctx, "0", 0, func(b []byte) ([]byte, error) { return b, nil }))
		}
	}
	assert.Equal(t, 3, s.Len())
	for id, alive := range map[string]bool{"0": true, "1": false, "2": false, "3": true, "4": true} {
		_, err := s.Get(ctx, id)
		if alive {
			assert.NoError(t, err, id)
		} else {
			assert.ErrorIs(t, err, dialogue.ErrNotFound, id)
		}
	}
}
