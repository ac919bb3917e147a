package learn

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kefuai/kefu/internal/text"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVocab(t *testing.T) {
	docs := [][]text.Feature{
		{{Hash: 1, Count: 1}, {Hash: 2, Count: 3}},
		{{Hash: 1, Count: 1}, {Hash: 3, Count: 1}},
	}
	v := BuildVocab(docs, 1, 0)
	require.Equal(t, 3, v.Size())
	assert.Equal(t, []uint64{1, 2, 3}, v.Hashes(), "columns in first-seen order")
	// Smoothed IDF: ln((1+n)/(1+df)) + 1.
	assert.InDelta(t, math.Log(3.0/3)+1, v.IDF()[0], 1e-6)
	assert.InDelta(t, math.Log(3.0/2)+1, v.IDF()[1], 1e-6)

	x := v.Vectorize(Vector{}, []text.Feature{{Hash: 3, Count: 1}, {Hash: 2, Count: 3}, {Hash: 99, Count: 1}})
	assert.Equal(t, []int32{2, 1}, x.Idx, "in input order, unknown features dropped")
	assert.InDelta(t, 1, x.Norm(), 1e-6)
	// Sublinear TF: feature 2 has tf 1+ln 3 against 1 for feature 3.
	assert.InDelta(t, 1+math.Log(3), x.Val[1]/x.Val[0], 1e-5)

	assert.Equal(t, 1, BuildVocab(docs, 2, 0).Size(), "minDF drops rare features")
	assert.Equal(t, 1, BuildVocab(docs, 1, 2).Size(), "a column bound keeps the most frequent; ties at the cut go")
	assert.Equal(t, 3, BuildVocab(docs, 1, 3).Size())
	again := NewVocab(v.Hashes(), v.IDF(), true)
	assert.Equal(t, x, again.Vectorize(Vector{}, []text.Feature{{Hash: 3, Count: 1}, {Hash: 2, Count: 3}}))
	assert.Zero(t, v.Vectorize(Vector{}, nil).Len())
}

// blobs makes k classes, each marked by its own features plus noise shared
// by all classes.
func blobs(n, k, d int, seed uint64) ([]Vector, []int32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var X []Vector
	var y []int32
	for i := range n {
		c := i % k
		vals := map[int32]float32{int32(c): 1, int32(k + rng.IntN(d-k)): 1, int32(k + rng.IntN(d-k)): 1}
		var v Vector
		for j := range int32(d) {
			if x, ok := vals[j]; ok {
				v.Idx = append(v.Idx, j)
				v.Val = append(v.Val, x)
			}
		}
		v.Normalize()
		X = append(X, v)
		y = append(y, int32(c))
	}
	return X, y
}

func TestMLPLearns(t *testing.T) {
	X, y := blobs(300, 5, 40, 1)
	m, err := TrainMLP(context.Background(), X, y, 5, 40, MLPConfig{Hidden: 16, Epochs: 20, Seed: 1})
	require.NoError(t, err)
	h, p := make([]float32, 16), make([]float32, 5)
	right := 0
	Xt, yt := blobs(100, 5, 40, 2)
	for i, x := range Xt {
		m.Probs(x, h, p)
		var sum float32
		best := 0
		for k, v := range p {
			sum += v
			if v > p[best] {
				best = k
			}
		}
		assert.InDelta(t, 1, sum, 1e-4)
		if int32(best) == yt[i] {
			right++
		}
	}
	assert.GreaterOrEqual(t, right, 95)
}

