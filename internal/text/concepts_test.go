package text

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conceptSet returns the concept features of text.
func conceptSet(t *testing.T, a *Analyzer, text string) map[uint64]bool {
	t.Helper()
	set := map[uint64]bool{}
	for _, f := range (FeatureConfig{Concepts: true}).AppendFeatures(nil, a.Analyze(text)) {
		set[f.Hash] = true
	}
	return set
}

func shares(a, b map[uint64]bool) bool {
	for h := range a {
		if b[h] {
			return true
		}
	}
	return false
}

func TestConcepts(t *testing.T) {
	a := defaultAnalyzer(t)
	food := hashStr(nsConcept, "noun.food")
	disease := hashStr(nsConcept, "disease")
	for _, s := range []string{"糖醋排骨怎么做", "来一碗牛肉面条", "意大利面"} {
		assert.True(t, conceptSet(t, a, s)[food], "%s is about food", s)
	}
	for _, s := range []string{"糖尿病怎么治", "得了肺炎"} {
		assert.True(t, conceptSet(t, a, s)[disease], "%s is about a disease", s)
	}
	assert.False(t, conceptSet(t, a, "明天北京天气")[food])
	// Words the segmenter keeps whole are looked up inside too: the table
	// knows 糖醋 and 排骨 even where 糖醋排骨 is one token.
	assert.True(t, shares(conceptSet(t, a, "糖醋排骨"), conceptSet(t, a, "排骨")))

	assert.Empty(t, conceptSet(t, a, "how do I cook pork ribs"), "the table is for Chinese words")
	assert.Len(t, FeatureConfig{HanMin: 1, HanMax: 1}.AppendFeatures(nil, a.Analyze("排骨")), 2,
		"without Concepts only the two characters")

	// Concept features come in any run of Han characters, however long.
	long := strings.Repeat("排骨", 300)
	fs := FeatureConfig{Concepts: true}.AppendFeatures(nil, a.Analyze(long))
	assert.NotEmpty(t, fs)
}

func TestConceptTable(t *testing.T) {
	tab, err := concepts()
	require.NoError(t, err)
	assert.Greater(t, len(tab.words), 50000)
	at, ok := tab.words["排骨"]
	require.True(t, ok)
	assert.Positive(t, at&0xff)
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestParseConcepts(t *testing.T) {
	tab, err := parseConcepts(gz(t, "# header\n排骨\tnoun.food cut\n面条\tnoun.food pasta\n"))
	require.NoError(t, err)
	require.Len(t, tab.words, 2)
	assert.Len(t, tab.hashes, 3, "concepts are shared")
	at := tab.words["面条"]
	assert.Equal(t, []uint32{0, 2}, tab.ids[at>>8:at>>8+at&0xff])

	for name, bad := range map[string][]byte{
		"not gzip":     []byte("排骨\tnoun.food"),
		"no tab":       gz(t, "排骨 noun.food\n"),
		"no concepts":  gz(t, "排骨\t\n"),
		"invalid utf8": gz(t, "\xff\xfe\tnoun.food\n"),
		"truncated":    gz(t, "排骨\tnoun.food\n")[:20],
		"too many":     gz(t, "排骨\t"+strings.Repeat("c ", 300)+"\n"),
	} {
		_, err := parseConcepts(bad)
		assert.Error(t, err, name)
	}
}

func TestConceptsDoNotAllocate(t *testing.T) {
	a := defaultAnalyzer(t)
	toks := a.Analyze("我想吃糖醋排骨和红烧肉，怎么做")
	buf := DefaultFeatures.AppendFeatures(nil, toks)
	allocs := testing.AllocsPerRun(100, func() {
		buf = DefaultFeatures.AppendFeatures(buf[:0], toks)
	})
	assert.Zero(t, allocs)
}

// FuzzParseConcepts feeds the table parser, which reads the concept and
// the cluster tables, arbitrary text (compressed, so that the line parser
// sees it) and arbitrary bytes: it returns a table or an error, never
// panics, and a table it returns answers lookups.
func FuzzParseConcepts(f *testing.F) {
	f.Add([]byte("# header\n排骨\tnoun.food cut\n面条\tnoun.food pasta\n"), false)
	f.Add([]byte("# levels [[64 8]]\nrefund\ta3 a3.1 b7\n退款\ta3 a3.1 b7\n"), false)
	f.Add([]byte("排骨\t\n"), false)
	f.Add([]byte{0x1f, 0x8b, 0x08}, true)
	f.Fuzz(func(t *testing.T, data []byte, raw bool) {
		in := data
		if !raw {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			w.Write(data)
			w.Close()
			in = b.Bytes()
		}
		tab, err := parseConcepts(in)
		if err != nil {
			return
		}
		for w, at := range tab.words {
			ids := tab.ids[at>>8 : at>>8+at&0xff]
			if len(ids) == 0 || !utf8.ValidString(w) {
				t.Fatalf("word %q: %d concepts", w, len(ids))
			}
			for _, id := range ids {
				_ = tab.hashes[id]
			}
		}
	})
}
