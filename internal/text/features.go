package text

import (
	"unicode/utf8"
)

// Feature is one hashed feature of a text with its raw count.
type Feature struct {
	// Hash identifies the feature; equal features always hash equally,
	// across processes and versions of a saved model.
	Hash uint64
	// Count is how often the feature occurs in the text.
	Count float32
}

// FeatureConfig selects the features a Featurizer extracts. The zero value
// extracts nothing; DefaultFeatures is what kefu's classifiers use.
type FeatureConfig struct {
	// Words adds each token's Term (punctuation excluded).
	Words bool
	// Bigrams adds pairs of adjacent terms.
	Bigrams bool
	// CharMin and CharMax bound the character n-grams taken inside each
	// non-Han word, with '<' and '>' marking its ends (0 disables).
	CharMin, CharMax int
	// HanMin and HanMax bound the character n-grams taken over each run of
	// adjacent Han words (0 disables). They let a model match words the
	// segmenter cut differently.
	HanMin, HanMax int
	// Subwords, when set, adds the subword pieces of each non-Han word.
	Subwords *Subwords `json:"-"`
	// Tags adds a feature for the part-of-speech class of Chinese names,
	// places, organizations, times and numbers, and uses that class in
	// place of the word in bigrams, so that a model that saw "北京天气"
	// also recognizes "杭州天气".
	Tags bool
	// Concepts adds the WordNet concepts of the Chinese words in the text
	// (煮 and 红烧 → cook; 排骨 and 面条 → food; 肺炎 and 糖尿病 →
	// disease), from a table derived from CC-CEDICT and WordNet. They let
	// a model that learned from a few examples recognize words it never
	// saw by what they mean.
	Concepts bool
	// Clusters adds the clusters of the English and Chinese words in the
	// text: groups of words used alike (refund, rebate, reimbursement;
	// 退款 joins them through its English gloss), from a table derived
	// from GloVe word vectors and CC-CEDICT. Like Concepts, they let a
	// model recognize words its examples lacked.
	Clusters bool
}

// DefaultFeatures is the feature set kefu's classifiers use by default.
var DefaultFeatures = FeatureConfig{
	Words: true, Bigrams: true,
	CharMin: 2, CharMax: 5,
	HanMin: 1, HanMax: 3,
	Tags: true, Concepts: true, Clusters: true,
}

// Feature namespaces keep different kinds of features with equal text apart.
const (
	nsWord    = 'w'
	nsBigram  = 'b'
	nsChar    = 'c'
	nsHan     = 'h'
	nsTag     = 't'
	nsPiece   = 'p'
	nsConcept = 'k'
	nsCluster = 'g'
)

// classOf returns the class that stands in for a token in bigrams and tag
// features, or "" when the token stands for itself.
func classOf(t *Token) string {
	switch t.Kind {
	case Number:
		return "#num"
	case Han:
		switch t.Tag {
		case "ns", "nsf":
			return "#place"
		case "nr", "nrf", "nrfg", "nrt":
			return "#person"
		case "nt":
			return "#org"
		case "t", "tg":
			return "#time"
		case "m", "mq":
			return "#numeral"
		case "nz":
			return "#name"
		}
	}
	return ""
}

// AppendFeatures appends the features of toks selected by cfg to dst and
// returns it. Counts of repeated features are merged.
func (cfg FeatureConfig) AppendFeatures(dst []Feature, toks []Token) []Feature {
	start := len(dst)
	add := func(h uint64) {
		dst = append(dst, Feature{Hash: h, Count: 1})
	}
	prev := "<s>"
	for i := range toks {
		t := &toks[i]
		if t.Kind == Punct {
			prev = "<p>"
			continue
		}
		cls := ""
		if cfg.Tags {
			cls = classOf(t)
		}
		if cfg.Words {
			add(hashStr(nsWord, t.Term))
		}
		if cls != "" {
			add(hashStr(nsTag, cls))
		}
		cur := t.Term
		if cls != "" {
			cur = cls
		}
		if cfg.Bigrams {
			add(hash2(nsBigram, prev, cur))
		}
		prev = cur
		if cfg.CharMax > 0 && t.Kind == Word {
			dst = appendCharGrams(dst, t.Text, cfg.CharMin, cfg.CharMax)
		}
		if cfg.Subwords != nil && t.Kind == Word {
			for _, p := range cfg.Subwords.Pieces(t.Text) {
				add(hashStr(nsPiece, p))
			}
		}
	}
	if cfg.Bigrams && len(toks) > 0 && prev != "<p>" {
		add(hash2(nsBigram, prev, "</s>"))
	}
	if cfg.HanMax > 0 || cfg.Concepts {
		// Han runs: maximal sequences of adjacent Han tokens.
		for i := 0; i < len(toks); {
			if toks[i].Kind != Han {
				i++
				continue
			}
			j := i + 1
			for j < len(toks) && toks[j].Kind == Han && toks[j].Start == toks[j-1].End {
				j++
			}
			if cfg.HanMax > 0 {
				dst = appendHanGrams(dst, toks[i:j], cfg.HanMin, cfg.HanMax)
			}
			if cfg.Concepts {
				dst = appendConcepts(dst, toks[i:j])
			}
			i = j
		}
	}
	if cfg.Clusters {
		dst = appendClusters(dst, toks)
	}
	return mergeFeatures(dst, start)
}

