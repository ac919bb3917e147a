package textnorm_test

import (
	"fmt"

	"github.com/kefuai/kefu/internal/textnorm"
)

func ExampleNormalize() {
	fmt.Println(textnorm.Normalize("  ＨＥＬＬＯ，　World  ").Text)
	// Output: hello, world
}

// Text in traditional characters is converted to simplified ones, and
// Span maps the result back to what was written.
func ExampleNormalize_traditional() {
	in := "我的軟體乾淨嗎？"
	n := textnorm.Normalize(in)
	fmt.Println(n.Text)
	st, en := n.Span(len("我的"), len("我的软件"))
	fmt.Println(in[st:en])
	fmt.Println(textnorm.Normalize("著名的乾坤大挪移").Text) // simplified text stays as it is
	// Output:
	// 我的软件干净吗?
	// 軟體
	// 著名的乾坤大挪移
}
