package svgchart

import (
	"strings"
	"testing"
)

func TestRenderEscapes(t *testing.T) {
	c := Chart{ViewW: 100, ViewH: 50, Width: "100%", Label: `a "chart"`}
	c.Add(
		Shape{Kind: Rect, X: 1, Y: 2, W: 3, H: 4, Fill: "rgb(1,2,3)", Title: `<script>alert(1)</script> & co`},
		Shape{Kind: Text, X: 5, Y: 6, Anchor: "end", Class: "lbl", Text: `退款 <b>&`},
		Shape{Kind: Text, Transform: "translate(1.0,2.0) rotate(-90)", Text: "x"},
		Shape{Kind: Line, X: 0, Y: 1, X2: 10, Y2: 1, Class: "grid"},
		Shape{Kind: Polyline, Stroke: "#2f6fdf", StrokeWidth: 2.5, Points: [][2]float64{{1, 2}, {3, 4}}},
		Shape{Kind: Circle, X: 1, Y: 2, R: 2.5, Fill: "#fff", Title: "day: 3"},
	)
	got := string(c.Render())
	for _, want := range []string{
		`<svg viewBox="0 0 100.0 50.0" width="100%" role="img" aria-label="a &#34;chart&#34;">`,
		`<rect x="1.0" y="2.0" width="3.0" height="4.0" fill="rgb(1,2,3)"><title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title></rect>`,
		`<text x="5.0" y="6.0" text-anchor="end" class="lbl">退款 &lt;b&gt;&amp;</text>`,
		`<text transform="translate(1.0,2.0) rotate(-90)">x</text>`,
		`<line x1="0.0" x2="10.0" y1="1.0" y2="1.0" class="grid"/>`,
		`points="1.0,2.0 3.0,4.0"`,
		`<circle cx="1.0" cy="2.0" r="2.5" fill="#fff"><title>day: 3</title></circle>`,
		`</svg>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s\nin %s", want, got)
		}
	}
	if strings.Contains(got, "<script>") {
		t.Error("a title's markup reached the SVG unescaped")
	}
}

func TestFixedSize(t *testing.T) {
	c := Chart{ViewW: 40, Height: 30, FontFamily: "sans-serif", FontSize: 11}
	got := string(c.Render())
	if !strings.HasPrefix(got, `<svg width="40.0" height="30.0" font-family="sans-serif" font-size="11.0" role="img">`) {
		t.Fatalf("fixed-size chart: %s", got)
	}
}
