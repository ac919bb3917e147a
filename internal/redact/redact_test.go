package redact

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withCheck completes a 17-digit identity number with its check character.
func withCheck(s17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s17[i]-'0') * idWeights[i]
	}
	return s17 + string("10X98765432"[sum%11])
}

// badCheck completes a 17-digit identity number with a wrong check digit.
func badCheck(s17 string) string {
	good := withCheck(s17)[17]
	for _, c := range []byte("0123456789") {
		if c != good {
			return s17 + string(c)
		}
	}
	panic("unreachable")
}

// luhnComplete appends the Luhn check digit to s.
func luhnComplete(s string) string {
	for c := byte('0'); c <= '9'; c++ {
		if Luhn(s + string(c)) {
			return s + string(c)
		}
	}
	panic("unreachable")
}

func mustNew(t *testing.T, opts Options) *Redactor {
	t.Helper()
	r, err := New(opts)
	require.NoError(t, err)
	return r
}

type found struct {
	kind Kind
	text string
}

func find(r *Redactor, s string) []found {
	var out []found
	for _, sp := range r.Find(s) {
		out = append(out, found{sp.Kind, s[sp.Start:sp.End]})
	}
	return out
}

func TestFind(t *testing.T) {
	id := withCheck("11010519491231002")
	idX := withCheck("44030119900101001")
	for strings.HasSuffix(idX, "X") == false {
		// Find a sequence number whose check character is X.
		n := atoi(idX[14:17]) + 1
		idX = withCheck(idX[:14] + string([]byte{byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)}))
	}
	card19 := luhnComplete("621226020001234567")
	r := mustNew(t, Options{})
	cases := []struct {
		name string
		in   string
		want []found
	}{
		// Mobile numbers.
		{"mobile plain", "我的手机13812345678谢谢", []found{{Mobile, "13812345678"}}},
		{"mobile spaced", "电话 138 1234 5678。", []found{{Mobile, "138 1234 5678"}}},
		{"mobile dashed", "call 139-1234-5678 now", []found{{Mobile, "139-1234-5678"}}},
		{"mobile +86", "+86 138 1234 5678", []found{{Mobile, "+86 138 1234 5678"}}},
		{"mobile +86 glued", "+8613812345678", []found{{Mobile, "+8613812345678"}}},
		{"mobile 86 dash", "86-13812345678", []found{{Mobile, "86-13812345678"}}},
		{"mobile full width", "手机：１３８－１２３４－５６７８", []found{{Mobile, "１３８－１２３４－５６７８"}}},
		{"mobile after colon", "tel:13912345678", []found{{Mobile, "13912345678"}}},
		{"two mobiles", "13812345678 13987654321", []found{{Mobile, "13812345678"}, {Mobile, "13987654321"}}},
		{"quantity then mobile", "买2 13812345678", []found{{Mobile, "13812345678"}}},
		{"mobile in url", "/u?phone=15012345678&x=1", []found{{Mobile, "15012345678"}}},
		// Not mobile numbers.
		{"order number 16 digits", "订单号2024112712345678已发货", nil},
		{"order number with letters", "订单SO12345678901", nil},
		{"order number letter dash", "单号SO-13812345678", nil},
		{"mobile inside longer run", "编号213812345678", nil},
		{"second digit 2", "12812345678", nil},
		{"ten digits", "1381234567", nil},
		{"decimal", "3.13812345678", nil},
		{"price", "¥1380.00", nil},
		{"date", "2024-11-27 10:30", nil},
		// Landlines.
		{"landline beijing", "座机010-62345678", []found{{Landline, "010-62345678"}}},
		{"landline shenzhen", "0755-2345678", []found{{Landline, "0755-2345678"}}},
		{"landline parens", "(021) 62345678", []found{{Landline, "(021) 62345678"}}},
		{"landline full width parens", "（０２１）６２３４５６７８", []found{{Landline, "（０２１）６２３４５６７８"}}},
		{"landline ext", "010-62345678-123", []found{{Landline, "010-62345678-123"}}},
		{"landline glued", "02162345678", []found{{Landline, "02162345678"}}},
		{"landline +86", "+86 10 62345678", []found{{Landline, "+86 10 62345678"}}},
		{"not landline: bad area", "011-62345678", nil},
		{"not landline: local starts 1", "010-12345678x", nil},
		// Identity numbers.
		{"id", "身份证" + id + "。", []found{{IDCard, id}}},
		{"id with X", "证件号" + idX, []found{{IDCard, idX}}},
		{"id with lower x", "证件号" + strings.ToLower(idX), []found{{IDCard, strings.ToLower(idX)}}},
		{"id bad checksum", "证件号" + badCheck("11010519491231002"), nil},
		{"id bad date", withCheck("11010519491331002"), nil},
		{"old id off by default", "110105491231002", nil},
		// Bank cards.
		{"card unionpay", "卡号" + card19, []found{{BankCard, card19}}},
		{"card unionpay fails Luhn", "卡号" + card19[:18] + string('0'+(card19[18]-'0'+1)%10), nil},
		{"card visa", "卡号4111111111111111", []found{{BankCard, "4111111111111111"}}},
		{"card grouped", "卡 4111 1111 1111 1111 谢谢", []found{{BankCard, "4111 1111 1111 1111"}}},
		{"card luhn fails", "4111111111111112", nil},
		{"card starting 2 passes Luhn", "单号 2024112712345678", nil},
		// E-mail and IP addresses.
		{"email", "邮箱 zhang.san+kf@example.com.cn。", []found{{Email, "zhang.san+kf@example.com.cn"}}},
		{"email digits", "13812345678@qq.com", []found{{Email, "13812345678@qq.com"}}},
		{"not email", "@someone 说 a@b", nil},
		{"ipv4", "来自 192.168.1.20 的请求", []found{{IPv4, "192.168.1.20"}}},
		{"not ipv4", "版本 1.2.3.456 或 1.2.3", nil},
		{"ipv6", "addr 2001:db8::8a2e:370:7334, ok", []found{{IPv6, "2001:db8::8a2e:370:7334"}}},
		{"ipv6 full", "fe80:0:0:0:202:b3ff:fe1e:8329.", []found{{IPv6, "fe80:0:0:0:202:b3ff:fe1e:8329"}}},
		{"not ipv6: time", "10:30:45", nil},
		{"not ipv6: code", "std::map", nil},
		{"not ipv6: mac", "00:1a:2b:3c:4d:5e", nil},
		// Mixed.
		{"mixed", "张三 13812345678，邮箱 a@b.cn，身份证 " + id, []found{{Mobile, "13812345678"}, {Email, "a@b.cn"}, {IDCard, id}}},
		{"empty", "", nil},
		{"no pii", "我想退货，怎么办？", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, find(r, c.in), "%q", c.in)
		})
	}
}

