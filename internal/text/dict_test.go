package text

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gseSegmenter is gse's own segmenter on its zh_s dictionary, the reference
// the compact dictionary must reproduce.
var gseSegmenter = sync.OnceValues(func() (*gse.Segmenter, error) {
	seg := new(gse.Segmenter)
	seg.SkipLog = true
	err := seg.LoadDictEmbed("zh_s")
	return seg, err
})

func loadGse(t testing.TB) *gse.Segmenter {
	t.Helper()
	if testing.Short() {
		t.Skip("loads gse's dictionary for comparison (a few seconds, 130 MB)")
	}
	seg, err := gseSegmenter()
	require.NoError(t, err)
	return seg
}

func loadDict(t testing.TB) *zhDict {
	t.Helper()
	d, err := zhDictionary()
	require.NoError(t, err)
	return d
}

// Every word gse holds is in the table with gse's tag and path cost, and
// nothing else is.
func TestDictMatchesGse(t *testing.T) {
	seg := loadGse(t)
	d := loadDict(t)
	require.Equal(t, seg.Dict.NumTokens(), len(d.ends))
	logTotal := float32(math.Log2(seg.Dict.TotalFreq()))
	for i := range seg.Dict.Tokens {
		tk := &seg.Dict.Tokens[i]
		j := d.find(tk.Text())
		if !assert.GreaterOrEqual(t, j, 0, "word %q missing", tk.Text()) {
			continue
		}
		assert.Equal(t, tk.Pos(), d.tags[d.tag[j]], "tag of %q", tk.Text())
		assert.Equal(t, logTotal-float32(math.Log2(tk.Freq())), d.cost[j], "cost of %q", tk.Text())
	}
	assert.Equal(t, -1, d.find("不是一个词语的字串"))
	assert.Equal(t, -1, d.find(""))
	assert.Equal(t, "", d.lookupTag("\U0002a6a5"), "a rare character is no word")
}

// gseCut is what the analyzer used to take from gse for a run of Han
// characters.
func gseCut(seg *gse.Segmenter, run string) []zhWord {
	var out []zhWord
	for _, sg := range seg.Segment([]byte(run)) {
		out = append(out, zhWord{end: sg.End(), tag: sg.Token().Pos()})
	}
	return out
}

// hanWords returns the dictionary's words made only of Han characters.
func hanWords(d *zhDict) []string {
	var out []string
	for i := range d.ends {
		w := d.word(i)
		ok := true
		for _, r := range w {
			ok = ok && isHan(r)
		}
		if ok {
			out = append(out, w)
		}
	}
	return out
}

// randomRun strings dictionary words and stray characters into a run of
// Han characters, the way text mixes known words, new words and rare
// characters.
func randomRun(rng *rand.Rand, words []string) string {
	strays := []rune("○〇乂丬亍兀丌屮彳\u3400\u4dbf\U00020000\U0002a6a5\U0002ebe0")
	var b strings.Builder
	for n := 1 + rng.IntN(12); n > 0; n-- {
		switch rng.IntN(6) {
		case 0:
			b.WriteRune(strays[rng.IntN(len(strays))])
		case 1:
			b.WriteRune(rune(0x4e00 + rng.IntN(0x9fff-0x4e00)))
		default:
			b.WriteString(words[rng.IntN(len(words))])
		}
	}
	return b.String()
}

