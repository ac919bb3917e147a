// Package textnorm normalizes text the way every kefu component expects it:
// NFKC, lower case, collapsed white space, invalid bytes as separators and
// traditional Chinese converted to simplified characters, with a map back
// to the input.
//
// It holds no dictionary or segmenter, so packages that only normalize
// (dialogue flows, entity extraction, analytics) stay small; tokenization
// lives in internal/text.
package textnorm

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalized is text after normalization, with a map back to the input.
// Offsets let callers report positions (entities, matched words) in the text
// the customer actually wrote.
type Normalized struct {
	// Text is the normalized text.
	Text string
	// start[i], end[i] delimit the input bytes that produced byte i of Text.
	start, end []int32
}

// Span maps the byte range [i, j) of n.Text to the byte range of the
// original input it came from. It panics if the range is out of bounds, as
// slicing does.
func (n Normalized) Span(i, j int) (start, end int) {
	if i >= j {
		if i < len(n.start) {
			return int(n.start[i]), int(n.start[i])
		}
		if len(n.end) > 0 {
			return int(n.end[len(n.end)-1]), int(n.end[len(n.end)-1])
		}
		return 0, 0
	}
	return int(n.start[i]), int(n.end[j-1])
}

// Normalize applies the normalization every analyzer stage relies on:
//
//   - invalid UTF-8 bytes become a space (never a panic, never lost text
//     around them);
//   - Unicode NFKC, which folds full-width forms to half-width
//     ("ｉＰｈｏｎｅ１５" → "iphone15") and compatibility characters;
//   - case folding to lower case;
//   - runs of white space and control characters collapse to one space and
//     the result is trimmed;
//   - text that holds a character written only in traditional Chinese (頭,
//     後, 為, 質 …) is converted to simplified characters: phrases by
//     longest match on a table derived from OpenCC (乾淨 → 干净 but 乾坤
//     stays, 看著 → 看着 but 著名 stays, Taiwan's 軟體 → 软件 and 滑鼠 →
//     鼠标), other characters one by one. Text without such a character is
//     not converted, so simplified text is never changed. Span maps a
//     converted character to the character it came from.
func Normalize(s string) Normalized { return normalize(s, true) }

// normalize is Normalize, converting traditional characters only with
// convert set.
func normalize(s string, convert bool) Normalized {
	var buf []byte
	var st, en []int32
	pendingSpace := false
	emit := func(b []byte, at, atEnd int) {
		for _, c := range b {
			buf = append(buf, c)
			st = append(st, int32(at))
			en = append(en, int32(atEnd))
		}
	}
	// pendingSpace marks a separator; it is written lazily so that runs
	// collapse and leading/trailing spaces disappear.
	flushSpace := func(at int) {
		if pendingSpace && len(buf) > 0 {
			buf = append(buf, ' ')
			st = append(st, int32(at))
			en = append(en, int32(at))
		}
		pendingSpace = false
	}

	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c <= ' ' || c == 0x7f {
				pendingSpace = true
				continue
			}
			flushSpace(i)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			st = append(st, int32(i))
			en = append(en, int32(i+1))
		}
		return Normalized{Text: string(buf), start: st, end: en}
	}

	var it norm.Iter
	var tmp [utf8.UTFMax]byte
	var tab *t2sTable // loaded at the first Chinese character
	trad := false
	for start := 0; start < len(s); {
		// Find the next run of valid UTF-8.
		end := start
		for end < len(s) {
			r, size := utf8.DecodeRuneInString(s[end:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			end += size
		}
		if end > start {
			chunk := s[start:end]
			it.InitString(norm.NFKC, chunk)
			pos := 0
			for !it.Done() {
				seg := it.Next()
				at := start + pos
				pos = it.Pos()
				atEnd := start + pos
				for len(seg) > 0 {
					r, size := utf8.DecodeRune(seg)
					seg = seg[size:]
					if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError ||
						unicode.Is(unicode.Cf, r) {
						// Format characters (zero-width space, BOM, joiners)
						// separate nothing a reader sees; treat them as space
						// only when they are not joiners inside emoji.
						if r == 0x200d {
							flushSpace(at)
							n := utf8.EncodeRune(tmp[:], r)
							emit(tmp[:n], at, atEnd)
							continue
						}
						pendingSpace = true
						continue
					}
					flushSpace(at)
					r = unicode.ToLower(r)
					if r >= t2sLo && convert && !trad {
						if tab == nil {
							tab = t2s()
						}
						trad = tab.tradOnly(r)
					}
					n := utf8.EncodeRune(tmp[:], r)
					emit(tmp[:n], at, atEnd)
				}
			}
			start = end
			continue
		}
		// One invalid byte: a separator.
		pendingSpace = true
		start++
	}
	n := Normalized{Text: string(buf), start: st, end: en}
	if trad {
		n = tab.convert(n)
	}
	return n
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Preload loads the traditional-to-simplified table now rather than at the
// first Chinese text Normalize sees, for callers that know Chinese text is
// coming and have a core to spare.
func Preload() { t2s() }
