package entity

import (
	"regexp"
	"strings"

	"github.com/kefuai/kefu/internal/textnorm"
)

// A mobile number written in groups: "138 1234 5678", "138-1234-5678",
// "+86 138 1234 5678".
var mobileGrouped = regexp.MustCompile(`(?:\+?86[ -]?)?(1[3-9]\d)[ -](\d{4})[ -](\d{4})`)

// FindMobile finds the first mainland-China mobile number in s and returns
// its eleven digits: 1, then 3 to 9, then nine digits. The number may carry
// the +86 or 86 prefix and be written in 3-4-4 groups separated by spaces
// or hyphens. Digits inside a longer run of digits (an order number, a bank
// card) are never taken for a mobile number.
func FindMobile(s string) (string, bool) {
	t := textnorm.Normalize(s).Text
	for i := 0; i < len(t); {
		if !isDigit(t[i]) {
			i++
			continue
		}
		j := i
		for j < len(t) && isDigit(t[j]) {
			j++
		}
		run := t[i:j]
		if len(run) == 13 && strings.HasPrefix(run, "86") {
			run = run[2:]
		}
		if isMobile(run) && !letterAround(t, i, j) {
			return run, true
		}
		i = j
	}
	for off := 0; off < len(t); {
		m := mobileGrouped.FindStringSubmatchIndex(t[off:])
		if m == nil {
			break
		}
		for k := range m {
			m[k] += off
		}
		if !letterAround(t, m[0], m[1]) && !(m[0] > 0 && isDigit(t[m[0]-1])) && !(m[1] < len(t) && isDigit(t[m[1]])) {
			return t[m[2]:m[3]] + t[m[4]:m[5]] + t[m[6]:m[7]], true
		}
		off = m[0] + 1
	}
	return "", false
}

// IsMobile reports whether s is exactly a mainland-China mobile number of
// eleven digits.
func IsMobile(s string) bool { return isMobile(s) }

func isMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// letterAround reports whether t[i:j] touches an ASCII letter, as in an
// order number "dd13812345678".
func letterAround(t string, i, j int) bool {
	isLetter := func(c byte) bool { return 'a' <= c && c <= 'z' }
	return (i > 0 && isLetter(t[i-1])) || (j < len(t) && isLetter(t[j]))
}
