package kb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/kefuai/kefu/internal/learn"
	"github.com/kefuai/kefu/internal/text"
)

// LearnOptions configures a [Learner]. The zero value is ready to use.
type LearnOptions struct {
	// Words and Synonyms must be the index's, so that both see the same
	// tokens.
	Words    []string
	Synonyms [][]string
	// Weight is the share of the learned probability in a hit's
	// confidence; the rest is the lexical confidence. 0 means 0.7. The
	// ranking (a hit's Score) gives the lexical confidence a third of
	// that remaining share: see [Learner.Rerank].
	Weight float64
	// MaxEntries bounds the knowledge base size the Learner trains on;
	// beyond it the Learner leaves the lexical ranking alone, because
	// training time grows with the number of entries. 0 means 3000.
	MaxEntries int
	// MinEntries is the least knowledge base size the Learner trains on;
	// 0 means 10. Over a handful of entries a classifier is sure of one of
	// them whatever the question, which would turn unrelated questions
	// into confident answers; the lexical ranking alone is safer there.
	MinEntries int
	// Seed makes training deterministic.
	Seed uint64
	// Cache, when set, names a file where the Learner keeps its last
	// trained model. Training on the same entries (the same questions,
	// versions and settings, and the same kefu tables) loads the model from
	// it instead of training again, so a restarted bot ranks with its
	// learned model at once. A damaged or stale file is trained over.
	Cache string
}

// Learner is a [Reranker] that learns from the entries themselves: it
// trains a classifier whose classes are the entries and whose training
// examples are each entry's standard and similar questions (the way a
// response selector learns), and blends its probability for each lexical
// candidate with the lexical confidence. It also proposes the entries it
// finds most probable that the lexical search missed, with a lexical
// confidence of 0. Its features include the meanings of Chinese words
// (WordNet concepts), so a query worded unlike any of an entry's
// questions ("牛排怎么煎" for an entry that knows "红烧肉怎么做") still
// finds it.
//
// Train builds a new model and swaps it in atomically; searches use the
// last trained model; entries added or edited since it was trained keep
// their lexical confidence and are not proposed. A Learner is safe for
// concurrent use.
type Learner struct {
	an     *text.Analyzer
	weight float64
	max    int
	min    int
	seed   uint64
	cache  string
	cur    atomic.Pointer[learned]
	train  sync.Mutex
	pool   sync.Pool
}

type learned struct {
	ens *learn.Ensemble
	idx map[string]int
	// ents are the entries trained on, by class: the Learner proposes
	// those the lexical search missed, and a hit of another version than
	// its entry's here (edited since) keeps its lexical confidence.
	ents []Entry
	gen  uint64
}

// learnViews are the feature views of the entry classifier: the intent
// classifier's two, each learned twice from different seeds. With a
// handful of questions per entry one network's ranking depends much on its
// seed; the average of two is steadier.
var learnViews = []text.FeatureConfig{
	{Words: true, Bigrams: true, Tags: true, HanMin: 1, HanMax: 1, Clusters: true},
	{CharMin: 2, CharMax: 5, HanMin: 1, HanMax: 3, Concepts: true},
	{Words: true, Bigrams: true, Tags: true, HanMin: 1, HanMax: 1, Clusters: true},
	{CharMin: 2, CharMax: 5, HanMin: 1, HanMax: 3, Concepts: true},
}

// The entry classifier's networks are trained for fewer epochs than the
// intent classifier's: an entry has a few questions, and longer training
// only fits them more closely.
const (
	learnHidden    = 256
	learnMaxEpochs = 20
)

// rankLexical is the share of the lexical confidence in a hit's Score,
// relative to its share in Confidence. With a few questions per entry the
// lexical match is a weaker guide to which entry is right than to whether
// any is: ranking with a smaller share of it was better on validation
// data, while a smaller share in the confidence let more out-of-scope
// queries through the default threshold.
const rankLexical = 1.0 / 3

// NewLearner returns a Learner with no model yet: until Train succeeds,
// Rerank returns the lexical ranking unchanged.
func NewLearner(opts LearnOptions) (*Learner, error) {
	an, err := text.New(text.Config{Words: opts.Words, Synonyms: opts.Synonyms})
	if err != nil {
		return nil, fmt.Errorf("kb: %w", err)
	}
	w := cmp.Or(opts.Weight, 0.7)
	if w < 0 || w > 1 {
		return nil, fmt.Errorf("kb: learner weight %v outside [0, 1]", w)
	}
	return &Learner{an: an, weight: w, max: cmp.Or(opts.MaxEntries, 3000),
		min: max(cmp.Or(opts.MinEntries, 10), 2), seed: opts.Seed, cache: opts.Cache}, nil
}

// generation returns the index generation of the entries the last
// training saw, and false before the first training.
func (l *Learner) generation() (uint64, bool) {
	m := l.cur.Load()
	if m == nil {
		return 0, false
	}
	return m.gen, true
}

// Train trains a model on the enabled entries and makes it current.
// With fewer than MinEntries enabled entries, or more than MaxEntries, there is no
// model and Rerank passes the lexical ranking through. Calls are
// serialized; a cancelled ctx stops training and keeps the old model.
func (l *Learner) Train(ctx context.Context, entries []Entry) error {
	return l.trainGen(ctx, entries, 0)
}

