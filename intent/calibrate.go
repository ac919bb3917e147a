package intent

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/kefuai/kefu/internal/learn"
	"github.com/kefuai/kefu/internal/text"
)

// Where a Model's out-of-scope threshold came from (Info.ThresholdSource).
const (
	// ThresholdFixed: set by Options.Threshold or WithThreshold.
	ThresholdFixed = "fixed"
	// ThresholdValidation: tuned on the model's confidences on the
	// validation examples.
	ThresholdValidation = "validation"
	// ThresholdCrossValidation: tuned on held-out confidences from
	// cross-validation of the training examples.
	ThresholdCrossValidation = "cross-validation"
	// ThresholdDefault: the default for the number of intents, used when
	// there is nothing to tune on or too little (Info.Warnings says which).
	ThresholdDefault = "default"
	// ThresholdDisabled: out-of-scope detection is off.
	ThresholdDisabled = "disabled"
)

// Threshold tuning settings, chosen on validation data and cross-validation
// (docs/thresholds.md).
const (
	// minTuneRight is the number of held-out in-scope texts the model
	// gets right below which nothing is tuned: the rejection bounds are
	// shares of them.
	minTuneRight = 20
	// minTuneOOS is the number of distinct out-of-scope examples below
	// which the threshold is not swept (the default is used, within the
	// bounds).
	minTuneOOS = 8
	// minValInScope is the number of in-scope validation examples from
	// which validation is used instead of cross-validation.
	minValInScope = 50
	// maxRejectRight bounds the share of held-out in-scope texts the
	// model gets right that the threshold may reject; minRejectRight is
	// the share a swept threshold rejects at least, so that detection is
	// never silently off.
	maxRejectRight = 0.05
	minRejectRight = 0.01
	// oosWeight weighs out-of-scope recall against in-scope accuracy in
	// the sweep's objective.
	oosWeight = 0.5
	// cvFolds is the number of cross-validation folds on small training
	// sets (larger ones get more, smaller folds); at most cvTrained of
	// them are trained, fewer once cvHeldOut examples are held out.
	cvFolds   = 5
	cvTrained = 3
	cvHeldOut = 1500
	// checkDefaultBelow is the mean number of training examples per
	// intent below which the default threshold is checked by
	// cross-validation when there is nothing else to tune on. Models
	// trained on more are sure enough of the texts they get right that
	// the check rarely changes the default, and it costs a training.
	checkDefaultBelow = 50
)

// obs is the model's best confidence on one held-out text.
type obs struct {
	conf float32
	// right: an in-scope text predicted as its own intent.
	right bool
}

// heldOut is what a threshold is tuned on: confidences of in-scope texts
// and of out-of-scope texts, from a model that was not trained on them.
type heldOut struct {
	in, oos []obs
	// nOOS counts distinct out-of-scope texts (under cross-validation each
	// is scored once by every fold's model).
	nOOS int
}

// calibration is the outcome of choosing a threshold.
type calibration struct {
	threshold float32
	source    string
	warnings  []string
}

// calibrateInput is what Train hands to calibrate.
type calibrateInput struct {
	toks     [][]text.Token // analyzed in-scope training examples
	y        []int32
	cfg      learn.EnsembleConfig
	val      []Example
	oos      []Example // out-of-scope training examples
	oosLabel string
	seed     uint64
	progress func(done, total int) // never nil
}

