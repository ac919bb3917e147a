package opencc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAndConvert(t *testing.T) {
	d, err := ReadFile("testdata/ST.txt")
	require.NoError(t, err)
	assert.Equal(t, "ST.txt", d.Name)
	assert.Equal(t, []string{"头发", "干净", "发", "头", "干", "净"}, d.Keys)
	c, ok := d.Lookup("干")
	require.True(t, ok)
	assert.Equal(t, []string{"幹", "乾", "干"}, c)

	// The longest key wins; the first candidate is the default.
	assert.Equal(t, "頭髮乾淨，發頭幹", Convert("头发干净，发头干", d))
	assert.Equal(t, "abc", Convert("abc", d))
	assert.Equal(t, "\xff頭", Convert("\xff头", d), "invalid UTF-8 is kept")
	assert.Equal(t, "头", Convert("头"), "no dictionary: unchanged")

	// In a group, the first dictionary that has a key wins.
	over, err := Parse(strings.NewReader("发\t髮\n"), "over")
	require.NoError(t, err)
	assert.Equal(t, "髮頭髮", Convert("发头发", over, d))
}

func TestReadDir(t *testing.T) {
	ds, err := ReadDir("testdata", "ST.txt", "ST.txt")
	require.NoError(t, err)
	assert.Len(t, ds, 2)
	_, err = ReadDir("testdata", "missing.txt")
	assert.Error(t, err)
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"头", "头\t", "\t頭", "头\t頭\n头\t頭", "头 \t頭", "头\t\xff"} {
		_, err := Parse(strings.NewReader(in), "x.txt")
		require.Error(t, err, "%q", in)
		assert.Contains(t, err.Error(), "x.txt:", "%q", in)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"头发\t頭髮\n发\t發 髮\n", "# c\n\n", "头\t", "a\tb\r\nc\td e\n"} {
		f.Add(s, "头发a")
	}
	f.Fuzz(func(t *testing.T, dict, text string) {
		d, err := Parse(strings.NewReader(dict), "fuzz")
		if err != nil {
			return
		}
		for _, k := range d.Keys {
			c, ok := d.Lookup(k)
			if !ok || len(c) == 0 || k == "" {
				t.Fatalf("key %q: %q", k, c)
			}
		}
		Convert(text, d) // must not panic
	})
}

func TestLoadStyle(t *testing.T) {
	c, err := Load("testdata", "s2t")
	require.NoError(t, err)
	assert.Equal(t, "頭髮爲人", c.Convert("头发为人"))
	tw, err := Load("testdata", "s2tw")
	require.NoError(t, err)
	assert.Equal(t, "頭髮為人", tw.Convert("头发为人"), "then Taiwan's variants")
	_, err = Load("testdata", "s2hk")
	assert.Error(t, err, "files missing")
	_, err = Load("testdata", "t2s")
	assert.ErrorContains(t, err, "unknown style")
	for _, n := range StyleNames {
		assert.Contains(t, Styles, n)
	}
}
