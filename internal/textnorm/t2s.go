package textnorm

import (
	_ "embed"
	"fmt"
	"math/bits"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// t2sTxt is the traditional-to-simplified table: lines "traditional<TAB>
// simplified", with "<TAB>shared" for a character that simplified text also
// writes. A one-character key is a character mapping, a longer one a phrase.
// It is derived from OpenCC's dictionaries by internal/gent2s; its header
// gives the licence.
//
//go:embed t2s.txt
var t2sTxt string

// A character's info packs its simplified form (0: none) in the low bits,
// whether it marks text as traditional, and which lengths (2 to
// maxPhraseRunes characters) the phrases that start with it have: bit
// t2sPhraseShift+k-2 for length k.
const (
	t2sRune        = 1<<21 - 1
	t2sTradOnly    = 1 << 22
	t2sPhraseShift = 23
	maxPhraseRunes = 10
	// Characters in [t2sLo, t2sHi) (CJK extension A and the unified
	// ideographs) have their info in a slice; others in a map.
	t2sLo, t2sHi = 0x3400, 0xa000
)

type t2sTable struct {
	dense            []uint32
	other            map[rune]uint32
	otherLo, otherHi rune
	phrases          map[string]string
	// pairs has bit pairHash(a, b) set for the first two characters a, b
	// of every phrase, so that most places need no map lookup.
	pairs []uint64
}

const pairBits = 1 << 15

func pairHash(a, b rune) uint32 { return (uint32(a)*0x9e3779b1 ^ uint32(b)*0x85ebca6b) >> 17 }

var t2s = sync.OnceValue(func() *t2sTable {
	t, err := parseT2S(t2sTxt)
	if err != nil {
		panic(err) // the embedded table is part of the build
	}
	return t
})

// parseT2S reads a traditional-to-simplified table. Lines starting with
// '#' and empty lines are skipped.
func parseT2S(s string) (*t2sTable, error) {
	t := &t2sTable{dense: make([]uint32, t2sHi-t2sLo), other: map[rune]uint32{},
		phrases: make(map[string]string, strings.Count(s, "\n")/2), pairs: make([]uint64, pairBits/64)}
	get := func(r rune) uint32 {
		if t2sLo <= r && r < t2sHi {
			return t.dense[r-t2sLo]
		}
		return t.other[r]
	}
	set := func(r rune, v uint32) {
		if t2sLo <= r && r < t2sHi {
			t.dense[r-t2sLo] = v
			return
		}
		if len(t.other) == 0 || r < t.otherLo {
			t.otherLo = r
		}
		if len(t.other) == 0 || r > t.otherHi {
			t.otherHi = r
		}
		t.other[r] = v
	}
	for n := 1; s != ""; n++ {
		var line string
		line, s, _ = strings.Cut(s, "\n")
		if line == "" || line[0] == '#' {
			continue
		}
		bad := func(why string) error { return fmt.Errorf("text: t2s table line %d: %s", n, why) }
		k, v, ok := strings.Cut(line, "\t")
		v, flag, shared := strings.Cut(v, "\t")
		if !ok || shared && flag != "shared" {
			return nil, bad("want traditional<TAB>simplified[<TAB>shared]")
		}
		if err := checkT2SText(k); err != nil {
			return nil, bad("key: " + err.Error())
		}
		if err := checkT2SText(v); err != nil {
			return nil, bad("value: " + err.Error())
		}
		first, _ := utf8.DecodeRuneInString(k)
		nk := utf8.RuneCountInString(k)
		if nk == 1 {
			r, _ := utf8.DecodeRuneInString(v)
			if utf8.RuneCountInString(v) != 1 || r == first {
				return nil, bad("a character must map to one other character")
			}
			info := get(first)
			if info&t2sRune != 0 {
				return nil, bad(fmt.Sprintf("%q given twice", k))
			}
			info |= uint32(r)
			if !shared {
				info |= t2sTradOnly
			}
			set(first, info)
			continue
		}
		if shared {
			return nil, bad("only a character can be shared")
		}
		if nk > maxPhraseRunes {
			return nil, bad(fmt.Sprintf("phrase longer than %d characters", maxPhraseRunes))
		}
		if _, dup := t.phrases[k]; dup {
			return nil, bad(fmt.Sprintf("%q given twice", k))
		}
		t.phrases[k] = v
		set(first, get(first)|1<<(t2sPhraseShift+nk-2))
		second, _ := utf8.DecodeRuneInString(k[utf8.RuneLen(first):])
		h := pairHash(first, second)
		t.pairs[h/64] |= 1 << (h % 64)
	}
	return t, nil
}

// checkT2SText checks a key or value: valid UTF-8, not empty, and no
// ASCII, space or control characters, so that text in ASCII is never
// converted.
func checkT2SText(s string) error {
	if s == "" || !utf8.ValidString(s) {
		return fmt.Errorf("empty or invalid UTF-8")
	}
	for _, r := range s {
		if r < utf8.RuneSelf || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return fmt.Errorf("%q has ASCII, space or control characters", s)
		}
	}
	return nil
}

