package intent

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// table is a Classifier that answers from a fixed table.
type table map[string]Result

func (t table) Classify(_ context.Context, s string) (Result, error) { return t[s], nil }

func res(intent string, conf float64, oos bool) Result {
	r := Result{Confidence: conf, OutOfScope: oos, Ranked: []Score{{intent, conf}}}
	if !oos {
		r.Intent = intent
	}
	return r
}

func TestEvaluateMetrics(t *testing.T) {
	c := table{
		"a1": res("a", 0.9, false), "a2": res("a", 0.8, false), "a3": res("b", 0.7, false),
		"b1": res("b", 0.9, false), "b2": res("b", 0.3, true), // rejected in-scope
		"o1": res("a", 0.2, true), "o2": res("b", 0.6, false), // one OOS caught, one not
	}
	ex := []Example{{"a1", "a"}, {"a2", "a"}, {"a3", "a"}, {"b1", "b"}, {"b2", "b"}, {"o1", "oos"}, {"o2", "oos"}}

	rep := must(Evaluate(bg, c, ex, EvalOptions{OutOfScope: "oos"}))
	assert.Equal(t, 7, rep.Examples)
	assert.Equal(t, 5, rep.InScope)
	assert.Equal(t, 2, rep.OOS)
	assert.InDelta(t, 4.0/7, rep.Accuracy, 1e-9) // a1 a2 b1 o1
	assert.InDelta(t, 3.0/5, rep.InScopeAccuracy, 1e-9)
	assert.InDelta(t, 1.0/2, rep.OOSRecall, 1e-9)
	assert.InDelta(t, 1.0/2, rep.OOSPrecision, 1e-9) // b2 and o1 rejected, o1 right
	assert.Equal(t, []string{"a", "b", "oos"}, rep.Labels)
	assert.Equal(t, [][]int{{2, 1, 0}, {0, 1, 1}, {0, 1, 1}}, rep.Confusion)
	// a: P 2/2 R 2/3; b: P 1/3 R 1/2; oos: P 1/2 R 1/2.
	f := func(p, r float64) float64 { return 2 * p * r / (p + r) }
	want := (f(1, 2.0/3) + f(1.0/3, 0.5) + f(0.5, 0.5)) / 3
	assert.InDelta(t, want, rep.MacroF1, 1e-9)
	assert.Len(t, rep.Errors, 3)

	// Without an out-of-scope label the threshold is ignored: top-1.
	plain := must(Evaluate(bg, c, ex[:5], EvalOptions{}))
	assert.InDelta(t, 4.0/5, plain.Accuracy, 1e-9, "b2 counts as b")
	assert.Empty(t, plain.OutOfScope)

	top := rep.TopConfusions(1)
	require.Len(t, top, 1)
	assert.Equal(t, 1, top[0].Count)
}

func TestReportFormats(t *testing.T) {
	c := table{"x": res("a", 0.9, false), "<script>alert(1)</script>": res("a", 0.6, false)}
	ex := []Example{{"x", "a"}, {"<script>alert(1)</script>", "b<i>"}}
	rep := must(Evaluate(bg, c, ex, EvalOptions{Title: "季度准确率报告 Q4"}))

	var txt bytes.Buffer
	require.NoError(t, rep.WriteText(&txt))
	assert.Contains(t, txt.String(), "季度准确率报告 Q4")
	assert.Contains(t, txt.String(), "accuracy       50.00%")
	assert.Contains(t, txt.String(), "b<i> → a")

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	var back Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, rep.Confusion, back.Confusion)
	assert.InDelta(t, 0.5, back.Accuracy, 1e-9)

	var html bytes.Buffer
	require.NoError(t, rep.WriteHTML(&html))
	h := html.String()
	assert.True(t, strings.HasPrefix(h, "<!DOCTYPE html>"))
	assert.Contains(t, h, "<svg")
	assert.Contains(t, h, "季度准确率报告 Q4")
	assert.NotContains(t, h, "<script>alert(1)</script>", "user text is escaped")
	assert.NotContains(t, h, "b<i>")
	assert.NotContains(t, h, "http://", "the page loads nothing from elsewhere")
	assert.NotContains(t, h, "https://")
}

func TestCrossValidate(t *testing.T) {
	train := readTestdata(t, "train.tsv")
	var stages []string
	o := testOptions()
	o.Threshold = 0.3 // each fold's model keeps it, untuned
	o.Progress = func(p Progress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	}
	rep, err := CrossValidate(context.Background(), train, 3, o, EvalOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Folds)
	assert.Len(t, rep.FoldAccuracy, 3)
	assert.Equal(t, len(train), rep.Examples, "every example is held out once")
	assert.Greater(t, rep.Accuracy, 0.7)
	assert.Contains(t, stages, "fold 1/3 train")
	assert.Contains(t, stages, "fold 3/3 train")
	assert.InDelta(t, 0.3, rep.Threshold, 1e-6)
	assert.Equal(t, ThresholdFixed, rep.ThresholdSource)

	_, err = CrossValidate(context.Background(), train, 1, o, EvalOptions{})
	assert.Error(t, err)
	_, err = CrossValidate(context.Background(), train[:2], 3, o, EvalOptions{})
	assert.Error(t, err)
}

func TestProgress(t *testing.T) {
	last := map[string]Progress{}
	calls := 0
	o := testOptions()
	o.Progress = func(p Progress) {
		calls++
		assert.LessOrEqual(t, p.Done, p.Total)
		assert.GreaterOrEqual(t, p.Done, last[p.Stage].Done, "%s progress never goes back", p.Stage)
		last[p.Stage] = p
	}
	_, err := Train(context.Background(), readTestdata(t, "train.tsv"), o)
	require.NoError(t, err)
	assert.Greater(t, calls, 10)
	for _, stage := range []string{"features", "train", "calibrate"} {
		assert.Equal(t, last[stage].Total, last[stage].Done, "%s reports completion", stage)
		assert.Positive(t, last[stage].Total, stage)
	}
	// Ten examples an intent and nothing to tune on: the default threshold
	// is checked on cross-validation folds.
	assert.Greater(t, last["calibrate"].Total, 1, "folds were trained")
}

func TestReportFromPredictions(t *testing.T) {
	rep := ReportFromPredictions([]Prediction{
		{Text: "a", Gold: "refund", Predicted: "refund", Confidence: 0.9},
		{Text: "b", Gold: "refund", Predicted: "invoice", Confidence: 0.6},
		{Text: "c", Gold: "oos", Predicted: "", Confidence: 0.1},
		{Text: "d", Gold: "invoice", Predicted: "", Confidence: 0.2},
	}, EvalOptions{OutOfScope: "oos"})
	assert.InDelta(t, 0.5, rep.Accuracy, 1e-9)
	assert.InDelta(t, 1.0/3, rep.InScopeAccuracy, 1e-9)
	assert.InDelta(t, 1, rep.OOSRecall, 1e-9)
	assert.InDelta(t, 0.5, rep.OOSPrecision, 1e-9)
	assert.Equal(t, []string{"invoice", "refund", "oos"}, rep.Labels)
}
