package intent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/learn"
	"github.com/kefuai/kefu/internal/text"
)

// Errors returned by Train.
var (
	// ErrNoExamples means Train was given no in-scope examples.
	ErrNoExamples = errors.New("intent: no training examples")
	// ErrOneIntent means the examples name fewer than two intents, so
	// there is nothing to tell apart.
	ErrOneIntent = errors.New("intent: training needs examples of at least two intents")
)

// ExampleError reports an unusable training or validation example.
type ExampleError struct {
	// Set is "training" or "validation"; Index is the example's position.
	Set   string
	Index int
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *ExampleError) Error() string {
	return fmt.Sprintf("intent: %s example %d: %s", e.Set, e.Index, e.Msg)
}

// MaxInputBytes bounds the text a Model looks at: longer input is cut at a
// character boundary, so classification takes bounded time whatever
// arrives. The intent of a customer message is in its first sentences.
const MaxInputBytes = 4096

// Options configures Train. The zero value (or a nil *Options) trains with
// defaults that work across datasets; most fields exist for operators who
// know their data.
type Options struct {
	// Seed makes training deterministic: equal examples, options and Seed
	// give a model with identical predictions.
	Seed uint64

	// Validation examples tune the out-of-scope threshold. They are never
	// trained on.
	Validation []Example
	// OutOfScope is the label that marks out-of-scope examples. Training
	// examples with this label are not trained on; they join the
	// validation examples in tuning the threshold.
	OutOfScope string
	// Threshold, when positive, fixes the confidence below which a text is
	// out of scope, and no tuning happens. A negative value disables
	// out-of-scope detection.
	Threshold float64

	// Rules are operator rules; they take precedence over the model.
	Rules []Rule

	// Words are operator vocabulary that must stay one token ("花呗",
	// "iPhone 15"); Synonyms are groups of interchangeable words, each
	// read as its group's first member.
	Words    []string
	Synonyms [][]string

	// Tokenizer, when set, is a tokenizer.json (Hugging Face format,
	// WordPiece or BPE model) whose subword pieces of non-Chinese words
	// join the word features. It can help with vocabulary the training
	// examples lack; measure before relying on it.
	Tokenizer []byte

	// Progress, when set, receives training progress. Calls never overlap.
	Progress func(Progress)
	// Workers bounds the goroutines training uses (default GOMAXPROCS).
	// Results do not depend on it.
	Workers int

	// Hidden is the hidden-layer width of each network (default 256).
	Hidden int
	// Epochs fixes the passes over the data. By default sets of some
	// hundreds of examples get 16, larger ones fewer (8 from 2,500
	// examples) and tiny ones more, so that every model sees enough
	// updates without fitting a few examples per intent too closely.
	Epochs int
	// MaxFeatures bounds the feature columns of each view, keeping those
	// in the most examples, so that memory stays bounded on large training
	// sets (learn.DefaultMaxColumns, 200,000, when zero; negative for no
	// bound).
	MaxFeatures int
}

// Progress describes how far training has come.
type Progress struct {
	// Stage names the step: "features", "train", "calibrate".
	Stage string
	// Done of Total units of work are finished.
	Done, Total int
}

// Score is an intent with its confidence.
type Score struct {
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
}

// Result is the outcome of classifying one text.
type Result struct {
	// Intent is the best intent, or "" when the text is out of scope.
	Intent string `json:"intent"`
	// Confidence in [0, 1] is the model's probability for the best intent
	// (1 for a rule match, 0 for empty input).
	Confidence float64 `json:"confidence"`
	// OutOfScope is true when no known intent fits: the confidence is below
	// the threshold, or the text is empty.
	OutOfScope bool `json:"out_of_scope"`
	// Ranked lists the best intents in decreasing confidence, including
	// the best one even when it is out of scope, so callers can offer
	// "did you mean…" choices.
	Ranked []Score `json:"ranked,omitempty"`
	// Rule is the name of the operator rule that decided, if any.
	Rule string `json:"rule,omitempty"`
}

// Model is a trained intent classifier. It is immutable and safe for
// concurrent use; retraining builds a new Model, which callers swap in
// (for example with atomic.Pointer).
type Model struct {
	intents   []string
	index     map[string]int
	an        *text.Analyzer
	ens       *learn.Ensemble
	threshold float32
	thrSource string
	rules     []*rule
	info      Info
	scratch   sync.Pool
}

// Info describes how a Model was trained.
type Info struct {
	// Intents is the number of intents, Examples the in-scope examples
	// trained on.
	Intents  int `json:"intents"`
	Examples int `json:"examples"`
	// Threshold is the out-of-scope threshold and ThresholdSource where it
	// came from: ThresholdFixed, ThresholdValidation,
	// ThresholdCrossValidation, ThresholdDefault or ThresholdDisabled.
	Threshold       float64 `json:"threshold"`
	ThresholdSource string  `json:"threshold_source"`
	// Warnings say where the data could not support tuning the threshold
	// (too few examples of a kind) and what was done instead.
	Warnings []string `json:"warnings,omitempty"`
	// Seed is the training seed.
	Seed uint64 `json:"seed"`
	// Features is the total number of feature columns over all views.
	Features int `json:"features"`
}

