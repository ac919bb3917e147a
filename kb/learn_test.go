package kb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLearnerReranks(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1, Weight: 1, MinEntries: 2})
	require.NoError(t, err)
	ix := newTestIndex(t, IndexOptions{Reranker: ln}, faq()...)

	// Before training the lexical ranking passes through.
	_, ok := ln.generation()
	assert.False(t, ok)
	lexical, err := ix.Search(ctx, "退款", SearchOptions{MinConfidence: -1})
	require.NoError(t, err)

	require.NoError(t, ln.trainGen(ctx, ix.Entries(), ix.generation()))
	gen, ok := ln.generation()
	require.True(t, ok)
	assert.Equal(t, ix.generation(), gen)

	hits, err := ix.Search(ctx, "退款", SearchOptions{MinConfidence: -1})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "refund", hits[0].Entry.ID)
	got := map[string]bool{}
	for _, h := range hits {
		got[h.Entry.ID] = true
	}
	for _, h := range lexical {
		assert.True(t, got[h.Entry.ID], "reranking keeps the lexical candidate %s", h.Entry.ID)
	}
	assert.Len(t, hits, 5, "the model proposes the entries the lexical search missed")
	for i := 1; i < len(hits); i++ {
		assert.GreaterOrEqual(t, hits[i-1].Score, hits[i].Score)
	}
	for _, h := range hits {
		assert.True(t, h.Confidence >= 0 && h.Confidence <= 1)
		assert.NotEqual(t, "hidden", h.Entry.ID, "disabled entries are neither searched nor learned")
	}
	// "钱" appears in one question of the refund entry only; the learned
	// model ties the query to that entry as a whole.
	assert.Equal(t, "refund", top(t, ix, "钱", SearchOptions{MinConfidence: -1}))
	assert.Equal(t, "password", top(t, ix, "I forgot my password", SearchOptions{MinConfidence: -1}))
}

func TestLearnerLimits(t *testing.T) {
	ctx := context.Background()
	_, err := NewLearner(LearnOptions{Weight: 2})
	assert.Error(t, err)

	ln, err := NewLearner(LearnOptions{MaxEntries: 3, MinEntries: 2})
	require.NoError(t, err)
	require.NoError(t, ln.trainGen(ctx, faq(), 7))
	gen, ok := ln.generation()
	assert.True(t, ok)
	assert.Equal(t, uint64(7), gen, "the attempt is recorded even without a model")
	hits := []Hit{{Entry: Entry{ID: "a"}, Score: 2, Confidence: 0.2}, {Entry: Entry{ID: "b"}, Score: 1, Confidence: 0.9}}
	out, err := ln.Rerank(ctx, "退款", hits)
	require.NoError(t, err)
	assert.Equal(t, "a", out[0].Entry.ID, "no model: the lexical order stays")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	small, err := NewLearner(LearnOptions{MinEntries: 2})
	require.NoError(t, err)
	assert.Error(t, small.Train(cctx, faq()))
}

func TestBaseRelearnsAfterEdits(t *testing.T) {
	ctx := context.Background()
	b, err := Open(ctx, NewMemoryStore(), Options{RelearnDelay: 50 * time.Millisecond})
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, b.WaitLearned(ctx))
	require.NotNil(t, b.Learner())

	_, err = b.Write(ctx, Batch{Author: "test", Put: faq()})
	require.NoError(t, err)
	deadline := time.Now().Add(10 * time.Second)
	for {
		gen, ok := b.Learner().generation()
		if ok && gen == b.Index().generation() {
			break
		}
		require.True(t, time.Now().Before(deadline), "the learner never caught up with the edit")
		time.Sleep(20 * time.Millisecond)
	}
	hits, err := b.Search(ctx, "我要退款", SearchOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "refund", hits[0].Entry.ID)

	off, err := Open(ctx, NewMemoryStore(), Options{NoLearn: true})
	require.NoError(t, err)
	defer off.Close()
	assert.Nil(t, off.Learner())
	require.NoError(t, off.WaitLearned(ctx))
}

