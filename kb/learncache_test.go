package kb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Learner with a cache file loads the model trained on the same entries
// instead of training again; other entries, other settings or a damaged
// file are trained over.
func TestLearnerCache(t *testing.T) {
	ctx := context.Background()
	cache := filepath.Join(t.TempDir(), "learner.model")
	opts := LearnOptions{Seed: 1, Weight: 1, MinEntries: 2, Cache: cache}
	ln, err := NewLearner(opts)
	require.NoError(t, err)
	ix := newTestIndex(t, IndexOptions{Reranker: ln}, faq()...)
	require.NoError(t, ln.Train(ctx, ix.Entries()))
	trained := searchScores(t, ix, "退款", "I forgot my password")
	fi, err := os.Stat(cache)
	require.NoError(t, err)
	assert.Greater(t, fi.Size(), int64(1000))

	// A cancelled context stops any training: a Learner that still gets
	// its model loaded it from the cache.
	done, cancel := context.WithCancel(ctx)
	cancel()
	again, err := NewLearner(opts)
	require.NoError(t, err)
	ix2 := newTestIndex(t, IndexOptions{Reranker: again}, faq()...)
	require.NoError(t, again.Train(done, ix2.Entries()), "loaded, not trained")
	assert.Equal(t, trained, searchScores(t, ix2, "退款", "I forgot my password"))

	// Another seed, edited entries: not the cached model.
	other := opts
	other.Seed = 2
	ln3, err := NewLearner(other)
	require.NoError(t, err)
	assert.Error(t, ln3.Train(done, ix.Entries()), "another seed trains")
	ents := ix.Entries()
	ents[0].Similar = append(ents[0].Similar, "一个新的问法")
	ln4, err := NewLearner(opts)
	require.NoError(t, err)
	assert.Error(t, ln4.Train(done, ents), "other questions train")

	// A damaged file is trained over and rewritten.
	b, err := os.ReadFile(cache)
	require.NoError(t, err)
	b[len(b)-100] ^= 1
	require.NoError(t, os.WriteFile(cache, b, 0o600))
	ln5, err := NewLearner(opts)
	require.NoError(t, err)
	assert.Error(t, ln5.Train(done, ix.Entries()), "a damaged cache is not loaded")
	require.NoError(t, ln5.Train(ctx, ix.Entries()))
	ln6, err := NewLearner(opts)
	require.NoError(t, err)
	require.NoError(t, ln6.Train(done, ix.Entries()), "rewritten")
}

// A cache that cannot be written is reported; the trained model is used
// all the same.
func TestLearnerCacheUnwritable(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1, Weight: 1, MinEntries: 2,
		Cache: filepath.Join(t.TempDir(), "missing", "dir", "learner.model")})
	require.NoError(t, err)
	ix := newTestIndex(t, IndexOptions{Reranker: ln}, faq()...)
	err = ln.Train(ctx, ix.Entries())
	assert.ErrorIs(t, err, errLearnCache)
	_, ok := ln.generation()
	assert.True(t, ok, "the model is in use")
	assert.Equal(t, "password", top(t, ix, "I forgot my password", SearchOptions{MinConfidence: -1}))
}

func searchScores(t *testing.T, ix *Index, queries ...string) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	for _, q := range queries {
		hits, err := ix.Search(context.Background(), q, SearchOptions{MinConfidence: -1})
		require.NoError(t, err)
		for _, h := range hits {
			out[q] = append(out[q], h.Score)
		}
	}
	return out
}
