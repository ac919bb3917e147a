package boltstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
	"github.com/kefuai/kefu/analytics/transcripttest"
)

func TestStore(t *testing.T) {
	transcripttest.Run(t, func(t *testing.T, opts analytics.StoreOptions) analytics.Store {
		s, err := boltstore.Open(filepath.Join(t.TempDir(), "transcripts.db"), boltstore.Options{StoreOptions: opts, NoSync: true})
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// What was appended is there after the file is closed and opened again.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	require.NoError(t, err)
	e := analytics.Event{ID: "a", Kind: analytics.MessageIn, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), SessionID: "s", UserID: "u", Text: "你好"}
	require.NoError(t, s.Append(context.Background(), []analytics.Event{e}))
	require.NoError(t, s.Close())

	s, err = boltstore.Open(path, boltstore.Options{ReadOnly: true})
	require.NoError(t, err)
	defer s.Close()
	var got []analytics.Event
	require.NoError(t, s.Scan(context.Background(), analytics.Query{}, func(e analytics.Event) error {
		got = append(got, e)
		return nil
	}))
	require.Len(t, got, 1)
	assert.Equal(t, "你好", got[0].Text)
	assert.Error(t, s.Append(context.Background(), []analytics.Event{e}), "read-only")
}

// A purge larger than one transaction deletes everything it should.
func TestLargePurge(t *testing.T) {
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), boltstore.Options{NoSync: true})
	require.NoError(t, err)
	defer s.Close()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]analytics.Event, 0, 12000)
	for i := range 12000 {
		batch = append(batch, analytics.Event{Kind: analytics.MessageIn, Time: base.Add(time.Duration(i) * time.Second), SessionID: "s", UserID: "u"})
	}
	require.NoError(t, s.Append(context.Background(), batch))
	n, err := s.Purge(context.Background(), base.Add(11000*time.Second))
	require.NoError(t, err)
	assert.Equal(t, int64(11000), n)
	n, err = s.EraseUser(context.Background(), "u")
	require.NoError(t, err)
	assert.Equal(t, int64(1000), n)
}
