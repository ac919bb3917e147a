package kb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchEntries returns n synthetic Chinese entries with one to three
// questions each, drawn from a Zipf-distributed lexicon so that common
// terms have long posting lists.
func benchEntries(n int) []Entry {
	rng := rand.New(rand.NewPCG(7, 7))
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
	affixes := []string{"", "请问", "怎么", "吗", "可以吗", "在哪里"}
	sentence := func() string {
		var b strings.Builder
		b.WriteString(affixes[rng.IntN(3)])
		for range 2 + rng.IntN(3) {
			b.WriteString(words[zipf.Uint64()])
		}
		b.WriteString(affixes[3+rng.IntN(3)])
		return b.String()
	}
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{ID: fmt.Sprintf("e%06d", i), Question: sentence()}
		for range rng.IntN(3) {
			es[i].Similar = append(es[i].Similar, sentence())
		}
	}
	return es
}

func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			es := benchEntries(n)
			ix, err := NewIndex(IndexOptions{})
			if err != nil {
				b.Fatal(err)
			}
			ix.Put(es...)
			queries := make([]string, 256)
			for i := range queries {
				queries[i] = "你好" + es[(i*7919)%n].Question
			}
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := ix.Search(ctx, queries[i%len(queries)], SearchOptions{}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkPut measures replacing one entry of an index of 10,000: the
// incremental update a live edit makes.
func BenchmarkPut(b *testing.B) {
	es := benchEntries(10000)
	ix, err := NewIndex(IndexOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ix.Put(es...)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e := es[i%len(es)]
		e.Similar = append(e.Similar, fmt.Sprint("新的说法", i))
		ix.Put(e)
		i++
	}
}

// BenchmarkBuild measures indexing 10,000 entries from scratch.
func BenchmarkBuild(b *testing.B) {
	es := benchEntries(10000)
	if _, err := NewIndex(IndexOptions{}); err != nil { // load the dictionary
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ix, _ := NewIndex(IndexOptions{})
		ix.Put(es...)
	}
}
