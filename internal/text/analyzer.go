// Package text is kefu's text analysis: normalization, script-aware
// tokenization of mixed Chinese and English, operator vocabulary and
// synonyms, and feature extraction for classifiers and retrieval.
//
// One Analyzer is shared by intent classification and knowledge-base search,
// so that training, classifying and searching see the same tokens.
package text

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Kind classifies a token by what it is made of.
type Kind uint8

// Token kinds.
const (
	// Han is a Chinese word from the segmenter or the operator's dictionary.
	Han Kind = iota + 1
	// Word is a run of letters (any non-Han script), possibly with digits,
	// such as "refund", "iphone15" or "3pm".
	Word
	// Number is a run of digits, with decimal or thousands separators, and
	// an attached unit where Chinese writes one ("2024年", "3月", "80%").
	Number
	// Emoji is one emoji, with its modifiers and joiners.
	Emoji
	// Punct is punctuation; repeated marks ("？？", "……") form one token.
	Punct
	// Symbol is any other symbol: currency signs, math, arrows.
	Symbol
)

var kindNames = [...]string{"", "han", "word", "number", "emoji", "punct", "symbol"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Token is one unit of analyzed text.
type Token struct {
	// Text is the token as it appears in the normalized text (lower-cased,
	// NFKC).
	Text string
	// Term is the form used for matching: the English stem of a word, mapped
	// through the operator's synonyms. It equals Text for tokens that are
	// neither stemmed nor synonyms.
	Term string
	// Kind says what the token is made of.
	Kind Kind
	// Tag is the part-of-speech tag the Chinese dictionary gives a Han word
	// ("ns" place, "nr" person, "nt" organization, "t" time, "m" numeral,
	// "v" verb, …), "nz" for operator words, and "" otherwise.
	Tag string
	// Start and End delimit the token in the original input, in bytes.
	Start, End int
}

// Config configures an Analyzer. The zero value is ready to use: the
// embedded Chinese dictionary, English stemming, no operator vocabulary.
type Config struct {
	// Words are operator vocabulary: product names and other terms that
	// must stay one token ("花呗", "iPhone 15", "双十一"). Matching is on
	// normalized text, so case and full-width forms do not matter. Latin
	// words match only at word boundaries.
	Words []string
	// Synonyms are groups of interchangeable words; every member is
	// analyzed as the group's first member. A member that would otherwise
	// be split into several tokens is added to Words.
	Synonyms [][]string
	// NoStem turns English stemming off.
	NoStem bool
}

// Analyzer turns text into tokens. It is immutable after New and safe for
// concurrent use.
type Analyzer struct {
	dict  *zhDict
	user  *trie
	syn   map[string]string
	stem  bool
	stems *stemCache
	words []string
	synGs [][]string
}

// New returns an Analyzer for cfg. The first call in a process loads the
// embedded Chinese dictionary (a few tens of milliseconds); later calls
// share it.
func New(cfg Config) (*Analyzer, error) {
	dict, err := zhDictionary()
	if err != nil {
		return nil, err
	}
	a := &Analyzer{dict: dict, stem: !cfg.NoStem, stems: newStemCache(1 << 16)}
	base := &Analyzer{dict: dict, stem: a.stem, stems: a.stems}

	words := append([]string(nil), cfg.Words...)
	// Synonym members that the base analyzer splits become user words.
	for _, g := range cfg.Synonyms {
		for _, w := range g {
			if toks := base.Analyze(w); len(toks) > 1 {
				words = append(words, w)
			}
		}
	}
	for _, w := range words {
		n := Normalize(w).Text
		if n == "" {
			return nil, fmt.Errorf("text: operator word %q is empty after normalization", w)
		}
		if a.user == nil {
			a.user = newTrie()
		}
		a.user.add(n)
	}
	a.words = words

	if len(cfg.Synonyms) > 0 {
		a.syn = make(map[string]string)
		for gi, g := range cfg.Synonyms {
			if len(g) < 2 {
				return nil, fmt.Errorf("text: synonym group %d has %d member(s), need at least 2", gi, len(g))
			}
			canon := ""
			for i, w := range g {
				toks := a.analyze(nil, w, false)
				if len(toks) != 1 {
					return nil, fmt.Errorf("text: synonym %q in group %d is not a single term", w, gi)
				}
				if i == 0 {
					canon = toks[0].Term
					continue
				}
				if t := toks[0].Term; t != canon {
					a.syn[t] = canon
				}
			}
		}
		a.synGs = cfg.Synonyms
	}
	return a, nil
}

// Config returns the configuration the Analyzer was built from, with
// synonym members that became operator words listed in Words.
func (a *Analyzer) Config() Config {
	return Config{Words: a.words, Synonyms: a.synGs, NoStem: !a.stem}
}

// Analyze normalizes s and splits it into tokens. It never panics: invalid
// UTF-8 is treated as a separator. Space is not a token.
func (a *Analyzer) Analyze(s string) []Token {
	return a.analyze(nil, s, true)
}

// AppendTokens is Analyze appending to dst, for callers that reuse buffers.
func (a *Analyzer) AppendTokens(dst []Token, s string) []Token {
	return a.analyze(dst, s, true)
}

func (a *Analyzer) analyze(dst []Token, s string, useSyn bool) []Token {
	n := Normalize(s)
	t := n.Text
	emit := func(i, j int, k Kind, tag string) {
		st, en := n.Span(i, j)
		w := t[i:j]
		dst = append(dst, Token{Text: w, Term: a.term(w, k, useSyn), Kind: k, Tag: tag, Start: st, End: en})
	}
	i := 0
	for i < len(t) {
		if a.user != nil {
			if j := a.user.match(t, i); j > i {
				emit(i, j, kindOf(t[i:j]), "nz")
				i = j
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		switch {
		case r == ' ':
			i += size
		case isHan(r):
			j := i + size
			for j < len(t) {
				r2, s2 := utf8.DecodeRuneInString(t[j:])
				if !isHan(r2) || (a.user != nil && a.user.match(t, j) > j) {
					break
				}
				j += s2
			}
			dst = a.segmentHan(dst, n, i, j, useSyn)
			i = j
		case isAlnum(r):
			j := scanAlnum(t, i)
			k := Word
			if isDigits(t[i:j]) {
				k = Number
				j = extendNumber(t, j)
			}
			emit(i, j, k, "")
			i = j
		case isEmoji(r):
			j := scanEmoji(t, i)
			emit(i, j, Emoji, "")
			i = j
		case unicode.IsPunct(r):
			j := i + size
			for j < len(t) {
				r2, s2 := utf8.DecodeRuneInString(t[j:])
				if r2 != r {
					break
				}
				j += s2
			}
			emit(i, j, Punct, "")
			i = j
		case unicode.IsMark(r):
			// A combining mark with nothing to combine with.
			i += size
		default:
			emit(i, i+size, Symbol, "")
			i += size
		}
	}
	return dst
}

// segmentHan appends the words of the Han run t[i:j].
func (a *Analyzer) segmentHan(dst []Token, n Normalized, i, j int, useSyn bool) []Token {
	run := n.Text[i:j]
	if utf8.RuneCountInString(run) == 1 {
		st, en := n.Span(i, j)
		return append(dst, Token{Text: run, Term: a.term(run, Han, useSyn), Kind: Han, Tag: a.dict.lookupTag(run), Start: st, End: en})
	}
	var buf [32]zhWord
	b := i
	for _, w := range a.dict.segment(buf[:0], run) {
		e := i + w.end
		word := n.Text[b:e]
		st, en := n.Span(b, e)
		dst = append(dst, Token{Text: word, Term: a.term(word, Han, useSyn), Kind: Han, Tag: w.tag, Start: st, End: en})
		b = e
	}
	return dst
}

// term computes a token's matching form.
func (a *Analyzer) term(w string, k Kind, useSyn bool) string {
	t := w
	if k == Word && a.stem && isASCIILetters(w) {
		t = a.stems.stem(w)
	}
	if useSyn && a.syn != nil {
		if c, ok := a.syn[t]; ok {
			return c
		}
	}
	return t
}

// kindOf classifies an operator word by its first rune.
func kindOf(w string) Kind {
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case isHan(r):
		return Han
	case unicode.IsDigit(r):
		return Number
	}
	return Word
}

func isHan(r rune) bool {
	// U+25CB WHITE CIRCLE stands for the numeral zero in Chinese dates
	// ("二○○一年"), where it belongs to the word around it.
	return unicode.Is(unicode.Han, r) || r == 0x25cb
}

func isAlnum(r rune) bool {
	return r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9') ||
		r >= utf8.RuneSelf && !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// scanAlnum returns the end of the letter/digit run starting at i. An
// apostrophe between letters stays in the word ("don't", "what's").
func scanAlnum(t string, i int) int {
	j := i
	for j < len(t) {
		r, size := utf8.DecodeRuneInString(t[j:])
		switch {
		case isAlnum(r) || (unicode.IsMark(r) && j > i):
		case (r == '\'' || r == '’') && j > i && j+size < len(t):
			r2, _ := utf8.DecodeRuneInString(t[j+size:])
			if !unicode.IsLetter(r2) || isHan(r2) {
				return j
			}
		default:
			return j
		}
		j += size
	}
	return j
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// extendNumber extends the digit run ending at j over decimal and thousands
// separators followed by digits, then over one attached unit that Chinese
// writes as part of the number ("年", "月", "日", "号", "%", …).
func extendNumber(t string, j int) int {
	for j+1 < len(t) && (t[j] == '.' || t[j] == ',') && t[j+1] >= '0' && t[j+1] <= '9' {
		k := j + 1
		for k < len(t) && t[k] >= '0' && t[k] <= '9' {
			k++
		}
		j = k
	}
	if j < len(t) {
		r, size := utf8.DecodeRuneInString(t[j:])
		if strings.ContainsRune("年月日号时点分秒%", r) {
			j += size
		}
	}
	return j
}

// isEmoji reports whether r starts an emoji. The ranges cover the emoji
// blocks and the older symbols that are commonly shown as emoji.
func isEmoji(r rune) bool {
	switch {
	case 0x1f000 <= r && r <= 0x1faff,
		0x2600 <= r && r <= 0x27bf,
		0x2300 <= r && r <= 0x23ff,
		0x2b00 <= r && r <= 0x2bff,
		r == 0x3030, r == 0x303d, r == 0x3297, r == 0x3299:
		return true
	}
	return false
}

// scanEmoji returns the end of the emoji starting at i, including variation
// selectors, skin-tone modifiers, keycaps and zero-width-joiner sequences.
func scanEmoji(t string, i int) int {
	_, size := utf8.DecodeRuneInString(t[i:])
	j := i + size
	for j < len(t) {
		r, s := utf8.DecodeRuneInString(t[j:])
		switch {
		case r == 0xfe0f || r == 0xfe0e || (0x1f3fb <= r && r <= 0x1f3ff) || r == 0x20e3 || (0xe0020 <= r && r <= 0xe007f):
			j += s
		case r == 0x200d && j+s < len(t):
			r2, s2 := utf8.DecodeRuneInString(t[j+s:])
			if !isEmoji(r2) {
				return j
			}
			j += s + s2
		case 0x1f1e6 <= r && r <= 0x1f1ff && j == i+size:
			// Second regional indicator of a flag.
			j += s
		default:
			return j
		}
	}
	return j
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && c != '\'' {
			return false
		}
	}
	return true
}

// stemCache memoizes English stems. It holds at most max entries, so a
// flood of unseen words cannot grow it without bound.
type stemCache struct {
	m   sync.Map
	n   atomic.Int64
	max int64
}

func newStemCache(max int64) *stemCache { return &stemCache{max: max} }

func (c *stemCache) stem(w string) string {
	if v, ok := c.m.Load(w); ok {
		return v.(string)
	}
	s := english.Stem(w, false)
	if c.n.Load() < c.max {
		if _, loaded := c.m.LoadOrStore(strings.Clone(w), s); !loaded {
			c.n.Add(1)
		}
	}
	return s
}