// calibrate chooses the out-of-scope threshold of a freshly trained model.
//
// In-scope confidences come from the validation examples when there are at
// least minValInScope of them, else from cross-validation of the training
// examples. Out-of-scope confidences come from out-of-scope validation and
// training examples (never trained on), scored by the same model(s). The
// threshold then maximizes in-scope accuracy plus oosWeight × out-of-scope
// recall, between the values that reject minRejectRight and maxRejectRight
// of the in-scope texts the model gets right. With too few observations the
// default is used (never above that upper bound when it is known) and a
// warning says why.
func (m *Model) calibrate(ctx context.Context, in calibrateInput) (calibration, error) {
	def := defaultThreshold(len(m.intents))
	var valIn, oosEx []Example
	for _, e := range in.val {
		if _, known := m.index[e.Intent]; known && e.Intent != in.oosLabel {
			valIn = append(valIn, e)
		} else {
			oosEx = append(oosEx, e)
		}
	}
	oosEx = append(oosEx, in.oos...)

	var (
		h        heldOut
		source   string
		warnings []string
	)
	in.progress(0, 1)
	switch {
	case len(valIn) < minValInScope && len(oosEx) < minTuneOOS && len(in.toks) >= checkDefaultBelow*len(m.intents):
		// Nothing to sweep against, and a training set large enough for
		// the default to be safe without checking it.
		in.progress(1, 1)
		c := calibration{threshold: def, source: ThresholdDefault}
		if len(oosEx) > 0 || len(valIn) > 0 {
			c.warnings = []string{fmt.Sprintf(
				"only %d out-of-scope examples (%d are needed to tune): default threshold %.4f used", len(oosEx), minTuneOOS, def)}
		}
		return c, nil
	case len(valIn) >= minValInScope:
		source = ThresholdValidation
		s := m.getScratch()
		h.in = m.observe(s, valIn)
		h.oos = m.observe(s, oosEx)
		m.scratch.Put(s)
		h.nOOS = len(oosEx)
		in.progress(1, 1)
	default:
		if len(valIn) > 0 {
			warnings = append(warnings, fmt.Sprintf(
				"only %d in-scope validation examples (%d are needed): in-scope confidences come from cross-validation of the training examples",
				len(valIn), minValInScope))
		}
		var err error
		h, err = m.crossValidate(ctx, in, oosEx)
		if err != nil {
			return calibration{}, err
		}
		source = ThresholdCrossValidation
	}
	c := chooseThreshold(h, def)
	if c.source == "" {
		c.source = source
	}
	c.warnings = append(warnings, c.warnings...)
	return c, nil
}

// observe scores examples with m; an example is right when its intent is
// the model's best.
func (m *Model) observe(s *scratch, ex []Example) []obs {
	out := make([]obs, len(ex))
	for i, e := range ex {
		if !m.probs(s, e.Text) {
			continue // no content: confidence 0
		}
		best := argmax(s.sum)
		out[i] = obs{conf: s.sum[best], right: m.intents[best] == e.Intent}
	}
	return out
}

func argmax(p []float32) int {
	best := 0
	for k, x := range p {
		if x > p[best] {
			best = k
		}
	}
	return best
}

// crossValidate trains models on parts of the training examples and scores
// the examples each left out, and the out-of-scope examples. Examples are
// dealt to folds per intent (an intent's only example is never left out);
// at most cvTrained folds are trained, fewer once cvHeldOut examples are
// held out, so that a large training set costs about one more training.
func (m *Model) crossValidate(ctx context.Context, in calibrateInput, oosEx []Example) (heldOut, error) {
	n := len(in.toks)
	k := len(m.intents)
	folds := max(cvFolds, n/cvHeldOut)
	byClass := make([][]int, k)
	for i, c := range in.y {
		byClass[c] = append(byClass[c], i)
	}
	fold := make([]int, n)
	rng := rand.New(rand.NewPCG(in.seed, 0x7468726573686f6c)) // "threshol"
	next := 0
	for _, ids := range byClass {
		if len(ids) < 2 {
			for _, id := range ids {
				fold[id] = -1
			}
			continue
		}
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		for _, id := range ids {
			fold[id] = next % folds
			next++
		}
	}
	// Out-of-scope texts are analyzed once for all folds.
	oosToks := make([][]text.Token, len(oosEx))
	for i, e := range oosEx {
		oosToks[i] = m.an.Analyze(clip(e.Text))
	}
	// How many folds to train: enough to hold out cvHeldOut examples.
	perFold := make([]int, folds)
	for _, f := range fold {
		if f >= 0 {
			perFold[f]++
		}
	}
	run, held := 0, 0
	for run < min(folds, cvTrained) && held < cvHeldOut {
		held += perFold[run]
		run++
	}
	h := heldOut{nOOS: len(oosEx)}
	for f := range run {
		var trToks [][]text.Token
		var trY []int32
		var test []int
		for i, fi := range fold {
			if fi == f {
				test = append(test, i)
			} else {
				trToks = append(trToks, in.toks[i])
				trY = append(trY, in.y[i])
			}
		}
		if len(test) == 0 {
			continue
		}
		cfg := in.cfg
		cfg.Net.Seed = in.seed + uint64(f+1)*0x9e3779b97f4a7c15
		cfg.Progress = func(done, total int) {
			in.progress(f*1000+1000*done/total, run*1000)
		}
		ens, err := learn.TrainEnsemble(ctx, trToks, trY, k, cfg)
		if err != nil {
			return heldOut{}, err
		}
		es := ens.NewScratch()
		sum := make([]float32, k)
		for _, i := range test {
			if len(in.toks[i]) == 0 {
				h.in = append(h.in, obs{})
				continue
			}
			ens.Probs(in.toks[i], es, sum)
			best := argmax(sum)
			h.in = append(h.in, obs{conf: sum[best], right: int32(best) == in.y[i]})
		}
		for _, t := range oosToks {
			if len(t) == 0 {
				h.oos = append(h.oos, obs{})
				continue
			}
			ens.Probs(t, es, sum)
			h.oos = append(h.oos, obs{conf: sum[argmax(sum)]})
		}
	}
	in.progress(max(run, 1)*1000, max(run, 1)*1000)
	return h, nil
}

