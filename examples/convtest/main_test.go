package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	// No files: the demo's own conversations, every file of them.
	suites, err := load(nil)
	require.NoError(t, err)
	var names []string
	total := 0
	for _, s := range suites {
		names = append(names, s.Name)
		total += len(s.Conversations)
	}
	assert.Subset(t, names, []string{"returns.yaml", "order_status.yaml", "digressions.yaml", "faq.yaml",
		"language.yaml", "traditional.yaml", "known_issues.yaml"})
	assert.Greater(t, total, 50)

	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte("conversations:\n  - name: hi\n    turns:\n      - say: 你好\n"), 0o600))
	suites, err = load([]string{good})
	require.NoError(t, err)
	require.Len(t, suites, 1)
	assert.Equal(t, "hi", suites[0].Conversations[0].Name)

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("conversations:\n  - name: no turns\n"), 0o600))
	_, err = load([]string{good, bad})
	assert.Error(t, err)
	_, err = load([]string{filepath.Join(dir, "missing.yaml")})
	assert.Error(t, err)
}
