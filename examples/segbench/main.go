// Command segbench scores kefu's Chinese word segmentation against the
// SIGHAN 2005 gold standard and measures its speed, side by side with the
// gse segmenter called directly in the same run.
//
//	go run ./examples/segbench [-data DIR | -dataset sighan2005 [-cache DIR]] [-runs 5] [-json]
//
// -data DIR reads DIR/pku_test.tsv and DIR/msr_test.tsv. Without -data,
// -dataset (sighan2005 by default; -dataset list lists the datasets)
// fetches the gold files from their published source into the cache
// (-cache DIR, else $KEFU_DATASETS, else the user's cache folder; see
// docs/datasets.md), checking their pinned SHA-256 sums, prints the
// licence and citation, and reads the converted files from there.
//
// Each input file holds lines "gold words<TAB>raw text". A word counts as
// right when its span in the raw text equals a gold word's span (word-span
// precision, recall and F1, the SIGHAN scoring). Speed is the median over
// -runs passes, in MB of raw UTF-8 per second, one goroutine.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-ego/gse"
	"github.com/kefuai/kefu/internal/dataset"
	"github.com/kefuai/kefu/internal/text"
)

type sentence struct {
	gold [][2]int // byte spans in raw
	raw  string
}

type score struct {
	Corpus    string  `json:"corpus"`
	System    string  `json:"system"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	MBPerSec  float64 `json:"mb_per_sec"`
	Sentences int     `json:"sentences"`
}

func main() {
	data := flag.String("data", "", "directory holding pku_test.tsv and msr_test.tsv (default: fetch -dataset)")
	dsName := flag.String("dataset", "sighan2005", "without -data, fetch this public dataset and run on its files (list: show the datasets)")
	cacheDir := flag.String("cache", "", "dataset cache folder (default: $KEFU_DATASETS, else the user's cache folder)")
	runs := flag.Int("runs", 5, "timed passes per system; the median is reported")
	asJSON := flag.Bool("json", false, "print one JSON object as the last line")
	flag.Parse()

	if *dsName == "list" {
		if err := dataset.WriteList(os.Stdout); err != nil {
			fail(err)
		}
		return
	}
	if *data == "" {
		d, err := dataset.Lookup(*dsName)
		if err != nil {
			fail(err)
		}
		if d.Task != dataset.Segmentation {
			fail(fmt.Errorf("dataset %s is a %s dataset, not word segmentation (see -dataset list)", d.Name, d.Task))
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		*data, err = dataset.Fetch(ctx, d, dataset.Options{Dir: *cacheDir, Log: os.Stderr})
		stop()
		if err != nil {
			fail(err)
		}
	}

	an, err := text.New(text.Config{})
	if err != nil {
		fail(err)
	}
	var seg gse.Segmenter
	seg.SkipLog = true
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		fail(err)
	}

	systems := []struct {
		name string
		cut  func(string) [][2]int
	}{
		{"kefu analyzer", func(s string) [][2]int {
			toks := an.Analyze(s)
			out := make([][2]int, len(toks))
			for i, t := range toks {
				out[i] = [2]int{t.Start, t.End}
			}
			return out
		}},
		{"gse Cut (zh_s)", func(s string) [][2]int {
			var out [][2]int
			p := 0
			for _, w := range seg.Cut(s) {
				if strings.TrimSpace(w) != "" {
					out = append(out, [2]int{p, p + len(w)})
				}
				p += len(w)
			}
			return out
		}},
	}

	var all []score
	for _, corpus := range []string{"pku", "msr"} {
		path := filepath.Join(*data, corpus+"_test.tsv")
		sents, bytes, err := load(path)
		if err != nil {
			fail(err)
		}
		for _, sys := range systems {
			tp, np, ng := 0, 0, 0
			for _, s := range sents {
				gold := make(map[[2]int]bool, len(s.gold))
				for _, g := range s.gold {
					gold[g] = true
				}
				for _, sp := range sys.cut(s.raw) {
					if gold[sp] {
						tp++
					}
					np++
				}
				ng += len(s.gold)
			}
			var speeds []float64
			for r := 0; r < *runs; r++ {
				start := time.Now()
				for _, s := range sents {
					sys.cut(s.raw)
				}
				speeds = append(speeds, float64(bytes)/1e6/time.Since(start).Seconds())
			}
			slices.Sort(speeds)
			p, rc := float64(tp)/float64(np), float64(tp)/float64(ng)
			sc := score{Corpus: corpus, System: sys.name, Precision: p, Recall: rc, F1: 2 * p * rc / (p + rc),
				MBPerSec: speeds[len(speeds)/2], Sentences: len(sents)}
			all = append(all, sc)
			fmt.Printf("%-4s %-16s P %.3f  R %.3f  F1 %.3f  %6.2f MB/s\n", corpus, sys.name, sc.Precision, sc.Recall, sc.F1, sc.MBPerSec)
		}
	}
	if *asJSON {
		b, _ := json.Marshal(map[string]any{"results": all})
		fmt.Println(string(b))
	}
}

// load reads "gold words<TAB>raw" lines and converts gold words to byte
// spans of raw.
func load(path string) ([]sentence, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var out []sentence
	total := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		gold, raw, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return nil, 0, fmt.Errorf("%s:%d: no TAB between gold words and raw text", path, line)
		}
		s := sentence{raw: raw}
		p := 0
		for _, w := range strings.Fields(gold) {
			i := strings.Index(raw[p:], w)
			if i < 0 {
				return nil, 0, fmt.Errorf("%s:%d: gold word %q not found in raw text", path, line, w)
			}
			s.gold = append(s.gold, [2]int{p + i, p + i + len(w)})
			p += i + len(w)
		}
		total += len(raw)
		out = append(out, s)
	}
	return out, total, sc.Err()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "segbench:", err)
	os.Exit(1)
}
