package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"我想退货", "How do I get a refund?", "iPhone 15花呗", "ｉＰｈｏｎｅ１５", "\xff\xfe",
		"2024年3月5日", "👍🏽🇨🇳", "e\u0301", "don't", "1,000.50元", "\u200d\u200d",
		"我想退貨，質量問題", "乙太網路斷了", "ＩＰＨＯＮＥ的螢幕",
	} {
		f.Add(s)
	}
	a, err := New(Config{Words: []string{"iphone 15", "花呗"}, Synonyms: [][]string{{"退款", "退钱"}}})
	if err != nil {
		f.Fatal(err)
	}
	fc := DefaultFeatures
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n.Text) {
			t.Fatalf("normalized text is not valid UTF-8: %q", n.Text)
		}
		if strings.HasPrefix(n.Text, " ") || strings.HasSuffix(n.Text, " ") || strings.Contains(n.Text, "  ") {
			t.Fatalf("spaces not collapsed: %q", n.Text)
		}
		toks := a.Analyze(s)
		prevEnd := 0
		for _, tk := range toks {
			if tk.Text == "" || tk.Term == "" {
				t.Fatalf("empty token in %q: %+v", s, tk)
			}
			if tk.Start < prevEnd || tk.End < tk.Start || tk.End > len(s) {
				t.Fatalf("bad offsets in %q: %+v", s, tk)
			}
			prevEnd = tk.Start
		}
		fc.AppendFeatures(nil, toks)
	})
}
