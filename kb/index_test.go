package kb

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func faq() []Entry {
	return []Entry{
		{ID: "refund", Question: "怎么申请退款", Similar: []string{"退款流程是什么", "我要退钱"}, Category: "售后",
			Answer: Answer{Text: "在订单页点击申请退款。"}},
		{ID: "invoice", Question: "如何开发票", Similar: []string{"发票怎么开", "可以开增值税发票吗"}, Category: "财务"},
		{ID: "delivery", Question: "快递多久能到", Similar: []string{"什么时候发货", "物流太慢了"}, Category: "物流"},
		{ID: "password", Question: "How do I reset my password?", Similar: []string{"forgot password", "can't log in"}, Category: "account"},
		{ID: "card", Question: "My card has not arrived", Similar: []string{"when will my card arrive"}, Category: "account"},
		{ID: "hidden", Question: "怎么申请退款内部流程", Disabled: true},
	}
}

func newTestIndex(t testing.TB, opts IndexOptions, es ...Entry) *Index {
	t.Helper()
	ix, err := NewIndex(opts)
	require.NoError(t, err)
	ix.Put(es...)
	return ix
}

func top(t testing.TB, ix *Index, q string, o SearchOptions) string {
	t.Helper()
	hits, err := ix.Search(context.Background(), q, o)
	require.NoError(t, err)
	if len(hits) == 0 {
		return ""
	}
	return hits[0].Entry.ID
}

func TestSearchFindsEntries(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	assert.Equal(t, 5, ix.Len(), "disabled entries are not searchable")
	cases := []struct{ q, want string }{
		{"退款怎么申请？", "refund"},
		{"我想退钱", "refund"},
		{"发票", "invoice"},
		{"增值税发票能开吗", "invoice"},
		{"我的快递什么时候到", "delivery"},
		{"I forgot my password", "password"},
		{"my card still hasn't arrived", "card"},
		{"ＲＥＳＥＴ  PASSWORD", "password"},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			assert.Equal(t, c.want, top(t, ix, c.q, SearchOptions{MinConfidence: -1}))
		})
	}
}

func TestSearchHitFields(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	hits, err := ix.Search(context.Background(), "物流太慢了", SearchOptions{K: 3, MinConfidence: -1})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "delivery", hits[0].Entry.ID)
	assert.Equal(t, "物流太慢了", hits[0].Matched, "the similar question that matched")
	assert.InDelta(t, 1, hits[0].Confidence, 0.05, "an exact question matches with full confidence")
	assert.LessOrEqual(t, len(hits), 3)
	for i := 1; i < len(hits); i++ {
		assert.GreaterOrEqual(t, hits[i-1].Score, hits[i].Score)
		assert.Less(t, hits[i].Confidence, hits[0].Confidence)
	}
}

func TestSearchNoAnswer(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	for _, q := range []string{"", "   ", "？！", "今天天气怎么样", "what is the capital of France"} {
		hits, err := ix.Search(context.Background(), q, SearchOptions{})
		require.NoError(t, err, q)
		assert.Empty(t, hits, "%q has no good answer", q)
	}
	// Without a threshold, the weak matches are returned with low
	// confidence.
	hits, err := ix.Search(context.Background(), "今天天气怎么样", SearchOptions{MinConfidence: -1})
	require.NoError(t, err)
	for _, h := range hits {
		assert.Less(t, h.Confidence, DefaultMinConfidence)
	}
}

func TestSearchCategoryAndK(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	hits, err := ix.Search(context.Background(), "怎么申请", SearchOptions{Category: "财务", MinConfidence: -1})
	require.NoError(t, err)
	for _, h := range hits {
		assert.Equal(t, "财务", h.Entry.Category)
	}
	hits, err = ix.Search(context.Background(), "password card", SearchOptions{K: 1, MinConfidence: -1})
	require.NoError(t, err)
	assert.Len(t, hits, 1)
	assert.Empty(t, top(t, ix, "退款", SearchOptions{Category: "no such category", MinConfidence: -1}))
}

