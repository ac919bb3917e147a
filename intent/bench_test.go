package intent

import (
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
				m.Classify(in.text)
			}
		})
	}
}

func BenchmarkClassifyParallel(b *testing.B) {
	m := trainedModel(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Classify("我上周买的东西到现在还没发货，帮我查一下")
		}
	})
}
