package channel_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
)

func TestLimitsCheck(t *testing.T) {
	ok := channel.Message{SessionID: "s-1", UserID: "u@example.com", Text: "我想退货"}
	tests := []struct {
		name string
		edit func(*channel.Message)
		lim  channel.Limits
		want error
	}{
		{"fine", func(*channel.Message) {}, channel.Limits{}, nil},
		{"empty", func(m *channel.Message) { m.Text = "" }, channel.Limits{}, channel.ErrEmptyText},
		{"blank", func(m *channel.Message) { m.Text = " \n\t\u3000" }, channel.Limits{}, channel.ErrEmptyText},
		{"invalid utf8", func(m *channel.Message) { m.Text = "退\xe9货" }, channel.Limits{}, channel.ErrInvalidUTF8},
		{"invalid utf8 beats size", func(m *channel.Message) { m.Text = strings.Repeat("a", 5000) + "\xff" }, channel.Limits{}, channel.ErrInvalidUTF8},
		{"at limit", func(m *channel.Message) { m.Text = strings.Repeat("a", channel.MaxTextBytes) }, channel.Limits{}, nil},
		{"over limit", func(m *channel.Message) { m.Text = strings.Repeat("a", channel.MaxTextBytes+1) }, channel.Limits{}, channel.ErrTooLarge},
		{"custom limit", func(m *channel.Message) { m.Text = "你好吗" }, channel.Limits{MaxTextBytes: 8}, channel.ErrTooLarge},
		{"attachments", func(m *channel.Message) { m.Attachments = make([]channel.Attachment, 2) }, channel.Limits{MaxAttachments: 1}, channel.ErrTooLarge},
		{"no session", func(m *channel.Message) { m.SessionID = "" }, channel.Limits{}, channel.ErrInvalidID},
		{"long session", func(m *channel.Message) { m.SessionID = strings.Repeat("s", 129) }, channel.Limits{}, channel.ErrInvalidID},
		{"control in session", func(m *channel.Message) { m.SessionID = "a\x00b" }, channel.Limits{}, channel.ErrInvalidID},
		{"space in user", func(m *channel.Message) { m.UserID = "a b" }, channel.Limits{}, channel.ErrInvalidID},
		{"bad utf8 user", func(m *channel.Message) { m.UserID = "\xff" }, channel.Limits{}, channel.ErrInvalidID},
		{"no user", func(m *channel.Message) { m.UserID = "" }, channel.Limits{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			err := tt.lim.Check(m)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
	assert.NoError(t, ok.Validate())
	assert.True(t, channel.Limits{}.ValidID("abc-123"))
	assert.False(t, channel.Limits{}.ValidID(""))
	assert.False(t, channel.Limits{MaxIDBytes: 2}.ValidID("abc"))
}

func TestEnglish(t *testing.T) {
	for text, want := range map[string]bool{
		"你好": false, "hello": true, "order 123 到哪了": false, "123": false, "": false, "¿qué?": true,
	} {
		assert.Equal(t, want, channel.English(channel.Message{Text: text}), text)
	}
	// The text decides when it is clear, the channel's language when not.
	assert.False(t, channel.English(channel.Message{Text: "你好", Meta: map[string]string{"lang": "en-US"}}))
	assert.True(t, channel.English(channel.Message{Text: "1234", Meta: map[string]string{"lang": "en-US"}}))
	assert.False(t, channel.English(channel.Message{Text: "hello", Meta: map[string]string{"lang": "zh-CN"}}))
	for text, want := range map[string]string{"我的银行卡丢了": "zh", "where is the 工商银行 branch?": "en",
		"I lost my card, my name is 王小明": "en", "我想买iPhone 15": "zh"} {
		lang, sure := channel.DetectLang(channel.Message{Text: text})
		assert.Equal(t, want, lang, text)
		assert.True(t, sure, text)
	}
	for _, text := range []string{"Visa", "ok", "DD2025061801", "thx"} {
		_, sure := channel.DetectLang(channel.Message{Text: text})
		assert.False(t, sure, text)
	}
	b := channel.Bilingual{Zh: "好"}.Or(channel.Bilingual{Zh: "x", En: "ok"})
	assert.Equal(t, channel.Bilingual{Zh: "好", En: "ok"}, b)
}

func TestReplyHelpers(t *testing.T) {
	r := channel.TextReply("a", "b")
	assert.Equal(t, []channel.Part{channel.Text("a"), channel.Text("b")}, r.Parts)
	assert.Equal(t, "a\nb", r.PlainText())
	assert.Equal(t, "p", channel.QuickReply{Title: "t", Payload: "p"}.Value())
	assert.Equal(t, "t", channel.QuickReply{Title: "t"}.Value())
	assert.Equal(t, "https://x", channel.Reply{Parts: []channel.Part{channel.Link("", "https://x")}}.PlainText())
}

func record(name string, log *[]string) channel.Middleware {
	return func(next channel.Handler) channel.Handler {
		return channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
			*log = append(*log, name)
			return next.Handle(ctx, m)
		})
	}
}

func TestChainOrder(t *testing.T) {
	var log []string
	h := channel.Chain(channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		log = append(log, "h")
		return channel.Reply{}, nil
	}), record("a", &log), nil, record("b", &log))
	_, err := h.Handle(context.Background(), channel.Message{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "h"}, log)
}

