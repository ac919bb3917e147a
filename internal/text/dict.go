package text

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/textnorm"
)

// zhDictGz is gse's "zh_s" Chinese dictionary (about 350,000 words with
// frequencies and part-of-speech tags) as gse holds it once loaded, written
// by internal/genzhdict; its header gives the source and licence.
//
//go:embed zh_s.txt.gz
var zhDictGz string

// zhDict is the Chinese dictionary in a compact, read-only form: the words
// in byte order, concatenated, with their path costs and tags in parallel
// slices (about 7 MB, against 130 MB for gse's per-word structures). It is
// loaded once per process, on first use, and shared by every Analyzer;
// operator words live in an overlay (see trie), never in it.
type zhDict struct {
	words string    // all words in byte order, concatenated
	ends  []uint32  // ends[i] is the end of word i in words; it starts at ends[i-1]
	cost  []float32 // gse's path cost: log2(total frequency / frequency)
	tag   []uint8   // index in tags
	tags  []string
	// first[r-firstLo] is the first word whose first character is r or
	// later, for r in [firstLo, firstHi]: the words starting with r are
	// first[r-firstLo] up to first[r-firstLo+1].
	first []uint32
}

// The characters whose words are found through zhDict.first: CJK
// extension A and the unified ideographs, which start nearly every word.
const firstLo, firstHi = 0x3400, 0xa000

// pseudoCost is the cost gse gives a character that is not a word.
const pseudoCost = 32

var zh struct {
	once sync.Once
	dict *zhDict
	err  error
}

// zhDictionary returns the shared, loaded Chinese dictionary.
func zhDictionary() (*zhDict, error) {
	zh.once.Do(func() {
		// The classifiers' concept and Chinese cluster tables and the
		// traditional-character table are loaded meanwhile, on the other
		// core: whoever analyzes Chinese text is about to need them.
		go concepts()
		go clustersZh()
		go textnorm.Preload()
		zr, err := gzip.NewReader(strings.NewReader(zhDictGz))
		if err != nil {
			zh.err = fmt.Errorf("text: the embedded Chinese dictionary: %w", err)
			return
		}
		zh.dict, zh.err = parseZhDict(zr, 100000)
	})
	return zh.dict, zh.err
}

// errNoDictionary reports that the embedded dictionary holds too few words.
var errNoDictionary = errors.New("text: the Chinese dictionary holds too few words")

