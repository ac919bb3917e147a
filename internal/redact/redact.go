// Package redact finds and masks personal information in free text before
// it is stored, logged or sent anywhere: mainland-China mobile and landline
// numbers, resident identity numbers, bank card numbers, e-mail addresses
// and IP addresses, plus patterns an operator adds.
//
// Numbers are validated, not just shaped: an identity number must carry a
// valid birth date and GB 11643 check digit, a card number must pass the
// Luhn check and start like a payment card, and digits touching letters or
// belonging to a longer run (order numbers such as SO12345678901 or
// 2024112712345678) are never taken for a phone number. Full-width digits
// and separators ("１３８－１２３４－５６７８") are recognized as their
// half-width forms.
//
// A Redactor is immutable and safe for concurrent use.
package redact

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kind names a kind of personal information.
type Kind string

// The built-in kinds.
const (
	Mobile   Kind = "mobile"    // 1[3-9] and nine digits, optionally +86
	Landline Kind = "landline"  // area code and local number
	IDCard   Kind = "id_card"   // resident identity number (GB 11643)
	BankCard Kind = "bank_card" // payment card number (Luhn)
	Email    Kind = "email"
	IPv4     Kind = "ipv4"
	IPv6     Kind = "ipv6"
)

// BuiltinKinds returns the built-in kinds in a fixed order.
func BuiltinKinds() []Kind {
	return []Kind{Mobile, Landline, IDCard, BankCard, Email, IPv4, IPv6}
}

// ChineseTokens returns the default replacement of each built-in kind, in
// Chinese. The map is a fresh copy the caller may change.
func ChineseTokens() map[Kind]string {
	return map[Kind]string{
		Mobile: "[手机号]", Landline: "[电话]", IDCard: "[身份证号]", BankCard: "[银行卡号]",
		Email: "[邮箱]", IPv4: "[IP地址]", IPv6: "[IP地址]",
	}
}

// EnglishTokens returns English replacements of the built-in kinds, such as
// "[PHONE]". The map is a fresh copy the caller may change.
func EnglishTokens() map[Kind]string {
	return map[Kind]string{
		Mobile: "[PHONE]", Landline: "[TEL]", IDCard: "[ID_NUMBER]", BankCard: "[CARD]",
		Email: "[EMAIL]", IPv4: "[IP]", IPv6: "[IP]",
	}
}

// Span is one piece of personal information found in a text: its kind and
// the byte range [Start, End) of the original text.
type Span struct {
	Kind       Kind
	Start, End int
}

// Pattern is an operator-defined kind of personal information, such as a
// membership card number.
type Pattern struct {
	// Kind names what the pattern finds; it must not be empty.
	Kind Kind
	// Regexp matches candidates; it must not be nil.
	Regexp *regexp.Regexp
	// Validate, when not nil, keeps only the matches it accepts.
	Validate func(match string) bool
	// Token replaces a match; "[" + Kind + "]" when empty.
	Token string
}

// Options configure a Redactor. The zero value finds every built-in kind
// and replaces it with a Chinese token.
type Options struct {
	// Kinds lists the built-in kinds to find; all of them when nil. An
	// empty non-nil slice finds none (only Patterns).
	Kinds []Kind
	// Tokens overrides the replacement of some kinds (built-in or of a
	// Pattern); the rest keep ChineseTokens. Use EnglishTokens for English.
	Tokens map[Kind]string
	// OldIDs also finds 15-digit identity numbers of the first generation
	// (area code, six-digit birth date, sequence; no check digit), whose
	// birth date must be valid.
	OldIDs bool
	// Patterns are found in addition to the built-in kinds. Where a
	// pattern's match overlaps a built-in one, the earlier and then longer
	// match wins.
	Patterns []Pattern
}

// ErrInvalidPattern is matched by the error New returns for a bad Pattern.
var ErrInvalidPattern = errors.New("redact: invalid pattern")

