package boltstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dialogue.Store {
		s, err := Open(filepath.Join(t.TempDir(), "sessions.db"), Options{})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestSurvivesRestartAndSweeps(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sessions.db")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s, err := Open(path, Options{Now: clock, SweepInterval: -1})
	require.NoError(t, err)
	require.NoError(t, s.Update(ctx, "keep", time.Hour, func([]byte) ([]byte, error) { return []byte("a"), nil }))
	require.NoError(t, s.Update(ctx, "short", time.Minute, func([]byte) ([]byte, error) { return []byte("b"), nil }))
	require.NoError(t, s.Close())

	s, err = Open(path, Options{Now: clock, SweepInterval: -1})
	require.NoError(t, err)
	defer s.Close()
	got, err := s.Get(ctx, "keep")
	require.NoError(t, err)
	assert.Equal(t, "a", string(got), "sessions survive a restart")

	now = now.Add(2 * time.Minute)
	_, err = s.Get(ctx, "short")
	assert.ErrorIs(t, err, dialogue.ErrNotFound, "an expired session is gone")
	n, err := s.Sweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = s.Get(ctx, "keep")
	assert.NoError(t, err)
}

func TestClosedDatabaseIsUnavailable(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "sessions.db"), Options{SweepInterval: -1})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	err = s.Update(context.Background(), "a", 0, func([]byte) ([]byte, error) { return []byte("x"), nil })
	assert.ErrorIs(t, err, dialogue.ErrStoreUnavailable)
	_, err = s.Get(context.Background(), "a")
	assert.ErrorIs(t, err, dialogue.ErrStoreUnavailable)
}
