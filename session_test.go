package kefu

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/dialogue"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A conversation is one record in the session store, holding the flow's
// state beside the bot's own.
func TestOneSessionRecord(t *testing.T) {
	store := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	env := newTestBot(t, store)
	ctx := context.Background()
	env.say(t, "r1", "我要退货")
	env.say(t, "r1", "DD2025030501")

	_, err := store.Get(ctx, "r1")
	assert.ErrorIs(t, err, dialogue.ErrNotFound, "no second record under the bare session ID")
	raw, err := store.Get(ctx, stateKey("r1"))
	require.NoError(t, err)
	var st sessionState
	require.NoError(t, json.Unmarshal(raw, &st))
	require.NotNil(t, st.Dialogue)
	assert.Equal(t, "returns", st.Dialogue.Flow)
	assert.Equal(t, "DD2025030501", st.Dialogue.Slots["order_id"].Text)
	assert.Equal(t, 2, st.Turns)
}

// The bot's idle timeout is the one lifetime setting: a flow left waiting
// longer expires at the next message, whatever the engine's own setting.
func TestIdleTimeoutExpiresFlow(t *testing.T) {
	env := newTestBot(t, nil, WithIdleTimeout(5*time.Minute))
	env.say(t, "x1", "我要退货")
	env.now = env.now.Add(10 * time.Minute)
	r := env.say(t, "x1", "DD2025030501")
	raw, err := env.bot.store.Get(context.Background(), stateKey("x1"))
	require.NoError(t, err)
	var st sessionState
	require.NoError(t, json.Unmarshal(raw, &st))
	assert.Empty(t, st.Dialogue.Slots["order_id"].Text, "the expired flow took no answer: %s", r.PlainText())

	env2 := newTestBot(t, nil, WithIdleTimeout(time.Hour))
	env2.say(t, "x2", "我要退货")
	env2.now = env2.now.Add(10 * time.Minute)
	env2.say(t, "x2", "DD2025030501")
	raw, err = env2.bot.store.Get(context.Background(), stateKey("x2"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &st))
	assert.Equal(t, "DD2025030501", st.Dialogue.Slots["order_id"].Text, "within the idle timeout the flow goes on")
}

// The operator's ticket system is called after the turn is saved, outside
// the session's lock: it may itself read or update the session.
func TestTicketsOutsideTheLock(t *testing.T) {
	store := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	var inside error
	opened := 0
	env := newTestBot(t, store, WithTickets(func(ctx context.Context, tk Ticket) error {
		opened++
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		inside = store.Update(ctx, stateKey(tk.SessionID), time.Hour, func(old []byte) ([]byte, error) { return old, nil })
		return errors.New("crm down")
	}))
	for _, s := range []string{"我要退货", "DD2025030501", "坏了", "明天"} {
		env.say(t, "t1", s)
	}
	r := env.say(t, "t1", "是的")
	assert.Equal(t, 1, opened)
	assert.NoError(t, inside, "the session was not locked while the ticket was opened")
	assert.True(t, r.Handoff)
	raw, err := store.Get(context.Background(), stateKey("t1"))
	require.NoError(t, err)
	var st sessionState
	require.NoError(t, json.Unmarshal(raw, &st))
	assert.True(t, st.Ended, "a failed ticket ends the session")
}

type downHook struct{ calls atomic.Int32 }

func (h *downHook) Handle(context.Context, analytics.Event) error {
	h.calls.Add(1)
	return errors.New("transcript store down")
}

// Events that cannot be delivered for long make the bot unhealthy.
func TestHealthReportsStuckEvents(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).UnixNano())
	d := analytics.NewDispatcher(analytics.DispatcherOptions{Now: func() time.Time { return time.Unix(0, now.Load()) }, StuckAfter: time.Minute})
	h := &downHook{}
	require.NoError(t, d.AddDurable("transcripts", h, analytics.DurableOptions{Dir: t.TempDir(), RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		d.Close(ctx)
	})
	env := newTestBot(t, nil, WithEvents(d))
	env.say(t, "h1", "运费多少钱？")
	require.Eventually(t, func() bool { return h.calls.Load() >= 2 }, 10*time.Second, time.Millisecond)
	assert.NoError(t, env.bot.Health(context.Background()))
	now.Add(int64(5 * time.Minute))
	err := env.bot.Health(context.Background())
	assert.ErrorIs(t, err, ErrUnhealthy)
}
