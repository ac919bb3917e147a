package text

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	sharedOnce sync.Once
	shared     *Analyzer
	sharedErr  error
)

// defaultAnalyzer returns one Analyzer for the package's tests: loading the
// dictionary takes about a second.
func defaultAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = New(Config{}) })
	require.NoError(t, sharedErr)
	return shared
}

func texts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func terms(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

func TestAnalyzeMixed(t *testing.T) {
	a := defaultAnalyzer(t)
	cases := []struct {
		in    string
		texts []string
	}{
		{"我想退货", []string{"我", "想", "退货"}},
		{"我的iPhone坏了", []string{"我", "的", "iphone", "坏", "了"}},
		{"How do I get a refund?", []string{"how", "do", "i", "get", "a", "refund", "?"}},
		{"订单2024年3月5日发货", []string{"订单", "2024年", "3月", "5日", "发货"}},
		{"价格是3.5元", []string{"价格", "是", "3.5", "元"}},
		{"退款？？", []string{"退款", "??"}},
		{"好的👍🏽谢谢", []string{"好", "的", "👍🏽", "谢谢"}},
		{"don't cancel", []string{"don't", "cancel"}},
		{"top-up failed", []string{"top", "-", "up", "failed"}},
		{"ＶＩＰ会员", []string{"vip", "会员"}},
		{"80%的人", []string{"80%", "的", "人"}},
		{"¥200", []string{"¥", "200"}},
	}
	for _, c := range cases {
		assert.Equal(t, c.texts, texts(a.Analyze(c.in)), "Analyze(%q)", c.in)
	}
}

func TestAnalyzeKindsTagsAndOffsets(t *testing.T) {
	a := defaultAnalyzer(t)
	in := "从北京到Shanghai，2张票😀"
	toks := a.Analyze(in)
	for _, tk := range toks {
		assert.Equal(t, strings.ToLower(Normalize(in[tk.Start:tk.End]).Text), tk.Text, "offsets of %q", tk.Text)
	}
	byText := map[string]Token{}
	for _, tk := range toks {
		byText[tk.Text] = tk
	}
	assert.Equal(t, Han, byText["北京"].Kind)
	assert.Equal(t, "ns", byText["北京"].Tag, "dictionary tags Beijing as a place")
	assert.Equal(t, Word, byText["shanghai"].Kind)
	assert.Equal(t, Number, byText["2"].Kind)
	assert.Equal(t, Emoji, byText["😀"].Kind)
	assert.Equal(t, Punct, byText[","].Kind)
}

func TestStemming(t *testing.T) {
	a := defaultAnalyzer(t)
	assert.Equal(t, []string{"refund", "my", "order"}, terms(a.Analyze("Refunding my orders")))
	plain, err := New(Config{NoStem: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"refunding", "my", "orders"}, terms(plain.Analyze("Refunding my orders")))
}

func TestOperatorWordsAndSynonyms(t *testing.T) {
	base := defaultAnalyzer(t)
	require.Greater(t, len(base.Analyze("花呗怎么还款")), 0)
	a, err := New(Config{
		Words:    []string{"iPhone 15", "花呗", "双十一"},
		Synonyms: [][]string{{"退款", "退钱", "返款"}, {"phone", "mobile", "cellphone"}},
	})
	require.NoError(t, err)

	toks := a.Analyze("我的ｉＰｈｏｎｅ  15花呗双十一退钱")
	assert.Equal(t, []string{"我", "的", "iphone 15", "花呗", "双十一", "退钱"}, texts(toks))
	assert.Equal(t, "nz", toks[2].Tag)
	assert.Equal(t, "退款", toks[5].Term, "synonym maps to the group's first word")

	// Latin operator words match only at word boundaries.
	assert.Equal(t, []string{"iphone", "150"}, texts(a.Analyze("iphone 150")))
	assert.Equal(t, "phone", a.Analyze("Mobiles")[0].Term, "synonyms apply after stemming")

	_, err = New(Config{Synonyms: [][]string{{"alone"}}})
	assert.Error(t, err, "a synonym group needs two members")
	_, err = New(Config{Words: []string{"  "}})
	assert.Error(t, err, "an empty operator word is rejected")
}

func TestAnalyzeNeverPanicsAndIsBounded(t *testing.T) {
	a := defaultAnalyzer(t)
	inputs := []string{
		"", " ", "\x00\x01", "\xff\xfe\xfd", string([]byte{0xe4, 0xbd}), // truncated rune
		strings.Repeat("退货", 5000), strings.Repeat("a", 100000), strings.Repeat("😀\u200d", 1000),
		"\u0301\u0301", "a'", "'a", "1.", "1,", ".5",
	}
	for _, in := range inputs {
		toks := a.Analyze(in)
		for _, tk := range toks {
			assert.True(t, utf8.ValidString(tk.Text))
			assert.LessOrEqual(t, tk.End, len(in))
			assert.LessOrEqual(t, tk.Start, tk.End)
		}
	}
}

func TestConcurrentAnalyze(t *testing.T) {
	a := defaultAnalyzer(t)
	want := texts(a.Analyze("我想查询一下订单status"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				assert.Equal(t, want, texts(a.Analyze("我想查询一下订单status")))
			}
		}()
	}
	wg.Wait()
}