// Redactor finds and replaces personal information. It is immutable and
// safe for concurrent use.
type Redactor struct {
	on       [numBuiltin]bool
	anyOn    bool
	oldIDs   bool
	tokens   map[Kind]string
	patterns []Pattern
}

const numBuiltin = 7

func builtinIndex(k Kind) int {
	switch k {
	case Mobile:
		return 0
	case Landline:
		return 1
	case IDCard:
		return 2
	case BankCard:
		return 3
	case Email:
		return 4
	case IPv4:
		return 5
	case IPv6:
		return 6
	}
	return -1
}

// New returns a Redactor configured by opts. It returns an error wrapping
// ErrInvalidPattern when a pattern lacks a kind or a regular expression,
// or Kinds names an unknown kind.
func New(opts Options) (*Redactor, error) {
	r := &Redactor{oldIDs: opts.OldIDs, tokens: ChineseTokens()}
	if opts.Kinds == nil {
		for i := range r.on {
			r.on[i] = true
		}
	}
	for _, k := range opts.Kinds {
		i := builtinIndex(k)
		if i < 0 {
			return nil, fmt.Errorf("%w: unknown built-in kind %q", ErrInvalidPattern, k)
		}
		r.on[i] = true
	}
	for _, on := range r.on {
		r.anyOn = r.anyOn || on
	}
	for i, p := range opts.Patterns {
		if p.Kind == "" || p.Regexp == nil {
			return nil, fmt.Errorf("%w: pattern %d needs a kind and a regular expression", ErrInvalidPattern, i)
		}
		tok := p.Token
		if tok == "" {
			tok = "[" + string(p.Kind) + "]"
		}
		r.tokens[p.Kind] = tok
	}
	r.patterns = slices.Clone(opts.Patterns)
	for k, v := range opts.Tokens {
		r.tokens[k] = v
	}
	return r, nil
}

// Token returns the replacement of kind k.
func (r *Redactor) Token(k Kind) string {
	if t, ok := r.tokens[k]; ok {
		return t
	}
	return "[" + string(k) + "]"
}

// Find returns the personal information in s, ordered by position and not
// overlapping. Offsets are bytes of s and fall on rune boundaries.
func (r *Redactor) Find(s string) []Span {
	return r.appendSpans(nil, s)
}

// Redact returns s with every piece of personal information replaced by
// the token of its kind. It returns s itself, without allocating, when
// there is nothing to replace.
func (r *Redactor) Redact(s string) string {
	out, _ := r.RedactSpans(s)
	return out
}

// RedactSpans returns the redacted text and the spans that were replaced,
// as offsets of s, for an audit trail.
func (r *Redactor) RedactSpans(s string) (string, []Span) {
	var buf [8]Span
	spans := r.appendSpans(buf[:0], s)
	if len(spans) == 0 {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s) + 8*len(spans))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.Start])
		b.WriteString(r.Token(sp.Kind))
		last = sp.End
	}
	b.WriteString(s[last:])
	return b.String(), slices.Clone(spans)
}

func (r *Redactor) appendSpans(dst []Span, s string) []Span {
	start := len(dst)
	if r.anyOn {
		dst = r.scanBuiltin(dst, s)
	}
	custom := false
	for _, p := range r.patterns {
		for _, m := range p.Regexp.FindAllStringIndex(s, -1) {
			if m[0] == m[1] || (p.Validate != nil && !p.Validate(s[m[0]:m[1]])) {
				continue
			}
			dst = append(dst, Span{Kind: p.Kind, Start: m[0], End: m[1]})
			custom = true
		}
	}
	if custom {
		dst = resolveOverlaps(dst, start)
	}
	return dst
}

// resolveOverlaps sorts dst[start:] by position and keeps, of overlapping
// spans, the one that starts first and then the longest.
func resolveOverlaps(dst []Span, start int) []Span {
	sp := dst[start:]
	slices.SortFunc(sp, func(a, b Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := dst[:start]
	end := -1
	for _, s := range sp {
		if s.Start < end {
			continue
		}
		out = append(out, s)
		end = s.End
	}
	return out
}
