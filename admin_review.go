package kefu

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/intent"
)

func (a *Admin) reviewSample(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, err := analytics.ParsePeriod(q.Get("period"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	per, _ := strconv.Atoi(q.Get("per_intent"))
	seed, _ := strconv.ParseUint(q.Get("seed"), 10, 64)
	turns, err := analytics.SampleTurns(r.Context(), a.o.Transcripts, p, analytics.SampleOptions{
		PerIntent: per, Seed: seed, Location: a.o.Reports.Location})
	if err != nil {
		a.fail(w, err)
		return
	}
	a.record(r, audit.ActionReviewExport, p.String(), map[string]string{"turns": strconv.Itoa(len(turns))})
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="kefu-review-`+p.String()+`.csv"`)
	analytics.WriteLabelCSV(w, turns)
}

func (a *Admin) reviewReport(w http.ResponseWriter, r *http.Request) {
	labeled, err := analytics.ReadLabelCSV(http.MaxBytesReader(w, r.Body, maxUpload))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	a.record(r, audit.ActionReviewImport, "", map[string]string{"rows": strconv.Itoa(len(labeled))})
	rep := ReviewReport(labeled, "")
	if a.o.Bot != nil {
		// The threshold the bot classifies with, and where it came from.
		if m, ok := a.o.Bot.parts.Load().intents.(interface{ Info() intent.Info }); ok {
			info := m.Info()
			rep.Threshold, rep.ThresholdSource, rep.ThresholdWarnings = info.Threshold, info.ThresholdSource, slices.Clone(info.Warnings)
		}
	}
	switch r.URL.Query().Get("format") {
	case "json":
		w.Header().Set("Content-Type", "application/json")
		rep.WriteJSON(w)
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rep.WriteText(w)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		rep.WriteHTML(w)
	}
}

// ReviewReport turns a labelled accuracy-review sheet into the intent
// accuracy report the service contract promises each quarter.
func ReviewReport(labeled []analytics.Labeled, title string) *intent.Report {
	preds := make([]intent.Prediction, len(labeled))
	for i, l := range labeled {
		preds[i] = intent.Prediction{Text: l.Text, Gold: l.Gold, Predicted: l.Predicted, Confidence: l.Confidence}
	}
	if title == "" {
		title = "Intent accuracy review"
	}
	return intent.ReportFromPredictions(preds, intent.EvalOptions{OutOfScope: analytics.OutOfScopeLabel, Title: title})
}
