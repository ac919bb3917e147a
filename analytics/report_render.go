package analytics

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/kefuai/kefu/internal/svgchart"
)

// Format is an output format of a Report.
type Format uint8

// The report formats.
const (
	FormatHTML Format = iota // a self-contained page with SVG charts
	FormatJSON
	FormatCSV
)

// ParseFormat parses "html", "json" or "csv"; empty means HTML.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "html":
		return FormatHTML, nil
	case "json":
		return FormatJSON, nil
	case "csv":
		return FormatCSV, nil
	}
	return 0, fmt.Errorf("analytics: unknown report format %q (html, json or csv)", s)
}

// String returns "html", "json" or "csv".
func (f Format) String() string {
	switch f {
	case FormatJSON:
		return "json"
	case FormatCSV:
		return "csv"
	}
	return "html"
}

// ContentType returns the MIME type of the format.
func (f Format) ContentType() string {
	switch f {
	case FormatJSON:
		return "application/json"
	case FormatCSV:
		return "text/csv; charset=utf-8"
	}
	return "text/html; charset=utf-8"
}

// Write renders the report in format f.
func (r *Report) Write(w io.Writer, f Format) error {
	switch f {
	case FormatJSON:
		return r.WriteJSON(w)
	case FormatCSV:
		return r.WriteCSV(w)
	}
	return r.WriteHTML(w)
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

func fnum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// WriteCSV writes the report as CSV rows of section, name and value, with
// a header, in UTF-8 with a byte-order mark so that spreadsheet programs
// read the Chinese right. Names that start like a formula (=, +, -, @) get
// a leading apostrophe. Each list item is a row (section "intent",
// "category", "channel", "day.messages_in", "unanswered", ...).
func (r *Report) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	row := func(sec, name string, v string) { cw.Write([]string{sec, csvSafe(name), v}) }
	i := func(n int) string { return strconv.Itoa(n) }
	row("section", "name", "value")
	row("report", "period", r.Period)
	row("report", "from", r.From.Format("2006-01-02T15:04:05Z07:00"))
	row("report", "to", r.To.Format("2006-01-02T15:04:05Z07:00"))
	row("volume", "messages_in", i(r.Volume.MessagesIn))
	row("volume", "messages_out", i(r.Volume.MessagesOut))
	row("volume", "sessions", i(r.Volume.Sessions))
	row("volume", "unique_users", i(r.Volume.UniqueUsers))
	row("intents", "recognized", i(r.Recognized))
	row("intents", "out_of_scope", i(r.OutOfScope))
	row("answers", "served", i(r.Answers))
	row("resolution", "ended", i(r.Resolution.Ended))
	row("resolution", "resolved", i(r.Resolution.Resolved))
	row("resolution", "rate", fnum(r.Resolution.Rate))
	row("satisfaction", "ratings", i(r.Satisfaction.Ratings))
	row("satisfaction", "mean", fnum(r.Satisfaction.Mean))
	row("satisfaction", "response_rate", fnum(r.Satisfaction.ResponseRate))
	for k, c := range r.Satisfaction.Distribution {
		row("satisfaction.distribution", i(k+1), i(c))
	}
	row("duration", "sessions", i(r.Duration.Sessions))
	row("duration", "mean_seconds", fnum(r.Duration.MeanSeconds))
	row("duration", "median_seconds", fnum(r.Duration.MedianSeconds))
	row("duration", "p90_seconds", fnum(r.Duration.P90Seconds))
	row("fallback", "count", i(r.Fallbacks))
	row("fallback", "rate", fnum(r.FallbackRate))
	row("handoff", "count", i(r.Handoffs))
	row("handoff", "rate", fnum(r.HandoffRate))
	for _, c := range r.Channels {
		row("channel", c.Name, i(c.Count))
	}
	for _, c := range r.Intents {
		row("intent", c.Name, i(c.Count))
	}
	for _, c := range r.Categories {
		row("category", c.Name, i(c.Count))
	}
	for _, d := range r.Daily {
		row("day.messages_in", d.Date, i(d.MessagesIn))
	}
	for _, d := range r.Daily {
		row("day.sessions", d.Date, i(d.Sessions))
	}
	for _, q := range r.Unanswered {
		row("unanswered", q.Text, i(q.Count))
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell of customer text as a
// formula: a cell starting with =, +, -, @, tab or carriage return gets a
// leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// unCSVSafe undoes csvSafe.
func unCSVSafe(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

// WriteHTML writes the report as one self-contained HTML page (no scripts,
// no external files) with SVG charts: top intents and categories as bars,
// daily volume as a line, the satisfaction distribution as columns.
// Labels are in Chinese and English.
func (r *Report) WriteHTML(w io.Writer) error {
	return reportTmpl.Execute(w, r)
}

func pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }

func dur(sec float64) string {
	if sec < 60 {
		return strconv.FormatFloat(sec, 'f', 0, 64) + " s"
	}
	return fmt.Sprintf("%d min %02d s", int(sec)/60, int(sec)%60)
}

// barChart draws horizontal bars for counts.
func barChart(items []Count, color string) template.HTML {
	if len(items) == 0 {
		return `<p class="empty">无数据 · no data</p>`
	}
	const width, labelW, rowH = 480, 140, 28
	maxC := 1
	for _, c := range items {
		maxC = max(maxC, c.Count)
	}
	ch := svgchart.Chart{ViewW: width, ViewH: float64(rowH*len(items) + 8), Width: "100%"}
	for i, c := range items {
		y := float64(4 + i*rowH)
		bw := math.Max(float64(width-labelW-90)*float64(c.Count)/float64(maxC), 1)
		name := c.Name
		if name == "" {
			name = "unknown"
		}
		if r := []rune(name); len(r) > 16 {
			name = string(r[:15]) + "…"
		}
		ch.Add(
			svgchart.Shape{Kind: svgchart.Text, X: labelW - 8, Y: y + 18, Anchor: "end", Class: "lbl", Text: name},
			svgchart.Shape{Kind: svgchart.Rect, X: labelW, Y: y + 4, W: bw, H: rowH - 8, Rx: 3, Fill: color, Title: fmt.Sprintf("%s: %d", c.Name, c.Count)},
			svgchart.Shape{Kind: svgchart.Text, X: labelW + bw + 6, Y: y + 18, Class: "val", Text: fmt.Sprintf("%d · %s", c.Count, pct(c.Share))},
		)
	}
	return ch.Render()
}

// lineChart draws daily inbound messages and sessions.
func lineChart(days []DayVolume) template.HTML {
	if len(days) == 0 {
		return ""
	}
	const width, height, left, right, top, bottom = 720, 250, 44, 16, 14, 50
	maxV := 1
	for _, d := range days {
		maxV = max(maxV, d.MessagesIn, d.Sessions)
	}
	maxV = niceCeil(maxV)
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	x := func(i int) float64 {
		if len(days) == 1 {
			return float64(left) + pw/2
		}
		return float64(left) + pw*float64(i)/float64(len(days)-1)
	}
	y := func(v int) float64 { return float64(top) + ph*(1-float64(v)/float64(maxV)) }
	ch := svgchart.Chart{ViewW: width, ViewH: height, Width: "100%"}
	for k := 0; k <= 4; k++ {
		v := maxV * k / 4
		ch.Add(
			svgchart.Shape{Kind: svgchart.Line, X: left, X2: width - right, Y: y(v), Y2: y(v), Class: "grid"},
			svgchart.Shape{Kind: svgchart.Text, X: left - 6, Y: y(v) + 4, Anchor: "end", Class: "axis", Text: strconv.Itoa(v)},
		)
	}
	step := max(1, len(days)/8)
	last := len(days) - 1
	for i, d := range days {
		if (i%step == 0 && (i == last || last-i > step/2)) || i == last {
			ch.Add(svgchart.Shape{Kind: svgchart.Text, X: x(i), Y: height - bottom + 16, Anchor: "middle", Class: "axis", Text: d.Date[5:]})
		}
	}
	series := func(get func(DayVolume) int, color string) {
		line := svgchart.Shape{Kind: svgchart.Polyline, Stroke: color, StrokeWidth: 2.5}
		for i, d := range days {
			line.Points = append(line.Points, [2]float64{x(i), y(get(d))})
		}
		ch.Add(line)
		for i, d := range days {
			ch.Add(svgchart.Shape{Kind: svgchart.Circle, X: x(i), Y: y(get(d)), R: 2.5, Fill: color, Title: fmt.Sprintf("%s: %d", d.Date, get(d))})
		}
	}
	series(func(d DayVolume) int { return d.MessagesIn }, "#2f6fdf")
	series(func(d DayVolume) int { return d.Sessions }, "#f08c2e")
	ch.Add(
		svgchart.Shape{Kind: svgchart.Rect, X: left + 4, Y: height - 20, W: 10, H: 10, Fill: "#2f6fdf"},
		svgchart.Shape{Kind: svgchart.Text, X: left + 18, Y: height - 11, Class: "axis", Text: "客户消息 messages in"},
		svgchart.Shape{Kind: svgchart.Rect, X: left + 170, Y: height - 20, W: 10, H: 10, Fill: "#f08c2e"},
		svgchart.Shape{Kind: svgchart.Text, X: left + 184, Y: height - 11, Class: "axis", Text: "会话 sessions"},
	)
	return ch.Render()
}

// niceCeil rounds v up to a number whose quarters are round too.
func niceCeil(v int) int {
	p := 1
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int{10, 12, 16, 20, 24, 32, 40, 60, 80, 100} {
		if m*p >= 10*v {
			return max(m*p/10, 4)
		}
	}
	return 10 * p
}

// ratingChart draws the distribution of ratings 1 to 5 as columns.
func ratingChart(dist [5]int) template.HTML {
	const width, height, colW, gap, top, bottom = 360, 200, 48, 20, 20, 40
	maxC := 1
	total := 0
	for _, c := range dist {
		maxC = max(maxC, c)
		total += c
	}
	colors := [5]string{"#d9534f", "#f0883e", "#e5c033", "#8cc152", "#3fa34d"}
	ch := svgchart.Chart{ViewW: width, ViewH: height, Width: "360"}
	ph := float64(height - top - bottom)
	for i, c := range dist {
		x := float64(20 + i*(colW+gap))
		h := ph * float64(c) / float64(maxC)
		share := 0.0
		if total > 0 {
			share = float64(c) / float64(total)
		}
		ch.Add(
			svgchart.Shape{Kind: svgchart.Rect, X: x, Y: top + ph - h, W: colW, H: math.Max(h, 1), Rx: 3, Fill: colors[i], Title: fmt.Sprintf("%d★: %d", i+1, c)},
			svgchart.Shape{Kind: svgchart.Text, X: x + colW/2, Y: top + ph - h - 5, Anchor: "middle", Class: "val", Text: strconv.Itoa(c)},
			svgchart.Shape{Kind: svgchart.Text, X: x + colW/2, Y: height - 18, Anchor: "middle", Class: "lbl", Text: fmt.Sprintf("%d ★", i+1)},
			svgchart.Shape{Kind: svgchart.Text, X: x + colW/2, Y: height - 4, Anchor: "middle", Class: "axis", Text: pct(share)},
		)
	}
	return ch.Render()
}

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": pct, "dur": dur, "bars": barChart, "line": lineChart, "ratings": ratingChart,
	"num": func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
	"inc": func(i int) int { return i + 1 },
}).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>客服运营报告 Customer service report {{.Period}}</title>
<style>
:root { --ink:#1f2933; --muted:#66788a; --line:#e4e9ef; --card:#fff; --bg:#f4f6f9; --accent:#2f6fdf; }
* { box-sizing:border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  line-height:1.5; }
header { background:linear-gradient(120deg,#1d4fb8,#2f6fdf 60%,#4f8cf0); color:#fff; padding:28px 40px; }
header h1 { margin:0; font-size:26px; font-weight:600; }
header p { margin:4px 0 0; opacity:.85; }
main { max-width:1080px; margin:0 auto; padding:24px 24px 48px; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit,minmax(150px,1fr)); gap:14px; margin-bottom:18px; }
.kpi { background:var(--card); border-radius:10px; padding:14px 18px; box-shadow:0 1px 2px rgba(0,0,0,.06); }
.kpi .v { font-size:28px; font-weight:650; color:var(--accent); }
.kpi .k { color:var(--muted); font-size:13px; }
section { background:var(--card); border-radius:10px; padding:18px 22px; margin-top:16px; box-shadow:0 1px 2px rgba(0,0,0,.06); }
section h2 { font-size:17px; margin:0 0 10px; }
section h2 small { color:var(--muted); font-weight:400; margin-left:6px; }
.cols { display:grid; grid-template-columns:1fr 1fr; gap:16px; }
@media (max-width:820px){ .cols { grid-template-columns:1fr; } }
table { width:100%; border-collapse:collapse; font-size:14px; }
th,td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); }
th { color:var(--muted); font-weight:500; }
td.n { text-align:right; font-variant-numeric:tabular-nums; }
svg text { font-family:inherit; }
.lbl { font-size:13px; fill:var(--ink); } .val { font-size:12px; fill:var(--muted); } .axis { font-size:11px; fill:var(--muted); }
.grid { stroke:var(--line); }
.empty { color:var(--muted); }
footer { color:var(--muted); font-size:12px; text-align:center; margin-top:28px; }
</style>
</head>
<body>
<header>
<h1>客服运营报告 · Customer service report</h1>
<p>{{.Period}} · {{.From.Format "2006-01-02"}} – {{(.To.AddDate 0 0 -1).Format "2006-01-02"}}</p>
</header>
<main>
<div class="kpis">
<div class="kpi"><div class="v">{{.Volume.Sessions}}</div><div class="k">会话数 Sessions</div></div>
<div class="kpi"><div class="v">{{.Volume.MessagesIn}}</div><div class="k">客户消息 Messages in</div></div>
<div class="kpi"><div class="v">{{.Volume.UniqueUsers}}</div><div class="k">独立用户 Unique users</div></div>
<div class="kpi"><div class="v">{{pct .Resolution.Rate}}</div><div class="k">解决率 Resolution rate</div></div>
<div class="kpi"><div class="v">{{if .Satisfaction.Ratings}}{{num .Satisfaction.Mean}}{{else}}–{{end}}</div><div class="k">满意度 Satisfaction (1–5)</div></div>
<div class="kpi"><div class="v">{{dur .Duration.MeanSeconds}}</div><div class="k">平均会话时长 Mean duration</div></div>
</div>