// parseZhDict reads the table internal/genzhdict writes (uncompressed),
// which must hold at least minWords words.
func parseZhDict(r io.Reader, minWords int) (*zhDict, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	d := &zhDict{}
	tagIdx := map[string]uint8{}
	var (
		n, lineNo int
		total     float64
		logTotal  float32
		words     []byte
		prev      []byte
	)
	bad := func(why string) error { return fmt.Errorf("text: Chinese dictionary line %d: %s", lineNo, why) }
	header := true
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return nil, bad("too long")
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("text: Chinese dictionary: %w", err)
		}
		lineNo++
		line = bytes.TrimSuffix(line, []byte("\n"))
		if header {
			if len(line) == 0 || line[0] == '#' {
				continue
			}
			a, b, ok := bytes.Cut(line, []byte("\t"))
			cnt, err1 := strconv.Atoi(string(a))
			tot, err2 := strconv.ParseFloat(string(b), 64)
			if !ok || err1 != nil || err2 != nil || cnt <= 0 || cnt > 1<<24 || !(tot > 0) || math.IsInf(tot, 0) {
				return nil, bad("want \"<words>\\t<total frequency>\"")
			}
			n, total, header = cnt, tot, false
			logTotal = float32(math.Log2(total))
			// Grow as data arrives: the header is checked, not trusted.
			c := min(n, 1<<19)
			d.ends = make([]uint32, 0, c)
			d.cost = make([]float32, 0, c)
			d.tag = make([]uint8, 0, c)
			words = make([]byte, 0, 9*c)
			continue
		}
		w, rest, ok1 := bytes.Cut(line, []byte("\t"))
		fs, tag, ok2 := bytes.Cut(rest, []byte("\t"))
		if !ok1 || !ok2 || len(w) == 0 || !utf8.Valid(w) {
			return nil, bad("want \"word\\tfrequency\\ttag\"")
		}
		if prev != nil && bytes.Compare(prev, w) >= 0 {
			return nil, bad("words out of order")
		}
		f, err := strconv.ParseFloat(string(fs), 64)
		if err != nil || !(f > 0) || f > total {
			return nil, bad("bad frequency")
		}
		ti, ok := tagIdx[string(tag)]
		if !ok {
			if len(d.tags) == math.MaxUint8+1 {
				return nil, bad("too many tags")
			}
			ti = uint8(len(d.tags))
			tagIdx[string(tag)] = ti
			d.tags = append(d.tags, string(tag))
		}
		if len(d.ends) == n {
			return nil, bad("more words than the header says")
		}
		start := len(words)
		words = append(words, w...)
		prev = words[start:]
		if len(words) > math.MaxUint32 {
			return nil, bad("dictionary too large")
		}
		d.ends = append(d.ends, uint32(len(words)))
		// As gse computes it, in single precision.
		d.cost = append(d.cost, logTotal-float32(math.Log2(f)))
		d.tag = append(d.tag, ti)
	}
	if header || len(d.ends) != n {
		return nil, fmt.Errorf("text: Chinese dictionary: %d words, the header says %d", len(d.ends), n)
	}
	if n < minWords {
		return nil, errNoDictionary
	}
	d.words = string(words)
	d.first = make([]uint32, firstHi-firstLo+2)
	i := 0
	for r := rune(firstLo); r <= firstHi+1; r++ {
		for i < n {
			c, _ := utf8.DecodeRuneInString(d.word(i))
			if c >= r {
				break
			}
			i++
		}
		d.first[r-firstLo] = uint32(i)
	}
	return d, nil
}

// word returns word i.
func (d *zhDict) word(i int) string {
	s := uint32(0)
	if i > 0 {
		s = d.ends[i-1]
	}
	return d.words[s:d.ends[i]]
}

// narrow returns the words in [lo, hi) that continue with c after their
// first k bytes, which all words in [lo, hi) share.
func (d *zhDict) narrow(lo, hi, k int, c string) (int, int) {
	// cmp compares the bytes of word i after k, cut to len(c), with c.
	cmp := func(i int) int {
		s := uint32(0)
		if i > 0 {
			s = d.ends[i-1]
		}
		s += uint32(k)
		e := d.ends[i]
		if e-s > uint32(len(c)) {
			e = s + uint32(len(c))
		}
		return strings.Compare(d.words[s:e], c)
	}
	// First word whose continuation is not below c.
	a, b := lo, hi
	for a < b {
		m := int(uint(a+b) >> 1)
		if cmp(m) < 0 {
			a = m + 1
		} else {
			b = m
		}
	}
	lo = a
	// First word whose continuation is above c.
	b = hi
	for a < b {
		m := int(uint(a+b) >> 1)
		if cmp(m) <= 0 {
			a = m + 1
		} else {
			b = m
		}
	}
	return lo, a
}

// startsWith returns the words whose first character is s[:size] (r).
func (d *zhDict) startsWith(s string, r rune, size int) (int, int) {
	if firstLo <= r && r <= firstHi {
		return int(d.first[r-firstLo]), int(d.first[r-firstLo+1])
	}
	return d.narrow(0, len(d.ends), 0, s[:size])
}

// find returns the index of word w, or -1.
func (d *zhDict) find(w string) int {
	r, size := utf8.DecodeRuneInString(w)
	if size == 0 {
		return -1
	}
	lo, hi := d.startsWith(w, r, size)
	if size < len(w) {
		lo, hi = d.narrow(lo, hi, size, w[size:])
	}
	if lo < hi && d.word(lo) == w {
		return lo
	}
	return -1
}