func TestLuhnOrderNumberFixture(t *testing.T) {
	// The order number of the tests passes the Luhn check: it is not taken
	// for a card because no payment card starts with 2.
	assert.True(t, Luhn("2024112712345678"))
	assert.False(t, Luhn("2024112712345671"))
	assert.True(t, Luhn("4111111111111111"))
	assert.False(t, Luhn("41111a1111111111"))
	assert.False(t, Luhn(""))
}

func TestValidID(t *testing.T) {
	assert.True(t, ValidID(withCheck("11010519491231002")))
	assert.False(t, ValidID(badCheck("11010519491231002")))
	assert.False(t, ValidID(withCheck("91010519491231002")), "area code")
	assert.False(t, ValidID(withCheck("11010519490229002")), "1949 is not a leap year")
	assert.True(t, ValidID(withCheck("11010520000229002")), "2000 is a leap year")
	assert.False(t, ValidID("1101051949123100"))
}

func TestOldIDs(t *testing.T) {
	r := mustNew(t, Options{OldIDs: true})
	assert.Equal(t, []found{{IDCard, "110105491231002"}}, find(r, "旧证 110105491231002"))
	assert.Nil(t, find(r, "110105491331002"), "month 13")
}

func TestRedact(t *testing.T) {
	r := mustNew(t, Options{})
	in := "我是张三，手机 138-1234-5678，邮箱 zs@example.com"
	out, spans := r.RedactSpans(in)
	assert.Equal(t, "我是张三，手机 [手机号]，邮箱 [邮箱]", out)
	require.Len(t, spans, 2)
	assert.Equal(t, Span{Kind: Mobile, Start: strings.Index(in, "138"), End: strings.Index(in, "，邮箱")}, spans[0])

	en := mustNew(t, Options{Tokens: EnglishTokens()})
	assert.Equal(t, "call [PHONE] or [TEL]", en.Redact("call 13812345678 or 010-62345678"))

	custom := mustNew(t, Options{Tokens: map[Kind]string{Mobile: "***"}})
	assert.Equal(t, "*** [邮箱]", custom.Redact("13812345678 a@b.cn"))

	clean := "没有个人信息"
	assert.Equal(t, clean, r.Redact(clean))
	allocs := testing.AllocsPerRun(100, func() { r.Redact(clean) })
	assert.Zero(t, allocs, "clean text is returned without allocating")
}

func TestKinds(t *testing.T) {
	r := mustNew(t, Options{Kinds: []Kind{Email}})
	assert.Equal(t, "13812345678 [邮箱]", r.Redact("13812345678 a@b.cn"))
	none := mustNew(t, Options{Kinds: []Kind{}})
	assert.Empty(t, none.Find("13812345678 a@b.cn"))
	_, err := New(Options{Kinds: []Kind{"passport"}})
	assert.ErrorIs(t, err, ErrInvalidPattern)
}

func TestPatterns(t *testing.T) {
	member := Pattern{
		Kind:     "member",
		Regexp:   regexp.MustCompile(`VIP\d{6}`),
		Validate: func(m string) bool { return m != "VIP000000" },
		Token:    "[会员号]",
	}
	r := mustNew(t, Options{Patterns: []Pattern{member}})
	assert.Equal(t, "会员 [会员号]，VIP000000，[手机号]", r.Redact("会员 VIP123456，VIP000000，13812345678"))
	spans := r.Find("VIP123456 13812345678")
	require.Len(t, spans, 2)
	assert.Equal(t, Kind("member"), spans[0].Kind)
	assert.Equal(t, Mobile, spans[1].Kind)

	// A pattern overlapping a built-in match: the earlier, then longer wins.
	wide := Pattern{Kind: "contact", Regexp: regexp.MustCompile(`联系方式\S+`)}
	r = mustNew(t, Options{Patterns: []Pattern{wide}})
	assert.Equal(t, "[contact] 好", r.Redact("联系方式13812345678 好"))

	_, err := New(Options{Patterns: []Pattern{{Kind: "x"}}})
	assert.ErrorIs(t, err, ErrInvalidPattern)
}

func TestFindOffsetsOnRuneBoundaries(t *testing.T) {
	r := mustNew(t, Options{})
	s := "电话１３８１２３４５６７８和ａ@b.cn"
	for _, sp := range r.Find(s) {
		assert.True(t, sp.Start >= 0 && sp.End <= len(s) && sp.Start < sp.End)
		assert.True(t, isBoundary(s, sp.Start) && isBoundary(s, sp.End))
	}
}

func isBoundary(s string, i int) bool {
	return i == len(s) || i == 0 || (s[i]&0xC0) != 0x80
}