<section>
<h2>每日咨询量<small>Daily volume</small></h2>
{{line .Daily}}
</section>

<div class="cols">
<section>
<h2>热门意图<small>Top intents</small></h2>
{{bars .Intents "#2f6fdf"}}
<p class="val">识别 recognized {{.Recognized}} · 超出范围 out of scope {{.OutOfScope}}</p>
</section>
<section>
<h2>问题类别<small>Knowledge categories</small></h2>
{{bars .Categories "#7a5af5"}}
<p class="val">知识库回答 answers served {{.Answers}}</p>
</section>
</div>

<div class="cols">
<section>
<h2>满意度分布<small>Satisfaction</small></h2>
{{ratings .Satisfaction.Distribution}}
<p class="val">评价 {{.Satisfaction.Ratings}} ratings · 参评率 response rate {{pct .Satisfaction.ResponseRate}}</p>
</section>
<section>
<h2>服务指标<small>Service figures</small></h2>
<table>
<tr><th>指标 Figure</th><th class="n">值 Value</th></tr>
<tr><td>结束会话 Sessions ended</td><td class="n">{{.Resolution.Ended}}</td></tr>
<tr><td>已解决 Resolved</td><td class="n">{{.Resolution.Resolved}} ({{pct .Resolution.Rate}})</td></tr>
<tr><td>转人工 Hand-offs</td><td class="n">{{.Handoffs}} ({{pct .HandoffRate}})</td></tr>
<tr><td>未答复 Fallbacks</td><td class="n">{{.Fallbacks}} ({{pct .FallbackRate}})</td></tr>
<tr><td>机器人消息 Messages out</td><td class="n">{{.Volume.MessagesOut}}</td></tr>
<tr><td>时长中位数 Median duration</td><td class="n">{{dur .Duration.MedianSeconds}}</td></tr>
<tr><td>时长 P90 duration</td><td class="n">{{dur .Duration.P90Seconds}}</td></tr>
</table>
</section>
</div>

<section>
<h2>常见未解答问题<small>Most frequent unanswered questions — candidates for the knowledge base</small></h2>
{{if .Unanswered}}<table>
<tr><th>#</th><th>问题 Question</th><th class="n">次数 Count</th></tr>
{{range $i, $q := .Unanswered}}<tr><td>{{inc $i}}</td><td>{{$q.Text}}</td><td class="n">{{$q.Count}}</td></tr>
{{end}}</table>{{else}}<p class="empty">无 · none</p>{{end}}
</section>

{{if .Channels}}<section>
<h2>渠道<small>Channels</small></h2>
<table><tr><th>渠道 Channel</th><th class="n">会话 Sessions</th><th class="n">占比 Share</th></tr>
{{range .Channels}}<tr><td>{{.Name}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .Share}}</td></tr>
{{end}}</table>
</section>{{end}}

<footer>生成于 Generated {{.Generated.Format "2006-01-02 15:04 MST"}} · kefu</footer>
</main>
</body>
</html>
`))
