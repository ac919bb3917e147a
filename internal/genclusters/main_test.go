package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fixture = options{words: 13, trees: [][]int{{3, 2}, {3}}, iters: 20, minLen: 2, maxLen: 4, glosses: 2, seed: 1}

// table parses a generated table into word → clusters.
func table(t *testing.T, b []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		w, cs, ok := strings.Cut(line, "\t")
		require.True(t, ok, line)
		out[w] = strings.Fields(cs)
	}
	return out
}

func TestGenerate(t *testing.T) {
	var en, zh bytes.Buffer
	require.NoError(t, generate(&en, &zh, "testdata/vectors.json", "testdata/cedict.json", fixture))
	e, z := table(t, en.Bytes()), table(t, zh.Bytes())
	assert.Len(t, e, 13, "the 13 most frequent lower-case words; Paris, 3d and x are not")
	assert.NotContains(t, e, "Paris")
	for _, cs := range e {
		require.Len(t, cs, 3, "two levels of the first clustering, one of the second")
		assert.True(t, strings.HasPrefix(cs[0], "a") && strings.HasPrefix(cs[1], cs[0]+".") && strings.HasPrefix(cs[2], "b"), cs)
	}
	// The three groups of the fixture are the three top clusters.
	for _, group := range [][]string{{"refund", "rebate", "reimbursement", "payment"},
		{"weather", "rain", "sunny", "rainy"}, {"card", "bank", "atm", "debit"}} {
		for _, w := range group[1:] {
			assert.Equal(t, e[group[0]][0], e[w][0], "%s and %s", group[0], w)
			assert.Equal(t, e[group[0]][2], e[w][2], "%s and %s", group[0], w)
		}
	}
	assert.NotEqual(t, e["refund"][0], e["weather"][0])
	assert.NotEqual(t, e["refund"][0], e["card"][0])

	// Chinese words take the clusters of their glosses.
	assert.Equal(t, e["refund"][0], z["退款"][0])
	assert.Equal(t, e["weather"][0], z["天气"][0])
	assert.Equal(t, e["rain"][0], z["下雨"][0])
	assert.Equal(t, e["card"][0], z["银行卡"][0], "the classifier note is dropped; bank and card agree")
	assert.NotContains(t, z, "钱", "a surname says nothing of meaning")
	assert.NotContains(t, z, "退款退款退款", "longer than four characters")
	assert.NotContains(t, z, "卡拉OK", "not all Han")
	assert.NotContains(t, z, "嗯哼", "no gloss word has a vector")
	assert.NotContains(t, z, "卡", "single characters are left out")
	o := fixture
	o.minLen = 1
	var en1, zh1 bytes.Buffer
	require.NoError(t, generate(&en1, &zh1, "testdata/vectors.json", "testdata/cedict.json", o))
	assert.Equal(t, e["card"], table(t, zh1.Bytes())["卡"], "unless -minlen 1")
	assert.Contains(t, en.String(), "GloVe")
	assert.Contains(t, zh.String(), "CC BY-SA 4.0")

	// Byte for byte reproducible.
	var en2, zh2 bytes.Buffer
	require.NoError(t, generate(&en2, &zh2, "testdata/vectors.json", "testdata/cedict.json", fixture))
	assert.Equal(t, en.String(), en2.String())
	assert.Equal(t, zh.String(), zh2.String())
}

func TestGenerateErrors(t *testing.T) {
	var en, zh bytes.Buffer
	assert.Error(t, generate(&en, &zh, "testdata/missing.json", "testdata/cedict.json", fixture))
	assert.Error(t, generate(&en, &zh, "testdata/vectors.json", "testdata/missing.json", fixture))
	dir := t.TempDir()
	for name, body := range map[string]string{
		"truncated.json": `{"dimensions": 4, "words": [`,
		"empty.json":     `{"dimensions": 4, "words": []}`,
		"short.json":     `{"dimensions": 4, "words": ["refund"], "vectors": {"refund": [1, 2]}}`,
		"missing.json":   `{"dimensions": 4, "words": ["refund"], "vectors": {}}`,
		"upper.json":     `{"dimensions": 2, "words": ["Paris"], "vectors": {"Paris": [1, 2]}}`,
	} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		err := generate(&en, &zh, p, "testdata/cedict.json", fixture)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name)
	}
	p := filepath.Join(dir, "bad-cedict.json")
	require.NoError(t, os.WriteFile(p, []byte(`[{"simplified": "退款", "english": [`), 0o644))
	err := generate(&en, &zh, "testdata/vectors.json", p, fixture)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad-cedict.json")
}
