package entity

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/textnorm"
)

// maxNumber bounds every number this package returns, so that arithmetic on
// results never overflows and absurd inputs are rejected.
const maxNumber = 1e15

// cnDigit returns the value of a Chinese digit (including the financial
// forms and 两/俩), or -1.
func cnDigit(r rune) int64 {
	switch r {
	case '零', '〇':
		return 0
	case '一', '壹', '幺':
		return 1
	case '二', '贰', '两', '俩':
		return 2
	case '三', '叁':
		return 3
	case '四', '肆':
		return 4
	case '五', '伍':
		return 5
	case '六', '陆':
		return 6
	case '七', '柒':
		return 7
	case '八', '捌':
		return 8
	case '九', '玖':
		return 9
	}
	return -1
}

// cnUnit returns the value of a Chinese numeral unit, or 0.
func cnUnit(r rune) int64 {
	switch r {
	case '十', '拾':
		return 10
	case '百', '佰':
		return 100
	case '千', '仟':
		return 1000
	case '万', '萬':
		return 10000
	case '亿', '億':
		return 100000000
	}
	return 0
}

// isCNNumeral reports whether r can be part of a Chinese numeral.
func isCNNumeral(r rune) bool { return cnDigit(r) >= 0 || cnUnit(r) > 0 }

// ChineseInt parses a whole string of Chinese numerals as an integer:
// "三" is 3, "十五" is 15, "一百零五" is 105, "两千五百" is 2500, and the
// spoken abbreviations "三百五" (350), "两千五" (2500) and "一万二" (12000).
// A string of digits without units is read digit by digit: "二零二四" is
// 2024. It reports false when s is not a well-formed numeral or the value
// exceeds 10^15.
func ChineseInt(s string) (int64, bool) {
	if s == "" || len(s) > 96 {
		return 0, false
	}
	hasUnit := false
	for _, r := range s {
		if cnUnit(r) > 0 {
			hasUnit = true
		} else if cnDigit(r) < 0 {
			return 0, false
		}
	}
	if !hasUnit {
		var n int64
		for _, r := range s {
			n = n*10 + cnDigit(r)
			if n > maxNumber {
				return 0, false
			}
		}
		return n, true
	}

	var yi, wan, sec int64 // the 亿, 万 and below-万 sections
	num := int64(-1)       // a digit waiting for its unit
	last := int64(0)       // the last unit applied, for "三百五"
	zero := false          // a 零 since the last unit: "一百零五"
	sawYi, sawWan := false, false
	trailing := func() int64 {
		if num < 0 {
			return 0
		}
		if !zero && last >= 100 {
			return num * (last / 10)
		}
		return num
	}
	for _, r := range s {
		if d := cnDigit(r); d >= 0 {
			if d == 0 {
				if num >= 0 {
					return 0, false
				}
				zero = true
				continue
			}
			if num >= 0 {
				return 0, false // two digits without a unit between them
			}
			num = d
			continue
		}
		u := cnUnit(r)
		switch {
		case u < 10000:
			if num < 0 {
				// A bare 十 means ten ("十五", "二百十"), other units need
				// a digit.
				if u != 10 {
					return 0, false
				}
				num = 1
			}
			if last != 0 && u >= last && last < 10000 {
				return 0, false // units must descend inside a section
			}
			sec += num * u
			num, last, zero = -1, u, false
		case u == 10000:
			if sawWan || (num < 0 && sec == 0) {
				return 0, false
			}
			sec += trailing()
			wan, sec = sec, 0
			num, last, zero, sawWan = -1, 10000, false, true
		default: // 亿
			if sawYi || (num < 0 && sec == 0 && wan == 0) {
				return 0, false
			}
			sec += trailing()
			yi = wan*10000 + sec
			wan, sec = 0, 0
			num, last, zero, sawYi, sawWan = -1, 100000000, false, true, false
		}
		if yi > maxNumber || wan > maxNumber || sec > maxNumber {
			return 0, false
		}
	}
	sec += trailing()
	n := float64(yi)*1e8 + float64(wan)*1e4 + float64(sec)
	if n > maxNumber {
		return 0, false
	}
	return yi*100000000 + wan*10000 + sec, true
}

