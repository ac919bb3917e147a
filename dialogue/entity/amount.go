package entity

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/textnorm"
)

// Numeral patterns shared by the finders: digits (with thousands
// separators, a decimal part and optional Chinese units) or Chinese
// numerals (with an optional decimal part).
const (
	reArabic = `\d+(?:,\d{3})*(?:\.\d+)?`
	reCNChar = `零〇一壹幺二贰两俩三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿億`
	reMixed  = reArabic + `(?:[十百千万亿]+[0-9一二两三四五六七八九]?)?`
	reCN     = `[` + reCNChar + `]+(?:点[零〇一二三四五六七八九]+)?`
	reNum    = `(?:` + reMixed + `|` + reCN + `)`
)

// Amount is a sum of money found in text.
type Amount struct {
	// Cents is the sum in hundredths of the currency's unit: 350 yuan is
	// 35000.
	Cents int64
	// Currency is the ISO 4217 code: "CNY" when the text names yuan (元,
	// 块, ¥, RMB) and for bare numbers, else "USD", "EUR", "GBP" or "HKD".
	Currency string
	// Text is the matched text, normalized (lower case, half-width).
	Text string
}

// Value returns the sum in units of the currency, 350.0 for 350 yuan.
func (a Amount) Value() float64 { return float64(a.Cents) / 100 }

// String returns the sum with two decimals, "350.00".
func (a Amount) String() string {
	return strconv.FormatInt(a.Cents/100, 10) + "." + twoDigits(a.Cents%100)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

var (
	amountPrefix = regexp.MustCompile(`(hk\$|us\$|¥|\$|€|£|rmb|cny|usd|eur|gbp|hkd|人民币)\s?(` + reNum + `)`)
	amountSuffix = regexp.MustCompile(`(` + reNum + `)\s?(块钱|块|元|圆|rmb|cny|人民币|美元|美金|刀|usd|dollars?|bucks?|欧元|euros?|eur|英镑|gbp|港币|港元|hkd)`)
	// jiao and fen after 元 or 块: "三块五", "3元5角2分".
	amountJiao = regexp.MustCompile(`^([0-9一二两三四五六七八九])(毛|角)?(?:([0-9一二两三四五六七八九])分)?`)
)

func currencyOf(unit string) string {
	switch unit {
	case "$", "us$", "usd", "美元", "美金", "刀", "dollar", "dollars", "buck", "bucks":
		return "USD"
	case "€", "eur", "欧元", "euro", "euros":
		return "EUR"
	case "£", "gbp", "英镑":
		return "GBP"
	case "hk$", "hkd", "港币", "港元":
		return "HKD"
	}
	return "CNY"
}

// FindAmount finds the first sum of money in s that names its currency:
// "¥350", "350元", "三百五十块", "两千五百块", "3.5元", "三块五", "RMB 80",
// "$20", "20 dollars", "1.5万元". A bare number is not an amount here (see
// ParseAmount).
func FindAmount(s string) (Amount, bool) {
	t := textnorm.Normalize(s).Text
	best, bestAt := Amount{}, -1
	if m := amountPrefix.FindStringSubmatchIndex(t); m != nil && !digitBefore(t, m[0]) {
		if v, ok := number(t[m[4]:m[5]]); ok {
			best, bestAt = Amount{Cents: cents(v), Currency: currencyOf(t[m[2]:m[3]]), Text: t[m[0]:m[1]]}, m[0]
		}
	}
	for off := 0; off < len(t); {
		m := amountSuffix.FindStringSubmatchIndex(t[off:])
		if m == nil {
			break
		}
		for i := range m {
			m[i] += off
		}
		if bestAt >= 0 && m[0] >= bestAt {
			break
		}
		v, ok := number(t[m[2]:m[3]])
		if !ok || digitBefore(t, m[0]) {
			off = m[1]
			continue
		}
		unit := t[m[4]:m[5]]
		end := m[1]
		if unit == "块" || unit == "元" || unit == "圆" || unit == "块钱" {
			if j := amountJiao.FindStringSubmatchIndex(t[end:]); j != nil {
				hasMao := j[4] >= 0
				next := end + j[1]
				if hasMao || next == len(t) || !continuesNumber(t[next:]) {
					v += float64(digitValue(t[end+j[2]:end+j[3]])) / 10
					if j[6] >= 0 {
						v += float64(digitValue(t[end+j[6]:end+j[7]])) / 100
					}
					end = next
				}
			}
		}
		if v, ok = checked(v); ok {
			best, bestAt = Amount{Cents: cents(v), Currency: currencyOf(unit), Text: t[m[0]:end]}, m[0]
		}
		break
	}
	return best, bestAt >= 0
}

// ParseAmount reads the whole of s as a sum of money: a sum FindAmount
// accepts, or a bare number ("三百五", "80", "3.5") taken as yuan. Use it
// when the customer answers a question about money, where a bare number
// can only be the sum.
func ParseAmount(s string) (Amount, bool) {
	t := strings.TrimSpace(textnorm.Normalize(s).Text)
	if v, ok := number(t); ok {
		return Amount{Cents: cents(v), Currency: "CNY", Text: t}, true
	}
	return FindAmount(s)
}

func cents(v float64) int64 { return int64(math.Round(v * 100)) }

func digitValue(s string) int64 {
	if len(s) == 1 && isDigit(s[0]) {
		return int64(s[0] - '0')
	}
	r, _ := utf8.DecodeRuneInString(s)
	return max(cnDigit(r), 0)
}

// digitBefore reports whether t[:i] ends in an ASCII digit or letter, so
// that a match starting at i would split a longer token.
func digitBefore(t string, i int) bool {
	if i == 0 {
		return false
	}
	c := t[i-1]
	return isDigit(c) || c == '.'
}

// continuesNumber reports whether s starts with something that makes a
// preceding digit part of another quantity ("3块5个" is not 3.5 yuan).
func continuesNumber(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	if r < utf8.RuneSelf {
		return isDigit(byte(r)) || ('a' <= r && r <= 'z')
	}
	return isCNNumeral(r) || isClassifier(r)
}
