package intent

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"

	"github.com/kefuai/kefu/internal/svgchart"
)

// WriteHTML writes the report as one self-contained HTML page (no external
// files, scripts or fonts): headline figures, per-intent scores, the most
// frequent confusions, a confusion-matrix heat map and sample mistakes. It
// is the accuracy report an operator hands to a customer.
func (r *Report) WriteHTML(w io.Writer) error {
	scores := slices.Clone(r.Intents)
	slices.SortStableFunc(scores, func(a, b LabelScore) int {
		return cmpFloat(a.F1, b.F1)
	})
	mean, sd := meanSD(r.FoldAccuracy)
	data := map[string]any{
		"R":          r,
		"Title":      cmpStr(r.Title, "Intent accuracy report"),
		"Scores":     scores,
		"Confusions": r.TopConfusions(20),
		"Heatmap":    r.heatmapSVG(),
		"FoldMean":   mean,
		"FoldSD":     sd,
		"Errors":     r.Errors[:min(len(r.Errors), 50)],
	}
	return reportTmpl.Execute(w, data)
}

func cmpStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// heatmapSVG draws the confusion matrix, each row normalized by its gold
// count, as an SVG heat map. Cell titles give the exact counts.
func (r *Report) heatmapSVG() template.HTML {
	n := len(r.Labels)
	if n == 0 {
		return ""
	}
	cell := 12.0
	if n > 60 {
		cell = math.Max(3, 720/float64(n))
	}
	label := 0.0
	for _, l := range r.Labels {
		label = math.Max(label, float64(len([]rune(l))))
	}
	margin := math.Min(label*6.5+10, 220)
	showLabels := cell >= 8
	if !showLabels {
		margin = 10
	}
	size := margin + cell*float64(n)
	ch := svgchart.Chart{ViewW: math.Round(size + 4), Height: math.Round(size + 4), FontFamily: "sans-serif",
		FontSize: math.Round(math.Min(cell-2, 11)), Label: "confusion matrix"}
	ch.Add(svgchart.Shape{Kind: svgchart.Rect, X: margin, Y: margin, W: cell * float64(n), H: cell * float64(n), Fill: "#f7f7f7"})
	for i, row := range r.Confusion {
		total := 0
		for _, c := range row {
			total += c
		}
		for j, c := range row {
			if c == 0 || total == 0 {
				continue
			}
			f := float64(c) / float64(total)
			ch.Add(svgchart.Shape{Kind: svgchart.Rect, X: margin + cell*float64(j), Y: margin + cell*float64(i), W: cell, H: cell,
				Fill: heatColor(f, i == j), Title: fmt.Sprintf("%s → %s: %d of %d", r.Labels[i], r.Labels[j], c, total)})
		}
		if showLabels {
			ch.Add(
				svgchart.Shape{Kind: svgchart.Text, X: margin - 3, Y: margin + cell*float64(i) + cell - 2, Anchor: "end", Text: r.Labels[i]},
				svgchart.Shape{Kind: svgchart.Text, Transform: fmt.Sprintf("translate(%.1f,%.1f) rotate(-90)", margin+cell*float64(i)+cell-2, margin-3),
					Anchor: "start", Text: r.Labels[i]},
			)
		}
	}
	return ch.Render()
}

// heatColor maps a share to a colour: blue shades on the diagonal (right),
// red shades off it (confusions).
func heatColor(f float64, diag bool) string {
	f = math.Sqrt(f) // make small confusions visible
	if diag {
		return fmt.Sprintf("rgb(%d,%d,%d)", int(235-200*f), int(240-140*f), 255)
	}
	return fmt.Sprintf("rgb(255,%d,%d)", int(235-200*f), int(225-200*f))
}

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
	"f3":  func(x float64) string { return fmt.Sprintf("%.3f", x) },
	"bar": func(x float64) template.CSS { return template.CSS(fmt.Sprintf("width:%.1f%%", 100*x)) },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.3em}
