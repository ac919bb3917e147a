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

var fixtureFreq = map[string]float64{"软体": 30, "软件": 4601, "建立": 23118, "创建": 2017, "鼠标": 230}

func freq(w string) float64 { return fixtureFreq[w] }

func TestGenerate(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, generate(&b, "testdata/opencc", freq, defaultVocabRatio))
	assert.Contains(t, b.String(), "Apache License, Version 2.0")
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		require.True(t, ok, line)
		got[k] = v
	}
	assert.Equal(t, map[string]string{
		// Characters written only in traditional text.
		"頭": "头", "髮": "发", "發": "发", "淨": "净", "麼": "么", "裡": "里", "裏": "里", "爲": "为",
		"為": "为", "體": "体", "軟": "软", "標": "标", "鍼": "针", "針": "针", "衛": "卫", "務": "务", "創": "创",
		// Characters simplified text writes too: converted only in
		// traditional text. 么 is the simplified form of 麼, so Taiwan's
		// variant rule 么 → 幺 is not taken.
		"乾": "干\tshared", "於": "于\tshared", "著": "着\tshared", "衞": "卫\tshared", "矽": "硅\tshared",
		// Phrases, converted to simplified characters; TSPhrases' 爲人 also
		// with Taiwan's variant 為.
		"乾坤": "乾坤", "乾乾淨淨": "干干净净", "爲人": "为人", "為人": "为人", "著名": "著名", "待著": "待着",
		"一針": "一针", "伺服器": "服务器",
		// Vocabulary: 软体 is rare next to 软件, and 滑鼠 is no
		// simplified word; mainland text writes 建立 too.
		"軟體": "软件", "滑鼠": "鼠标",
	}, got, "identities, letters, one character to several and common mainland words are left out")

	// Without the filter, every word; with a negative ratio, none.
	var all, none bytes.Buffer
	require.NoError(t, generate(&all, "testdata/opencc", freq, 0))
	assert.Contains(t, all.String(), "\n建立\t创建\n")
	require.NoError(t, generate(&none, "testdata/opencc", freq, -1))
	assert.NotContains(t, none.String(), "軟體")
	assert.NotContains(t, none.String(), "伺服器")
	assert.Contains(t, none.String(), "著名")

	// The same input gives the same bytes.
	var again bytes.Buffer
	require.NoError(t, generate(&again, "testdata/opencc", freq, defaultVocabRatio))
	assert.Equal(t, b.Bytes(), again.Bytes())
}

func TestGenerateErrors(t *testing.T) {
	var b bytes.Buffer
	err := generate(&b, "testdata/missing", freq, defaultVocabRatio)
	require.Error(t, err)

	// A malformed line is reported with its file and line.
	dir := t.TempDir()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("testdata/opencc", f))
		require.NoError(t, err)
		if f == tsPhrases {
			data = append(data, "乾淨\n"...)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	err = generate(&b, dir, freq, defaultVocabRatio)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TSPhrases.txt:6")

	// A character file with a phrase key.
	require.NoError(t, os.WriteFile(filepath.Join(dir, tsPhrases), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, tsChars), []byte("頭髮\t头发\n"), 0o644))
	err = generate(&b, dir, freq, defaultVocabRatio)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not one character")
}