func TestTimeout(t *testing.T) {
	slow := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		<-ctx.Done()
		return channel.Reply{}, ctx.Err()
	})
	_, err := channel.Timeout(20*time.Millisecond)(slow).Handle(context.Background(), channel.Message{})
	assert.ErrorIs(t, err, channel.ErrUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	fast := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		_, ok := ctx.Deadline()
		return channel.TextReply("ok"), map[bool]error{true: nil, false: errors.New("no deadline")}[ok]
	})
	r, err := channel.Timeout(time.Second)(fast).Handle(context.Background(), channel.Message{})
	require.NoError(t, err)
	assert.Equal(t, "ok", r.PlainText())

	// A fault that is not the deadline's stays a fault.
	boom := errors.New("boom")
	_, err = channel.Timeout(time.Second)(channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		return channel.Reply{}, boom
	})).Handle(context.Background(), channel.Message{})
	assert.Equal(t, boom, err)
	assert.NotNil(t, channel.Timeout(0)(fast))
}

func TestRecover(t *testing.T) {
	boom := errors.New("boom")
	h := channel.Recover(channel.RecoverOptions{Apology: channel.Bilingual{Zh: "对不起"}})(
		channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
			if m.Text == "err" {
				panic(boom)
			}
			var mp map[string]int
			//lint:ignore SA5000 the test needs a runtime panic in operator code.
			mp["x"]++
			return channel.Reply{}, nil
		}))
	r, err := h.Handle(context.Background(), channel.Message{Text: "你好"})
	assert.Equal(t, "对不起", r.PlainText())
	var pe *channel.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, string(pe.Stack), "TestRecover")
	assert.ErrorIs(t, err, channel.ErrPanic)

	r, err = h.Handle(context.Background(), channel.Message{Text: "err"})
	assert.Equal(t, channel.DefaultApology().En, r.PlainText())
	assert.ErrorIs(t, err, boom)
}

func TestRateLimit(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var calls atomic.Int32
	h := channel.RateLimit(channel.RateLimitOptions{Rate: 2, Burst: 3, Now: func() time.Time { return now }})(
		channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
			calls.Add(1)
			return channel.TextReply("ok"), nil
		}))
	send := func(user, session string) error {
		_, err := h.Handle(context.Background(), channel.Message{UserID: user, SessionID: session, Text: "hi"})
		return err
	}
	for range 3 {
		require.NoError(t, send("u1", "s1"))
	}
	err := send("u1", "s2") // same user, other session: still limited
	var rl *channel.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, "u1", rl.Key)
	assert.Equal(t, 500*time.Millisecond, rl.RetryAfter)
	assert.ErrorIs(t, err, channel.ErrRateLimited)
	require.NoError(t, send("u2", "s3"), "other users are not affected")
	require.NoError(t, send("", "s4"), "anonymous sessions are limited by session")

	now = now.Add(500 * time.Millisecond)
	require.NoError(t, send("u1", "s1"))
	assert.Error(t, send("u1", "s1"))
	assert.EqualValues(t, 6, calls.Load())

	r, _ := h.Handle(context.Background(), channel.Message{UserID: "u1", Text: "hello"})
	assert.Equal(t, channel.DefaultBusy().En, r.PlainText())
}

func TestLimiterBoundsKeys(t *testing.T) {
	now := time.Unix(0, 0)
	l := channel.NewLimiter(channel.LimiterOptions{Rate: 1, Burst: 1, MaxKeys: 4, Now: func() time.Time { return now }})
	for i := range 100 {
		ok, _ := l.Allow(string(rune('a' + i%26)))
		_ = ok
	}
	// The limiter forgets keys rather than grow: a key seen long ago
	// starts afresh, and a fresh key is always allowed.
	ok, _ := l.Allow("new")
	assert.True(t, ok)
	ok, _ = l.Allow("new")
	assert.False(t, ok)
	now = now.Add(time.Second)
	ok, _ = l.Allow("new")
	assert.True(t, ok)
}

func TestLimiterConcurrent(t *testing.T) {
	l := channel.NewLimiter(channel.LimiterOptions{Rate: 0.001, Burst: 10})
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if ok, _ := l.Allow("k"); ok {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 10, allowed.Load())
}

func BenchmarkValidate(b *testing.B) {
	m := channel.Message{SessionID: "3f2a9c1e5b7d4a60", UserID: "u-42", Text: "你好，我上周买的鞋子尺码不对，想退货，请问运费谁出？"}
	b.SetBytes(int64(len(m.Text)))
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChain(b *testing.B) {
	h := channel.Chain(channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		return channel.Reply{}, nil
	}), channel.Recover(channel.RecoverOptions{}), channel.RateLimit(channel.RateLimitOptions{Rate: 1e9, Burst: 1e9}), channel.Timeout(time.Second))
	m := channel.Message{SessionID: "s", Text: "hi"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Handle(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}