// Number parses a whole string as a number written with digits, Chinese
// numerals or a mix of both: "42", "3.5", "1,200", "三百五", "三点五",
// "1.5万" (15000), "3千" (3000), "2万5" (25000). Leading and trailing space
// is ignored and full-width digits are accepted. It reports false for
// anything else, for negative numbers and for values above 10^15.
func Number(s string) (float64, bool) {
	return number(textnorm.Normalize(s).Text)
}

// number is Number on normalized text.
func number(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 128 {
		return 0, false
	}
	// Arabic digits, possibly followed by Chinese units.
	i := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.' || s[i] == ',') {
		i++
	}
	if i > 0 {
		head := strings.ReplaceAll(s[:i], ",", "")
		if !validDecimal(head) || (strings.Contains(s[:i], ",") && !validThousands(s[:i])) {
			return 0, false
		}
		v, err := strconv.ParseFloat(head, 64)
		if err != nil {
			return 0, false
		}
		rest := s[i:]
		if rest == "" {
			return checked(v)
		}
		// Units after digits: "3千", "1.5万", "2万5", "3百5十".
		mult := float64(0)
		var tail string
		for j, r := range rest {
			u := cnUnit(r)
			if u == 0 {
				tail = rest[j:]
				break
			}
			if mult == 0 {
				mult = float64(u)
			} else {
				mult *= float64(u)
			}
		}
		if mult == 0 {
			return 0, false
		}
		v *= mult
		if tail != "" {
			// One trailing digit stands for the next unit down.
			d := int64(-1)
			if len(tail) == 1 && isDigit(tail[0]) {
				d = int64(tail[0] - '0')
			} else if r, size := utf8.DecodeRuneInString(tail); size == len(tail) {
				d = cnDigit(r)
			}
			if d < 1 || mult < 100 {
				return 0, false
			}
			v += float64(d) * mult / 10
		}
		return checked(v)
	}
	// Chinese numerals, possibly with a decimal part: "三点五".
	whole, frac, hasPoint := strings.Cut(s, "点")
	n, ok := ChineseInt(whole)
	if !ok {
		return 0, false
	}
	if !hasPoint {
		return float64(n), true
	}
	if frac == "" {
		return 0, false
	}
	f, scale := 0.0, 0.1
	for _, r := range frac {
		d := cnDigit(r)
		if d < 0 {
			return 0, false
		}
		f += float64(d) * scale
		scale /= 10
	}
	return checked(float64(n) + f)
}

func checked(v float64) (float64, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > maxNumber {
		return 0, false
	}
	return v, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// validDecimal reports whether s is digits with at most one inner point.
func validDecimal(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	return strings.Count(s, ".") <= 1
}

// validThousands reports whether the commas in s separate groups of three
// digits: "1,200" and "12,345.5" but not "1,2".
func validThousands(s string) bool {
	intPart, _, _ := strings.Cut(s, ".")
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// englishNumber returns the value of a small English number word.
func englishNumber(w string) (int64, bool) {
	switch w {
	case "a", "an", "one", "single":
		return 1, true
	case "two", "couple", "pair":
		return 2, true
	case "three":
		return 3, true
	case "four":
		return 4, true
	case "five":
		return 5, true
	case "six":
		return 6, true
	case "seven":
		return 7, true
	case "eight":
		return 8, true
	case "nine":
		return 9, true
	case "ten":
		return 10, true
	case "eleven":
		return 11, true
	case "twelve", "dozen":
		return 12, true
	case "fifteen":
		return 15, true
	case "twenty":
		return 20, true
	}
	return 0, false
}
