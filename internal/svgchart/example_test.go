package svgchart_test

import (
	"fmt"

	"github.com/kefuai/kefu/internal/svgchart"
)

func Example() {
	c := svgchart.Chart{ViewW: 200, ViewH: 20, Width: "100%"}
	c.Add(
		svgchart.Shape{Kind: svgchart.Rect, X: 60, Y: 4, W: 120, H: 12, Fill: "#4a8fd8", Title: "退款 <refund>: 42"},
		svgchart.Shape{Kind: svgchart.Text, X: 55, Y: 14, Anchor: "end", Text: "退款"},
	)
	fmt.Println(c.Render())
	// Output:
	// <svg viewBox="0 0 200.0 20.0" width="100%" role="img"><rect x="60.0" y="4.0" width="120.0" height="12.0" fill="#4a8fd8"><title>退款 &lt;refund&gt;: 42</title></rect><text x="55.0" y="14.0" text-anchor="end">退款</text></svg>
}