// trainGen is Train recording which index generation the entries came from,
// so that a Base can tell when its learner is stale.
func (l *Learner) trainGen(ctx context.Context, entries []Entry, gen uint64) error {
	l.train.Lock()
	defer l.train.Unlock()
	enabled := 0
	for _, e := range entries {
		if !e.Disabled {
			enabled++
		}
	}
	if enabled < l.min || enabled > l.max {
		l.cur.Store(&learned{gen: gen})
		return nil
	}
	var toks [][]text.Token
	var y []int32
	idx := map[string]int{}
	var ents []Entry
	for _, e := range entries {
		if e.Disabled {
			continue
		}
		k := len(idx)
		idx[e.ID] = k
		ents = append(ents, e)
		for _, q := range e.Questions() {
			if t := l.an.Analyze(q); len(t) > 0 {
				toks = append(toks, t)
				y = append(y, int32(k))
			}
		}
	}
	if len(toks) == 0 {
		l.cur.Store(&learned{gen: gen})
		return nil
	}
	cfg := learn.EnsembleConfig{
		Views: learnViews,
		Net: learn.MLPConfig{Hidden: learnHidden, Epochs: min(learn.EpochsFor(len(toks)), learnMaxEpochs),
			LR: 0.2, Dropout: 0.2, InputDropout: 0.25, Smoothing: 0.1, Seed: l.seed},
	}
	var key [32]byte
	var keyErr error
	if l.cache != "" {
		key, keyErr = l.cacheKey(cfg, ents, toks, y)
		if keyErr == nil {
			if ens, err := readLearnCache(l.cache, key); err == nil && ens.K == len(idx) {
				l.cur.Store(&learned{ens: ens, idx: idx, ents: ents, gen: gen})
				return nil
			}
		}
	}
	ens, err := learn.TrainEnsemble(ctx, toks, y, len(idx), cfg)
	if err != nil {
		return fmt.Errorf("kb: training the learner: %w", err)
	}
	l.cur.Store(&learned{ens: ens, idx: idx, ents: ents, gen: gen})
	if l.cache != "" {
		err := keyErr
		if err == nil {
			err = writeLearnCache(l.cache, key, ens)
		}
		if err != nil {
			return fmt.Errorf("%w: %w", errLearnCache, err)
		}
	}
	return nil
}

type learnScratch struct {
	s         *learn.Scratch
	p         []float32
	seen, top []int32
}

// proposals is how many entries beyond the lexical candidates the
// Learner adds to a search's hits: its most probable ones.
const proposals = 10

// Rerank blends the learned probability p of each candidate's entry with
// its lexical confidence c: Confidence becomes Weight·p + (1−Weight)·c and
// Score, which orders the hits, leans further on p, with c at a third of
// that weight: (1−Weight)/3.
func (l *Learner) Rerank(ctx context.Context, query string, hits []Hit) ([]Hit, error) {
	if m := l.cur.Load(); m == nil || m.ens == nil {
		return hits, nil // no model: no need to analyze the query
	}
	return l.rerankTokens(ctx, l.an.Analyze(query), hits)
}

func (l *Learner) analyzer() *text.Analyzer { return l.an }

// rerankTokens is Rerank for a query already analyzed by an analyzer of
// the Learner's configuration.
func (l *Learner) rerankTokens(ctx context.Context, toks []text.Token, hits []Hit) ([]Hit, error) {
	m := l.cur.Load()
	if m == nil || m.ens == nil || len(toks) == 0 {
		return hits, nil
	}
	sc, _ := l.pool.Get().(*learnScratch)
	if sc == nil || len(sc.p) != m.ens.K {
		sc = &learnScratch{s: m.ens.NewScratch(), p: make([]float32, m.ens.K)}
	}
	defer l.pool.Put(sc)
	p := m.ens.Probs(toks, sc.s, sc.p)
	lw := (1 - l.weight) * rankLexical
	seen := sc.seen[:0]
	for i := range hits {
		h := &hits[i]
		// Entries added or edited since training are judged lexically
		// until the next training: the model knows nothing of them.
		if k, ok := m.idx[h.Entry.ID]; ok && m.ents[k].Version == h.Entry.Version {
			lex := h.Confidence
			h.Confidence = l.weight*float64(p[k]) + (1-l.weight)*lex
			h.Score = (1-lw)*float64(p[k]) + lw*lex
			seen = append(seen, int32(k))
		} else {
			h.Score = h.Confidence
		}
	}
	// The entries the model likes best but the lexical search missed
	// (the query shares no term with their questions) join with a
	// lexical confidence of 0; the index drops any edited since.
	slices.Sort(seen)
	top := sc.top[:0]
	for k, pk := range p {
		if _, found := slices.BinarySearch(seen, int32(k)); found {
			continue
		}
		if len(top) < proposals {
			top = append(top, int32(k))
			continue
		}
		weakest := 0
		for i, t := range top {
			if p[t] < p[top[weakest]] {
				weakest = i
			}
		}
		if pk > p[top[weakest]] {
			top[weakest] = int32(k)
		}
	}
	for _, k := range top {
		hits = append(hits, Hit{Entry: m.ents[k], Score: (1 - lw) * float64(p[k]), Confidence: l.weight * float64(p[k])})
	}
	sc.seen, sc.top = seen, top
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	return hits, nil
}
