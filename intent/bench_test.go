package intent

import (
	"context"
	"testing"
)

func BenchmarkClassify(b *testing.B) {
	m := trainedModel(b)
	for _, in := range []struct{ name, text string }{
		{"zh", "我上周买的东西到现在还没发货，帮我查一下"},
		{"en", "when will my order finally arrive at my house"},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				must(m.Classify(bg, in.text))
			}
		})
	}
}

func BenchmarkClassifyParallel(b *testing.B) {
	m := trainedModel(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			must(m.Classify(bg, "我上周买的东西到现在还没发货，帮我查一下"))
		}
	})
}

// BenchmarkTrainThreshold measures what choosing the out-of-scope
// threshold adds to training on a small set (100 examples of 10 intents):
// a fixed threshold (no tuning), the default checked by cross-validation
// (no out-of-scope examples), and tuning on out-of-scope examples.
func BenchmarkTrainThreshold(b *testing.B) {
	train := readTestdata(b, "train.tsv")
	oos := readTestdata(b, "oos_train.tsv")
	for _, c := range []struct {
		name string
		ex   []Example
		opts Options
	}{
		{"fixed", train, Options{Seed: 1, Threshold: 0.3}},
		{"default", train, Options{Seed: 1}},
		{"oos", append(train[:len(train):len(train)], oos...), Options{Seed: 1, OutOfScope: "oos"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Train(context.Background(), c.ex, c.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