// chooseThreshold picks the threshold from held-out confidences; def is the
// default for the number of intents. The source is left empty when the
// threshold is tuned, and set to ThresholdDefault when it is not.
func chooseThreshold(h heldOut, def float32) calibration {
	var right []float32
	for _, o := range h.in {
		if o.right {
			right = append(right, o.conf)
		}
	}
	if len(right) < minTuneRight {
		return calibration{threshold: def, source: ThresholdDefault, warnings: []string{fmt.Sprintf(
			"only %d held-out in-scope texts the model gets right (%d are needed to tune): default threshold %.4f used",
			len(right), minTuneRight, def)}}
	}
	slices.Sort(right)
	// hi rejects at most maxRejectRight of the right texts, lo at least
	// minRejectRight (and at least one).
	hi := right[int(maxRejectRight*float64(len(right)))]
	lo := math.Nextafter32(right[max(int(math.Ceil(minRejectRight*float64(len(right))))-1, 0)], 1)
	lo = min(lo, hi)

	if h.nOOS < minTuneOOS {
		var w string
		if h.nOOS == 0 {
			w = ""
		} else {
			w = fmt.Sprintf("only %d out-of-scope examples (%d are needed to tune): default threshold %.4f used", h.nOOS, minTuneOOS, def)
		}
		c := calibration{threshold: def, source: ThresholdDefault}
		if def > hi {
			c.threshold = hi
			if w == "" {
				w = fmt.Sprintf("default threshold %.4f", def)
			}
			w += fmt.Sprintf(", lowered to %.4f so that it rejects at most %.0f%% of the in-scope texts the model gets right",
				hi, 100*maxRejectRight)
		}
		if w != "" {
			c.warnings = []string{w}
		}
		return c
	}

	var oosConf []float32
	for _, o := range h.oos {
		oosConf = append(oosConf, o.conf)
	}
	slices.Sort(oosConf)
	nIn, nOOS := float64(len(h.in)), float64(len(oosConf))
	// objective at threshold t: in-scope accuracy + oosWeight × OOS recall.
	objective := func(t float32) float64 {
		rejRight, _ := slices.BinarySearch(right, t)
		rejOOS, _ := slices.BinarySearch(oosConf, t)
		return float64(len(right)-rejRight)/nIn + oosWeight*float64(rejOOS)/nOOS
	}
	// Candidates: the bounds, and midpoints between consecutive distinct
	// confidences between them.
	var all []float32
	for _, o := range h.in {
		all = append(all, o.conf)
	}
	all = append(all, oosConf...)
	slices.Sort(all)
	all = slices.Compact(all)
	best, bestAt := objective(lo), lo
	for i := 0; i+1 < len(all); i++ {
		t := (all[i] + all[i+1]) / 2
		if t <= lo || t >= hi {
			continue
		}
		if v := objective(t); v > best {
			best, bestAt = v, t
		}
	}
	if v := objective(hi); v > best {
		bestAt = hi
	}
	c := calibration{threshold: bestAt}
	rejOOS, _ := slices.BinarySearch(oosConf, bestAt)
	if recall := float64(rejOOS) / nOOS; bestAt == lo && recall < 0.5 {
		c.warnings = []string{fmt.Sprintf(
			"the out-of-scope examples score like in-scope texts: the threshold stays at its lower bound %.4f, where %.0f%% of them are rejected",
			bestAt, 100*recall)}
	}
	return c
}

// defaultThreshold is the out-of-scope threshold used without validation
// data. Trained with label smoothing, the networks give a text that fits
// no intent a confidence close to the uniform 1/k; the default sits a
// multiple of that above it.
func defaultThreshold(k int) float32 {
	return float32(math.Min(0.5, 12/float64(k)))
}