.meta{color:#666} .cards{display:flex;flex-wrap:wrap;gap:1em;margin:1.5em 0}
.card{background:#f4f7fb;border-radius:8px;padding:1em 1.4em;min-width:150px}
.card b{display:block;font-size:1.8em;color:#1f5fa8} .card span{color:#555;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.92em} th,td{padding:.3em .6em;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums} .barbox{background:#eee;width:120px;height:.7em;border-radius:3px}
.barbox i{display:block;height:100%;background:#4a8fd8;border-radius:3px} .low i{background:#d8644a}
.scroll{overflow:auto;max-height:900px;border:1px solid #eee}
.warn{background:#fff6e0;border-left:4px solid #e0a020;padding:.6em 1em;margin:1em 0} .warn ul{margin:.3em 0}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="meta">Generated {{.R.Generated.Format "2006-01-02 15:04 MST"}} · {{.R.Examples}} examples{{if .R.OutOfScope}} ({{.R.InScope}} in scope, {{.R.OOS}} out of scope){{end}}{{if .R.Folds}} · {{.R.Folds}}-fold cross-validation{{end}}</p>
<div class="cards">
<div class="card"><b>{{pct .R.Accuracy}}</b><span>accuracy</span></div>
<div class="card"><b>{{pct .R.MacroF1}}</b><span>macro-F1</span></div>
{{if .R.OutOfScope}}<div class="card"><b>{{pct .R.InScopeAccuracy}}</b><span>in-scope accuracy</span></div>
<div class="card"><b>{{pct .R.OOSRecall}}</b><span>out-of-scope recall</span></div>
<div class="card"><b>{{pct .R.OOSPrecision}}</b><span>out-of-scope precision</span></div>{{end}}
{{if .R.Folds}}<div class="card"><b>±{{pct .FoldSD}}</b><span>std. dev. over folds (mean {{pct .FoldMean}})</span></div>{{end}}
{{if .R.ThresholdSource}}<div class="card"><b>{{f3 .R.Threshold}}</b><span>out-of-scope threshold ({{.R.ThresholdSource}}){{if not .R.OutOfScope}}, not applied: top-1 evaluation{{end}}</span></div>{{end}}
</div>
{{if .R.ThresholdWarnings}}<div class="warn"><b>Out-of-scope threshold</b><ul>{{range .R.ThresholdWarnings}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
<h2>Per intent (weakest first)</h2>
<table><tr><th>intent</th><th>F1</th><th></th><th>precision</th><th>recall</th><th>support</th></tr>
{{range .Scores}}<tr><td>{{.Intent}}</td><td class="n">{{f3 .F1}}</td><td><div class="barbox{{if lt .F1 0.8}} low{{end}}"><i style="{{bar .F1}}"></i></div></td><td class="n">{{f3 .Precision}}</td><td class="n">{{f3 .Recall}}</td><td class="n">{{.Support}}</td></tr>
{{end}}</table>
{{if .Confusions}}<h2>Most frequent confusions</h2>
<table><tr><th>gold intent</th><th>predicted as</th><th>count</th></tr>
{{range .Confusions}}<tr><td>{{.Gold}}</td><td>{{.Predicted}}</td><td class="n">{{.Count}}</td></tr>{{end}}</table>{{end}}
<h2>Confusion matrix</h2>
<p class="meta">Rows are the true intents, columns the predictions; each row is scaled by its number of examples. Blue: right; red: confusions. Hover a cell for its count.</p>
<div class="scroll">{{.Heatmap}}</div>
{{if .Errors}}<h2>Sample mistakes</h2>
<table><tr><th>text</th><th>gold</th><th>predicted</th><th>confidence</th></tr>
{{range .Errors}}<tr><td>{{.Text}}</td><td>{{.Gold}}</td><td>{{.Predicted}}</td><td class="n">{{f3 .Confidence}}</td></tr>{{end}}</table>{{end}}
</body></html>
`))
