package intent

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withOOS returns the in-scope training examples with the out-of-scope
// ones, as an operator's training file holds them.
func withOOS(t *testing.T) []Example {
	train := readTestdata(t, "train.tsv")
	return append(train, readTestdata(t, "oos_train.tsv")...)
}

// inScope returns the examples not labelled oos.
func inScope(ex []Example) []Example {
	var out []Example
	for _, e := range ex {
		if e.Intent != "oos" {
			out = append(out, e)
		}
	}
	return out
}

func TestThresholdOnlyOOSExamples(t *testing.T) {
	// Out-of-scope examples in the training file and no validation
	// examples: tuned on them alone, the threshold would only ever gain
	// from rising, and rejected about half of the ordinary questions.
	o := testOptions()
	o.OutOfScope = "oos"
	m, err := Train(context.Background(), withOOS(t), o)
	require.NoError(t, err)
	info := m.Info()
	assert.Equal(t, ThresholdCrossValidation, info.ThresholdSource)
	assert.Greater(t, info.Threshold, 0.0)
	assert.Empty(t, info.Warnings)

	held := readTestdata(t, "val_split.tsv")
	top1 := must(Evaluate(bg, m, inScope(held), EvalOptions{}))
	rep := must(Evaluate(bg, m, held, EvalOptions{OutOfScope: "oos"}))
	assert.GreaterOrEqual(t, rep.InScopeAccuracy, top1.Accuracy-0.1,
		"the threshold rejects few of the in-scope texts the model gets right (top-1 %.2f)", top1.Accuracy)
	assert.Equal(t, info.Threshold, rep.Threshold)
	assert.Equal(t, ThresholdCrossValidation, rep.ThresholdSource)
}

func TestThresholdValidationNeverOff(t *testing.T) {
	// A validation split with many in-scope examples and a few
	// out-of-scope ones that resemble them: maximizing plain accuracy
	// turned detection off (threshold 0 with seed 2).
	o := testOptions()
	o.OutOfScope = "oos"
	o.Validation = readTestdata(t, "val_split.tsv")
	for _, seed := range []uint64{1, 2} {
		o.Seed = seed
		m, err := Train(context.Background(), readTestdata(t, "train.tsv"), o)
		require.NoError(t, err)
		info := m.Info()
		assert.Greater(t, info.Threshold, 0.0, "seed %d: detection stays on", seed)
		if info.ThresholdSource != ThresholdValidation {
			assert.NotEmpty(t, info.Warnings, "seed %d: the %s threshold is explained", seed, info.ThresholdSource)
		}
	}

	// With the training file's out-of-scope examples too, there are
	// enough to tune on; the threshold is never below the value that
	// rejects one of the validation texts the model gets right.
	for _, seed := range []uint64{2} {
		o.Seed = seed
		m, err := Train(context.Background(), withOOS(t), o)
		require.NoError(t, err)
		info := m.Info()
		assert.Equal(t, ThresholdValidation, info.ThresholdSource, "seed %d", seed)
		lowest := 1.0
		for _, e := range inScope(o.Validation) {
			if r := must(m.ClassifyTop(bg, e.Text, 1)); r.Ranked[0].Intent == e.Intent {
				lowest = min(lowest, r.Confidence)
			}
		}
		assert.Greater(t, info.Threshold, lowest, "seed %d: detection stays on", seed)
	}
}

func TestThresholdWarnings(t *testing.T) {
	ctx := context.Background()
	train := readTestdata(t, "train.tsv")
	oos := readTestdata(t, "oos_train.tsv")

	// Two out-of-scope examples are too few to tune on.
	o := testOptions()
	o.OutOfScope = "oos"
	m, err := Train(ctx, append(train[:len(train):len(train)], oos[:2]...), o)
	require.NoError(t, err)
	info := m.Info()
	assert.Equal(t, ThresholdDefault, info.ThresholdSource)
	require.Len(t, info.Warnings, 1)
	assert.Contains(t, info.Warnings[0], "only 2 out-of-scope examples")
	assert.LessOrEqual(t, info.Threshold, float64(defaultThreshold(info.Intents))+1e-6)
	assert.Greater(t, info.Threshold, 0.0)

	// Three examples of each of two intents leave too few held-out texts.
	var tiny []Example
	for _, e := range train {
		if (e.Intent == "refund" || e.Intent == "invoice") && len(tiny) < 20 {
			tiny = append(tiny, e)
		}
	}
	tiny = append(tiny[:3], tiny[10:13]...)
	m, err = Train(ctx, append(tiny, oos...), o)
	require.NoError(t, err)
	info = m.Info()
	assert.Equal(t, ThresholdDefault, info.ThresholdSource)
	assert.InDelta(t, defaultThreshold(2), info.Threshold, 1e-6)
	require.NotEmpty(t, info.Warnings)
	assert.Contains(t, info.Warnings[0], "held-out in-scope texts")

	// A handful of validation examples: cross-validation instead, said so.
	o.Validation = readTestdata(t, "val.tsv")
	m, err = Train(ctx, withOOS(t), o)
	require.NoError(t, err)
	info = m.Info()
	assert.Equal(t, ThresholdCrossValidation, info.ThresholdSource)
	require.Len(t, info.Warnings, 1)
	assert.Contains(t, info.Warnings[0], "only 10 in-scope validation examples")

	// Warnings are kept when the model is saved, dropped with a fixed
	// threshold.
	var buf bytes.Buffer
	_, err = m.WriteTo(&buf)
	require.NoError(t, err)
	loaded, err := Load(&buf)
	require.NoError(t, err)
	assert.Equal(t, info, loaded.Info())
	assert.Empty(t, m.WithThreshold(0.3).Info().Warnings)
}