// The compact dictionary cuts text exactly as gse's Segment does: the
// same words, the same tags.
func TestSegmentMatchesGse(t *testing.T) {
	seg := loadGse(t)
	d := loadDict(t)
	runs := []string{
		"我想退货", "请问运费怎么算", "共同创造美好的新世纪", "二○○一年新年钟声即将敲响",
		"结婚的和尚未结婚的", "南京市长江大桥", "研究生命起源", "乒乓球拍卖完了",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := hanWords(d)
	for range 20000 {
		runs = append(runs, randomRun(rng, words))
	}
	// A run longer than the segmenter's stack buffers.
	runs = append(runs, strings.Repeat("中华人民共和国成立了", 30))
	diffs := 0
	for _, run := range runs {
		want := gseCut(seg, run)
		got := d.segment(nil, run)
		if !assert.Equal(t, want, got, "segment(%q)", run) {
			if diffs++; diffs > 10 {
				t.FailNow()
			}
		}
	}
}

// One character's tag is the dictionary's, as gse's Find gives it.
func TestLookupTagMatchesGse(t *testing.T) {
	seg := loadGse(t)
	d := loadDict(t)
	for r := rune(0x3000); r < 0xa000; r++ {
		if !isHan(r) {
			continue
		}
		w := string(r)
		_, pos, _ := seg.Find(w)
		assert.Equal(t, pos, d.lookupTag(w), "tag of %q", w)
	}
}

func FuzzSegmentMatchesGse(f *testing.F) {
	for _, s := range []string{"我想退货", "南京市长江大桥", "二○○一年", "\U0002a6a5中国"} {
		f.Add(s)
	}
	seg := loadGse(f)
	d := loadDict(f)
	f.Fuzz(func(t *testing.T, s string) {
		// Keep the Han characters: the segmenter sees only Han runs.
		run := strings.Map(func(r rune) rune {
			if r != utf8.RuneError && isHan(r) {
				return r
			}
			return -1
		}, s)
		if run == "" {
			return
		}
		want, got := gseCut(seg, run), d.segment(nil, run)
		if !assert.Equal(t, want, got, "segment(%q)", run) {
			t.FailNow()
		}
	})
}

func TestParseZhDictErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"no header", "# only comments\n", "0 words"},
		{"bad header", "many\t1e6\n", "want \"<words>"},
		{"bad line", "1\t10\n我\n", "line 2: want \"word"},
		{"bad frequency", "1\t10\n我\tx\tr\n", "bad frequency"},
		{"frequency above total", "1\t10\n我\t11\tr\n", "bad frequency"},
		{"out of order", "2\t10\n我\t2\tr\n你\t2\tr\n", "out of order"},
		{"duplicate", "2\t10\n我\t2\tr\n我\t2\tr\n", "out of order"},
		{"more than said", "1\t10\n你\t2\tr\n我\t2\tr\n", "more words"},
		{"fewer than said", "3\t10\n你\t2\tr\n我\t2\tr\n", "2 words, the header says 3"},
		{"invalid UTF-8", "1\t10\n\xff\t2\tr\n", "want \"word"},
		{"too small", "2\t10\n你\t2\tr\n我\t2\tr\n", "too few words"},
	} {
		_, err := parseZhDict(strings.NewReader(c.in), 3)
		if assert.Error(t, err, c.name) {
			assert.Contains(t, err.Error(), c.want, c.name)
		}
	}
}

// The embedded table carries its source and licence.
func TestEmbeddedDictHeader(t *testing.T) {
	zr, err := gzip.NewReader(strings.NewReader(zhDictGz))
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	head := string(b[:bytes.IndexByte(b, '\t')])
	assert.Contains(t, head, "github.com/go-ego/gse")
	assert.Contains(t, head, "Apache License, Version 2.0")
	assert.Contains(t, head, "MIT")
	d := loadDict(t)
	assert.Greater(t, len(d.ends), 300000)
	for _, tag := range d.tags {
		assert.True(t, tag == "" || strings.IndexFunc(tag, unicode.IsSpace) < 0, "tag %q", tag)
	}
}

func FuzzParseZhDict(f *testing.F) {
	f.Add("# c\n2\t10\n你\t2\tr\n我\t2\tr\n")
	f.Add("1\t10\n我\tx\tr\n")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseZhDict(strings.NewReader(s), 0)
		if err != nil {
			return
		}
		// A table that parses is sorted and consistent.
		for i := range d.ends {
			if i > 0 && d.word(i-1) >= d.word(i) {
				t.Fatalf("words %d and %d out of order", i-1, i)
			}
			if d.find(d.word(i)) != i {
				t.Fatalf("word %q not found", d.word(i))
			}
		}
	})
}