func BenchmarkLearnerRerank(b *testing.B) {
	ctx := context.Background()
	var es []Entry
	for i := range 200 {
		es = append(es, Entry{ID: fmt.Sprint(i), Question: fmt.Sprintf("问题%d 怎么办理业务%d", i, i%17),
			Similar: []string{fmt.Sprintf("如何处理%d号事项", i)}})
	}
	ln, err := NewLearner(LearnOptions{})
	require.NoError(b, err)
	ix := newTestIndex(b, IndexOptions{Reranker: ln}, es...)
	require.NoError(b, ln.trainGen(ctx, ix.Entries(), ix.generation()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(ctx, "如何处理12号业务", SearchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLearnerLeavesNewEntriesLexical(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1, MinEntries: 2})
	require.NoError(t, err)
	ix := newTestIndex(t, IndexOptions{Reranker: ln}, faq()...)
	require.NoError(t, ln.trainGen(ctx, ix.Entries(), ix.generation()))
	// A new entry, written after training, is found by its own question
	// with its lexical confidence: the model knows nothing of it.
	added := Entry{ID: "pwd-cn", Question: "忘记登录密码怎么办", Version: 1}
	ix.Put(added)
	hits, err := ix.Search(ctx, added.Question, SearchOptions{MinConfidence: -1})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "pwd-cn", hits[0].Entry.ID)
	lex := newTestIndex(t, IndexOptions{}, append(faq(), added)...)
	want, err := lex.Search(ctx, added.Question, SearchOptions{MinConfidence: -1})
	require.NoError(t, err)
	assert.InDelta(t, want[0].Confidence, hits[0].Confidence, 1e-9)
}

func TestLearnerScoreLeansOnTheModel(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1, MinEntries: 2})
	require.NoError(t, err)
	ix := newTestIndex(t, IndexOptions{Reranker: ln}, faq()...)
	require.NoError(t, ln.trainGen(ctx, ix.Entries(), ix.generation()))
	lex := newTestIndex(t, IndexOptions{}, faq()...)

	const q = "退款要多久"
	lexHits, err := lex.Search(ctx, q, SearchOptions{K: 50, MinConfidence: -1})
	require.NoError(t, err)
	hits, err := ix.Search(ctx, q, SearchOptions{K: 50, MinConfidence: -1})
	require.NoError(t, err)
	require.Len(t, hits, 5, "the lexical candidates and the model's proposals")
	c := map[string]float64{}
	for _, h := range lexHits {
		c[h.Entry.ID] = h.Confidence
	}
	require.Less(t, len(c), 5, "the query misses some entry lexically")

	m := ln.cur.Load()
	p := m.ens.Probs(ln.an.Analyze(q), m.ens.NewScratch(), make([]float32, m.ens.K))
	for i, h := range hits {
		pk := float64(p[m.idx[h.Entry.ID]])
		// Confidence keeps the 0.7/0.3 blend; Score gives the lexical
		// confidence a third of that share (0.1). A proposed entry has a
		// lexical confidence of 0.
		assert.InDelta(t, 0.7*pk+0.3*c[h.Entry.ID], h.Confidence, 1e-6, h.Entry.ID)
		assert.InDelta(t, 0.9*pk+0.1*c[h.Entry.ID], h.Score, 1e-6, h.Entry.ID)
		if i > 0 {
			assert.GreaterOrEqual(t, hits[i-1].Score, h.Score, "hits are ordered by Score")
		}
	}
}

func TestLearnerLeavesSmallBasesLexical(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1}) // default: at least 10 entries
	require.NoError(t, err)
	ix := newTestIndex(t, IndexOptions{Reranker: ln}, faq()...)
	require.NoError(t, ln.trainGen(ctx, ix.Entries(), ix.generation()))
	lex := newTestIndex(t, IndexOptions{}, faq()...)
	for _, q := range []string{"今天天气怎么样", "退款"} {
		got, err := ix.Search(ctx, q, SearchOptions{MinConfidence: -1})
		require.NoError(t, err)
		want, err := lex.Search(ctx, q, SearchOptions{MinConfidence: -1})
		require.NoError(t, err)
		assert.Equal(t, want, got, "with five entries the ranking is the lexical one: %q", q)
	}
}

// cooking is a knowledge base where words never seen in an entry's
// questions must be recognized by what they mean.
func cooking() []Entry {
	return []Entry{
		{ID: "recipe", Question: "红烧肉怎么做", Similar: []string{"鱼香肉丝的做法", "意大利面怎么煮"}, Version: 1},
		{ID: "doctor", Question: "感冒了怎么办", Similar: []string{"发烧吃什么药", "咳嗽怎么治"}, Version: 1},
		{ID: "weather", Question: "明天会下雨吗", Similar: []string{"今天天气怎么样"}, Version: 1},
		{ID: "flight", Question: "帮我订一张去上海的机票", Similar: []string{"查一下航班"}, Version: 1},
	}
}

