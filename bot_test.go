package kefu

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/flows"
	"github.com/kefuai/kefu/dialogue/redisstore"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/internal/testnet"
	"github.com/kefuai/kefu/internal/testredis"
	"github.com/kefuai/kefu/kb"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	fixtureOnce sync.Once
	fixModel    *intent.Model
	fixEntries  []kb.Entry
	fixErr      error
)

// fixtures trains the test classifier and reads the test knowledge base
// once for the package.
func fixtures(t testing.TB) (*intent.Model, []kb.Entry) {
	t.Helper()
	fixtureOnce.Do(func() {
		ex, err := intent.ReadTSVFile("testdata/intents.tsv")
		if err != nil {
			fixErr = err
			return
		}
		fixModel, fixErr = intent.Train(context.Background(), ex, intent.Options{Seed: 1, Hidden: 64})
		if fixErr != nil {
			return
		}
		f, err := os.Open("testdata/faq.json")
		if err != nil {
			fixErr = err
			return
		}
		defer f.Close()
		fixEntries, fixErr = kb.ReadEntries(f, kb.JSON)
	})
	require.NoError(t, fixErr)
	return fixModel, fixEntries
}

// shippedOrders answers the order_status flow's function.
func orderStatus(ctx context.Context, c dialogue.Call) (dialogue.Result, error) {
	switch c.Slots["order_id"].Text {
	case "202503051234":
		return dialogue.Result{Event: "shipped"}, nil
	case "999999999999":
		return dialogue.Result{}, errors.New("order service down")
	}
	return dialogue.Result{Event: "not_found"}, nil
}

type botEnv struct {
	bot     *Bot
	tickets chan Ticket
	now     time.Time
}

