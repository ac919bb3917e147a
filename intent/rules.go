package intent

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/text"
)

// Rule is an operator rule: when a text contains one of Keywords or matches
// Pattern, its intent is Intent, whatever the model says. Rules are tried in
// order and the first match wins. They suit intents whose wording is fixed
// ("转人工", "human agent") and fixes that cannot wait for retraining.
//
// Keywords and Pattern see the normalized text: lower case, half-width
// (NFKC), single spaces. A keyword that starts or ends with a letter or
// digit matches only at a word boundary there, so "card" does not match
// "cardigan"; Chinese keywords match anywhere.
type Rule struct {
	// Name identifies the rule in results; default "rule N" (1-based).
	Name string `json:"name,omitempty"`
	// Intent is the intent a match yields. It need not be one the model
	// was trained on.
	Intent string `json:"intent"`
	// Keywords match as normalized substrings.
	Keywords []string `json:"keywords,omitempty"`
	// Pattern is a regular expression (RE2 syntax).
	Pattern string `json:"pattern,omitempty"`
}

type rule struct {
	Rule
	keywords []string
	re       *regexp.Regexp
}

func compileRules(rs []Rule) ([]*rule, error) {
	if len(rs) > maxRuleCount {
		return nil, fmt.Errorf("intent: %d rules, at most %d allowed", len(rs), maxRuleCount)
	}
	out := make([]*rule, 0, len(rs))
	for i, r := range rs {
		if r.Name == "" {
			r.Name = fmt.Sprintf("rule %d", i+1)
		}
		if strings.TrimSpace(r.Intent) == "" {
			return nil, fmt.Errorf("intent: %s: empty intent", r.Name)
		}
		if len(r.Keywords) == 0 && r.Pattern == "" {
			return nil, fmt.Errorf("intent: %s: neither keywords nor pattern", r.Name)
		}
		c := &rule{Rule: r}
		for _, k := range r.Keywords {
			n := text.Normalize(k).Text
			if n == "" {
				return nil, fmt.Errorf("intent: %s: keyword %q is empty after normalization", r.Name, k)
			}
			c.keywords = append(c.keywords, n)
		}
		if r.Pattern != "" {
			re, err := regexp.Compile(r.Pattern)
			if err != nil {
				return nil, fmt.Errorf("intent: %s: %w", r.Name, err)
			}
			c.re = re
		}
		out = append(out, c)
	}
	return out, nil
}

// matchRules applies the operator rules to txt.
func (m *Model) matchRules(txt string) (Result, bool) {
	if len(m.rules) == 0 {
		return Result{}, false
	}
	n := text.Normalize(clip(txt)).Text
	if n == "" {
		return Result{}, false
	}
	for _, r := range m.rules {
		if r.matches(n) {
			return Result{
				Intent:     r.Intent,
				Confidence: 1,
				Ranked:     []Score{{Intent: r.Intent, Confidence: 1}},
				Rule:       r.Name,
			}, true
		}
	}
	return Result{}, false
}

func (r *rule) matches(n string) bool {
	for _, k := range r.keywords {
		if containsWord(n, k) {
			return true
		}
	}
	return r.re != nil && r.re.MatchString(n)
}

// containsWord reports whether k occurs in s with word boundaries wherever
// k begins or ends with a letter or digit.
func containsWord(s, k string) bool {
	first, _ := utf8.DecodeRuneInString(k)
	last, _ := utf8.DecodeLastRuneInString(k)
	for off := 0; ; {
		i := strings.Index(s[off:], k)
		if i < 0 {
			return false
		}
		i += off
		j := i + len(k)
		ok := true
		if isWordRune(first) && i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			ok = !isWordRune(prev)
		}
		if ok && isWordRune(last) && j < len(s) {
			next, _ := utf8.DecodeRuneInString(s[j:])
			ok = !isWordRune(next)
		}
		if ok {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		off = i + size
	}
}

// isWordRune reports whether r is a letter or digit of a script that
// separates words with spaces.
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Han, r) &&
		!unicode.In(r, unicode.Hiragana, unicode.Katakana)
}
