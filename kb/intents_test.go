package kb

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSearchByIntent(t *testing.T) {
	es := faq()
	es[0].Intents = []string{"refund", "after_sales"}
	es[1].Intents = []string{"invoice"}
	es[2].Intents = []string{"after_sales"}
	es[5].Intents = []string{"refund"} // disabled: never returned
	ix := newTestIndex(t, IndexOptions{}, es...)
	ctx := context.Background()

	// An empty query lists the intent's entries in ID order, sure of each.
	hits, err := ix.Search(ctx, "", SearchOptions{Intent: "after_sales"})
	require.NoError(t, err)
	require.Len(t, hits, 2)
	assert.Equal(t, []string{"delivery", "refund"}, []string{hits[0].Entry.ID, hits[1].Entry.ID})
	assert.Equal(t, 1.0, hits[0].Confidence)
	hits, err = ix.Search(ctx, "", SearchOptions{Intent: "after_sales", K: 1})
	require.NoError(t, err)
	assert.Len(t, hits, 1)

	// A query searches only the intent's entries.
	assert.Equal(t, "refund", top(t, ix, "物流太慢了怎么退款", SearchOptions{Intent: "refund", MinConfidence: -1}))
	assert.Equal(t, "delivery", top(t, ix, "物流太慢了", SearchOptions{Intent: "after_sales", MinConfidence: -1}))
	assert.Empty(t, top(t, ix, "物流太慢了", SearchOptions{Intent: "invoice", MinConfidence: -1}))
	assert.Empty(t, top(t, ix, "", SearchOptions{Intent: "nobody"}))
	// Without an intent an empty query finds nothing.
	assert.Empty(t, top(t, ix, "", SearchOptions{}))
	// Category and intent together.
	assert.Empty(t, top(t, ix, "", SearchOptions{Intent: "after_sales", Category: "财务"}))
}

func TestEntryIntentsValidated(t *testing.T) {
	e := Entry{ID: "a", Question: "q", Intents: []string{"ok", " "}}
	var ie *InvalidError
	require.ErrorAs(t, e.Validate(), &ie)
	assert.Equal(t, "intents[1]", ie.Field)
	e.Intents = []string{"ok", "two\nlines"}
	require.ErrorAs(t, e.Validate(), &ie)
	e.Intents = []string{"ok"}
	assert.NoError(t, e.Validate())
	c := e.Clone()
	c.Intents[0] = "changed"
	assert.Equal(t, "ok", e.Intents[0], "Clone copies the intents")
	assert.False(t, e.Equal(c))
}

func TestEntryIntentsRoundTrip(t *testing.T) {
	in := []Entry{{ID: "fee", Question: "挂失要收费吗", Intents: []string{"lost_card_fee", "fees"},
		Answer: Answer{Text: "挂失免费。"}}}
	for _, f := range []Format{JSON, CSV, XLSX} {
		var buf bytes.Buffer
		require.NoError(t, WriteEntries(&buf, f, in), f)
		out, err := ReadEntries(&buf, f)
		require.NoError(t, err, f)
		require.Len(t, out, 1, f)
		assert.Equal(t, in[0].Intents, out[0].Intents, f)
	}
}