func newTestBot(t testing.TB, store dialogue.Store, opts ...Option) *botEnv {
	t.Helper()
	m, entries := fixtures(t)
	ix, err := kb.NewIndex(kb.IndexOptions{})
	require.NoError(t, err)
	ix.Put(entries...)
	fs, err := flows.Load()
	require.NoError(t, err)
	if store == nil {
		store = dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	}
	eng, err := dialogue.NewEngine(fs, dialogue.Options{
		Store: store,
		Funcs: map[string]dialogue.Func{"order_status": orderStatus},
	})
	require.NoError(t, err)
	env := &botEnv{tickets: make(chan Ticket, 10), now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	base := []Option{
		WithIntents(m), WithDialogue(eng), WithKnowledge(ix), WithSessionStore(store),
		WithClock(func() time.Time { return env.now }),
		WithTickets(func(ctx context.Context, tk Ticket) error { env.tickets <- tk; return nil }),
		WithIntentTitles(map[string]string{"shipping_fee": "运费怎么算？", "invoice": "怎么开发票？"}),
	}
	env.bot, err = New(append(base, opts...)...)
	require.NoError(t, err)
	return env
}

func (e *botEnv) say(t testing.TB, session, text string) channel.Reply {
	t.Helper()
	r, err := e.bot.Handle(context.Background(), channel.Message{SessionID: session, UserID: "u-" + session, Text: text})
	require.NoError(t, err, "turn %q", text)
	return r
}

func texts(r channel.Reply) string {
	var parts []string
	for _, p := range r.Parts {
		switch p.Type {
		case channel.PartText:
			parts = append(parts, p.Text)
		case channel.PartQuickReplies:
			for _, o := range p.Options {
				parts = append(parts, "["+o.Title+"]")
			}
		case channel.PartImage:
			parts = append(parts, "<img "+p.URL+">")
		case channel.PartLink:
			parts = append(parts, "<a "+p.URL+">")
		}
	}
	return strings.Join(parts, " ")
}

func TestFAQAnswer(t *testing.T) {
	env := newTestBot(t, nil)
	r := env.say(t, "s1", "运费多少钱？")
	assert.Contains(t, texts(r), "满 99 元包邮")
	assert.Contains(t, texts(r), "<a https://example.com/shipping>", "links of the answer are sent")
	assert.Contains(t, texts(r), "[退货运费谁出？]", "suggestions become quick replies")
	require.NotNil(t, r.Intent)
	assert.Equal(t, "shipping_fee", r.Intent.Name)
	assert.False(t, r.Handoff)

	r = env.say(t, "s1", "退货的运费谁承担呢")
	assert.Contains(t, texts(r), "<img /img/returns.svg>", "images of the answer are sent")
}

func TestReturnsFlowWithDigression(t *testing.T) {
	env := newTestBot(t, nil)
	r := env.say(t, "s2", "我要退货")
	assert.Contains(t, texts(r), "订单号")
	r = env.say(t, "s2", "运费谁出？")
	assert.Contains(t, texts(r), "质量问题的退货运费由我们承担", "a digression is answered from the knowledge base")
	assert.Contains(t, texts(r), "订单号", "and the pending question is asked again")
	r = env.say(t, "s2", "DD2025030501")
	assert.Contains(t, texts(r), "原因")
	r = env.say(t, "s2", "坏了")
	assert.Contains(t, texts(r), "哪天上门取件", "the reason is taken and the pickup date asked for")
	r = env.say(t, "s2", "明天")
	assert.Contains(t, texts(r), "确认")
	r = env.say(t, "s2", "是的")
	assert.Contains(t, texts(r), "已提交")
	select {
	case tk := <-env.tickets:
		assert.Equal(t, "returns", tk.Queue)
		assert.Equal(t, "s2", tk.SessionID)
		assert.Equal(t, "dd2025030501", strings.ToLower(tk.Slots["order_id"]))
	default:
		t.Fatal("the flow opened no ticket")
	}
}

func TestTicketFailureHandsOff(t *testing.T) {
	env := newTestBot(t, nil, WithTickets(func(ctx context.Context, tk Ticket) error { return errors.New("crm down") }))
	for _, s := range []string{"我要退货", "DD2025030501", "坏了", "明天"} {
		env.say(t, "s3", s)
	}
	r := env.say(t, "s3", "是的")
	assert.True(t, r.Handoff)
	assert.Equal(t, channel.HandoffTicketFailed, r.HandoffReason)
	assert.NotContains(t, texts(r), "已提交", "the customer is not told the ticket went through")
}

func TestOperatorFunctionFailureHandsOff(t *testing.T) {
	env := newTestBot(t, nil)
	env.say(t, "s4", "where is my order")
	r := env.say(t, "s4", "999999999999")
	assert.True(t, r.Handoff)
}

func TestHumanHandoff(t *testing.T) {
	env := newTestBot(t, nil)
	r := env.say(t, "s5", "转人工")
	assert.True(t, r.Handoff)
	assert.Contains(t, texts(r), "人工")
	r = env.say(t, "s6", "I want to talk to a human agent")
	assert.True(t, r.Handoff)
}

func TestFallbackThenOfferHuman(t *testing.T) {
	env := newTestBot(t, nil)
	r := env.say(t, "s7", "量子纠缠的哲学意义")
	assert.False(t, r.Handoff)
	assert.NotEmpty(t, r.Parts)
	first := texts(r)
	assert.True(t, strings.Contains(first, "没有理解") || strings.Contains(first, "不太确定"), first)
	r = env.say(t, "s7", "火星上的天气")
	assert.Contains(t, texts(r), "转接人工", "after two misses a person is offered")
	assert.Contains(t, texts(r), "[转人工]")
	// An answer resets the streak.
	env.say(t, "s7", "运费多少钱")
	r = env.say(t, "s7", "量子纠缠")
	assert.NotContains(t, texts(r), "[转人工]")

	r = env.say(t, "s8", "quantum physics homework")
	assert.Contains(t, texts(r), "Sorry", "English messages get English fallbacks")
}

func TestBadInput(t *testing.T) {
	env := newTestBot(t, nil)
	ctx := context.Background()
	for _, c := range []struct {
		msg  channel.Message
		want error
	}{
		{channel.Message{SessionID: "s", Text: "   "}, channel.ErrEmptyText},
		{channel.Message{SessionID: "s", Text: "\xff\xfe"}, channel.ErrInvalidUTF8},
		{channel.Message{SessionID: "s", Text: strings.Repeat("退", 10000)}, channel.ErrTooLarge},
		{channel.Message{SessionID: "", Text: "你好"}, channel.ErrInvalidID},
	} {
		_, err := env.bot.Handle(ctx, c.msg)
		assert.ErrorIs(t, err, c.want, "%q", c.msg.Text)
	}
}

func TestPanicBecomesApology(t *testing.T) {
	boom := func(next channel.Handler) channel.Handler {
		return channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
			if m.Text == "boom" {
				panic("operator bug")
			}
			return next.Handle(ctx, m)
		})
	}
	env := newTestBot(t, nil, WithMiddleware(boom))
	r, err := env.bot.Handle(context.Background(), channel.Message{SessionID: "p", Text: "boom"})
	assert.ErrorIs(t, err, channel.ErrPanic)
	assert.NotEmpty(t, r.Parts, "the customer gets an apology")
	// The bot keeps working.
	assert.Contains(t, texts(env.say(t, "p", "运费多少钱")), "包邮")
}

