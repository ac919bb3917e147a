package kefu

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/redisstore"
	"github.com/redis/go-redis/v9"
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

// A message sent again with the same ID gets the reply it got the first
// time, and its turn does not run again.
func TestRetriedMessageRunsOnce(t *testing.T) {
	store := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	env := newTestBot(t, store)
	ctx := context.Background()
	send := func(id, text string) channel.Reply {
		t.Helper()
		r, err := env.bot.Handle(ctx, channel.Message{ID: id, SessionID: "i1", UserID: "u", Text: text})
		require.NoError(t, err)
		return r
	}
	send("m1", "我要退货")
	first := send("m2", "DD2025030501")
	again := send("m2", "DD2025030501")
	assert.Equal(t, first, again, "the same reply")
	raw, err := store.Get(ctx, stateKey("i1"))
	require.NoError(t, err)
	var st sessionState
	require.NoError(t, json.Unmarshal(raw, &st))
	assert.Equal(t, 2, st.Turns, "the retried turn did not run")
	assert.Equal(t, "DD2025030501", st.Dialogue.Slots["order_id"].Text)

	// Over the JSON API, with the client's message ID.
	srv := httptest.NewServer(httpapi.New(env.bot, httpapi.Options{}))
	defer srv.Close()
	post := func(body string) string {
		res, err := http.Post(srv.URL+httpapi.Path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, string(b))
		return string(b)
	}
	a := post(`{"session_id":"i2","message_id":"x-1","text":"我要退货"}`)
	b := post(`{"session_id":"i2","message_id":"x-1","text":"我要退货"}`)
	assert.Equal(t, a, b)
	raw, err = store.Get(ctx, stateKey("i2"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &st))
	assert.Equal(t, 1, st.Turns)
	_, err = env.bot.Handle(ctx, channel.Message{ID: "bad id", SessionID: "i3", Text: "你好"})
	assert.ErrorIs(t, err, channel.ErrInvalidID)
}

// A session store that stops answering (a network partition: the
// connection stays open, nothing comes back) makes /healthz answer 503
// within HealthTimeout instead of hanging.
func TestHealthUnderPartition(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), MaxRetries: -1, ReadTimeout: time.Minute})
	defer rdb.Close()
	store := must(redisstore.New(rdb, redisstore.Options{}))
	bot, err := New(WithSessionStore(store))
	require.NoError(t, err)
	defer bot.Close()
	srv := httptest.NewServer(bot.HealthHandler())
	defer srv.Close()
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Get(srv.URL)
	require.NoError(t, err, "the health check answers although the store does not")
	res.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
}
