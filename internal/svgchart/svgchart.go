// Package svgchart draws the charts of kefu's HTML reports as inline SVG.
// A chart is a list of shapes; Render writes them through html/template,
// so every label and title is escaped for its place.
package svgchart

import (
	"html/template"
	"strconv"
	"strings"
)

// Kinds of Shape.
const (
	Rect     = "rect"
	Text     = "text"
	Line     = "line"
	Polyline = "polyline"
	Circle   = "circle"
)

// Shape is one SVG element. Fields that do not apply to its Kind are
// ignored.
type Shape struct {
	Kind string
	// X, Y: a rect's or a text's position, a line's start, a circle's
	// centre. W, H: a rect's size. X2, Y2: a line's end. R: a circle's
	// radius. Rx: a rect's corner radius.
	X, Y, W, H, X2, Y2, R, Rx float64
	// Fill and Stroke are colours; StrokeWidth is in user units.
	Fill, Stroke string
	StrokeWidth  float64
	// Class is a CSS class; Anchor a text's text-anchor (start, middle,
	// end); Transform an SVG transform.
	Class, Anchor, Transform string
	// Points are a polyline's points.
	Points [][2]float64
	// Text is a text's content; Title the tooltip of any shape.
	Text, Title string
}

// Chart is an SVG picture.
type Chart struct {
	// ViewW and ViewH are the size in user units.
	ViewW, ViewH float64
	// Width is the width attribute ("100%", "360"); the view's width when
	// empty. With Height set, the picture has a fixed size instead of a
	// view box.
	Width  string
	Height float64
	// Label is the picture's accessible name.
	Label string
	// FontFamily and FontSize apply to all its texts when set.
	FontFamily string
	FontSize   float64
	Shapes     []Shape
}

// Add appends shapes.
func (c *Chart) Add(s ...Shape) { c.Shapes = append(c.Shapes, s...) }

// Render returns the chart as SVG markup.
func (c *Chart) Render() template.HTML {
	var b strings.Builder
	if err := tmpl.Execute(&b, c); err != nil {
		// Only a failing writer fails a template; strings.Builder does not.
		panic(err)
	}
	return template.HTML(b.String())
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func points(ps [][2]float64) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p[0]) + "," + num(p[1]))
	}
	return b.String()
}

var tmpl = template.Must(template.New("svg").Funcs(template.FuncMap{"n": num, "points": points}).Parse(
	`<svg {{if .Height}}width="{{n .ViewW}}" height="{{n .Height}}"{{else}}viewBox="0 0 {{n .ViewW}} {{n .ViewH}}" width="{{if .Width}}{{.Width}}{{else}}{{n .ViewW}}{{end}}"{{end}}` +
		`{{with .FontFamily}} font-family="{{.}}"{{end}}{{with .FontSize}} font-size="{{n .}}"{{end}} role="img"{{with .Label}} aria-label="{{.}}"{{end}}>` +
		`{{range .Shapes}}` +
		`{{if eq .Kind "rect"}}<rect x="{{n .X}}" y="{{n .Y}}" width="{{n .W}}" height="{{n .H}}"{{with .Rx}} rx="{{n .}}"{{end}}{{with .Fill}} fill="{{.}}"{{end}}{{with .Class}} class="{{.}}"{{end}}>{{with .Title}}<title>{{.}}</title>{{end}}</rect>` +
		`{{else if eq .Kind "text"}}<text{{if .Transform}} transform="{{.Transform}}"{{else}} x="{{n .X}}" y="{{n .Y}}"{{end}}{{with .Anchor}} text-anchor="{{.}}"{{end}}{{with .Class}} class="{{.}}"{{end}}>{{.Text}}</text>` +
		`{{else if eq .Kind "line"}}<line x1="{{n .X}}" x2="{{n .X2}}" y1="{{n .Y}}" y2="{{n .Y2}}"{{with .Class}} class="{{.}}"{{end}}{{with .Stroke}} stroke="{{.}}"{{end}}/>` +
		`{{else if eq .Kind "polyline"}}<polyline fill="none" stroke="{{.Stroke}}" stroke-width="{{n .StrokeWidth}}" stroke-linejoin="round" points="{{points .Points}}"/>` +
		`{{else if eq .Kind "circle"}}<circle cx="{{n .X}}" cy="{{n .Y}}" r="{{n .R}}"{{with .Fill}} fill="{{.}}"{{end}}>{{with .Title}}<title>{{.}}</title>{{end}}</circle>` +
		`{{end}}{{end}}</svg>`))
