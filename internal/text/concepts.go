package text

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// conceptsGz maps Chinese words to WordNet concepts: the lexicographer
// class and hypernyms of each word's English glosses (排骨 "spare ribs" →
// noun.food, cutlet, …; 糖尿病 "diabetes" → noun.state, disease, …). It is
// derived from CC-CEDICT and WordNet 3.0 by internal/genconcepts; its
// header gives their licences.
//
//go:embed concepts.txt.gz
var conceptsGz []byte

// maxConceptWord is the longest word of the table, in characters.
const maxConceptWord = 4

// conceptTable is the loaded table. A word's concepts are
// ids[at>>8 : at>>8+at&0xff], indices into hashes.
type conceptTable struct {
	words  map[string]uint32
	ids    []uint32
	hashes []uint64
}

var concepts = sync.OnceValues(func() (*conceptTable, error) { return parseConcepts(conceptsGz) })

// parseConcepts reads the concept table: see parseTable.
func parseConcepts(gz []byte) (*conceptTable, error) {
	return parseTable(gz, nsConcept, "concept", 90000, 700000)
}

// parseTable reads a gzip-compressed table of lines "word<TAB>concept
// concept …"; lines starting with '#' are comments. Concepts hash in
// namespace ns; name names the table in errors; words and ids size the
// first allocations. It streams: the decompressed text is never held
// whole.
func parseTable(gz []byte, ns byte, name string, words, ids int) (*conceptTable, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("text: %s table: %w", name, err)
	}
	t := &conceptTable{words: make(map[string]uint32, words), ids: make([]uint32, 0, ids)}
	index := make(map[string]uint32, 25000)
	// Keys are cut from one string holding every word.
	var arena strings.Builder
	arena.Grow(words * 8)
	type span struct {
		off, n int
		at     uint32
	}
	spans := make([]span, 0, 90000)
	sc := bufio.NewScanner(zr)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		w, cs, ok := bytes.Cut(line, []byte("\t"))
		if !ok || len(w) == 0 || !utf8.Valid(w) {
			return nil, fmt.Errorf("text: %s table line %d: want word<TAB>concepts", name, n)
		}
		start := len(t.ids)
		for len(cs) > 0 {
			var c []byte
			c, cs, _ = bytes.Cut(cs, []byte(" "))
			if len(c) == 0 {
				continue
			}
			id, ok := index[string(c)]
			if !ok {
				id = uint32(len(t.hashes))
				index[string(c)] = id
				t.hashes = append(t.hashes, hashBytes(ns, c))
			}
			t.ids = append(t.ids, id)
		}
		if k := len(t.ids) - start; k == 0 || k > 0xff {
			return nil, fmt.Errorf("text: %s table line %d: %d concepts", name, n, k)
		}
		spans = append(spans, span{arena.Len(), len(w), uint32(start)<<8 | uint32(len(t.ids)-start)})
		arena.Write(w)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("text: %s table: %w", name, err)
	}
	all := arena.String()
	for _, s := range spans {
		t.words[all[s.off:s.off+s.n]] = s.at
	}
	return t, nil
}

// appendConcepts appends the concepts of every word of the table found in
// the text of a run of adjacent Han tokens, wherever it starts: the
// segmenter may have cut 糖醋排骨 as one word that the table only knows
// as 糖醋 and 排骨.
func appendConcepts(dst []Feature, run []Token) []Feature {
	t, err := concepts()
	if err != nil {
		panic(err) // the embedded table is part of the build
	}
	return t.appendRun(dst, run)
}

// appendRun appends the entries of every word of t found in the text of a
// run of adjacent Han tokens, wherever it starts.
func (t *conceptTable) appendRun(dst []Feature, run []Token) []Feature {
	var bb [512]byte
	var ob [129]int
	buf, offs := bb[:0], ob[:0]
	for i := range run {
		for j := 0; j < len(run[i].Text); {
			_, size := utf8.DecodeRuneInString(run[i].Text[j:])
			if len(buf)+size > len(bb) || len(offs) == len(ob)-1 {
				break
			}
			offs = append(offs, len(buf))
			buf = append(buf, run[i].Text[j:j+size]...)
			j += size
		}
	}
	n := len(offs)
	offs = append(offs, len(buf))
	for i := range n {
		for k := 1; k <= maxConceptWord && i+k <= n; k++ {
			at, ok := t.words[string(buf[offs[i]:offs[i+k]])]
			if !ok {
				continue
			}
			for _, id := range t.ids[at>>8 : at>>8+at&0xff] {
				dst = append(dst, Feature{Hash: t.hashes[id], Count: 1})
			}
		}
	}
	return dst
}