// info returns r's entry.
func (t *t2sTable) info(r rune) uint32 {
	if t2sLo <= r && r < t2sHi {
		return t.dense[r-t2sLo]
	}
	if r < t.otherLo || r > t.otherHi {
		return 0
	}
	return t.other[r]
}

// tradOnly reports whether r is written only in traditional text.
func (t *t2sTable) tradOnly(r rune) bool { return t.info(r)&t2sTradOnly != 0 }

// convert returns n in simplified characters: at each place the longest
// phrase of the table, else the character's simplified form. Offsets map
// each converted character to the input its traditional character came
// from; a phrase that changes length maps all of its output to the whole
// phrase's input. While every output character has the size of the one it
// replaces, n's offsets are shared, not copied.
func (t *t2sTable) convert(n Normalized) Normalized {
	s := n.Text
	buf := make([]byte, 0, len(s))
	var st, en []int32 // nil while the output keeps the input's layout
	same := true
	// put appends out, the replacement of s[from:to]; whole says that out
	// replaces it as a whole (a phrase that changes length).
	put := func(out string, from, to int, whole bool) {
		if same && (whole || len(out) != to-from) {
			same = false
			st = append(make([]int32, 0, len(s)+16), n.start[:len(buf)]...)
			en = append(make([]int32, 0, len(s)+16), n.end[:len(buf)]...)
		}
		buf = append(buf, out...)
		if !same {
			a, b := n.start[from], n.end[to-1]
			for range len(out) {
				st = append(st, a)
				en = append(en, b)
			}
		}
	}
	var ends [maxPhraseRunes]int
	var tmp [utf8.UTFMax]byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf {
			buf = append(buf, s[i])
			if !same {
				st = append(st, n.start[i])
				en = append(en, n.end[i])
			}
			i++
			continue
		}
		info := t.info(r)
		lens := info >> t2sPhraseShift
		if lens != 0 && i+size < len(s) {
			r2, _ := utf8.DecodeRuneInString(s[i+size:])
			if h := pairHash(r, r2); t.pairs[h/64]&(1<<(h%64)) == 0 {
				lens = 0
			}
		}
		if lens != 0 {
			l := bits.Len32(lens) + 1 // the longest
			k := 0
			for j := i; j < len(s) && k < l; k++ {
				_, sz := utf8.DecodeRuneInString(s[j:])
				j += sz
				ends[k] = j
			}
			matched := false
			for ; k >= 2; k-- {
				if lens&(1<<(k-2)) == 0 {
					continue
				}
				out, ok := t.phrases[s[i:ends[k-1]]]
				if !ok {
					continue
				}
				if utf8.RuneCountInString(out) == k {
					// Character for character.
					from := i
					for q := 0; len(out) > 0; q++ {
						_, osz := utf8.DecodeRuneInString(out)
						put(out[:osz], from, ends[q], false)
						out = out[osz:]
						from = ends[q]
					}
				} else {
					put(out, i, ends[k-1], true)
				}
				i = ends[k-1]
				matched = true
				break
			}
			if matched {
				continue
			}
		}
		if sr := rune(info & t2sRune); sr != 0 {
			m := utf8.EncodeRune(tmp[:], sr)
			put(string(tmp[:m]), i, i+size, false)
		} else {
			buf = append(buf, s[i:i+size]...)
			if !same {
				st = append(st, n.start[i:i+size]...)
				en = append(en, n.end[i:i+size]...)
			}
		}
		i += size
	}
	if same {
		return Normalized{Text: string(buf), start: n.start, end: n.end}
	}
	return Normalized{Text: string(buf), start: st, end: en}
}
