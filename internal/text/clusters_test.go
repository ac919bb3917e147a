package text

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clusterSet returns the cluster features of text.
func clusterSet(t *testing.T, a *Analyzer, text string) map[uint64]bool {
	t.Helper()
	set := map[uint64]bool{}
	for _, f := range (FeatureConfig{Clusters: true}).AppendFeatures(nil, a.Analyze(text)) {
		set[f.Hash] = true
	}
	return set
}

func TestClusters(t *testing.T) {
	a := defaultAnalyzer(t)
	refund := clusterSet(t, a, "refund")
	require.NotEmpty(t, refund)
	// Words used alike share clusters, across inflections and languages.
	assert.True(t, shares(refund, clusterSet(t, a, "reimbursement")))
	assert.True(t, shares(refund, clusterSet(t, a, "refunds")))
	assert.True(t, shares(refund, clusterSet(t, a, "退款")), "a Chinese word joins its gloss's clusters")
	assert.True(t, shares(clusterSet(t, a, "weather"), clusterSet(t, a, "天气")))
	// Finer clusters tell unrelated words apart: the coarsest level may
	// group much, the finest rarely.
	fine := func(s map[uint64]bool, word string) int {
		n := 0
		for h := range clusterSet(t, a, word) {
			if s[h] {
				n++
			}
		}
		return n
	}
	assert.Greater(t, fine(refund, "reimbursement"), fine(refund, "weather"))
	assert.Empty(t, clusterSet(t, a, "xqzvbw"), "words outside the table have none")
	assert.Empty(t, clusterSet(t, a, "123 ?!"), "numbers and punctuation have none")
	assert.Empty(t, (FeatureConfig{Words: true}).AppendFeatures(nil, a.Analyze("refund"))[1:],
		"without Clusters only the word")
}

func TestClusterTables(t *testing.T) {
	en, err := clustersEn()
	require.NoError(t, err)
	assert.Greater(t, len(en.words), 30000)
	zh, err := clustersZh()
	require.NoError(t, err)
	assert.Greater(t, len(zh.words), 50000)
	for _, tab := range []*conceptTable{en, zh} {
		for _, at := range tab.words {
			require.Positive(t, at&0xff)
		}
	}
	// One namespace: a cluster named alike in both tables is one feature.
	assert.Equal(t, len(en.hashes), len(uniq(en.hashes)))
}

func uniq(hs []uint64) map[uint64]bool {
	m := map[uint64]bool{}
	for _, h := range hs {
		m[h] = true
	}
	return m
}

func TestParseTableErrors(t *testing.T) {
	_, err := parseTable([]byte("not gzip"), nsCluster, "cluster", 1, 1)
	assert.ErrorContains(t, err, "cluster table")
	_, err = parseTable(gz(t, "refund\n"), nsCluster, "cluster", 1, 1)
	assert.ErrorContains(t, err, "cluster table line 1")
	tab, err := parseTable(gz(t, "# h\nrefund\ta3 a3.1\nrebate\ta3 a3.2\n"), nsCluster, "cluster", 1, 1)
	require.NoError(t, err)
	assert.Len(t, tab.hashes, 3)
	assert.Equal(t, hashStr(nsCluster, "a3"), tab.hashes[0])
	assert.NotEqual(t, hashStr(nsConcept, "a3"), tab.hashes[0], "cluster and concept names hash apart")
}