func TestSearchSynonyms(t *testing.T) {
	es := []Entry{{ID: "refund", Question: "如何退款"}, {ID: "ship", Question: "如何发货"}}
	plain := newTestIndex(t, IndexOptions{}, es...)
	syn := newTestIndex(t, IndexOptions{Synonyms: [][]string{{"退款", "返款", "refund"}}}, es...)
	assert.Equal(t, "refund", top(t, syn, "refund", SearchOptions{MinConfidence: -1}))
	assert.Empty(t, top(t, plain, "refund", SearchOptions{MinConfidence: -1}))
	hits, err := syn.Search(context.Background(), "如何返款", SearchOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "refund", hits[0].Entry.ID)
	assert.Greater(t, hits[0].Confidence, 0.9, "a synonym matches as well as the word itself")
}

func TestSearchCanceled(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ix.Search(ctx, "退款", SearchOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestIndexUpdates(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	assert.Equal(t, "refund", top(t, ix, "我要退钱", SearchOptions{}))
	gen := ix.generation()

	// Replace: the old questions no longer match, the new ones do.
	e := faq()[0]
	e.Similar = []string{"退货退款"}
	ix.Put(e)
	assert.Greater(t, ix.generation(), gen)
	assert.Empty(t, top(t, ix, "我要退钱", SearchOptions{}))
	assert.Equal(t, "refund", top(t, ix, "退货退款", SearchOptions{}))

	// Disable, enable, delete.
	e.Disabled = true
	ix.Put(e)
	assert.Empty(t, top(t, ix, "退货退款", SearchOptions{}))
	e.Disabled = false
	ix.Put(e)
	assert.Equal(t, "refund", top(t, ix, "退货退款", SearchOptions{}))
	ix.Delete("refund", "no-such-id")
	assert.Empty(t, top(t, ix, "退货退款", SearchOptions{}))
	assert.Equal(t, 4, ix.Len())
	assert.Len(t, ix.Entries(), 4)
}

func TestIndexSameIDTwice(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{})
	ix.Put(Entry{ID: "a", Question: "第一版"}, Entry{ID: "a", Question: "第二版"})
	assert.Equal(t, 1, ix.Len())
	ix.Put(Entry{ID: "a", Question: "第三版"}, Entry{ID: "a", Question: "第四版"})
	assert.Equal(t, 1, ix.Len())
	hits, err := ix.Search(context.Background(), "版", SearchOptions{MinConfidence: -1})
	require.NoError(t, err)
	require.Len(t, hits, 1)
	assert.Equal(t, "第四版", hits[0].Entry.Question)
	ix.Delete("a", "a")
	assert.Zero(t, ix.Len())
}

func TestIndexApplyOrdersByVersion(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{})
	v1 := Entry{ID: "a", Question: "旧问题", Version: 1}
	v2 := Entry{ID: "a", Question: "新问题", Version: 2}
	assert.Equal(t, 1, ix.applyRevs(Revision{Op: OpPut, Entry: v2}))
	assert.Equal(t, 0, ix.applyRevs(Revision{Op: OpPut, Entry: v1}), "an older revision is skipped")
	assert.Equal(t, "a", top(t, ix, "新问题", SearchOptions{}))
	assert.Equal(t, int64(2), ix.version("a"))

	del := v2
	del.Version = 3
	assert.Equal(t, 1, ix.applyRevs(Revision{Op: OpDelete, Entry: del}, Revision{Op: OpPut, Entry: v2}))
	assert.Empty(t, top(t, ix, "新问题", SearchOptions{}))
	assert.Equal(t, 0, ix.Len())

	// In one call, the last revision of an ID wins.
	v4, v5 := v2, v2
	v4.Version, v4.Question = 4, "第四版"
	v5.Version, v5.Question = 5, "第五版"
	assert.Equal(t, 1, ix.applyRevs(Revision{Op: OpPut, Entry: v4}, Revision{Op: OpPut, Entry: v5}))
	assert.Equal(t, "第五版", ix.Entries()[0].Question)
}