// defaultViews are the feature views an ensemble is built from: words
// with their neighbours, name classes, single Chinese characters and the
// clusters of words used alike; and character n-grams with the concepts of
// Chinese words. Networks over different views make different mistakes,
// so their average is better than either. The clusters matter most with
// a few examples per intent: they carry what one example says to the
// words of another.
var defaultViews = []text.FeatureConfig{
	{Words: true, Bigrams: true, Tags: true, HanMin: 1, HanMax: 1, Clusters: true},
	{CharMin: 2, CharMax: 5, HanMin: 1, HanMax: 3, Concepts: true},
}

// Network settings that work across datasets.
const (
	defaultHidden    = 256
	defaultLR        = 0.2
	defaultDropout   = 0.2
	defaultInDropout = 0.25
	defaultSmoothing = 0.1
	defaultTopN      = 5
	maxRuleCount     = 10000
)

// Train builds a Model from labelled examples.
func Train(ctx context.Context, examples []Example, o Options) (*Model, error) {
	an, err := text.New(text.Config{Words: o.Words, Synonyms: o.Synonyms})
	if err != nil {
		return nil, fmt.Errorf("intent: %w", err)
	}
	rules, err := compileRules(o.Rules)
	if err != nil {
		return nil, err
	}
	viewCfgs := slices.Clone(defaultViews)
	if len(o.Tokenizer) > 0 {
		sw, err := text.LoadSubwords(bytes.NewReader(o.Tokenizer))
		if err != nil {
			return nil, fmt.Errorf("intent: %w", err)
		}
		viewCfgs[0].Subwords = sw
	}

	// Split training examples into in-scope ones and out-of-scope ones.
	var in, oos []Example
	for i, e := range examples {
		if strings.TrimSpace(e.Intent) == "" {
			return nil, &ExampleError{Set: "training", Index: i, Msg: "empty intent"}
		}
		if !utf8.ValidString(e.Intent) {
			return nil, &ExampleError{Set: "training", Index: i, Msg: "intent is not valid UTF-8"}
		}
		if o.OutOfScope != "" && e.Intent == o.OutOfScope {
			oos = append(oos, e)
			continue
		}
		in = append(in, e)
	}
	if len(in) == 0 {
		return nil, ErrNoExamples
	}
	m := &Model{an: an, index: make(map[string]int), rules: rules}
	y := make([]int32, len(in))
	for i, e := range in {
		k, ok := m.index[e.Intent]
		if !ok {
			k = len(m.intents)
			m.index[e.Intent] = k
			m.intents = append(m.intents, e.Intent)
		}
		y[i] = int32(k)
	}
	if len(m.intents) < 2 {
		return nil, ErrOneIntent
	}
	for i, e := range o.Validation {
		if strings.TrimSpace(e.Intent) == "" {
			return nil, &ExampleError{Set: "validation", Index: i, Msg: "empty intent"}
		}
	}

	report := func(Progress) {}
	if o.Progress != nil {
		var mu sync.Mutex
		report = func(p Progress) {
			mu.Lock()
			defer mu.Unlock()
			o.Progress(p)
		}
	}

	// Analyze once; every view reads the same tokens.
	toks := make([][]text.Token, len(in))
	for i, e := range in {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			report(Progress{Stage: "features", Done: i, Total: len(in)})
		}
		toks[i] = an.Analyze(clip(e.Text))
	}
	report(Progress{Stage: "features", Done: len(in), Total: len(in)})

	hidden := o.Hidden
	if hidden <= 0 {
		hidden = defaultHidden
	}
	cfg := learn.EnsembleConfig{
		Views: viewCfgs,
		Net: learn.MLPConfig{
			Hidden: hidden, Epochs: o.Epochs, LR: defaultLR, Dropout: defaultDropout,
			InputDropout: defaultInDropout, Smoothing: defaultSmoothing, Seed: o.Seed,
		},
		Workers:    o.Workers,
		MaxColumns: o.MaxFeatures,
		Progress: func(done, total int) {
			report(Progress{Stage: "train", Done: done, Total: total})
		},
	}
	ens, err := learn.TrainEnsemble(ctx, toks, y, len(m.intents), cfg)
	if err != nil {
		return nil, err
	}
	m.ens = ens

	// The out-of-scope threshold.
	var warnings []string
	switch {
	case o.Threshold < 0:
		m.threshold, m.thrSource = 0, ThresholdDisabled
	case o.Threshold > 0:
		m.threshold, m.thrSource = float32(min(o.Threshold, 1)), ThresholdFixed
	default:
		cfg.Progress = nil
		c, err := m.calibrate(ctx, calibrateInput{
			toks: toks, y: y, cfg: cfg, val: o.Validation, oos: oos, oosLabel: o.OutOfScope, seed: o.Seed,
			progress: func(done, total int) { report(Progress{Stage: "calibrate", Done: done, Total: total}) },
		})
		if err != nil {
			return nil, err
		}
		m.threshold, m.thrSource, warnings = c.threshold, c.source, c.warnings
	}
	m.info = Info{
		Intents: len(m.intents), Examples: len(in), Threshold: float64(m.threshold),
		ThresholdSource: m.thrSource, Warnings: warnings, Seed: o.Seed, Features: ens.Features(),
	}
	return m, nil
}