// infoTable is a table classifier that says how it was trained.
type infoTable struct {
	table
	info Info
}

func (t infoTable) Info() Info { return t.info }

func TestReportThreshold(t *testing.T) {
	c := infoTable{
		table: table{"a1": res("a", 0.9, false), "o1": res("a", 0.2, true)},
		info: Info{Threshold: 0.25, ThresholdSource: ThresholdDefault,
			Warnings: []string{"only 2 out-of-scope examples <b>"}},
	}
	ex := []Example{{"a1", "a"}, {"o1", "oos"}}
	rep := must(Evaluate(bg, c, ex, EvalOptions{OutOfScope: "oos"}))
	assert.InDelta(t, 0.25, rep.Threshold, 1e-9)
	assert.Equal(t, ThresholdDefault, rep.ThresholdSource)
	assert.Equal(t, []string{"only 2 out-of-scope examples <b>"}, rep.ThresholdWarnings)

	var txt bytes.Buffer
	require.NoError(t, rep.WriteText(&txt))
	assert.Contains(t, txt.String(), "threshold      0.2500 (default)\n")
	assert.Contains(t, txt.String(), "warning        only 2 out-of-scope examples <b>\n")

	var html bytes.Buffer
	require.NoError(t, rep.WriteHTML(&html))
	assert.Contains(t, html.String(), "0.250</b><span>out-of-scope threshold (default)")
	assert.Contains(t, html.String(), "<li>only 2 out-of-scope examples &lt;b&gt;</li>")

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	assert.Contains(t, js.String(), `"threshold_source": "default"`)

	// Top-1 evaluation says the threshold was not applied.
	txt.Reset()
	require.NoError(t, must(Evaluate(bg, c, ex[:1], EvalOptions{})).WriteText(&txt))
	assert.Contains(t, txt.String(), "not applied")

	// A classifier that does not say has no threshold in its report.
	plain := must(Evaluate(bg, c.table, ex, EvalOptions{OutOfScope: "oos"}))
	assert.Empty(t, plain.ThresholdSource)
	txt.Reset()
	require.NoError(t, plain.WriteText(&txt))
	assert.NotContains(t, txt.String(), "threshold")
	html.Reset()
	require.NoError(t, plain.WriteHTML(&html))
	assert.False(t, strings.Contains(html.String(), "out-of-scope threshold"))
}

func TestThresholdDefaultCheck(t *testing.T) {
	// Nothing to tune on and 50 examples an intent: the default is taken
	// as it is, without cross-validation. (TestProgress sees the check run
	// on ten examples an intent.)
	calibrate := func(ex []Example) (Info, Progress) {
		var last Progress
		o := testOptions()
		o.OutOfScope = "oos"
		o.Progress = func(p Progress) {
			if p.Stage == "calibrate" {
				last = p
			}
		}
		m, err := Train(context.Background(), ex, o)
		require.NoError(t, err)
		return m.Info(), last
	}
	var large []Example
	for i := range 100 {
		if i%2 == 0 {
			large = append(large, Example{Text: fmt.Sprintf("refund number %d please", i), Intent: "refund"})
		} else {
			large = append(large, Example{Text: fmt.Sprintf("invoice copy %d needed", i), Intent: "invoice"})
		}
	}
	info, p := calibrate(large)
	assert.Equal(t, ThresholdDefault, info.ThresholdSource)
	assert.InDelta(t, defaultThreshold(2), info.Threshold, 1e-6)
	assert.Empty(t, info.Warnings)
	assert.Equal(t, Progress{Stage: "calibrate", Done: 1, Total: 1}, p, "no fold was trained")

	// Too few out-of-scope examples to tune on change nothing but a warning.
	info, p = calibrate(append(large, readTestdata(t, "oos_train.tsv")[:3]...))
	assert.Equal(t, ThresholdDefault, info.ThresholdSource)
	assert.InDelta(t, defaultThreshold(2), info.Threshold, 1e-6)
	require.Len(t, info.Warnings, 1)
	assert.Contains(t, info.Warnings[0], "only 3 out-of-scope examples")
	assert.Equal(t, Progress{Stage: "calibrate", Done: 1, Total: 1}, p, "no fold was trained")
}
