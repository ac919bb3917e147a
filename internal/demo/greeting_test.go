package demo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/internal/demo"
)

func TestIntentTitles(t *testing.T) {
	train, err := demo.Intents()
	require.NoError(t, err)
	tr := byIntent(train)
	entries, err := demo.Entries()
	require.NoError(t, err)
	questions := map[string]bool{}
	for _, e := range entries {
		questions[e.Question] = true
	}
	starts := flowIntents(t)
	for name, title := range demo.IntentTitles() {
		assert.Contains(t, tr, name, "title of an unknown intent")
		assert.NotEmpty(t, title)
		if _, ok := starts[name]; !ok && name != "human" {
			assert.True(t, questions[title], "title %q of %s is not a standard question", title, name)
		}
	}
	m, err := model()
	require.NoError(t, err)
	// A suggested title, picked, means its intent.
	for name, title := range demo.IntentTitles() {
		assert.Equal(t, name, m.Classify(title).Intent, "title %q", title)
	}
}

func TestGreeting(t *testing.T) {
	g := demo.Greeting()
	assert.Contains(t, g, "您好")
	assert.Contains(t, g, demo.Orders()[0])
}
