package redact_test

import (
	"fmt"
	"regexp"

	"github.com/kefuai/kefu/internal/redact"
)

func Example() {
	r, err := redact.New(redact.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Redact("我的手机 138-1234-5678，订单号 2024112712345678，邮箱 li@example.cn"))
	// Output:
	// 我的手机 [手机号]，订单号 2024112712345678，邮箱 [邮箱]
}

// Operator patterns and English tokens; the spans serve an audit trail.
func ExampleRedactor_RedactSpans() {
	tokens := redact.EnglishTokens()
	r, err := redact.New(redact.Options{
		Tokens:   tokens,
		Patterns: []redact.Pattern{{Kind: "member", Regexp: regexp.MustCompile(`VIP\d{6}`), Token: "[MEMBER]"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := "member VIP123456, card 4111 1111 1111 1111, ip 10.1.2.3"
	out, spans := r.RedactSpans(s)
	fmt.Println(out)
	for _, sp := range spans {
		fmt.Printf("%s %d-%d %q\n", sp.Kind, sp.Start, sp.End, s[sp.Start:sp.End])
	}
	// Output:
	// member [MEMBER], card [CARD], ip [IP]
	// member 7-16 "VIP123456"
	// bank_card 23-42 "4111 1111 1111 1111"
	// ipv4 47-55 "10.1.2.3"
}