// lookupTag returns the part-of-speech tag the dictionary gives word, or "".
func (d *zhDict) lookupTag(word string) string {
	if i := d.find(word); i >= 0 {
		return d.tags[d.tag[i]]
	}
	return ""
}

// zhWord is one word of a segmented run: its end in bytes, and its tag.
type zhWord struct {
	end int
	tag string
}

// jumper is the best path found to the end of a character: its cost, the
// characters of its last word, and that word (-1 for a character that is
// not a word).
type jumper struct {
	cost  float32
	runes int32
	word  int32
}

// segment appends the words of s, a run of Han characters, in order. It is
// gse's Segment: among the ways to cut s into dictionary words and single
// characters, the one with the least total cost (the most probable), ties
// going to the path found first; a character that is no word costs 32 and
// is tagged "x".
func (d *zhDict) segment(dst []zhWord, s string) []zhWord {
	var offBuf [65]int32
	var jBuf [64]jumper
	n := utf8.RuneCountInString(s)
	off := offBuf[:0]
	jumpers := jBuf[:0]
	if n+1 > len(offBuf) {
		off = make([]int32, 0, n+1)
		jumpers = make([]jumper, 0, n)
	}
	for i := range s {
		off = append(off, int32(i))
	}
	off = append(off, int32(len(s)))
	jumpers = jumpers[:n]
	clear(jumpers)
	update := func(j *jumper, base float32, cost float32, runes, word int32) {
		c := base + cost
		if j.cost == 0 || j.cost > c {
			*j = jumper{cost: c, runes: runes, word: word}
		}
	}
	for cur := 0; cur < n; cur++ {
		var base float32
		if cur > 0 {
			base = jumpers[cur-1].cost
		}
		p := int(off[cur])
		r, size := utf8.DecodeRuneInString(s[p:])
		lo, hi := d.startsWith(s[p:], r, size)
		single := false
		k := size
		for end := cur + 1; lo < hi; {
			if int(d.ends[lo])-d.start(lo) == k {
				// Word lo is s[p:p+k], the shortest of the range.
				update(&jumpers[end-1], base, d.cost[lo], int32(end-cur), int32(lo))
				if end == cur+1 {
					single = true
				}
			}
			if end == n {
				break
			}
			next := s[off[end]:off[end+1]]
			lo, hi = d.narrow(lo, hi, k, next)
			k += len(next)
			end++
		}
		if !single {
			update(&jumpers[cur], base, pseudoCost, 1, -1)
		}
	}
	// Walk the best path back from the end, then emit it forwards.
	m := 0
	for i := n - 1; i >= 0; i -= int(jumpers[i].runes) {
		m++
	}
	at := len(dst)
	dst = append(dst, make([]zhWord, m)...)
	for i := n - 1; i >= 0; i -= int(jumpers[i].runes) {
		m--
		tag := "x"
		if w := jumpers[i].word; w >= 0 {
			tag = d.tags[d.tag[w]]
		}
		dst[at+m] = zhWord{end: int(off[i+1]), tag: tag}
	}
	return dst
}

// start returns the start of word i in d.words.
func (d *zhDict) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(d.ends[i-1])
}

// DataVersion returns a digest of the embedded tables that analysis and
// features are computed from (the Chinese dictionary, the concepts and the
// word clusters). Models saved for reuse record it: one trained with other
// tables would see other features.
var DataVersion = sync.OnceValue(func() string {
	tab := crc32.MakeTable(crc32.Castagnoli)
	var b strings.Builder
	for _, d := range [][]byte{[]byte(zhDictGz), conceptsGz, clustersEnGz, clustersZhGz} {
		fmt.Fprintf(&b, "%08x%x.", crc32.Checksum(d, tab), len(d))
	}
	return strings.TrimSuffix(b.String(), ".")
})