func TestMLPDeterministicAndCancellable(t *testing.T) {
	X, y := blobs(100, 4, 30, 3)
	cfg := MLPConfig{Hidden: 8, Epochs: 3, Seed: 9, InputDropout: 0.2, Smoothing: 0.1}
	a, err := TrainMLP(context.Background(), X, y, 4, 30, cfg)
	require.NoError(t, err)
	b, err := TrainMLP(context.Background(), X, y, 4, 30, cfg)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	cfg.Seed++
	c, err := TrainMLP(context.Background(), X, y, 4, 30, cfg)
	require.NoError(t, err)
	assert.NotEqual(t, a.W, c.W)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = TrainMLP(ctx, X, y, 4, 30, cfg)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestVecMath(t *testing.T) {
	y := []float32{1, 2, 3, 4, 5}
	axpy(y, 2, []float32{1, 1, 1, 1, 1, 9})
	assert.Equal(t, []float32{3, 4, 5, 6, 7}, y)
	assert.Equal(t, float32(1+4+9+16+25), dot([]float32{1, 2, 3, 4, 5}, []float32{1, 2, 3, 4, 5}))
	z := []float32{1000, 1000, 0}
	softmax(z)
	assert.InDelta(t, 0.5, z[0], 1e-6, "softmax is stable for large logits")
	assert.InDelta(t, 0, z[2], 1e-6)
}

func TestKernelsMatchGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for n := 0; n < 300; n++ {
		x := make([]float32, n+3)
		y := make([]float32, n)
		for i := range x {
			x[i] = rng.Float32()*2 - 1
		}
		for i := range y {
			y[i] = rng.Float32()*2 - 1
		}
		y1, y2 := append([]float32(nil), y...), append([]float32(nil), y...)
		axpy(y1, 0.7, x)
		axpyGeneric(y2, 0.7, x)
		for i := range y1 {
			assert.InDelta(t, y2[i], y1[i], 1e-5, "axpy n=%d i=%d", n, i)
		}
		assert.InDelta(t, dotGeneric(y, x), dot(y, x), 1e-3, "dot n=%d", n)
	}
}

func TestEnsembleSharesEqualViews(t *testing.T) {
	an, err := text.New(text.Config{})
	require.NoError(t, err)
	texts := map[int32][]string{
		0: {"怎么申请退款", "我要退钱", "退款多久到账"},
		1: {"快递到哪了", "物流太慢了", "什么时候发货"},
		2: {"how do I reset my password", "forgot password", "can't log in"},
	}
	var toks [][]text.Token
	var y []int32
	for k := range int32(3) {
		for _, s := range texts[k] {
			toks = append(toks, an.Analyze(s))
			y = append(y, k)
		}
	}
	words := text.FeatureConfig{Words: true, HanMin: 1, HanMax: 1}
	chars := text.FeatureConfig{CharMin: 2, CharMax: 4, HanMin: 1, HanMax: 2, Concepts: true}
	e, err := TrainEnsemble(context.Background(), toks, y, 3, EnsembleConfig{
		Views: []text.FeatureConfig{words, chars, words},
		Net:   MLPConfig{Hidden: 16, Epochs: 5, Seed: 1},
	})
	require.NoError(t, err)
	require.Len(t, e.Views, 3)
	assert.Same(t, e.Views[0].Vocab, e.Views[2].Vocab, "equal views share one vocabulary")
	assert.NotSame(t, e.Views[0].Vocab, e.Views[1].Vocab)
	assert.NotEqual(t, e.Views[0].Net.E, e.Views[2].Net.E, "but not their networks")

	// Probs reuses the shared view's vector; the result is the average of
	// each view's own probabilities.
	q := an.Analyze("退款什么时候到")
	got := e.Probs(q, e.NewScratch(), make([]float32, 3))
	want := make([]float32, 3)
	for _, v := range e.Views {
		vec := v.Vocab.Vectorize(Vector{}, v.Features.AppendFeatures(nil, q))
		for k, p := range v.Net.Probs(vec, make([]float32, v.Net.H), make([]float32, 3)) {
			want[k] += p / 3
		}
	}
	assert.InDeltaSlice(t, want, got, 1e-6)
}

func TestEpochsFor(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{0, 8}, {-1, 8},
		{5, 200}, {10, 160}, {50, 32}, // tiny sets: about 1,600 updates in all
		{100, 16}, {385, 16}, {1000, 16}, // a few examples per intent: 16 passes, no more
		{1600, 13}, {2500, 8}, {15000, 8}, // large sets: about 20,000 updates, at least 8 passes
	} {
		assert.Equal(t, c.want, EpochsFor(c.n), "n=%d", c.n)
	}
}
