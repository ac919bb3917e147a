package learn

import (
	"bytes"
	"context"
	"testing"

	"github.com/kefuai/kefu/internal/text"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func smallEnsemble(t testing.TB, an *text.Analyzer) *Ensemble {
	t.Helper()
	texts := [][]string{
		{"怎么申请退款", "我要退钱", "退款多久到账"},
		{"快递到哪了", "物流太慢了", "什么时候发货"},
		{"how do I reset my password", "forgot password", "can't log in"},
	}
	var toks [][]text.Token
	var y []int32
	for k, ss := range texts {
		for _, s := range ss {
			toks = append(toks, an.Analyze(s))
			y = append(y, int32(k))
		}
	}
	words := text.FeatureConfig{Words: true, HanMin: 1, HanMax: 1, Clusters: true}
	chars := text.FeatureConfig{CharMin: 2, CharMax: 4, HanMin: 1, HanMax: 2, Concepts: true}
	e, err := TrainEnsemble(context.Background(), toks, y, 3, EnsembleConfig{
		Views: []text.FeatureConfig{words, chars, words},
		Net:   MLPConfig{Hidden: 16, Epochs: 5, Seed: 1},
	})
	require.NoError(t, err)
	return e
}

func TestEnsembleRoundTrip(t *testing.T) {
	an, err := text.New(text.Config{})
	require.NoError(t, err)
	e := smallEnsemble(t, an)
	var buf bytes.Buffer
	n, err := e.WriteTo(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)

	got, err := ReadEnsemble(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.Len(t, got.Views, 3)
	assert.Same(t, got.Views[0].Vocab, got.Views[2].Vocab, "equal views share one vocabulary again")
	assert.NotSame(t, got.Views[0].Vocab, got.Views[1].Vocab)
	for _, q := range []string{"退款什么时候到", "password help", "物流"} {
		toks := an.Analyze(q)
		assert.Equal(t, e.Probs(toks, e.NewScratch(), make([]float32, 3)),
			got.Probs(toks, got.NewScratch(), make([]float32, 3)), q)
	}

	// Every truncation and every flipped byte is refused.
	b := buf.Bytes()
	for i := 0; i < len(b); i += 1 + i/50 {
		_, err := ReadEnsemble(bytes.NewReader(b[:i]))
		assert.ErrorIs(t, err, ErrBadEnsemble, "truncated at %d", i)
		c := bytes.Clone(b)
		c[i] ^= 0x40
		_, err = ReadEnsemble(bytes.NewReader(c))
		assert.ErrorIs(t, err, ErrBadEnsemble, "byte %d flipped", i)
	}
}

func TestEnsembleWithSubwordsNotWritten(t *testing.T) {
	an, err := text.New(text.Config{})
	require.NoError(t, err)
	e := smallEnsemble(t, an)
	js, err := text.WordPieceVocab(bytes.NewReader([]byte("refund\n##able\n")))
	require.NoError(t, err)
	sw, err := text.LoadSubwords(bytes.NewReader(js))
	require.NoError(t, err)
	e.Views[0].Features.Subwords = sw
	_, err = e.WriteTo(&bytes.Buffer{})
	assert.ErrorContains(t, err, "subword")
}

func FuzzReadEnsemble(f *testing.F) {
	an, err := text.New(text.Config{})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := smallEnsemble(f, an).WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(ensembleMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ReadEnsemble(bytes.NewReader(b))
		if err != nil {
			assert.ErrorIs(t, err, ErrBadEnsemble)
			return
		}
		var out bytes.Buffer
		_, err = e.WriteTo(&out)
		require.NoError(t, err)
	})
}
