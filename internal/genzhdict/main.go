// Command genzhdict writes internal/text/zh_s.txt.gz, the Chinese word
// dictionary the text package embeds, from gse's "zh_s" dictionary:
//
//	go run ./internal/genzhdict
//
// It loads the dictionary through gse itself (Segmenter.LoadDictEmbed, the
// gse version go.mod requires) and writes what gse holds after loading:
// every word as gse keys it (ASCII letters lower-cased), its frequency after
// gse's rules (words rarer than 2 dropped, one-character words counted as
// 2, the first of duplicate lines kept) and its part-of-speech tag, sorted
// by the word's bytes, under a line giving the number of words and gse's
// total frequency. From these numbers the text package computes each
// word's path cost as gse does, so its segmenter cuts text as gse's
// Segment does, with a compact read-only table instead of gse's per-word
// structures.
//
// The output is gzip-compressed text: comment lines starting with '#'
// (source and licence), the line "<words>\t<total frequency>", then one
// line "word\tfrequency\ttag" per word. Running the command again with the
// same gse version writes the same text.
package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ego/gse"
)

const gsePath = "github.com/go-ego/gse"

func main() {
	out := flag.String("o", "internal/text/zh_s.txt.gz", "output file")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		fail(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err := generate(zw); err != nil {
		f.Close()
		fail(err)
	}
	if err := zw.Close(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

// gseVersion returns the version of gse linked into this program.
func gseVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == gsePath {
				if m.Replace != nil {
					m = m.Replace
				}
				return m.Version
			}
		}
	}
	return "(unknown version)"
}

// generate writes the uncompressed table to w.
func generate(w io.Writer) error {
	seg := new(gse.Segmenter)
	seg.SkipLog = true
	seg.NotLoadHMM = true // the HMM model plays no part in the dictionary
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return err
	}
	if seg.Dict == nil || seg.Dict.NumTokens() < 100000 {
		return errors.New("gse's zh_s dictionary did not load")
	}
	type entry struct {
		word, tag string
		freq      float64
	}
	entries := make([]entry, 0, seg.Dict.NumTokens())
	for i := range seg.Dict.Tokens {
		tk := &seg.Dict.Tokens[i]
		e := entry{word: tk.Text(), tag: tk.Pos(), freq: tk.Freq()}
		if e.word == "" || strings.ContainsAny(e.word, "\t\n") || strings.ContainsAny(e.tag, "\t\n") {
			return fmt.Errorf("gse word %d (%q/%q) cannot be written as a table line", i, e.word, e.tag)
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.word, b.word) })
	for i := 1; i < len(entries); i++ {
		if entries[i].word == entries[i-1].word {
			return fmt.Errorf("gse holds the word %q twice", entries[i].word)
		}
	}

	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# The Chinese word dictionary \"zh_s\" of gse %s (%s, data/dict/zh/s_1.txt),\n", gseVersion(), gsePath)
	fmt.Fprintln(bw, "# as gse holds it once loaded, written by internal/genzhdict; do not edit.")
	fmt.Fprintln(bw, "# Licence: gse (Copyright 2016 The go-ego Project Developers) is licensed under the")
	fmt.Fprintln(bw, "# Apache License, Version 2.0 or the MIT licence, at your option; part of its Chinese")
	fmt.Fprintln(bw, "# dictionary comes from jieba (https://github.com/fxsjy/jieba, MIT licence, Copyright (c)")
	fmt.Fprintln(bw, "# 2013 Sun Junyi).")
	fmt.Fprintln(bw, "# This table adapts gse's data as described above; kefu's NOTICE, section 2, gives the notices.")
	fmt.Fprintln(bw, "# Format: \"<words>\\t<total frequency>\", then \"word\\tfrequency\\ttag\" per word, by bytes.")
	fmt.Fprintf(bw, "%d\t%s\n", len(entries), strconv.FormatFloat(seg.Dict.TotalFreq(), 'g', -1, 64))
	for _, e := range entries {
		fmt.Fprintf(bw, "%s\t%s\t%s\n", e.word, strconv.FormatFloat(e.freq, 'g', -1, 64), e.tag)
	}
	return bw.Flush()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "genzhdict:", err)
	os.Exit(1)
}
