package shop_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/examples/shop"
)

func TestIntentTitles(t *testing.T) {
	train, err := intents()
	require.NoError(t, err)
	tr := byIntent(train)
	entries, err := entries()
	require.NoError(t, err)
	questions := map[string]bool{}
	for _, e := range entries {
		questions[e.Question] = true
	}
	starts := flowIntents(t)
	for name, bi := range intentTitles() {
		assert.Contains(t, tr, name, "title of an unknown intent")
		for _, title := range []string{bi.Zh, bi.En} {
			assert.NotEmpty(t, title, name)
			if _, ok := starts[name]; !ok && name != "human" {
				assert.True(t, questions[title], "title %q of %s is not a standard question", title, name)
			}
		}
	}
	m, err := model()
	require.NoError(t, err)
	// A suggested title, picked, means its intent.
	for name, bi := range intentTitles() {
		for _, title := range []string{bi.Zh, bi.En} {
			assert.Equal(t, name, must(m.Classify(bg, title)).Intent, "title %q", title)
		}
	}
}

// TestGreetings checks that each greeting is in one language only, and
// that its quick replies, picked, are answered in that language.
func TestGreetings(t *testing.T) {
	g := greetings()
	require.Len(t, g, 2)
	zh, en := g["zh"], g["en"]
	assert.True(t, strings.HasPrefix(zh.PlainText(), "您好"))
	assert.NotContains(t, zh.PlainText(), "Hi")
	assert.True(t, strings.HasPrefix(en.PlainText(), "Hi"))
	assert.False(t, hasHan(en.PlainText()), "the English greeting has Chinese in it: %s", en.PlainText())
	for _, r := range g {
		assert.Contains(t, r.PlainText(), shop.Orders()[0])
	}

	bot := newBot(t, func(context.Context, kefu.Ticket) error { return nil })
	for lang, r := range g {
		var options []channel.QuickReply
		for _, p := range r.Parts {
			options = append(options, p.Options...)
		}
		require.NotEmpty(t, options, lang)
		for i, o := range options {
			reply, err := bot.Handle(context.Background(), channel.Message{
				SessionID: fmt.Sprint(lang, i), Text: o.Value(), Meta: map[string]string{"lang": lang},
			})
			require.NoError(t, err)
			require.NotNil(t, reply.Intent, "%s: %q is not understood", lang, o.Value())
			text := reply.PlainText()
			assert.Equal(t, lang == "zh", hasHan(text), "%s: %q is answered %q", lang, o.Value(), text)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
