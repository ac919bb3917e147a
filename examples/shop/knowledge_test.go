package shop_test

import (
	"context"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/kb"
)

func TestEntries(t *testing.T) {
	entries, err := entries()
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(entries), 45)

	questions := map[string]string{}
	for _, e := range entries {
		require.NoError(t, e.Validate())
		questions[e.Question] = e.ID
	}
	imgs, pages := images(), policies()
	exists := func(f fs.FS, name string) bool {
		_, err := fs.Stat(f, name)
		return err == nil
	}
	english, withImages, withLinks, withSuggestions := 0, 0, 0, 0
	for _, e := range entries {
		assert.False(t, e.Disabled, e.ID)
		assert.NotEmpty(t, e.Answer.Text, e.ID)
		assert.NotEmpty(t, e.Category, e.ID)
		assert.NotEmpty(t, e.Tags, e.ID)
		assert.True(t, len(e.Similar) >= 3 && len(e.Similar) <= 6, "%s has %d similar questions", e.ID, len(e.Similar))
		if slices.Contains(e.Tags, "en") {
			english++
		}
		for _, s := range e.Answer.Suggestions {
			id, ok := questions[s]
			assert.True(t, ok, "%s: suggestion %q is no standard question", e.ID, s)
			assert.NotEqual(t, e.ID, id, "%s suggests itself", e.ID)
		}
		for _, im := range e.Answer.Images {
			name, ok := strings.CutPrefix(im.URL, "/demo/img/")
			assert.True(t, ok && exists(imgs, name), "%s: image %s", e.ID, im.URL)
			assert.NotEmpty(t, im.Alt, "%s: image %s has no alt text", e.ID, im.URL)
		}
		for _, l := range e.Answer.Links {
			assert.NotEmpty(t, l.Title, e.ID)
			if name, ok := strings.CutPrefix(l.URL, "/demo/policy/"); ok {
				assert.True(t, exists(pages, name), "%s: link %s", e.ID, l.URL)
			} else {
				assert.True(t, strings.HasPrefix(l.URL, "https://"), "%s: link %s", e.ID, l.URL)
			}
		}
		withImages += min(len(e.Answer.Images), 1)
		withLinks += min(len(e.Answer.Links), 1)
		withSuggestions += min(len(e.Answer.Suggestions), 1)
	}
	assert.GreaterOrEqual(t, english, 10, "English entries")
	assert.GreaterOrEqual(t, withImages, 5, "entries with images")
	assert.GreaterOrEqual(t, withLinks, 5, "entries with links")
	assert.GreaterOrEqual(t, withSuggestions, 20, "entries with suggestions")

	// Every image is used.
	svgs, err := fs.Glob(imgs, "*.svg")
	require.NoError(t, err)
	used := map[string]bool{}
	for _, e := range entries {
		for _, im := range e.Answer.Images {
			used[strings.TrimPrefix(im.URL, "/demo/img/")] = true
		}
	}
	assert.ElementsMatch(t, svgs, slices.Collect(maps.Keys(used)))
}

func TestKnowledge(t *testing.T) {
	ctx := context.Background()
	entries, err := entries()
	require.NoError(t, err)
	t.Run("lexical", func(t *testing.T) {
		ix, err := kb.NewIndex(kb.IndexOptions{Words: words(), Synonyms: synonyms()})
		require.NoError(t, err)
		ix.Put(entries...)
		checkKnowledge(t, ix, entries)
	})
	t.Run("learned", func(t *testing.T) {
		ln, err := kb.NewLearner(kb.LearnOptions{Words: words(), Synonyms: synonyms(), Seed: 1})
		require.NoError(t, err)
		ix, err := kb.NewIndex(kb.IndexOptions{Words: words(), Synonyms: synonyms(), Reranker: ln})
		require.NoError(t, err)
		ix.Put(entries...)
		require.NoError(t, ln.Train(ctx, ix.Entries()))
		checkKnowledge(t, ix, entries)
	})
}

// checkKnowledge checks that every standard question and a few paraphrases
// find their entry first, and that unrelated questions find nothing.
func checkKnowledge(t *testing.T, ix *kb.Index, entries []kb.Entry) {
	ctx := context.Background()
	top := func(q string) (kb.Hit, bool) {
		hits, err := ix.Search(ctx, q, kb.SearchOptions{K: 1})
		require.NoError(t, err)
		if len(hits) == 0 {
			return kb.Hit{}, false
		}
		return hits[0], true
	}
	for _, e := range entries {
		h, ok := top(e.Question)
		if assert.True(t, ok, "%s: %q finds nothing", e.ID, e.Question) {
			assert.Equal(t, e.ID, h.Entry.ID, "%q", e.Question)
		}
	}

	for q, want := range map[string]string{
		"我买的东西不满99要付邮费吗":                    "shipping-fee",
		"晚上下的单什么时候发货":                       "delivery-time",
		"七天内没拆封的能退吗":                        "return-policy",
		"退回去的钱几天能到账":                        "refund-time",
		"花呗能分几期":                            "installments",
		"单位报销要开专用发票":                        "invoice-vat",
		"积分年底会清零吗":                          "points-expire",
		"耳机坏了拿去修要多久":                        "warranty-claim",
		"我一米七五该买多大的衣服":                      "size-chart",
		"iPhone 15 Pro能用15的壳吗":              "phone-case-fit",
		"怎么把我的账号和资料都删掉":                     "account-delete",
		"能寄到澳门吗":                            "international-shipping",
		"how long until my refund shows up": "refund-time-en",
		"is delivery free over 99 yuan":     "shipping-fee-en",
		"can I return it if I opened it":    "return-policy-en",
	} {
		h, ok := top(q)
		if assert.True(t, ok, "%q finds nothing", q) {
			assert.Equal(t, want, h.Entry.ID, "%q (confidence %.2f)", q, h.Confidence)
		}
	}

	// Out of scope: no answer.
	for _, q := range []string{"今天天气怎么样", "给我讲个笑话", "帮我订一张去北京的机票", "what is the capital of France", "how old are you"} {
		h, ok := top(q)
		assert.False(t, ok, "%q finds %s (%.2f)", q, h.Entry.ID, h.Confidence)
	}
}
