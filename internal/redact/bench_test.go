package redact

import (
	"strings"
	"testing"
)

var benchTexts = map[string]string{
	"clean_zh":  "你好，我上周买的那件外套尺码不对，想换一件大一号的，请问怎么操作？运费谁出？",
	"pii_zh":    "我叫张三，手机 138-1234-5678，身份证 11010519491231002X，邮箱 zhangsan@example.com，订单2024112712345678",
	"clean_en":  "Hello, I bought a jacket last week and the size is wrong. How do I exchange it for a larger one?",
	"digits_en": "Order SO12345678901 shipped 2024-11-27 10:30, tracking 773012345678901, total 1380.00 yuan",
}

func BenchmarkRedact(b *testing.B) {
	r, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	for name, s := range benchTexts {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				r.Redact(s)
			}
		})
	}
	long := strings.Repeat(benchTexts["pii_zh"]+benchTexts["clean_zh"], 20)
	b.Run("long_4KB", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(long)))
		for b.Loop() {
			r.Redact(long)
		}
	})
}
