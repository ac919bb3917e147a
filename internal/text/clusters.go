package text

import (
	_ "embed"
	"sync"
)

// clustersEnGz maps English words to clusters of words used alike
// (refund, rebate, reimbursement; weather, rain), derived from GloVe word
// vectors by internal/genclusters: six clusterings, each at one to three
// levels from coarse to fine. Its header gives the sources' licences.
//
//go:embed clusters_en.txt.gz
var clustersEnGz []byte

// clustersZhGz maps Chinese words of two to four characters to the same
// clusters through their CC-CEDICT glosses' vectors (退款 "refund" joins
// refund's clusters).
//
//go:embed clusters_zh.txt.gz
var clustersZhGz []byte

// The tables load on first use, each when the first text in its language
// needs it.
var (
	clustersEn = sync.OnceValues(func() (*conceptTable, error) {
		return parseTable(clustersEnGz, nsCluster, "English cluster", 40000, 640000)
	})
	clustersZh = sync.OnceValues(func() (*conceptTable, error) {
		return parseTable(clustersZhGz, nsCluster, "Chinese cluster", 92500, 1480000)
	})
)

// appendClusters appends the clusters of the non-Han words of toks and of
// the Chinese words in their Han runs, wherever those start.
func appendClusters(dst []Feature, toks []Token) []Feature {
	for i := 0; i < len(toks); {
		switch toks[i].Kind {
		case Word:
			t, err := clustersEn()
			if err != nil {
				panic(err) // the embedded table is part of the build
			}
			if at, ok := t.words[toks[i].Text]; ok {
				for _, id := range t.ids[at>>8 : at>>8+at&0xff] {
					dst = append(dst, Feature{Hash: t.hashes[id], Count: 1})
				}
			}
		case Han:
			t, err := clustersZh()
			if err != nil {
				panic(err)
			}
			j := i + 1
			for j < len(toks) && toks[j].Kind == Han && toks[j].Start == toks[j-1].End {
				j++
			}
			dst = t.appendRun(dst, toks[i:j])
			i = j
			continue
		}
		i++
	}
	return dst
}
