package intent

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzReadTSV(f *testing.F) {
	for _, s := range []string{
		"refund\t我要退款\n", "a\tb\r\nc\td", "\ufeffa\tb", "no tab", "\t\n", "a\t\xff", "a\tb\tc\n\n\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ex, err := ReadTSV(strings.NewReader(s), "fuzz.tsv")
		if err != nil {
			if ex != nil {
				t.Fatal("examples returned with an error")
			}
			return
		}
		for _, e := range ex {
			if e.Intent == "" || e.Text == "" || !utf8.ValidString(e.Text) || strings.ContainsAny(e.Intent, "\t\n") {
				t.Fatalf("bad example accepted: %+v", e)
			}
		}
	})
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"我要退款", "", "\xff", "refund", strings.Repeat("退", 3000)} {
		f.Add(s)
	}
	m := trainedModel(f)
	f.Fuzz(func(t *testing.T, s string) {
		r := must(m.Classify(bg, s))
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("confidence %v out of range", r.Confidence)
		}
		if r.OutOfScope == (r.Intent != "") {
			t.Fatalf("inconsistent result %+v", r)
		}
	})
}
