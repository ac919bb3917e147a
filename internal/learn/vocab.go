package learn

import (
	"math"
	"slices"

	"github.com/kefuai/kefu/internal/text"
)

// Vocab maps feature hashes to columns and holds their inverse document
// frequencies. It is immutable once built and safe for concurrent use.
type Vocab struct {
	cols map[uint64]int32
	idf  []float32
	// Sublinear uses 1+log(count) as term frequency.
	Sublinear bool
}

// BuildVocab collects the features of docs that occur in at least minDF
// documents, at most maxCols of them (the most frequent; 0 for no limit),
// and computes smoothed IDF weights, as TF-IDF does:
// idf = ln((1+n)/(1+df)) + 1. The limit bounds a model's memory whatever
// the size of its training data.
func BuildVocab(docs [][]text.Feature, minDF, maxCols int) *Vocab {
	df := make(map[uint64]int32)
	for _, d := range docs {
		for _, f := range d {
			df[f.Hash]++
		}
	}
	if maxCols > 0 && len(df) > maxCols {
		// Raise minDF until the vocabulary fits.
		counts := make([]int32, 0, len(df))
		for _, c := range df {
			counts = append(counts, c)
		}
		slices.Sort(counts)
		minDF = max(minDF, int(counts[len(counts)-maxCols]))
		if n := countAtLeast(counts, minDF); n > maxCols {
			minDF++ // ties at the cut: drop them all rather than pick arbitrarily
		}
	}
	v := &Vocab{cols: make(map[uint64]int32), Sublinear: true}
	n := float64(len(docs))
	// Assign columns in first-seen order for determinism.
	for _, d := range docs {
		for _, f := range d {
			c := df[f.Hash]
			if int(c) < minDF {
				continue
			}
			if _, ok := v.cols[f.Hash]; ok {
				continue
			}
			v.cols[f.Hash] = int32(len(v.idf))
			v.idf = append(v.idf, float32(math.Log((1+n)/(1+float64(c)))+1))
		}
	}
	return v
}

func countAtLeast(sorted []int32, v int) int {
	i, _ := slices.BinarySearch(sorted, int32(v))
	return len(sorted) - i
}

// NewVocab rebuilds a vocabulary from saved hashes and IDF weights, in
// column order.
func NewVocab(hashes []uint64, idf []float32, sublinear bool) *Vocab {
	v := &Vocab{cols: make(map[uint64]int32, len(hashes)), idf: idf, Sublinear: sublinear}
	for i, h := range hashes {
		v.cols[h] = int32(i)
	}
	return v
}

// Hashes returns the feature hashes in column order.
func (v *Vocab) Hashes() []uint64 {
	out := make([]uint64, len(v.idf))
	for h, c := range v.cols {
		out[c] = h
	}
	return out
}

// IDF returns the IDF weights in column order. The slice must not be
// modified.
func (v *Vocab) IDF() []float32 { return v.idf }

// Size returns the number of columns.
func (v *Vocab) Size() int { return len(v.idf) }

// Vectorize converts features (with distinct hashes) to a unit-length
// TF-IDF vector in the order given, reusing the buffers of dst. Unknown
// features are dropped.
func (v *Vocab) Vectorize(dst Vector, fs []text.Feature) Vector {
	dst.Idx, dst.Val = dst.Idx[:0], dst.Val[:0]
	for _, f := range fs {
		c, ok := v.cols[f.Hash]
		if !ok {
			continue
		}
		tf := f.Count
		if v.Sublinear {
			tf = 1 + float32(math.Log(float64(tf)))
		}
		dst.Idx = append(dst.Idx, c)
		dst.Val = append(dst.Val, tf*v.idf[c])
	}
	dst.Normalize()
	return dst
}
