package intent

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Questions in traditional characters are classified as their simplified
// forms are, by a model trained on simplified examples.
func TestClassifyTraditional(t *testing.T) {
	m := trainedModel(t)
	simp := map[string]string{}
	for _, e := range readTestdata(t, "test.tsv") {
		if e.Text[0] >= 0x80 { // the Chinese one
			simp[e.Intent] = e.Text
		}
	}
	trad := readTestdata(t, "test_traditional.tsv")
	require.NotEmpty(t, trad)
	for _, e := range trad {
		s, ok := simp[e.Intent]
		require.True(t, ok, e.Intent)
		rt, rs := must(m.Classify(bg, e.Text)), must(m.Classify(bg, s))
		assert.Equal(t, e.Intent, rt.Intent, e.Text)
		assert.Equal(t, rs.Intent, rt.Intent, e.Text)
		assert.InDelta(t, rs.Confidence, rt.Confidence, 1e-9, e.Text)
	}

	// Operator keywords in either script match both.
	o := testOptions()
	o.Rules = []Rule{{Intent: "human_agent", Keywords: []string{"投訴"}}, {Intent: "refund", Keywords: []string{"退钱"}}}
	mr, err := Train(context.Background(), readTestdata(t, "train.tsv"), o)
	require.NoError(t, err)
	for in, want := range map[string]string{"我要投诉": "human_agent", "我要投訴": "human_agent", "快點退錢": "refund"} {
		assert.Equal(t, want, must(mr.Classify(bg, in)).Intent, in)
	}
}