// synthEntries returns n entries built from a small random vocabulary, so
// that terms are shared by many entries.
func synthEntries(rng *rand.Rand, n int) []Entry {
	words := strings.Fields("退款 发票 快递 物流 账户 密码 登录 会员 积分 优惠券 订单 支付 花呗 余额 银行卡 信用卡 地址 修改 取消 查询 申请 多久 怎么 为什么 可以 吗 refund card password order")
	sent := func() string {
		var b strings.Builder
		for range 2 + rng.IntN(4) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		return b.String()
	}
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{ID: fmt.Sprintf("e%04d", i), Question: sent(), Category: fmt.Sprint("c", i%3)}
		for range rng.IntN(3) {
			es[i].Similar = append(es[i].Similar, sent())
		}
	}
	return es
}

// bruteForce scores every indexed entry with the ranking formula, without
// any of the search's shortcuts.
func bruteForce(ix *Index, query, category string) map[string]float64 {
	p := &ix.p
	qa := analyze(ix.an, query, true, p)
	nQ, nE := float64(ix.nQ), float64(ix.nE)
	out := map[string]float64{}
	for _, slot := range ix.docs {
		en := ix.ents[slot]
		if category != "" && en.e.Category != category {
			continue
		}
		var qas []analysis
		for _, q := range en.e.Questions() {
			qas = append(qas, analyze(ix.an, q, false, p))
		}
		best, whole, matched := 0.0, 0.0, false
		sq := make([]float64, len(qas))
		for _, t := range qa.terms {
			pl := ix.post[t.term]
			if pl == nil || pl.dfQ == 0 || p.kindW[t.kind] == 0 {
				continue
			}
			w := p.kindW[t.kind] * float64(t.w) * float64(t.tf)
			idfQ := math.Pow(math.Log(1+(nQ-float64(pl.dfQ)+0.5)/(float64(pl.dfQ)+0.5)), p.idfPow)
			idfE := math.Pow(math.Log(1+(nE-float64(pl.dfE)+0.5)/(float64(pl.dfE)+0.5)), p.idfPow)
			avgQ, avgE := ix.sumQ[t.kind]/nQ, ix.sumE[t.kind]/nE
			tfE, lenE := 0.0, 0.0
			for i, a := range qas {
				lenE += float64(a.lens[t.kind])
				for _, dt := range a.terms {
					if dt.term == t.term {
						tf := float64(dt.tf)
						sq[i] += w * idfQ * (p.k1 + 1) * tf / (tf + p.k1*(1-p.b+p.b*float64(a.lens[t.kind])/avgQ))
						tfE += tf
					}
				}
			}
			if tfE > 0 {
				matched = true
				whole += w * idfE * (p.ek1 + 1) * tfE / (tfE + p.ek1*(1-p.eb+p.eb*lenE/avgE))
			}
		}
		for _, s := range sq {
			best = max(best, s)
		}
		if matched {
			out[en.e.ID] = p.alpha*best + (1-p.alpha)*whole
		}
	}
	return out
}

func checkAgainstBruteForce(t *testing.T, ix *Index, queries []string, k int) {
	t.Helper()
	for _, q := range queries {
		for _, cat := range []string{"", "c1"} {
			want := bruteForce(ix, q, cat)
			hits, err := ix.Search(context.Background(), q, SearchOptions{K: k, Category: cat, MinConfidence: -1})
			require.NoError(t, err)
			require.Len(t, hits, min(k, len(want)), "query %q", q)
			scores := make([]float64, 0, len(want))
			for _, s := range want {
				scores = append(scores, s)
			}
			slices.SortFunc(scores, func(a, b float64) int { return cmp.Compare(b, a) })
			for i, h := range hits {
				assert.InDelta(t, want[h.Entry.ID], h.Score, 1e-9, "query %q hit %d", q, i)
				assert.InDelta(t, scores[i], h.Score, 1e-9, "query %q: rank %d", q, i)
			}
		}
	}
}

func TestSearchMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	es := synthEntries(rng, 400)
	ix := newTestIndex(t, IndexOptions{})
	// Make every term common and the candidate depth large, so the
	// shortcuts run and must still agree with a full evaluation.
	ix.p.commonDF, ix.p.commonFrac, ix.p.depth = 1<<30, 1, 1<<30
	ix.Put(es...)
	var queries []string
	for range 30 {
		queries = append(queries, synthEntries(rng, 1)[0].Question)
	}
	checkAgainstBruteForce(t, ix, queries, 5)

	// After many replacements and deletes (and compactions), the index
	// still scores exactly.
	for i := range 3000 {
		e := es[rng.IntN(len(es))]
		if i%5 == 0 {
			ix.Delete(e.ID)
			continue
		}
		e.Similar = synthEntries(rng, 1)[0].Similar
		ix.Put(e)
	}
	checkAgainstBruteForce(t, ix, queries, 5)

	// An index built from scratch on the same entries ranks the same.
	fresh := newTestIndex(t, IndexOptions{}, ix.Entries()...)
	for _, q := range queries {
		a, err := ix.Search(context.Background(), q, SearchOptions{K: 5, MinConfidence: -1})
		require.NoError(t, err)
		b, err := fresh.Search(context.Background(), q, SearchOptions{K: 5, MinConfidence: -1})
		require.NoError(t, err)
		require.Equal(t, len(a), len(b))
		for i := range a {
			assert.InDelta(t, a[i].Score, b[i].Score, 1e-9)
		}
	}
}

func TestSearchWithoutForwardIndex(t *testing.T) {
	// Term IDs run out: first the index renumbers the live terms, then,
	// with more live terms than IDs, it searches the posting lists
	// instead; either way it scores exactly.
	defer func(m int) { maxTermID = m }(maxTermID)
	rng := rand.New(rand.NewPCG(3, 3))
	es := synthEntries(rng, 300)
	all := newTestIndex(t, IndexOptions{}, es...)
	few := newTestIndex(t, IndexOptions{}, es[:5]...)
	require.Less(t, len(few.post)+20, len(all.post))
	maxTermID = len(few.post) + 10
	ix := newTestIndex(t, IndexOptions{})
	ix.p.commonDF, ix.p.commonFrac, ix.p.depth = 1<<30, 1, 1<<30
	var queries []string
	for range 20 {
		queries = append(queries, synthEntries(rng, 1)[0].Question)
	}
	ix.Put(es[:5]...)
	require.False(t, ix.noFwd)
	checkAgainstBruteForce(t, ix, queries, 5)
	// Replacing the entries many times uses up IDs; renumbering the live
	// terms gives them back.
	for i := range 50 {
		e := es[i%5]
		e.Question += " " + fmt.Sprint(i)
		ix.Put(e)
	}
	require.False(t, ix.noFwd)
	checkAgainstBruteForce(t, ix, queries, 5)
	for _, e := range es[5:] {
		ix.Put(e)
	}
	require.True(t, ix.noFwd, "more distinct terms than IDs")
	checkAgainstBruteForce(t, ix, queries, 5)
}

func TestSearchWithShortcutsAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	es := synthEntries(rng, 1500)
	for i := range es {
		// Add rarer words, so that questions are not made of common
		// words only.
		for range 2 {
			es[i].Question += string(rune(0x4e00+rng.IntN(300))) + string(rune(0x4e00+rng.IntN(300)))
		}
	}
	exact := newTestIndex(t, IndexOptions{})
	exact.p.commonDF = 1 << 30
	exact.Put(es...)
	fast := newTestIndex(t, IndexOptions{})
	fast.p.commonDF, fast.p.commonFrac, fast.p.depth = 50, 1<<20, 50
	fast.Put(es...)
	agree := 0
	const n = 100
	for i := range n {
		q := es[i*7].Question
		a, err := exact.Search(context.Background(), q, SearchOptions{K: 1, MinConfidence: -1})
		require.NoError(t, err)
		b, err := fast.Search(context.Background(), q, SearchOptions{K: 1, MinConfidence: -1})
		require.NoError(t, err)
		require.Len(t, a, 1)
		require.Len(t, b, 1)
		assert.LessOrEqual(t, b[0].Score, a[0].Score+1e-9, "the shortcut never finds a better entry than the full evaluation")
		if a[0].Score-b[0].Score < 1e-9 {
			agree++
		}
	}
	assert.GreaterOrEqual(t, agree, n*9/10, "scoring common terms for the best candidates only changes few top hits")
}

// TestConcurrentSearchAndUpdate checks that a search never sees half of an
// update: every version of an entry has all its questions carry the same
// marker, and a hit's matched question and answer must agree on it.
func TestConcurrentSearchAndUpdate(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	mk := func(v int) Entry {
		m := fmt.Sprintf("v%d", v%7)
		return Entry{ID: "live", Question: "marker " + m, Similar: []string{"问题 " + m, "other " + m},
			Answer: Answer{Text: m}, Version: int64(v)}
	}
	ix.Put(mk(0))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for v := 1; v < 400; v++ {
			if v%50 == 0 {
				ix.Delete("live")
			}
			ix.Put(mk(v))
		}
		close(stop)
	})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				hits, err := ix.Search(context.Background(), "marker 问题 other v3", SearchOptions{K: 3, MinConfidence: -1})
				if !assert.NoError(t, err) {
					return
				}
				for _, h := range hits {
					if h.Entry.ID != "live" {
						continue
					}
					m := h.Entry.Answer.Text
					assert.True(t, strings.HasSuffix(h.Matched, m), "matched %q from version with marker %q", h.Matched, m)
					assert.Equal(t, "marker "+m, h.Entry.Question)
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, "live", top(t, ix, "marker v6 问题", SearchOptions{}))
}

func TestReranker(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	rr := RerankerFunc(func(ctx context.Context, q string, hits []Hit) ([]Hit, error) {
		mu.Lock()
		defer mu.Unlock()
		seen = seen[:0]
		for _, h := range hits {
			seen = append(seen, h.Entry.ID)
		}
		// Reverse the order and trust every candidate fully.
		out := slices.Clone(hits)
		slices.Reverse(out)
		for i := range out {
			out[i].Confidence = 1
		}
		return out, nil
	})
	ix := newTestIndex(t, IndexOptions{Reranker: rr, Candidates: 3}, faq()...)
	hits, err := ix.Search(context.Background(), "怎么申请退款发票快递", SearchOptions{K: 2})
	require.NoError(t, err)
	assert.Len(t, seen, 3, "the reranker sees Candidates hits")
	require.Len(t, hits, 2)
	assert.Equal(t, seen[len(seen)-1], hits[0].Entry.ID)
}

func TestCalibrate(t *testing.T) {
	ix := newTestIndex(t, IndexOptions{}, faq()...)
	probes := []Probe{
		{"退款怎么申请", "refund"}, {"发票怎么开", "invoice"}, {"快递多久到", "delivery"},
		{"forgot my password", "password"}, {"今天天气怎么样", ""}, {"讲个笑话", ""}, {"what time is it", ""},
	}
	c, err := ix.Calibrate(context.Background(), probes)
	require.NoError(t, err)
	assert.Equal(t, 1.0, c.Answered)
	assert.Equal(t, 1.0, c.Refused)
	for _, p := range probes {
		got := top(t, ix, p.Query, SearchOptions{MinConfidence: c.MinConfidence})
		assert.Equal(t, p.Want, got, p.Query)
	}
	_, err = ix.Calibrate(context.Background(), probes[:2])
	assert.Error(t, err, "unanswerable probes are needed")
}