// appendCharGrams appends character n-grams of "<w>".
func appendCharGrams(dst []Feature, w string, lo, hi int) []Feature {
	var buf [64]int // rune start offsets in "<"+w+">"
	var mb [128]byte
	marked := append(append(append(mb[:0], '<'), w...), '>')
	offs := buf[:0]
	for i := 0; i < len(marked); {
		offs = append(offs, i)
		_, size := utf8.DecodeRune(marked[i:])
		i += size
	}
	n := len(offs)
	offs = append(offs, len(marked))
	for size := lo; size <= hi; size++ {
		if size > n {
			break
		}
		for i := 0; i+size <= n; i++ {
			dst = append(dst, Feature{Hash: hashBytes(nsChar, marked[offs[i]:offs[i+size]]), Count: 1})
		}
	}
	return dst
}

// appendHanGrams appends character n-grams over the concatenated text of a
// run of Han tokens.
func appendHanGrams(dst []Feature, run []Token, lo, hi int) []Feature {
	var rs [128]string
	chars := rs[:0]
	for i := range run {
		w := run[i].Text
		for j := 0; j < len(w); {
			_, size := utf8.DecodeRuneInString(w[j:])
			chars = append(chars, w[j:j+size])
			j += size
		}
	}
	for size := lo; size <= hi; size++ {
		for i := 0; i+size <= len(chars); i++ {
			h := uint64(fnvOffset)
			h = fnvByte(h, nsHan)
			for _, c := range chars[i : i+size] {
				h = fnvString(h, c)
			}
			dst = append(dst, Feature{Hash: h, Count: 1})
		}
	}
	return dst
}

// mergeFeatures sums the counts of equal hashes in dst[start:], keeping the
// first occurrence order. Up to 1024 features it works in a hash table on
// the stack, without allocating.
func mergeFeatures(dst []Feature, start int) []Feature {
	fs := dst[start:]
	n := len(fs)
	if n < 2 {
		return dst
	}
	if n > 1024 {
		seen := make(map[uint64]int, n)
		out := fs[:0]
		for _, f := range fs {
			if k, ok := seen[f.Hash]; ok {
				out[k].Count += f.Count
				continue
			}
			seen[f.Hash] = len(out)
			out = append(out, f)
		}
		return dst[:start+len(out)]
	}
	size := 64
	for size < 2*n {
		size <<= 1
	}
	var table [2048]int16 // slot → index+1 into out; 0 is empty
	slots := table[:size]
	mask := uint64(size - 1)
	out := fs[:0]
	for _, f := range fs {
		h := (f.Hash ^ f.Hash>>29) & mask
		for {
			s := slots[h]
			if s == 0 {
				slots[h] = int16(len(out) + 1)
				out = append(out, f)
				break
			}
			if out[s-1].Hash == f.Hash {
				out[s-1].Count += f.Count
				break
			}
			h = (h + 1) & mask
		}
	}
	return dst[:start+len(out)]
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func hashBytes(ns byte, b []byte) uint64 {
	h := fnvByte(fnvOffset, ns)
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

func hashStr(ns byte, s string) uint64 {
	return fnvString(fnvByte(fnvOffset, ns), s)
}

func hash2(ns byte, a, b string) uint64 {
	h := fnvString(fnvByte(fnvOffset, ns), a)
	h = fnvByte(h, 0)
	return fnvString(h, b)
}