func TestLearnerProposesWhatTheLexicalSearchMissed(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1, MinEntries: 2})
	require.NoError(t, err)
	ix := newTestIndex(t, IndexOptions{Reranker: ln}, cooking()...)
	require.NoError(t, ln.trainGen(ctx, ix.Entries(), ix.generation()))

	// "牛排" and "糖醋排骨" share no character with any question; their
	// concept (food) ties them to the recipe entry, and "肺炎" (a disease)
	// to the doctor's.
	lex := newTestIndex(t, IndexOptions{}, cooking()...)
	for q, want := range map[string]string{"牛排": "recipe", "糖醋排骨": "recipe", "肺炎": "doctor"} {
		hits, err := lex.Search(ctx, q, SearchOptions{MinConfidence: -1})
		require.NoError(t, err)
		require.Empty(t, hits, "%q matches nothing lexically", q)
		hits, err = ix.Search(ctx, q, SearchOptions{MinConfidence: -1})
		require.NoError(t, err)
		require.NotEmpty(t, hits, q)
		assert.Equal(t, want, hits[0].Entry.ID, q)
		assert.Equal(t, hits[0].Entry.Question, hits[0].Matched, "a proposal reports the standard question")
	}

	// Proposals are checked against the index: a deleted entry, an edited
	// one (the model knows an older version) and one of another category
	// are not proposed.
	ix.Delete("doctor")
	for _, h := range mustSearch(t, ix, "肺炎", SearchOptions{MinConfidence: -1}) {
		assert.NotEqual(t, "doctor", h.Entry.ID, "a deleted entry is not proposed")
	}
	edited := cooking()[0]
	edited.Version, edited.Answer.Text = 2, "新的答案"
	ix.Put(edited)
	for _, h := range mustSearch(t, ix, "牛排", SearchOptions{MinConfidence: -1}) {
		assert.NotEqual(t, "recipe", h.Entry.ID, "an entry edited since training is not proposed")
	}
	require.NoError(t, ln.trainGen(ctx, ix.Entries(), ix.generation()))
	hits := mustSearch(t, ix, "牛排", SearchOptions{MinConfidence: -1})
	require.NotEmpty(t, hits)
	assert.Equal(t, "recipe", hits[0].Entry.ID)
	assert.Equal(t, "新的答案", hits[0].Entry.Answer.Text, "hits carry the index's copy of the entry")
	for _, h := range mustSearch(t, ix, "牛排", SearchOptions{Category: "其他", MinConfidence: -1}) {
		t.Errorf("category filter let %s through", h.Entry.ID)
	}
}

func mustSearch(t *testing.T, ix *Index, q string, o SearchOptions) []Hit {
	t.Helper()
	hits, err := ix.Search(context.Background(), q, o)
	require.NoError(t, err)
	return hits
}

func TestLearnerSharesTheIndexAnalysis(t *testing.T) {
	ctx := context.Background()
	ln, err := NewLearner(LearnOptions{Seed: 1, MinEntries: 2})
	require.NoError(t, err)
	shared := newTestIndex(t, IndexOptions{Reranker: ln}, cooking()...)
	require.NotNil(t, shared.shared, "same analyzer configuration: the index's tokens are reused")
	require.NoError(t, ln.trainGen(ctx, shared.Entries(), shared.generation()))
	// The same learner behind a RerankerFunc analyzes the query itself.
	own := newTestIndex(t, IndexOptions{Reranker: RerankerFunc(ln.Rerank)}, cooking()...)
	require.Nil(t, own.shared)
	for _, q := range []string{"牛排怎么煎", "明天下雨吗", "肺炎", "订机票", "hello"} {
		a := mustSearch(t, shared, q, SearchOptions{MinConfidence: -1})
		b := mustSearch(t, own, q, SearchOptions{MinConfidence: -1})
		assert.Equal(t, b, a, q)
	}
	// A learner with other operator words analyzes for itself.
	other, err := NewLearner(LearnOptions{Words: []string{"牛排"}})
	require.NoError(t, err)
	assert.Nil(t, newTestIndex(t, IndexOptions{Reranker: other}).shared)
}
