package dialogue

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/text"
)

// Answer is the reading of a reply to a yes/no question.
type Answer uint8

// Answers.
const (
	Unsure Answer = iota
	Yes
	No
)

// String returns "unsure", "yes" or "no".
func (a Answer) String() string {
	switch a {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return "unsure"
}

// Yes and no in Chinese, tried as prefixes of the compacted reply. Words
// containing a negation that mean yes come first.
var (
	zhYesNeg = []string{"没错", "没问题", "不错"}
	zhNo     = []string{"不是", "不对", "不用", "不要", "不行", "不可以", "不好", "不确认", "不同意", "不需要", "不太对",
		"错了", "算了", "没有", "否"}
	zhYes = []string{"是的", "是啊", "是呀", "对的", "对啊", "对呀", "好的", "好啊", "好呀", "嗯嗯", "可以", "确认", "确定",
		"同意", "正确", "行的", "行啊", "没错", "就是", "需要", "要的", "ok", "okay"}
	// Single characters that say yes or no alone or before punctuation,
	// but start many other sentences ("是这样的", "行李").
	zhYesChar = "是对好嗯行恩要"
	zhNoChar  = "不没"
	enNo      = map[string]bool{"no": true, "nope": true, "nah": true, "not": true, "wrong": true, "incorrect": true,
		"don't": true, "dont": true, "negative": true, "n": true, "cancel": true}
	enYes = map[string]bool{"yes": true, "yeah": true, "yep": true, "yup": true, "ya": true, "sure": true, "ok": true,
		"okay": true, "correct": true, "right": true, "confirm": true, "confirmed": true, "y": true, "absolutely": true,
		"definitely": true, "affirmative": true, "exactly": true, "yess": true}
)

// Confirmation reads a reply to a yes/no question in Chinese or English:
// 是的, 对, 好的, 没错, 嗯, 可以, 确认, 需要, 要, yes, yep, sure, ok are Yes; 不是,
// 不对, 不用, 算了, 没有, 错了, no, nope, wrong are No. A question ("是不是
// 要运费？", "is it free?") or anything else is Unsure, so that the engine
// can treat it as a digression.
func Confirmation(s string) Answer {
	n := text.Normalize(s).Text
	if n == "" || len(n) > 200 {
		return Unsure
	}
	c := compact(n)
	if c == "" || strings.ContainsAny(n, "?") || strings.Contains(c, "吗") || strings.Contains(c, "是不是") ||
		strings.Contains(c, "对不对") || strings.Contains(c, "好不好") || strings.Contains(c, "可不可以") {
		return Unsure
	}
	for _, w := range zhYesNeg {
		if strings.HasPrefix(c, w) {
			return Yes
		}
	}
	for _, w := range zhNo {
		if strings.HasPrefix(c, w) {
			return No
		}
	}
	for _, w := range zhYes {
		if strings.HasPrefix(c, w) {
			return Yes
		}
	}
	if r, ok := aloneChar(n); ok {
		switch {
		case strings.ContainsRune(zhYesChar, r):
			return Yes
		case strings.ContainsRune(zhNoChar, r):
			return No
		}
	}
	words := strings.FieldsFunc(n, func(r rune) bool { return !(unicode.IsLetter(r) || r == '\'') })
	for _, w := range words {
		if enNo[w] {
			return No
		}
	}
	if len(words) > 0 && enYes[words[0]] || strings.Contains(n, "that's right") || strings.Contains(n, "sounds good") ||
		strings.Contains(n, "go ahead") {
		return Yes
	}
	return Unsure
}

// aloneChar returns the first rune of n when it stands alone: the whole
// text, repeated ("嗯嗯"), or followed by punctuation or space ("对，就这个").
func aloneChar(n string) (rune, bool) {
	r, size := utf8.DecodeRuneInString(n)
	rest := n[size:]
	if rest == "" {
		return r, true
	}
	next, _ := utf8.DecodeRuneInString(rest)
	if next == r || next == ' ' || unicode.IsPunct(next) || isParticle(next) {
		return r, true
	}
	return 0, false
}

// isParticle reports a sentence-final particle that adds tone, not meaning.
func isParticle(r rune) bool { return strings.ContainsRune("吧呀啊呢哦嘛了啦哈噢喔", r) }

// compact removes spaces, punctuation and symbols, so that "好的！" reads
// "好的".
func compact(n string) string {
	var b strings.Builder
	for _, r := range n {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// trimParticles removes final particles: "算了吧" reads "算了".
func trimParticles(c string) string {
	for c != "" {
		r, size := utf8.DecodeLastRuneInString(c)
		if !isParticle(r) || size == len(c) {
			break
		}
		c = c[:len(c)-size]
	}
	return c
}
