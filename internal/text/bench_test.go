package text

import (
	"compress/gzip"
	"runtime"
	"strings"
	"testing"
)

var benchInputs = []struct{ name, text string }{
	{"en", "I'd like to check the status of my order, it hasn't arrived yet"},
	{"zh", "我上周买的手机到现在还没有发货，能帮我查一下订单吗"},
	{"mixed", "我的iPhone 15充不进电了，how do I get a refund？"},
	{"zh-hant", "我上週買的手機到現在還沒有發貨，能幫我查一下訂單嗎"},
}

func BenchmarkAnalyze(b *testing.B) {
	a := defaultAnalyzer(b)
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.text)))
			b.ReportAllocs()
			var buf []Token
			for b.Loop() {
				buf = a.AppendTokens(buf[:0], in.text)
			}
		})
	}
}

func BenchmarkFeatures(b *testing.B) {
	a := defaultAnalyzer(b)
	for _, in := range benchInputs {
		toks := a.Analyze(in.text)
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.text)))
			b.ReportAllocs()
			buf := DefaultFeatures.AppendFeatures(nil, toks) // loads the concept table
			for b.Loop() {
				buf = DefaultFeatures.AppendFeatures(buf[:0], toks)
			}
		})
	}
}

// BenchmarkLoadZhDict measures loading the embedded Chinese dictionary,
// done once per process, and reports the heap it keeps (MB/dict).
func BenchmarkLoadZhDict(b *testing.B) {
	b.ReportAllocs()
	var kept float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		zr, err := gzip.NewReader(strings.NewReader(zhDictGz))
		if err != nil {
			b.Fatal(err)
		}
		d, err := parseZhDict(zr, 100000)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		kept = float64(after.HeapAlloc-before.HeapAlloc) / 1e6
		runtime.KeepAlive(d)
	}
	b.ReportMetric(kept, "MB/dict")
}

// BenchmarkSegment measures the dictionary cut alone on a run of Han
// characters.
func BenchmarkSegment(b *testing.B) {
	d, err := zhDictionary()
	if err != nil {
		b.Fatal(err)
	}
	run := "我上周买的手机到现在还没有发货能帮我查一下订单吗"
	b.SetBytes(int64(len(run)))
	b.ReportAllocs()
	var buf []zhWord
	for b.Loop() {
		buf = d.segment(buf[:0], run)
	}
}