func TestFeatures(t *testing.T) {
	a := defaultAnalyzer(t)
	fc := FeatureConfig{Words: true, Bigrams: true, Tags: true}
	f1 := fc.AppendFeatures(nil, a.Analyze("北京天气怎么样"))
	f2 := fc.AppendFeatures(nil, a.Analyze("杭州天气怎么样"))
	shared := 0
	set := map[uint64]bool{}
	for _, f := range f1 {
		set[f.Hash] = true
	}
	for _, f := range f2 {
		if set[f.Hash] {
			shared++
		}
	}
	// The place class and the bigram "#place 天气" are shared, beyond the
	// words 天气 and 怎么样.
	assert.GreaterOrEqual(t, shared, 5)

	// Counts merge.
	fs := FeatureConfig{Words: true}.AppendFeatures(nil, a.Analyze("refund refund refund"))
	require.Len(t, fs, 1)
	assert.Equal(t, float32(3), fs[0].Count)

	// Hashes are FNV-1a of namespace and text, stable across versions: saved
	// models depend on them.
	assert.Equal(t, uint64(0x1f2c8f740875edf4), hashStr(nsWord, "refund"))

	// Character n-grams of "<ab>" sizes 2-3: <a ab b> <ab ab>.
	cg := FeatureConfig{CharMin: 2, CharMax: 3}.AppendFeatures(nil, a.Analyze("ab"))
	assert.Len(t, cg, 5)
	// Han n-grams cross word boundaries: 退货运费 gives 4+3+2 = 9 of sizes 1-3.
	hg := FeatureConfig{HanMin: 1, HanMax: 3}.AppendFeatures(nil, a.Analyze("退货运费"))
	assert.Len(t, hg, 9)
}

func TestAnalyzeTraditional(t *testing.T) {
	a := defaultAnalyzer(t)
	for _, c := range []struct{ trad, simp string }{
		{"我想退貨，質量問題", "我想退货，质量问题"},
		{"請問運費怎麼算？", "请问运费怎么算？"},
		{"我的訂單什麼時候發貨", "我的订单什么时候发货"},
	} {
		tt, st := a.Analyze(c.trad), a.Analyze(c.simp)
		assert.Equal(t, terms(st), terms(tt), c.trad)
		for _, tk := range tt {
			// Offsets point into the text the customer wrote.
			assert.Equal(t, utf8.RuneCountInString(tk.Text), utf8.RuneCountInString(c.trad[tk.Start:tk.End]), "%q in %q", tk.Text, c.trad)
		}
	}
	toks := a.Analyze("我想退貨")
	assert.Equal(t, "退货", toks[len(toks)-1].Text)
	assert.Equal(t, "退貨", "我想退貨"[toks[len(toks)-1].Start:toks[len(toks)-1].End])

	// Operator words and synonyms written in traditional characters match
	// both scripts.
	b, err := New(Config{Words: []string{"花唄"}, Synonyms: [][]string{{"退款", "退錢"}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"花呗", "退款"}, terms(b.Analyze("花呗退钱")))
	assert.Equal(t, []string{"花呗", "退款"}, terms(b.Analyze("花唄退錢")))
}
