package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/internal/pgtest"
	"github.com/kefuai/kefu/analytics/pgstore"
	"github.com/kefuai/kefu/analytics/transcripttest"
)

func TestStore(t *testing.T) {
	pool := pgtest.Pool(t)
	transcripttest.Run(t, func(t *testing.T, opts analytics.StoreOptions) analytics.Store {
		s, err := pgstore.New(context.Background(), pool, pgstore.Options{StoreOptions: opts, Schema: pgtest.Schema(t, pool)})
		require.NoError(t, err)
		return s
	})
}

// Two stores on the same table (two bot instances) see each other's
// events, and creating the table again is harmless.
func TestSharedTable(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.Schema(t, pool)
	ctx := context.Background()
	a, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema, Table: "transcripts"})
	require.NoError(t, err)
	b, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema, Table: "transcripts"})
	require.NoError(t, err)
	e := analytics.Event{ID: "x", Kind: analytics.MessageIn, Time: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), SessionID: "s"}
	require.NoError(t, a.Append(ctx, []analytics.Event{e}))
	require.NoError(t, b.Append(ctx, []analytics.Event{e}))
	n := 0
	require.NoError(t, b.Scan(ctx, analytics.Query{}, func(analytics.Event) error { n++; return nil }))
	assert.Equal(t, 1, n)
}

// Instances starting together create the table once, without failing on
// each other's CREATE.
func TestConcurrentCreate(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.Schema(t, pool)
	ctx := context.Background()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema, Table: "together"})
			errs <- err
		}()
	}
	for range 8 {
		assert.NoError(t, <-errs)
	}
}
