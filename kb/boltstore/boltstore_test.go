package boltstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/boltstore"
	"github.com/kefuai/kefu/kb/kbtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openBolt(t *testing.T, path string) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, boltstore.Options{NoSync: true})
	require.NoError(t, err)
	return s
}

func TestBoltConformance(t *testing.T) {
	kbtest.Run(t, func(t *testing.T) kb.Store {
		s := openBolt(t, filepath.Join(t.TempDir(), "kb.db"))
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestBoltSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.db")
	s := openBolt(t, path)
	_, err := s.Write(ctx, kb.Batch{Author: "alice", Put: []kb.Entry{kbtest.Rich("a"), kbtest.Rich("b")}})
	require.NoError(t, err)
	_, err = s.Write(ctx, kb.Batch{Author: "bob", Delete: []kb.Ref{{ID: "b", Version: 1}}})
	require.NoError(t, err)
	want, err := s.Get(ctx, "a")
	require.NoError(t, err)

	// A second handle on the same file waits for the lock and gives up.
	_, err = boltstore.Open(path, boltstore.Options{Timeout: 50 * time.Millisecond})
	assert.Error(t, err, "one process at a time")
	require.NoError(t, s.Close())
	_, err = s.Get(ctx, "a")
	assert.ErrorIs(t, err, kb.ErrClosed)

	s = openBolt(t, path)
	defer s.Close()
	got, err := s.Get(ctx, "a")
	require.NoError(t, err)
	assert.True(t, want.Equal(got), "entry survives: %+v", got)
	revs, err := s.Revisions(ctx, kb.RevQuery{})
	require.NoError(t, err)
	require.Len(t, revs, 3)
	assert.Equal(t, "bob", revs[2].Author)
	// Numbering continues after the restart.
	_, err = s.Write(ctx, kb.Batch{Put: []kb.Entry{kbtest.Rich("b")}})
	require.NoError(t, err)
	got, err = s.Get(ctx, "b")
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version)

	b, err := kb.Open(ctx, s, kb.Options{})
	require.NoError(t, err)
	defer b.Close()
	hits, err := b.Search(ctx, "花呗还款方式", kb.SearchOptions{})
	require.NoError(t, err)
	require.Len(t, hits, 2)
}
