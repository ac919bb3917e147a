package kb

import (
	"github.com/kefuai/kefu/internal/text"
)

// Terms are strings whose first byte says which kind of feature they are,
// so that a Chinese word and the same character as an n-gram are different
// terms with different weights.
const (
	kWord = iota // an analyzer term: Chinese word, English stem, number, emoji
	kUni         // one Han character
	kBi          // two adjacent Han characters
	nKinds
)

// kindPrefixes holds the first byte of a term of each kind.
const kindPrefixes = "\x01\x02\x03"

// qterm is one distinct term of an analyzed text with its frequency.
type qterm struct {
	term string
	kind uint8
	tf   uint16
	w    float32 // query weight of the term (1 for indexed text)
}

// analysis is an analyzed text: its distinct terms and per-kind lengths.
type analysis struct {
	terms []qterm
	lens  [nKinds]uint16
}

// lowTag reports the part-of-speech tags of Chinese function words and the
// English words that carry little meaning in a question. Their query
// weight is lowered, not removed: "怎么" in "怎么还款" still counts a little.
func lowTag(tag string) bool {
	switch tag {
	case "uj", "ul", "uz", "ug", "uv", "ud", // 的 了 着 过 地 得
		"y", "e", "o", // 吗 呢 啊
		"r", "p", "c", "d", "zg":
		return true
	}
	return false
}

// lowWord reports whether an English term (a stem) is a function word.
func lowWord(w string) bool {
	switch w {
	case "a", "an", "the", "i", "me", "my", "we", "our", "you", "your", "it", "its", "is", "are",
		"was", "were", "be", "been", "am", "do", "doe", "does", "did", "to", "of", "in", "on", "at",
		"for", "from", "with", "by", "about", "as", "into", "and", "or", "but", "if", "so", "that",
		"this", "these", "those", "there", "what", "which", "who", "whom", "how", "why", "when", "where",
		"can", "could", "would", "should", "will", "shall", "may", "might", "must", "have", "has", "had",
		"having", "not", "no", "yes", "please", "thank", "thanks", "hi", "hello", "ani", "some", "just",
		"still", "get", "got":
		return true
	}
	return false
}

// analyze turns s into terms. With query set, function words get a lower
// weight; indexed text keeps every term at weight 1.
func analyze(an *text.Analyzer, s string, query bool, p *params) analysis {
	return analyzeTokens(an.Analyze(s), query, p)
}

// analyzeTokens is analyze for text already split into tokens.
func analyzeTokens(toks []text.Token, query bool, p *params) analysis {
	var out analysis
	idx := make(map[string]int, len(toks)*3)
	add := func(kind uint8, t string, w float32) {
		key := kindPrefixes[kind:kind+1] + t
		if i, ok := idx[key]; ok {
			q := &out.terms[i]
			if q.tf < 0xffff {
				q.tf++
			}
			q.w = max(q.w, w)
		} else {
			idx[key] = len(out.terms)
			out.terms = append(out.terms, qterm{term: key, kind: kind, tf: 1, w: w})
		}
		if out.lens[kind] < 0xffff {
			out.lens[kind]++
		}
	}
	// Character n-grams keep full weight even inside function words:
	// lowering them too was worse on validation data.
	var run []rune // current run of adjacent Han characters
	flush := func() {
		for i, r := range run {
			add(kUni, string(r), 1)
			if i > 0 {
				add(kBi, string(run[i-1:i+1]), 1)
			}
		}
		run = run[:0]
	}
	prevEnd := -1
	for _, t := range toks {
		switch t.Kind {
		case text.Punct, text.Symbol:
			flush()
			prevEnd = -1
			continue
		}
		w := float32(1)
		if query {
			if t.Kind == text.Han && lowTag(t.Tag) || t.Kind == text.Word && lowWord(t.Term) {
				w = p.lowWeight
			}
		}
		add(kWord, t.Term, w)
		if t.Kind == text.Han {
			if t.Start != prevEnd {
				flush()
			}
			src := t.Text
			if t.Term != t.Text {
				src = t.Term // a synonym: n-grams of its canonical form
			}
			run = append(run, []rune(src)...)
		} else {
			flush()
		}
		prevEnd = t.End
	}
	flush()
	return out
}
