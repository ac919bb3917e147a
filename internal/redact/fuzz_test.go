package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// digitsIn returns the ASCII form of the digits of s (full-width ones
// folded), and an X or x kept.
func digitsIn(s string) string {
	var b strings.Builder
	for _, r := range s {
		c := foldRune(r)
		if isDigit(c) || c == 'X' || c == 'x' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		"我的手机13812345678谢谢",
		"+86 138 1234 5678",
		"（０２１）６２３４５６７８",
		"证件号11010519491231002X",
		"卡 4111 1111 1111 1111",
		"zhang.san@example.com 192.168.0.1 2001:db8::1",
		"SO12345678901 2024112712345678",
		"(((((1",
		"+",
		"1-",
		"\xff13812345678\xfe",
	} {
		f.Add(s)
	}
	r, err := New(Options{OldIDs: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans := r.Find(s)
		prev := 0
		var b strings.Builder
		for _, sp := range spans {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("bad span %+v (previous end %d) in %q", sp, prev, s)
			}
			if utf8.ValidString(s) && (!isBoundary(s, sp.Start) || !isBoundary(s, sp.End)) {
				t.Fatalf("span %+v splits a rune in %q", sp, s)
			}
			b.WriteString(s[prev:sp.Start])
			b.WriteString(r.Token(sp.Kind))
			prev = sp.End
			text := s[sp.Start:sp.End]
			d := digitsIn(text)
			switch sp.Kind {
			case BankCard:
				if !Luhn(d) {
					t.Fatalf("card %q fails Luhn", text)
				}
			case IDCard:
				if !validID18(strings.ToUpper(d)) && !validID15(d) {
					t.Fatalf("identity number %q is not valid", text)
				}
			case Mobile:
				if !isMobile11([]byte(d[len(d)-11:])) {
					t.Fatalf("mobile %q is not one", text)
				}
			case Email:
				if strings.Count(text, "@") != 1 {
					t.Fatalf("e-mail %q", text)
				}
			}
		}
		b.WriteString(s[prev:])
		got := r.Redact(s)
		if got != b.String() {
			t.Fatalf("Redact(%q) = %q, want %q", s, got, b.String())
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Redact(%q) = %q is not valid UTF-8", s, got)
		}
	})
}
