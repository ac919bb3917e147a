package intent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Classifier recognizes the intent of a customer's message. *Model
// satisfies it; a classifier behind a network service can too, and stops
// when ctx is done. The bot (kefu.WithIntents) and Evaluate take one.
// Implementations must be safe for concurrent use.
//
// A classifier that also has an Info() Info method, as *Model has, gets
// its out-of-scope threshold, the threshold's source and any warnings
// about it into Evaluate's report.
type Classifier interface {
	Classify(ctx context.Context, text string) (Result, error)
}

// informer is a Classifier that says how it was trained.
type informer interface {
	Info() Info
}

// EvalOptions configures Evaluate and CrossValidate.
type EvalOptions struct {
	// OutOfScope is the label of out-of-scope examples. When set, a text
	// the classifier rejects counts as predicted out of scope (right for
	// out-of-scope examples, wrong for the others). When empty, the
	// threshold is ignored and the top-ranked intent is the prediction:
	// plain top-1 accuracy.
	OutOfScope string
	// Title heads the text and HTML reports.
	Title string
}

// Report is the evaluation of a classifier on labelled examples.
type Report struct {
	Title string `json:"title,omitempty"`
	// Generated is when the report was made.
	Generated time.Time `json:"generated"`
	// Examples is the number of evaluated examples.
	Examples int `json:"n_examples"`
	// Accuracy is the share of examples predicted right; an out-of-scope
	// example is right when rejected.
	Accuracy float64 `json:"accuracy"`
	// MacroF1 is the unweighted mean F1 over the gold labels (the
	// out-of-scope label included when present).
	MacroF1 float64 `json:"macro_f1"`
	// OutOfScope is the out-of-scope label, "" when not evaluated.
	OutOfScope string `json:"oos_label,omitempty"`
	// InScopeAccuracy is the share of in-scope examples predicted as their
	// own intent (rejection counts as wrong).
	InScopeAccuracy float64 `json:"in_scope_accuracy"`
	// OOSRecall is the share of out-of-scope examples rejected;
	// OOSPrecision the share of rejected examples that are out of scope.
	OOSRecall    float64 `json:"oos_recall"`
	OOSPrecision float64 `json:"oos_precision"`
	// InScope and OOS count the examples of each kind.
	InScope int `json:"n_in_scope"`
	OOS     int `json:"n_oos"`
	// Threshold is the classifier's out-of-scope threshold,
	// ThresholdSource where it came from (Info.ThresholdSource) and
	// ThresholdWarnings what the training data could not support
	// (Info.Warnings); all empty when the classifier does not say. Under
	// cross-validation, Threshold is the median over the folds' models.
	Threshold         float64  `json:"threshold,omitempty"`
	ThresholdSource   string   `json:"threshold_source,omitempty"`
	ThresholdWarnings []string `json:"threshold_warnings,omitempty"`
	// Intents holds per-label scores, ordered by label.
	Intents []LabelScore `json:"intents"`
	// Labels orders the rows (gold) and columns (predicted) of Confusion.
	Labels    []string `json:"labels"`
	Confusion [][]int  `json:"confusion"`
	// Folds is the number of cross-validation folds (0 for a plain
	// evaluation) and FoldAccuracy the accuracy of each.
	Folds        int       `json:"folds,omitempty"`
	FoldAccuracy []float64 `json:"fold_accuracy,omitempty"`
	// Errors lists misclassified examples (at most MaxReportErrors).
	Errors []Mistake `json:"errors,omitempty"`
}

