package text_test

import (
	"fmt"

	"github.com/kefuai/kefu/internal/text"
)

func ExampleAnalyzer_Analyze() {
	a, err := text.New(text.Config{Words: []string{"花呗"}, Synonyms: [][]string{{"退款", "退钱"}}})
	if err != nil {
		panic(err)
	}
	for _, t := range a.Analyze("我的ｉＰｈｏｎｅ用花呗买的，怎么退钱？Refunds?") {
		fmt.Printf("%s/%s ", t.Term, t.Kind)
	}
	fmt.Println()
	// Output:
	// 我/han 的/han iphon/word 用/han 花呗/han 买/han 的/han ,/punct 怎么/han 退款/han ?/punct refund/word ?/punct
}

// Cluster features carry what one wording says to another: words used
// alike, in English or Chinese, share clusters.
func ExampleFeatureConfig_clusters() {
	a, err := text.New(text.Config{})
	if err != nil {
		panic(err)
	}
	fc := text.FeatureConfig{Clusters: true}
	clusters := func(s string) map[uint64]bool {
		set := map[uint64]bool{}
		for _, f := range fc.AppendFeatures(nil, a.Analyze(s)) {
			set[f.Hash] = true
		}
		return set
	}
	refund := clusters("refund")
	for _, w := range []string{"reimbursement", "退款", "weather"} {
		n := 0
		for h := range clusters(w) {
			if refund[h] {
				n++
			}
		}
		fmt.Printf("%s shares clusters with refund: %v\n", w, n > 0)
	}
	// Output:
	// reimbursement shares clusters with refund: true
	// 退款 shares clusters with refund: true
	// weather shares clusters with refund: false
}
