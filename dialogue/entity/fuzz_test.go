package entity

import (
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzFindWhen(f *testing.F) {
	for _, s := range []string{"明天下午3点半", "下周一", "3月5号", "月底", "next monday", "March 5th, 2024",
		"晚上12点", "2025-02-29", "二〇二四年十二月三十一日", "in 999 days", "十点一刻", "8:30 pm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, ok := FindWhen(s, refNow)
		if !ok {
			return
		}
		if w.Time.Year() < 1899 || w.Time.Year() > 2201 {
			t.Fatalf("FindWhen(%q) = %v: year out of range", s, w.Time)
		}
		if w.Grain < GrainMinute || w.Grain > GrainMonth {
			t.Fatalf("FindWhen(%q): bad grain %d", s, w.Grain)
		}
		if w.Time.Location() != refNow.Location() {
			t.Fatalf("FindWhen(%q): location %v", s, w.Time.Location())
		}
		if !utf8.ValidString(w.Text) || w.Text == "" {
			t.Fatalf("FindWhen(%q): text %q", s, w.Text)
		}
		if !w.HasTime && (w.Time.Hour() != 0 || w.Time.Minute() != 0) {
			t.Fatalf("FindWhen(%q) = %v: a date without a time is not at midnight", s, w.Time)
		}
		_ = w.String()
	})
}

func FuzzFindAmount(f *testing.F) {
	for _, s := range []string{"¥350", "三百五十块", "两千五百块", "3.5元", "三块五", "3元5角2分", "$20", "1.5万元",
		"1,200元", "RMB 80", "三百五"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, find := range []func(string) (Amount, bool){FindAmount, ParseAmount} {
			a, ok := find(s)
			if !ok {
				continue
			}
			if a.Cents < 0 || a.Value() > maxNumber {
				t.Fatalf("amount of %q = %d cents", s, a.Cents)
			}
			if a.Currency == "" || a.Text == "" {
				t.Fatalf("amount of %q: %+v", s, a)
			}
		}
		if q, ok := FindQuantity(s); ok && q.N < 1 {
			t.Fatalf("FindQuantity(%q) = %+v", s, q)
		}
		if m, ok := FindMobile(s); ok && !IsMobile(m) {
			t.Fatalf("FindMobile(%q) = %q", s, m)
		}
	})
}

func FuzzNumber(f *testing.F) {
	for _, s := range []string{"三百五", "一万二", "1.5万", "2万5", "三点五", "1,200", "二零二四", "一亿二千万"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := Number(s); ok && (v < 0 || v > maxNumber || v != v) {
			t.Fatalf("Number(%q) = %v", s, v)
		}
		if n, ok := ChineseInt(s); ok && (n < 0 || n > maxNumber) {
			t.Fatalf("ChineseInt(%q) = %v", s, n)
		}
	})
}

func TestFindWhenLongInput(t *testing.T) {
	long := make([]byte, 0, 10000)
	for len(long) < 9000 {
		long = append(long, "明天"...)
	}
	_, ok := FindWhen(string(long), time.Unix(0, 0).UTC())
	if !ok {
		t.Fatal("no date found in a long text of dates")
	}
}