// LabelScore is precision, recall and F1 of one label.
type LabelScore struct {
	Intent    string  `json:"intent"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// Support is the number of examples with this gold label.
	Support int `json:"support"`
}

// Mistake is one misclassified example.
type Mistake struct {
	Text       string  `json:"text"`
	Gold       string  `json:"gold"`
	Predicted  string  `json:"predicted"`
	Confidence float64 `json:"confidence"`
}

// MaxReportErrors bounds Report.Errors.
const MaxReportErrors = 200

type prediction struct {
	text       string
	gold, pred string
	conf       float64
}

// Evaluate classifies every example and scores the predictions. It
// returns the classifier's first error, or ctx's when it is done.
func Evaluate(ctx context.Context, c Classifier, examples []Example, opts EvalOptions) (*Report, error) {
	preds := make([]prediction, len(examples))
	for i, e := range examples {
		r, err := c.Classify(ctx, e.Text)
		if err != nil {
			return nil, fmt.Errorf("intent: evaluating %q: %w", e.Text, err)
		}
		preds[i] = predict(r, e, opts.OutOfScope)
	}
	rep := buildReport(preds, opts)
	if ic, ok := c.(informer); ok {
		info := ic.Info()
		rep.Threshold, rep.ThresholdSource = info.Threshold, info.ThresholdSource
		rep.ThresholdWarnings = slices.Clone(info.Warnings)
	}
	return rep, nil
}

func predict(r Result, e Example, oosLabel string) prediction {
	p := prediction{text: e.Text, gold: e.Intent, conf: r.Confidence}
	switch {
	case oosLabel != "" && r.OutOfScope:
		p.pred = oosLabel
	case r.Intent != "":
		p.pred = r.Intent
	case len(r.Ranked) > 0:
		p.pred = r.Ranked[0].Intent
	default:
		// Nothing to rank (empty text): no prediction.
		p.pred = oosLabel
	}
	return p
}

func buildReport(preds []prediction, opts EvalOptions) *Report {
	oos := opts.OutOfScope
	rep := &Report{Title: opts.Title, Generated: time.Now().UTC(), Examples: len(preds), OutOfScope: oos}
	labelSet := map[string]bool{}
	for _, p := range preds {
		labelSet[p.gold] = true
		if p.pred != "" {
			labelSet[p.pred] = true
		}
	}
	labels := make([]string, 0, len(labelSet))
	for l := range labelSet {
		if l != oos || oos == "" {
			labels = append(labels, l)
		}
	}
	slices.Sort(labels)
	if oos != "" && labelSet[oos] {
		labels = append(labels, oos) // out of scope last
	}
	idx := make(map[string]int, len(labels))
	for i, l := range labels {
		idx[l] = i
	}
	conf := make([][]int, len(labels))
	for i := range conf {
		conf[i] = make([]int, len(labels))
	}
	right, inRight, oosRight, predOOS := 0, 0, 0, 0
	for _, p := range preds {
		isOOS := oos != "" && p.gold == oos
		if isOOS {
			rep.OOS++
		} else {
			rep.InScope++
		}
		if p.pred == p.gold {
			right++
			if isOOS {
				oosRight++
			} else {
				inRight++
			}
		} else if len(rep.Errors) < MaxReportErrors {
			rep.Errors = append(rep.Errors, Mistake{Text: p.text, Gold: p.gold, Predicted: p.pred, Confidence: p.conf})
		}
		if oos != "" && p.pred == oos {
			predOOS++
		}
		if p.pred != "" {
			conf[idx[p.gold]][idx[p.pred]]++
		}
	}
	rep.Accuracy = ratio(right, len(preds))
	rep.InScopeAccuracy = ratio(inRight, rep.InScope)
	rep.OOSRecall = ratio(oosRight, rep.OOS)
	rep.OOSPrecision = ratio(oosRight, predOOS)
	rep.Labels, rep.Confusion = labels, conf

	var f1sum float64
	nGold := 0
	for i, l := range labels {
		tp, fp, fn := conf[i][i], 0, 0
		for j := range labels {
			if j != i {
				fp += conf[j][i]
				fn += conf[i][j]
			}
		}
		support := 0
		for j := range labels {
			support += conf[i][j]
		}
		// Examples with no prediction at all count as misses.
		for _, p := range preds {
			if p.gold == l && p.pred == "" {
				fn++
				support++
			}
		}
		pr, rc := ratio(tp, tp+fp), ratio(tp, tp+fn)
		f1 := 0.0
		if pr+rc > 0 {
			f1 = 2 * pr * rc / (pr + rc)
		}
		rep.Intents = append(rep.Intents, LabelScore{Intent: l, Precision: pr, Recall: rc, F1: f1, Support: support})
		if support > 0 {
			f1sum += f1
			nGold++
		}
	}
	rep.MacroF1 = ratio64(f1sum, nGold)
	return rep
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ratio64(a float64, b int) float64 {
	if b == 0 {
		return 0
	}
	return a / float64(b)
}

// CrossValidate estimates how a model trained with opts generalizes: it
// splits examples into k stratified folds (deterministically, from
// opts.Seed), trains on k-1 folds and evaluates on the remaining one, k
// times, and scores all held-out predictions together. Examples labelled
// eval.OutOfScope are spread over the folds and never trained on.
func CrossValidate(ctx context.Context, examples []Example, k int, o Options, eval EvalOptions) (*Report, error) {
	if k < 2 {
		return nil, fmt.Errorf("intent: cross-validation needs at least 2 folds, got %d", k)
	}
	if len(examples) < k {
		return nil, fmt.Errorf("intent: %d examples cannot make %d folds", len(examples), k)
	}
	if o.OutOfScope == "" {
		o.OutOfScope = eval.OutOfScope
	}
	// Stratify: shuffle each label's examples, deal them round-robin.
	byLabel := map[string][]int{}
	var order []string
	for i, e := range examples {
		if _, ok := byLabel[e.Intent]; !ok {
			order = append(order, e.Intent)
		}
		byLabel[e.Intent] = append(byLabel[e.Intent], i)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x6376))
	fold := make([]int, len(examples))
	next := 0
	for _, l := range order {
		ids := byLabel[l]
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		for _, id := range ids {
			fold[id] = next % k
			next++
		}
	}
	var preds []prediction
	var foldAcc, foldThr []float64
	var sources, warnings []string
	for f := 0; f < k; f++ {
		var train, test []Example
		for i, e := range examples {
			if fold[i] == f {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
		fo := o
		fo.Progress = nil
		if o.Progress != nil {
			fo.Progress = func(p Progress) {
				p.Stage = fmt.Sprintf("fold %d/%d %s", f+1, k, p.Stage)
				o.Progress(p)
			}
		}
		m, err := Train(ctx, train, fo)
		if err != nil {
			return nil, fmt.Errorf("intent: fold %d: %w", f+1, err)
		}
		right := 0
		for _, e := range test {
			p := predict(m.classifyTop(e.Text, defaultTopN), e, eval.OutOfScope)
			if p.pred == p.gold {
				right++
			}
			preds = append(preds, p)
		}
		foldAcc = append(foldAcc, ratio(right, len(test)))
		info := m.Info()
		foldThr = append(foldThr, info.Threshold)
		sources = append(sources, info.ThresholdSource)
		for _, w := range info.Warnings {
			warnings = append(warnings, fmt.Sprintf("fold %d: %s", f+1, w))
		}
	}
	rep := buildReport(preds, eval)
	rep.Folds, rep.FoldAccuracy = k, foldAcc
	slices.Sort(foldThr)
	rep.Threshold = foldThr[len(foldThr)/2]
	rep.ThresholdSource = foldSources(sources)
	rep.ThresholdWarnings = warnings
	return rep, nil
}

// foldSources describes the threshold sources of the folds' models: the
// source when all agree, else each source with its number of folds.
func foldSources(sources []string) string {
	count := map[string]int{}
	var order []string
	for _, s := range sources {
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	if len(order) == 1 {
		return order[0]
	}
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%s (%d folds)", s, count[s])
	}
	return strings.Join(parts, ", ")
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes a plain-text summary: headline figures, then per-intent
// scores from worst to best F1, then the most frequent confusions.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	if r.Title != "" {
		ew.printf("%s\n", r.Title)
	}
	ew.printf("examples       %d", r.Examples)
	if r.OutOfScope != "" {
		ew.printf(" (%d in scope, %d out of scope)", r.InScope, r.OOS)
	}
	ew.printf("\naccuracy       %.2f%%\nmacro-F1       %.2f%%\n", 100*r.Accuracy, 100*r.MacroF1)
	if r.OutOfScope != "" {
		ew.printf("in-scope acc.  %.2f%%\nOOS recall     %.2f%%\nOOS precision  %.2f%%\n",
			100*r.InScopeAccuracy, 100*r.OOSRecall, 100*r.OOSPrecision)
	}
	if r.Folds > 0 {
		mean, sd := meanSD(r.FoldAccuracy)
		ew.printf("folds          %d (accuracy %.2f%% ± %.2f)\n", r.Folds, 100*mean, 100*sd)
	}
	if r.ThresholdSource != "" {
		ew.printf("threshold      %.4f (%s)", r.Threshold, r.ThresholdSource)
		if r.OutOfScope == "" {
			ew.printf(", not applied: top-1 evaluation")
		}
		ew.printf("\n")
	}
	for _, w := range r.ThresholdWarnings {
		ew.printf("warning        %s\n", w)
	}
	ew.printf("\n")
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "intent\tprecision\trecall\tF1\tsupport\t\n")
	scores := slices.Clone(r.Intents)
	slices.SortStableFunc(scores, func(a, b LabelScore) int {
		switch {
		case a.F1 < b.F1:
			return -1
		case a.F1 > b.F1:
			return 1
		}
		return 0
	})
	for _, s := range scores {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t\n", s.Intent, s.Precision, s.Recall, s.F1, s.Support)
	}
	tw.Flush()
	if top := r.TopConfusions(10); len(top) > 0 {
		ew.printf("\nmost frequent confusions (gold → predicted)\n")
		for _, c := range top {
			ew.printf("  %4d  %s → %s\n", c.Count, c.Gold, c.Predicted)
		}
	}
	return ew.err
}

// Confusion is one off-diagonal cell of the confusion matrix.
type Confusion struct {
	Gold, Predicted string
	Count           int
}

// TopConfusions returns the n largest off-diagonal cells of the confusion
// matrix, largest first.
func (r *Report) TopConfusions(n int) []Confusion {
	var cs []Confusion
	for i, row := range r.Confusion {
		for j, c := range row {
			if i != j && c > 0 {
				cs = append(cs, Confusion{Gold: r.Labels[i], Predicted: r.Labels[j], Count: c})
			}
		}
	}
	slices.SortStableFunc(cs, func(a, b Confusion) int { return b.Count - a.Count })
	if len(cs) > n {
		cs = cs[:n]
	}
	return cs
}

func meanSD(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	var v float64
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / float64(len(xs)))
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

// Prediction is one recorded classification with the right answer, such as
// a production turn a person has labelled in an accuracy review.
type Prediction struct {
	Text string
	// Gold is the right intent (EvalOptions.OutOfScope for a text no intent
	// covers); Predicted is what the classifier said, "" for out of scope.
	Gold, Predicted string
	Confidence      float64
}

// ReportFromPredictions scores recorded predictions the way Evaluate
// scores a live classifier: the quarterly accuracy report is built this way
// from labelled production turns.
func ReportFromPredictions(preds []Prediction, opts EvalOptions) *Report {
	ps := make([]prediction, len(preds))
	for i, p := range preds {
		pred := p.Predicted
		if pred == "" {
			pred = opts.OutOfScope
		}
		ps[i] = prediction{text: p.Text, gold: p.Gold, pred: pred, conf: p.Confidence}
	}
	return buildReport(ps, opts)
}
