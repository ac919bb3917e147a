package keylock

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSerializesPerKey(t *testing.T) {
	var m Map
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := m.Lock(context.Background(), "a")
			require.NoError(t, err)
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, most, "one holder at a time")
	assert.Zero(t, m.Len(), "released keys are dropped")
}

func TestOtherKeysAndCancel(t *testing.T) {
	var m Map
	unlock, err := m.Lock(context.Background(), "a")
	require.NoError(t, err)
	u2, err := m.Lock(context.Background(), "b")
	require.NoError(t, err, "another key does not wait")
	u2()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = m.Lock(ctx, "a")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	unlock()
	assert.Zero(t, m.Len())
	cancel()
	_, err = m.Lock(ctx, "a")
	assert.Error(t, err, "a done context fails at once")
}
