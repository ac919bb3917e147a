package learn_test

import (
	"context"
	"fmt"

	"github.com/kefuai/kefu/internal/learn"
	"github.com/kefuai/kefu/internal/text"
)

func ExampleTrainMLP() {
	a, err := text.New(text.Config{})
	if err != nil {
		panic(err)
	}
	docs := []string{"我要退款", "退钱", "refund please", "快递到哪了", "查物流", "where is my parcel"}
	y := []int32{0, 0, 0, 1, 1, 1}
	fc := text.FeatureConfig{Words: true, HanMin: 1, HanMax: 1}
	feats := make([][]text.Feature, len(docs))
	for i, d := range docs {
		feats[i] = fc.AppendFeatures(nil, a.Analyze(d))
	}
	voc := learn.BuildVocab(feats, 1, 0)
	X := make([]learn.Vector, len(docs))
	for i, f := range feats {
		X[i] = voc.Vectorize(learn.Vector{}, f)
	}
	m, err := learn.TrainMLP(context.Background(), X, y, 2, voc.Size(), learn.MLPConfig{Hidden: 16, Epochs: 200, Seed: 1})
	if err != nil {
		panic(err)
	}
	q := voc.Vectorize(learn.Vector{}, fc.AppendFeatures(nil, a.Analyze("退款")))
	p := m.Probs(q, make([]float32, m.H), make([]float32, m.K))
	fmt.Println(p[0] > p[1])
	// Output: true
}
