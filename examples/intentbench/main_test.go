package main

import (
	"fmt"
	"slices"
	"testing"

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
