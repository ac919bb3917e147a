package text

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testSubwords(t *testing.T) *Subwords {
	t.Helper()
	f, err := os.Open("testdata/wordpiece-vocab.txt")
	require.NoError(t, err)
	defer f.Close()
	js, err := WordPieceVocab(f)
	require.NoError(t, err)
	sw, err := LoadSubwords(bytes.NewReader(js))
	require.NoError(t, err)
	return sw
}

func TestSubwords(t *testing.T) {
	sw := testSubwords(t)
	assert.Equal(t, []string{"refund", "##able"}, sw.Pieces("refundable"))
	assert.Equal(t, []string{"un", "##track", "##ed"}, sw.Pieces("untracked"))
	assert.Equal(t, []string{"[UNK]"}, sw.Pieces("xyz"), "unknown words map to the unknown piece")
	assert.Nil(t, sw.Pieces(""))
	assert.Nil(t, sw.Pieces(strings.Repeat("a", 200)))

	again, err := LoadSubwords(bytes.NewReader(sw.JSON()))
	require.NoError(t, err)
	assert.Equal(t, sw.Pieces("refunds"), again.Pieces("refunds"))

	a := defaultAnalyzer(t)
	plain := FeatureConfig{Words: true}
	with := FeatureConfig{Words: true, Subwords: sw}
	toks := a.Analyze("refundable 退款")
	assert.Len(t, plain.AppendFeatures(nil, toks), 2)
	assert.Len(t, with.AppendFeatures(nil, toks), 4, "two pieces of the English word; none for Chinese")
}

func TestLoadSubwordsErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     "{",
		"no model":     `{}`,
		"unigram":      `{"model":{"type":"Unigram","vocab":[]}}`,
		"empty vocab":  `{"model":{"type":"WordPiece","unk_token":"[UNK]","vocab":{}}}`,
		"vocab string": `{"model":{"type":"WordPiece","vocab":"x"}}`,
	} {
		_, err := LoadSubwords(strings.NewReader(in))
		assert.ErrorIs(t, err, ErrBadTokenizer, name)
	}
}