func TestStoreOutageIsUnavailable(t *testing.T) {
	// A Redis client pointed at a port nobody listens on: a real outage.
	rc := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rc.Close()
	env := newTestBot(t, must(redisstore.New(rc, redisstore.Options{Prefix: "kefu-test-outage:"})))
	_, err := env.bot.Handle(context.Background(), channel.Message{SessionID: "o", Text: "运费多少钱"})
	require.Error(t, err)
	assert.ErrorIs(t, err, channel.ErrUnavailable)
}

func TestConcurrentTurnsOfOneSession(t *testing.T) {
	store := dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	env := newTestBot(t, store)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := env.bot.Handle(context.Background(), channel.Message{SessionID: "c", Text: fmt.Sprintf("运费多少钱 %d", i)})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	raw, err := store.Get(context.Background(), stateKey("c"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"turns":50`, "no turn's update was lost")
}

func TestSwapWhileServing(t *testing.T) {
	env := newTestBot(t, nil)
	m, _ := fixtures(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := env.bot.Handle(context.Background(), channel.Message{SessionID: fmt.Sprintf("w%d-%d", g, i%5), Text: "运费多少钱"})
				assert.NoError(t, err)
			}
		}()
	}
	for range 20 {
		env.bot.SetIntents(m.WithThreshold(0.01))
		env.bot.SetKnowledge(nil)
		env.bot.SetIntents(m)
	}
	ix, err := kb.NewIndex(kb.IndexOptions{})
	require.NoError(t, err)
	ix.Put(kb.Entry{ID: "x", Question: "运费多少钱", Answer: kb.Answer{Text: "新的运费说明"}})
	env.bot.SetKnowledge(ix)
	close(stop)
	wg.Wait()
	assert.Contains(t, texts(env.say(t, "after", "运费多少钱")), "新的运费说明", "the new knowledge base answers")
}

func TestRedisSharedAcrossBots(t *testing.T) {
	opt := testredis.Options(t)
	prefix := testredis.Prefix(t, testredis.Client(t, opt))
	mk := func() *botEnv {
		return newTestBot(t, must(redisstore.New(testredis.Client(t, opt), redisstore.Options{Prefix: prefix})))
	}
	a, b := mk(), mk()
	// Two instances take turns in one returns conversation.
	steps := []string{"我要退货", "DD2025030501", "坏了", "明天", "是的"}
	var last channel.Reply
	for i, s := range steps {
		env := a
		if i%2 == 1 {
			env = b
		}
		last = env.say(t, "shared", s)
	}
	assert.Contains(t, texts(last), "已提交")
}

func TestHealth(t *testing.T) {
	env := newTestBot(t, nil)
	srv := httptest.NewServer(env.bot.HealthHandler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// A Redis that is down makes the bot unhealthy.
	rc := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rc.Close()
	down := newTestBot(t, must(redisstore.New(rc, redisstore.Options{Prefix: "kefu-test-health:"})))
	assert.ErrorIs(t, down.bot.Health(context.Background()), ErrUnhealthy)
	srv2 := httptest.NewServer(down.bot.HealthHandler())
	defer srv2.Close()
	resp, err = http.Get(srv2.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}

func TestRedisOutageAndRecovery(t *testing.T) {
	opt := testredis.Options(t)
	prefix := testredis.Prefix(t, testredis.Client(t, opt))
	px := testnet.Start(t, opt.Addr)
	opt.Addr = px.Addr()
	opt.MaxRetries = -1
	rc := redis.NewClient(opt)
	defer rc.Close()
	env := newTestBot(t, must(redisstore.New(rc, redisstore.Options{Prefix: prefix})))
	ctx := context.Background()

	assert.Contains(t, texts(env.say(t, "r", "我要退货")), "订单号")
	px.Down()
	_, err := env.bot.Handle(ctx, channel.Message{SessionID: "r", Text: "DD2025030501"})
	assert.ErrorIs(t, err, channel.ErrUnavailable, "an outage is reported as such, not as a fault")
	assert.ErrorIs(t, env.bot.Health(ctx), ErrUnhealthy)

	px.Up()
	require.Eventually(t, func() bool { return env.bot.Health(ctx) == nil }, 10*time.Second, 50*time.Millisecond,
		"health recovers without a restart")
	assert.Contains(t, texts(env.say(t, "r", "DD2025030501")), "原因", "the conversation goes on where it was")
}
