package shop_test

import (
	"context"
	"github.com/kefuai/kefu/dialogue"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// byIntent groups examples by intent.
func byIntent(es []intent.Example) map[string][]string {
	m := map[string][]string{}
	for _, e := range es {
		m[e.Intent] = append(m[e.Intent], e.Text)
	}
	return m
}

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func TestIntents(t *testing.T) {
	train, err := intents()
	require.NoError(t, err)
	test, err := testIntents()
	require.NoError(t, err)

	tr := byIntent(train)
	assert.GreaterOrEqual(t, len(tr), 18, "intents")
	for name, texts := range tr {
		// The flows' intents have more examples: they are asked for in
		// both languages as often as not.
		assert.GreaterOrEqual(t, len(texts), 15, "training examples of %s", name)
		assert.LessOrEqual(t, len(texts), 45, "training examples of %s", name)
	}
	// The dialogue engine's global intents.
	for _, name := range []string{"human", "cancel"} {
		assert.Contains(t, tr, name)
	}

	seen := map[string]string{}
	for _, e := range train {
		if prev, dup := seen[norm(e.Text)]; dup {
			t.Errorf("training text %q appears twice (%s, %s)", e.Text, prev, e.Intent)
		}
		seen[norm(e.Text)] = e.Intent
	}
	te := byIntent(test)
	for name, texts := range te {
		assert.Contains(t, tr, name, "held-out intent")
		assert.GreaterOrEqual(t, len(texts), 5, "held-out examples of %s", name)
	}
	for name := range tr {
		assert.Contains(t, te, name, "intent without held-out examples")
	}
	assert.GreaterOrEqual(t, len(tr[outOfScope()]), 15, "out-of-scope examples to tune the threshold on")
	for _, e := range test {
		if in, dup := seen[norm(e.Text)]; dup {
			t.Errorf("held-out text %q is also a training text (%s)", e.Text, in)
		}
		seen[norm(e.Text)] = e.Intent
	}
	for _, r := range rules() {
		assert.Contains(t, tr, r.Intent, "rule %s", r.Name)
	}
}

func TestVocabulary(t *testing.T) {
	// The lists must be accepted by every component that takes them.
	_, err := kb.NewIndex(kb.IndexOptions{Words: words(), Synonyms: synonyms()})
	require.NoError(t, err)
	_, err = kb.NewLearner(kb.LearnOptions{Words: words(), Synonyms: synonyms()})
	require.NoError(t, err)
}

// model trains the demo classifier once for the tests that need it.
var model = sync.OnceValues(func() (*intent.Model, error) {
	train, err := intents()
	if err != nil {
		return nil, err
	}
	return intent.Train(context.Background(), train, intent.Options{
		Seed: 1, Hidden: 64, Words: words(), Synonyms: synonyms(), Rules: rules(),
		OutOfScope: outOfScope(),
	})
})

func TestIntentAccuracy(t *testing.T) {
	m, err := model()
	require.NoError(t, err)
	test, err := testIntents()
	require.NoError(t, err)
	r := must(intent.Evaluate(bg, m, test, intent.EvalOptions{OutOfScope: outOfScope()}))
	t.Logf("held-out in-scope accuracy %.3f on %d examples, out-of-scope recall %.3f on %d (threshold %.3f, %s)",
		r.InScopeAccuracy, r.InScope, r.OOSRecall, r.OOS, r.Threshold, r.ThresholdSource)
	for _, e := range r.Errors {
		t.Logf("  %s: %q → %s (%.2f)", e.Gold, e.Text, e.Predicted, e.Confidence)
	}
	assert.GreaterOrEqual(t, r.InScopeAccuracy, 0.9)
	assert.GreaterOrEqual(t, r.OOSRecall, 0.5)

	// The dialogue engine starts a flow on an intent with confidence
	// dialogue.DefaultMinConfidence
	// or more by default.
	starting := map[string]bool{"return_goods": true, "refund": true, "order_status": true}
	n, sure := 0, 0
	for _, e := range test {
		if starting[e.Intent] {
			n++
			if r := must(m.Classify(bg, e.Text)); r.Intent == e.Intent && r.Confidence >= dialogue.DefaultMinConfidence {
				sure++
			}
		}
	}
	t.Logf("%d of %d held-out flow requests start their flow (confidence ≥ %.2f)", sure, n, dialogue.DefaultMinConfidence)
}

func TestRules(t *testing.T) {
	m, err := model()
	require.NoError(t, err)
	for text, want := range map[string]string{
		"DD2025061801":     "order_status",
		" dd2025061801 ":   "order_status",
		"订单号：DD2025062003": "order_status",
		"2025061502":       "order_status",
		"帮我转人工":            "human",
		"人工客服在吗":           "human",
	} {
		r := must(m.Classify(bg, text))
		assert.Equal(t, want, r.Intent, "%q", text)
		assert.NotEmpty(t, r.Rule, "%q", text)
	}
	// A longer message is the model's to classify.
	assert.Empty(t, must(m.Classify(bg, "DD2025061801 我要退货")).Rule)
}
