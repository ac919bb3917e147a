package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kefuai/kefu/intent"
)

func TestSampleShots(t *testing.T) {
	var ex []intent.Example
	for i := range 40 {
		ex = append(ex, intent.Example{Intent: fmt.Sprintf("i%d", i%4), Text: fmt.Sprintf("text %d", i)})
	}
	ex = append(ex, intent.Example{Intent: "rare", Text: "only one"})

	a := sampleShots(ex, 3, 1)
	count := map[string]int{}
	pos := map[string]int{}
	for i, e := range ex {
		pos[e.Text] = i
	}
	last := -1
	for _, e := range a {
		count[e.Intent]++
		if pos[e.Text] <= last {
			t.Fatalf("sample not in file order at %q", e.Text)
		}
		last = pos[e.Text]
	}
	for i := range 4 {
		if n := count[fmt.Sprintf("i%d", i)]; n != 3 {
			t.Errorf("intent i%d: %d examples, want 3", i, n)
		}
	}
	if count["rare"] != 1 {
		t.Errorf("an intent with fewer examples than K keeps them all: got %d", count["rare"])
	}
	if b := sampleShots(ex, 3, 1); !slices.Equal(a, b) {
		t.Error("the same seed gave another sample")
	}
	if c := sampleShots(ex, 3, 2); slices.Equal(a, c) {
		t.Error("seeds 1 and 2 gave the same sample")
	}
}

func TestSampleIntents(t *testing.T) {
	var ex []intent.Example
	for i := range 40 {
		ex = append(ex, intent.Example{Intent: fmt.Sprintf("i%d", i%10), Text: fmt.Sprintf("text %d", i)})
	}
	ex = append(ex, intent.Example{Intent: "oos", Text: "out of scope"})

	keep := sampleIntents(ex, 3, "oos", 1)
	assert.Len(t, keep, 4, "three intents and the out-of-scope label")
	assert.True(t, keep["oos"])
	assert.Equal(t, keep, sampleIntents(ex, 3, "oos", 1), "the same seed gives the same intents")
	assert.NotEqual(t, keep, sampleIntents(ex, 3, "oos", 2), "another seed gives other intents")
	assert.Len(t, sampleIntents(ex, 100, "", 1), 11, "all intents when N exceeds them")

	kept := keepIntents(ex, keep)
	assert.Len(t, kept, 13, "four examples of each of three intents and the out-of-scope one")
	for _, e := range kept {
		assert.True(t, keep[e.Intent])
	}
}

func TestDatasetFiles(t *testing.T) {
	ctx := t.Context()
	_, err := datasetFiles(ctx, "nope", t.TempDir(), "")
	assert.ErrorContains(t, err, `no dataset "nope"`)
	_, err = datasetFiles(ctx, "afqmc", t.TempDir(), "")
	assert.ErrorContains(t, err, "pairs dataset, not intents")

	cache := os.Getenv("KEFU_TEST_DATASETS")
	if cache == "" {
		t.Skip("KEFU_TEST_DATASETS is not set: no cache holding the datasets' published files")
	}
	files, err := datasetFiles(ctx, "clinc150", cache, "oos")
	if err != nil {
		t.Fatal(err)
	}
	assert.Equal(t, filepath.Join(cache, "clinc150", "with_oos_val.tsv"), files["val"])
	files, err = datasetFiles(ctx, "banking77", cache, "oos")
	if err != nil {
		t.Fatal(err)
	}
	assert.Equal(t, map[string]string{
		"train": filepath.Join(cache, "banking77", "train.tsv"),
		"test":  filepath.Join(cache, "banking77", "test.tsv"),
	}, files, "no validation file, and no out-of-scope files of its own")
}
