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

var defaults = options{maxLen: 4, glosses: 2, depth: 3, senses: 1}

func TestGenerate(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, generate(&b, "testdata/cedict.json", "testdata/wordnet", defaults))
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		w, cs, ok := strings.Cut(line, "\t")
		require.True(t, ok, line)
		got[w] = cs
	}
	assert.Equal(t, map[string]string{
		// The head of a noun phrase, with its hypernyms.
		"红烧肉": "noun.food pork meat food",
		// A plural phrase WordNet has in the singular; the classifier note is dropped.
		"排骨": "noun.food spare_rib meat food",
		// A light verb's object carries the meaning.
		"发烧": "noun.state fever",
		// A verb gives its class; "to boil" is not in the fixture.
		"煮": "verb.creation",
		// Notes in parentheses go; the exception list gives the base form.
		"肉类": "noun.food meat food",
	}, got, "surnames, words over four characters and words with Latin letters are left out")

	var shallow bytes.Buffer
	o := defaults
	o.depth = 1
	require.NoError(t, generate(&shallow, "testdata/cedict.json", "testdata/wordnet", o))
	assert.Contains(t, shallow.String(), "红烧肉\tnoun.food pork meat\n")
}

func TestGenerateErrors(t *testing.T) {
	var b bytes.Buffer
	assert.Error(t, generate(&b, "testdata/missing.json", "testdata/wordnet", defaults))
	assert.Error(t, generate(&b, "testdata/cedict.json", "testdata/missing", defaults))
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"simplified": "排骨", "english": [`), 0o644))
	err := generate(&b, bad, "testdata/wordnet", defaults)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.json")

	// A malformed WordNet index line is reported with its place.
	dir := t.TempDir()
	for _, f := range []string{"data.noun", "index.verb", "data.verb", "noun.exc", "verb.exc"} {
		data, err := os.ReadFile(filepath.Join("testdata/wordnet", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.noun"), []byte("food n 1 x @ 1 0 00000001\n"), 0o644))
	err = generate(&b, "testdata/cedict.json", dir, defaults)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "index.noun:1")
}

func TestMalformedSynsets(t *testing.T) {
	for name, line := range map[string]string{
		"short":          "00000001 13 n\n",
		"bad lexfile":    "00000001 99 n 01 food 0 000 | x\n",
		"pointers short": "00000001 13 n 01 food 0 002 @ 00000002 n 0000 | x\n",
		"no pointers":    "00000001 13 n 03 food 0\n",
	} {
		dir := t.TempDir()
		for _, f := range []string{"index.noun", "index.verb", "data.verb", "noun.exc", "verb.exc"} {
			data, err := os.ReadFile(filepath.Join("testdata/wordnet", f))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "data.noun"), []byte(line), 0o644))
		var b bytes.Buffer
		err := generate(&b, "testdata/cedict.json", dir, defaults)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "data.noun:1", name)
	}
}
