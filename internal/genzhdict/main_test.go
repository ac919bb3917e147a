package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table the text package embeds is what this command writes from the
// gse version go.mod requires.
func TestEmbeddedTableIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("loads gse's dictionary (a few seconds)")
	}
	var want bytes.Buffer
	require.NoError(t, generate(&want))
	f, err := os.Open("../text/zh_s.txt.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	got, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want.Bytes(), got), "internal/text/zh_s.txt.gz is stale: go run ./internal/genzhdict")
	assert.Contains(t, want.String(), "gse v0.80.3", "the header names the gse version")
}
