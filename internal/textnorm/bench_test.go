package textnorm

import "testing"

var benchInputs = []struct{ name, text string }{
	{"en", "I'd like to check the status of my order, it hasn't arrived yet"},
	{"zh", "我上周买的手机到现在还没有发货，能帮我查一下订单吗"},
	{"mixed", "我的iPhone 15充不进电了，how do I get a refund？"},
	{"zh-hant", "我上週買的手機到現在還沒有發貨，能幫我查一下訂單嗎"},
}

// BenchmarkNormalize measures normalization with the conversion of
// traditional characters ("convert") against the same normalization
// without it ("plain"), on the same inputs.
func BenchmarkNormalize(b *testing.B) {
	Normalize("頭") // loads the table
	for _, in := range benchInputs {
		for _, mode := range []struct {
			name    string
			convert bool
		}{{"plain", false}, {"convert", true}} {
			b.Run(in.name+"/"+mode.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.text)))
				b.ReportAllocs()
				for b.Loop() {
					normalize(in.text, mode.convert)
				}
			})
		}
	}
}

// BenchmarkConvert measures the conversion pass alone, on text already
// normalized.
func BenchmarkConvert(b *testing.B) {
	tab := t2s()
	n := normalize(benchInputs[3].text, false)
	b.SetBytes(int64(len(n.Text)))
	b.ReportAllocs()
	for b.Loop() {
		tab.convert(n)
	}
}

// BenchmarkLoadT2S measures parsing the embedded table, done once per
// process at the first Chinese text.
func BenchmarkLoadT2S(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseT2S(t2sTxt); err != nil {
			b.Fatal(err)
		}
	}
}
