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

func ExampleNormalize() {
	fmt.Println(text.Normalize("  ＨＥＬＬＯ，　World  ").Text)
	// Output: hello, world
}
