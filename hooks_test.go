package kefu

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder keeps the events a bot emits.
type recorder struct {
	mu     sync.Mutex
	events []analytics.Event
}

func (r *recorder) Emit(e analytics.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) take() []analytics.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

func kinds(es []analytics.Event) []analytics.Kind {
	out := make([]analytics.Kind, len(es))
	for i, e := range es {
		out[i] = e.Kind
	}
	return out
}

func TestEvents(t *testing.T) {
	rec := &recorder{}
	env := newTestBot(t, nil, WithEvents(rec), WithRating("greeting"), WithIdleTimeout(10*time.Minute))
	defer env.bot.Close()

	r := env.say(t, "e1", "运费多少钱")
	es := rec.take()
	assert.Equal(t, []analytics.Kind{analytics.SessionStarted, analytics.MessageIn, analytics.IntentRecognized,
		analytics.AnswerServed, analytics.MessageOut}, kinds(es))
	assert.Equal(t, "shipping_fee", es[2].Intent)
	assert.Equal(t, "运费多少钱", es[2].Text, "the classified text is kept for accuracy reviews")
	assert.Equal(t, "shipping-fee", es[3].EntryID)
	assert.Equal(t, "物流", es[3].Category)
	assert.Equal(t, r.PlainText(), es[4].Text)
	for _, e := range es {
		assert.Equal(t, "e1", e.SessionID)
		assert.Equal(t, "u-e1", e.UserID)
		assert.Equal(t, env.now, e.Time)
	}

	env.say(t, "e1", "量子纠缠的哲学意义")
	assert.Equal(t, []analytics.Kind{analytics.MessageIn, analytics.IntentRecognized, analytics.Fallback, analytics.MessageOut}, kinds(rec.take()))

	env.say(t, "e1", "转人工")
	es = rec.take()
	assert.Contains(t, kinds(es), analytics.Handoff)
	assert.Equal(t, analytics.SessionEnded, es[len(es)-1].Kind, "a hand-off ends the bot's part of the session")

	// The rating question, then a rating that ends the session.
	r = env.say(t, "e2", "你好")
	require.NotEmpty(t, r.Parts)
	last := r.Parts[len(r.Parts)-1]
	require.Equal(t, channel.PartQuickReplies, last.Type)
	require.Len(t, last.Options, 5)
	assert.Equal(t, RatePrefix+"5", last.Options[4].Payload)
	rec.take()
	r = env.say(t, "e2", last.Options[4].Payload)
	assert.Contains(t, r.PlainText(), "感谢您的评价")
	es = rec.take()
	assert.Equal(t, []analytics.Kind{analytics.MessageIn, analytics.Rating, analytics.MessageOut, analytics.SessionEnded}, kinds(es))
	assert.Equal(t, 5, es[1].Rating)

	// Idle sessions end as of their last message.
	env.say(t, "e3", "运费多少钱")
	rec.take()
	assert.Zero(t, env.bot.EndIdleSessions(env.now.Add(5*time.Minute)))
	assert.Equal(t, 1, env.bot.EndIdleSessions(env.now.Add(11*time.Minute)))
	es = rec.take()
	require.Len(t, es, 1)
	assert.Equal(t, analytics.SessionEnded, es[0].Kind)
	assert.Equal(t, "e3", es[0].SessionID)
	assert.Equal(t, env.now, es[0].Time)
	for _, e := range append(es, rec.take()...) {
		assert.NoError(t, e.Validate())
	}
}

func TestSessionsRestartAfterTheyEnd(t *testing.T) {
	rec := &recorder{}
	env := newTestBot(t, nil, WithEvents(rec), WithIdleTimeout(10*time.Minute))
	defer env.bot.Close()

	env.say(t, "s", "运费多少钱")
	env.say(t, "s", "转人工")
	rec.take()
	env.say(t, "s", "运费多少钱")
	assert.Equal(t, analytics.SessionStarted, rec.take()[0].Kind, "after a hand-off the next message starts a new session")

	env.now = env.now.Add(11 * time.Minute)
	env.say(t, "s", "怎么开发票")
	assert.Equal(t, analytics.SessionStarted, rec.take()[0].Kind, "so does a message after the idle timeout")

	// A rating nobody asked for is an ordinary message.
	env.say(t, "s", RatePrefix+"5")
	assert.NotContains(t, kinds(rec.take()), analytics.Rating)
}

func TestHumanOfferHandsOff(t *testing.T) {
	m, _ := fixtures(t)
	bot, err := New(WithIntents(m)) // no dialogue engine: the bot itself hands off
	require.NoError(t, err)
	ctx := context.Background()
	var r channel.Reply
	for _, q := range []string{"量子纠缠", "火星天气"} {
		r, err = bot.Handle(ctx, channel.Message{SessionID: "h", Text: q})
		require.NoError(t, err)
	}
	last := r.Parts[len(r.Parts)-1]
	require.Equal(t, channel.PartQuickReplies, last.Type)
	require.Equal(t, HumanPayload, last.Options[0].Payload)
	r, err = bot.Handle(ctx, channel.Message{SessionID: "h", Text: last.Options[0].Payload})
	require.NoError(t, err)
	assert.True(t, r.Handoff)
	assert.Equal(t, channel.HandoffRequested, r.HandoffReason)
}

func TestNilPartsAndBadOptions(t *testing.T) {
	var m *intent.Model
	var k *kb.Index
	bot, err := New(WithIntents(m), WithKnowledge(k))
	require.NoError(t, err)
	r, err := bot.Handle(context.Background(), channel.Message{SessionID: "n", Text: "你好"})
	require.NoError(t, err, "a nil model or index counts as none")
	assert.NotEmpty(t, r.Parts)
	_, err = New(WithIdleTimeout(0))
	assert.Error(t, err)
	_, err = New(WithClock(nil))
	assert.Error(t, err)
}