// clip cuts s to at most MaxInputBytes at a character boundary.
func clip(s string) string {
	if len(s) <= MaxInputBytes {
		return s
	}
	i := MaxInputBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// scratch holds per-call buffers.
type scratch struct {
	toks []text.Token
	ens  *learn.Scratch
	sum  []float32
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.scratch.Get().(*scratch); ok {
		return s
	}
	return &scratch{ens: m.ens.NewScratch(), sum: make([]float32, len(m.intents))}
}

// probs fills s.sum with the ensemble's class probabilities for text.
// It reports false when the text has no content to classify.
func (m *Model) probs(s *scratch, txt string) bool {
	s.toks = m.an.AppendTokens(s.toks[:0], clip(txt))
	if len(s.toks) == 0 {
		return false
	}
	m.ens.Probs(s.toks, s.ens, s.sum)
	return true
}

// Classify returns the intent of text with the five best intents ranked.
// The only error is ctx's, when it is done before the work starts: a
// model classifies in microseconds and never blocks.
func (m *Model) Classify(ctx context.Context, txt string) (Result, error) {
	return m.ClassifyTop(ctx, txt, defaultTopN)
}

// ClassifyTop is Classify with the n best intents in Result.Ranked (none
// when n <= 0; Intent and Confidence are set all the same).
func (m *Model) ClassifyTop(ctx context.Context, txt string, n int) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return m.classifyTop(txt, n), nil
}

func (m *Model) classifyTop(txt string, n int) Result {
	if r, ok := m.matchRules(txt); ok {
		return r
	}
	s := m.getScratch()
	defer m.scratch.Put(s)
	if !m.probs(s, txt) {
		return Result{OutOfScope: true}
	}
	best := topN(s.sum, max(n, 1), m.intents)[0]
	res := Result{Ranked: topN(s.sum, n, m.intents), Confidence: best.Confidence}
	if float32(best.Confidence) >= m.threshold {
		res.Intent = best.Intent
	} else {
		res.OutOfScope = true
	}
	return res
}

// topN returns the n highest-scoring intents in decreasing order; ties go
// to the intent seen first in training.
func topN(p []float32, n int, names []string) []Score {
	n = min(n, len(p))
	if n <= 0 {
		return nil
	}
	idx := make([]int, 0, n+1)
	for k, x := range p {
		if len(idx) == n && x <= p[idx[n-1]] {
			continue
		}
		pos := len(idx)
		for pos > 0 && x > p[idx[pos-1]] {
			pos--
		}
		idx = slices.Insert(idx, pos, k)
		if len(idx) > n {
			idx = idx[:n]
		}
	}
	out := make([]Score, len(idx))
	for i, k := range idx {
		out[i] = Score{Intent: names[k], Confidence: float64(p[k])}
	}
	return out
}

// Intents returns the intents the model knows, in training order.
func (m *Model) Intents() []string { return slices.Clone(m.intents) }

// Info describes how the model was trained.
func (m *Model) Info() Info { return m.info }

// Threshold returns the confidence below which a text is out of scope.
func (m *Model) Threshold() float64 { return float64(m.threshold) }

// WithThreshold returns a model that shares m's networks but uses
// threshold t (0 disables out-of-scope detection).
func (m *Model) WithThreshold(t float64) *Model {
	c := &Model{intents: m.intents, index: m.index, an: m.an, ens: m.ens, rules: m.rules, info: m.info}
	c.threshold = float32(min(max(t, 0), 1))
	c.thrSource = ThresholdFixed
	if t <= 0 {
		c.thrSource = ThresholdDisabled
	}
	c.info.Threshold, c.info.ThresholdSource, c.info.Warnings = float64(c.threshold), c.thrSource, nil
	return c
}

// WordPieceTokenizer converts a WordPiece vocabulary (a vocab.txt with one
// piece per line, as BERT models ship it) to the tokenizer.json that
// Options.Tokenizer takes.
func WordPieceTokenizer(vocab io.Reader) ([]byte, error) {
	b, err := text.WordPieceVocab(vocab)
	if err != nil {
		return nil, fmt.Errorf("intent: %w", err)
	}
	return b, nil
}
