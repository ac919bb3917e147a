package entity

import (
	"regexp"
	"strings"

	"github.com/kefuai/kefu/internal/textnorm"
)

// Quantity is a count of items found in text.
type Quantity struct {
	// N is the count.
	N int64
	// Unit is the measure word or unit as written ("件", "个", "pcs"), or ""
	// for "x2".
	Unit string
	// Text is the matched text, normalized.
	Text string
}

const cnClassifiers = "个件只双条台套盒瓶箱包份张支本部把袋罐副顶盆桶杯"

func isClassifier(r rune) bool { return strings.ContainsRune(cnClassifiers, r) }

var (
	quantityCN = regexp.MustCompile(`(\d+|[零〇一二两俩三四五六七八九十百千万]+)\s?([` + cnClassifiers + `])`)
	quantityEN = regexp.MustCompile(`\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|a couple of|a pair of|a dozen)\s?(pcs|pc|pieces?|items?|units?|boxes|box|bottles?|pairs?|packs?|bags?)\b`)
	quantityX  = regexp.MustCompile(`(?:^|[^a-z0-9])(?:x|×|\*)\s?(\d+)\b`)
)

// Durations that look like a quantity: "3个月", "两个小时".
var quantityNotAfter = []string{"月", "小时", "钟头", "星期", "礼拜", "工作日", "周", "人"}

// FindQuantity finds the first count of items in s: "两件", "3个", "一双",
// "x2", "3 pcs", "two items". A bare number is not a quantity here (see
// ParseQuantity). Durations such as "3个月" are not quantities.
func FindQuantity(s string) (Quantity, bool) {
	t := textnorm.Normalize(s).Text
	var best Quantity
	bestAt := -1
	for off := 0; off < len(t); {
		m := quantityCN.FindStringSubmatchIndex(t[off:])
		if m == nil {
			break
		}
		for i := range m {
			m[i] += off
		}
		off = m[1]
		rest := t[m[1]:]
		if digitBefore(t, m[0]) || hasAnyPrefix(rest, quantityNotAfter) {
			continue
		}
		n, ok := wholeNumber(t[m[2]:m[3]])
		if !ok {
			continue
		}
		best, bestAt = Quantity{N: n, Unit: t[m[4]:m[5]], Text: t[m[0]:m[1]]}, m[0]
		break
	}
	if m := quantityEN.FindStringSubmatchIndex(t); m != nil && (bestAt < 0 || m[0] < bestAt) {
		if n, ok := wholeNumber(t[m[2]:m[3]]); ok {
			best, bestAt = Quantity{N: n, Unit: t[m[4]:m[5]], Text: t[m[0]:m[1]]}, m[0]
		}
	}
	if m := quantityX.FindStringSubmatchIndex(t); m != nil && (bestAt < 0 || m[2] < bestAt) {
		if n, ok := wholeNumber(t[m[2]:m[3]]); ok {
			start := strings.IndexAny(t[m[0]:], "x×*") + m[0]
			best, bestAt = Quantity{N: n, Text: t[start:m[1]]}, start
		}
	}
	return best, bestAt >= 0
}

// ParseQuantity reads the whole of s as a count: a quantity FindQuantity
// accepts, or a bare whole number ("3", "两", "twelve").
func ParseQuantity(s string) (Quantity, bool) {
	t := strings.TrimSpace(textnorm.Normalize(s).Text)
	if n, ok := wholeNumber(t); ok {
		return Quantity{N: n, Text: t}, true
	}
	return FindQuantity(s)
}

// wholeNumber parses a positive whole number written with digits, Chinese
// numerals or a small English number word.
func wholeNumber(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.TrimSuffix(s, " of"), "a ")
	if n, ok := englishNumber(s); ok {
		return n, true
	}
	v, ok := number(s)
	if !ok || v != float64(int64(v)) || v < 1 {
		return 0, false
	}
	return int64(v), true
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
