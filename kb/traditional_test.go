package kb

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Questions in traditional characters find the entries written in
// simplified ones with the same scores, and the other way round.
func TestSearchTraditional(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1, MinEntries: 2})
	require.NoError(t, err)
	for _, opts := range []IndexOptions{{}, {Reranker: ln}} {
		ix := newTestIndex(t, opts, faq()...)
		if opts.Reranker != nil {
			require.NoError(t, ln.trainGen(ctx, ix.Entries(), ix.generation()))
		}
		for trad, simp := range map[string]string{
			"退款怎麼申請？":   "退款怎么申请？",
			"我想退錢":      "我想退钱",
			"增值稅發票能開嗎":  "增值税发票能开吗",
			"我的快遞什麼時候到": "我的快递什么时候到",
			"物流太慢了":     "物流太慢了",
		} {
			ht, err := ix.Search(ctx, trad, SearchOptions{})
			require.NoError(t, err)
			hs, err := ix.Search(ctx, simp, SearchOptions{})
			require.NoError(t, err)
			require.NotEmpty(t, hs, simp)
			require.Len(t, ht, len(hs), trad)
			for i := range hs {
				assert.Equal(t, hs[i].Entry.ID, ht[i].Entry.ID, trad)
				assert.InDelta(t, hs[i].Score, ht[i].Score, 1e-6, trad)
				assert.Equal(t, hs[i].Matched, ht[i].Matched, trad)
			}
		}
	}

	// An entry written in traditional characters.
	ix := newTestIndex(t, IndexOptions{}, Entry{ID: "tw", Question: "運費怎麼算", Similar: []string{"郵費多少錢"}},
		Entry{ID: "other", Question: "怎么开发票"})
	assert.Equal(t, "tw", top(t, ix, "运费怎么算", SearchOptions{}))
	assert.Equal(t, "tw", top(t, ix, "邮费多少钱？", SearchOptions{}))
	assert.Equal(t, "other", top(t, ix, "怎麼開發票", SearchOptions{}))
}
