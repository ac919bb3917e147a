package analytics_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

func TestPurgeAcrossPurgers(t *testing.T) {
	a := analytics.NewMemoryStore(analytics.StoreOptions{})
	b := analytics.NewMemoryStore(analytics.StoreOptions{})
	fill(t, a, novemberScript())
	fill(t, b, novemberScript()[:10])
	failing := analytics.PurgerFunc(func(context.Context, time.Time) (int64, error) { return 0, errors.New("down") })
	// Keep 30 days before 2026-12-01: everything before 2026-11-01 goes.
	n, err := analytics.Purge(context.Background(), at(12, 1, 0, 0, 0), 30*24*time.Hour, a, failing, b)
	assert.ErrorContains(t, err, "down")
	assert.Equal(t, int64(4), n, "the four October events of s5; b has none")
	var left []analytics.Event
	require.NoError(t, a.Scan(context.Background(), analytics.Query{To: at(11, 1, 0, 0, 0)}, func(e analytics.Event) error {
		left = append(left, e)
		return nil
	}))
	assert.Empty(t, left)
}

func TestRunRetention(t *testing.T) {
	s := analytics.NewMemoryStore(analytics.StoreOptions{})
	fill(t, s, novemberScript())
	total := len(novemberScript())
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var rounds []int64
	now := at(12, 1, 0, 30, 0)
	done := make(chan error, 1)
	go func() {
		done <- analytics.RunRetention(ctx, analytics.RetentionOptions{
			Keep: time.Hour, Every: time.Millisecond, Now: func() time.Time { return now },
			OnPurge: func(n int64, err error) {
				mu.Lock()
				defer mu.Unlock()
				rounds = append(rounds, n)
				if len(rounds) == 2 {
					cancel()
				}
			},
		}, s)
	}()
	assert.ErrorIs(t, <-done, context.Canceled)
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(rounds), 2)
	// Everything before 23:30 on 30 November goes in the first round: all
	// but s6's end and s7.
	assert.Equal(t, int64(total-3), rounds[0])
	assert.Zero(t, rounds[1])

	assert.ErrorContains(t, analytics.RunRetention(context.Background(), analytics.RetentionOptions{}), "positive Keep")
}
