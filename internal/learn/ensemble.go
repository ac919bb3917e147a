package learn

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/kefuai/kefu/internal/text"
)

// View is one feature view of an Ensemble: which features to take from the
// tokens, their vocabulary, and the network trained on them.
type View struct {
	Features text.FeatureConfig
	Vocab    *Vocab
	Net      *MLP
}

// Ensemble averages the class probabilities of networks trained on
// different feature views of the same tokens. It is immutable once
// trained and safe for concurrent use.
type Ensemble struct {
	// K is the number of classes.
	K     int
	Views []*View
}

// EnsembleConfig configures TrainEnsemble.
type EnsembleConfig struct {
	// Views are the feature views, one network each.
	Views []text.FeatureConfig
	// Net configures every network; its Seed is combined with the view's
	// position, and Epochs, when 0, is chosen from the data size.
	Net MLPConfig
	// Workers bounds how many networks train at once (GOMAXPROCS).
	Workers int
	// MaxColumns bounds each view's vocabulary, keeping the features that
	// occur in the most examples (DefaultMaxColumns when zero; negative
	// for no bound). A network's memory grows with it: columns × hidden
	// units × 4 bytes.
	MaxColumns int
	// Progress, when set, is called after every epoch of every network
	// with the epochs done and the total; calls never overlap.
	Progress func(done, total int)
}

// DefaultMaxColumns is the default bound on a view's vocabulary: about
// 200 MB of input weights per view at 256 hidden units.
const DefaultMaxColumns = 200000

// Epoch policy: smaller training sets get more passes, so that a network
// sees about minUpdates examples, but at most fewShotEpochs: with a few
// examples per class, more passes only fit those examples more closely
// (on validation data of three intent sets, 5 examples per intent, 12–20
// passes beat the 50–130 that minUpdates asks). Tiny sets still get
// minSteps updates in all.
const (
	minUpdates    = 20000
	minEpochs     = 8
	fewShotEpochs = 16
	minSteps      = 1600
	maxEpochs     = 200
)

// EpochsFor returns the default number of epochs for n training examples.
func EpochsFor(n int) int {
	if n <= 0 {
		return minEpochs
	}
	e := min(max(ceilDiv(minUpdates, n), minEpochs), fewShotEpochs)
	return min(max(e, ceilDiv(minSteps, n)), maxEpochs)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// TrainEnsemble trains one network per view on the analyzed examples toks
// with classes y in [0, k). The result depends only on the data and the
// configuration's seed, not on Workers.
func TrainEnsemble(ctx context.Context, toks [][]text.Token, y []int32, k int, cfg EnsembleConfig) (*Ensemble, error) {
	if len(toks) == 0 || len(toks) != len(y) {
		return nil, errors.New("learn: no training data")
	}
	net := cfg.Net
	if net.Epochs <= 0 {
		net.Epochs = EpochsFor(len(toks))
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	e := &Ensemble{K: k, Views: make([]*View, len(cfg.Views))}
	var (
		wg       sync.WaitGroup
		errs     = make([]error, len(cfg.Views))
		sem      = make(chan struct{}, workers)
		mu       sync.Mutex
		epochsIn = make([]int, len(cfg.Views))
	)
	// Views with the same features share one vocabulary and one set of
	// vectors: they differ only in their networks' seeds.
	type data struct {
		voc *Vocab
		X   []Vector
	}
	shared := make([]*data, len(cfg.Views))
	for vi, fc := range cfg.Views {
		for j := range vi {
			if cfg.Views[j] == fc {
				shared[vi] = shared[j]
				break
			}
		}
		if shared[vi] != nil {
			continue
		}
		d := &data{}
		shared[vi] = d
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			docs := make([][]text.Feature, len(toks))
			for i, t := range toks {
				docs[i] = fc.AppendFeatures(nil, t)
			}
			maxCols := cfg.MaxColumns
			if maxCols == 0 {
				maxCols = DefaultMaxColumns
			}
			d.voc = BuildVocab(docs, 1, max(maxCols, 0))
			d.X = make([]Vector, len(docs))
			for i, doc := range docs {
				d.X[i] = d.voc.Vectorize(Vector{}, doc)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for vi, fc := range cfg.Views {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d := shared[vi]
			nc := net
			nc.Seed = net.Seed*1000003 + uint64(vi)
			nc.Progress = nil
			if cfg.Progress != nil {
				nc.Progress = func(done, _ int) {
					mu.Lock()
					defer mu.Unlock()
					epochsIn[vi] = done
					sum := 0
					for _, d := range epochsIn {
						sum += d
					}
					cfg.Progress(sum, net.Epochs*len(cfg.Views))
				}
			}
			m, err := TrainMLP(ctx, d.X, y, k, d.voc.Size(), nc)
			if err != nil {
				errs[vi] = err
				return
			}
			e.Views[vi] = &View{Features: fc, Vocab: d.voc, Net: m}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return e, nil
}

// Scratch holds the buffers of one Probs call; get one with NewScratch and
// do not share it between goroutines.
type Scratch struct {
	feats []text.Feature
	vecs  []Vector // per view; views with the same features and vocabulary share the first's
	h, p  []float32
}

// NewScratch returns buffers sized for e.
func (e *Ensemble) NewScratch() *Scratch {
	h := 0
	for _, v := range e.Views {
		h = max(h, v.Net.H)
	}
	return &Scratch{vecs: make([]Vector, len(e.Views)), h: make([]float32, h), p: make([]float32, e.K)}
}

// Probs writes the averaged class probabilities of toks into out (len K)
// and returns it.
func (e *Ensemble) Probs(toks []text.Token, s *Scratch, out []float32) []float32 {
	out = out[:e.K]
	clear(out)
	w := 1 / float32(len(e.Views))
	if len(s.vecs) < len(e.Views) {
		s.vecs = make([]Vector, len(e.Views))
	}
	for i, v := range e.Views {
		vi := i
		for j := range i {
			if e.Views[j].Features == v.Features && e.Views[j].Vocab == v.Vocab {
				vi = j
				break
			}
		}
		if vi == i {
			s.feats = v.Features.AppendFeatures(s.feats[:0], toks)
			s.vecs[i] = v.Vocab.Vectorize(s.vecs[i], s.feats)
		}
		p := v.Net.Probs(s.vecs[vi], s.h, s.p)
		for k, x := range p {
			out[k] += w * x
		}
	}
	return out
}

// Features returns the total number of feature columns over all views.
func (e *Ensemble) Features() int {
	n := 0
	for _, v := range e.Views {
		n += v.Vocab.Size()
	}
	return n
}
