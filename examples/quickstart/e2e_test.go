package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/pgstore"
	"github.com/kefuai/kefu/channel"
)

// transcriptStore is the real PostgreSQL store when KEFU_TEST_POSTGRES is
// set (as in CI), in a schema of its own; the in-memory store otherwise.
func transcriptStore(t *testing.T) analytics.Store {
	url := os.Getenv("KEFU_TEST_POSTGRES")
	if url == "" {
		t.Log("KEFU_TEST_POSTGRES is not set: transcripts in memory instead of PostgreSQL")
		return analytics.NewMemoryStore(analytics.StoreOptions{})
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	schema := fmt.Sprintf("kefu_e2e_%d", time.Now().UnixNano())
	_, err = pool.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		pool.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		pool.Close()
	})
	st, err := pgstore.New(ctx, pool, pgstore.Options{Schema: schema})
	require.NoError(t, err)
	return st
}

// pii are personal data planted in customers' messages; none may reach a
// stored transcript.
var pii = []string{
	"13812345678", "13987654321", // mobile numbers
	"zhang.wei@example.com",                      // e-mail
	"11010519491231002X",                         // resident ID (valid check digit)
	"6222020200112233445", "4111 1111 1111 1111", // bank cards (Luhn)
}

// A script of four kinds of conversation, each 250 times.
type scenario struct {
	turns []string
	// want: a reply fragment per turn.
	want []string
}

var scenarios = []scenario{
	{ // answered, thanked, rated 5
		turns: []string{"你好", "运费怎么算呀", "谢谢", "/rate 5"},
		want:  []string{"青禾优选", "包邮", "打个分", "感谢您的评价"},
	},
	{ // the returns flow, then a person
		turns: []string{"我的手机号是13812345678，我想退货", "转人工"},
		want:  []string{"订单号", "人工"},
	},
	{ // nothing the bot knows
		turns: []string{"身份证11010519491231002X，给我讲讲量子力学"},
		want:  []string{""},
	},
	{ // English answers, with an e-mail and a card number in passing
		turns: []string{"how much is shipping? mail me at zhang.wei@example.com", "my card 4111 1111 1111 1111 was charged twice, can I get an invoice?"},
		want:  []string{"Shipping", "invoice"},
	},
}

// TestEndToEnd drives 1,000 sessions through the demo bot, then checks the
// monthly report and the Prometheus counters against the script, and that
// no stored transcript holds any planted personal data.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run skipped in -short mode")
	}
	ctx := context.Background()
	store := transcriptStore(t)
	start := time.Date(2026, 10, 14, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := start
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a, err := newApp(ctx, config{data: t.TempDir(), transcripts: store, now: clock}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer a.close(ctx)
	bot := a.bot

	const sessions = 1000
	messages, fallbacks := 0, 0 // fallbacks is set from the script below
	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	sem := make(chan struct{}, 16)
	for i := range sessions {
		sc := scenarios[i%len(scenarios)]
		messages += len(sc.turns)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sid, uid := fmt.Sprintf("e2e-%04d", i), fmt.Sprintf("user-%04d", i)
			for k, text := range sc.turns {
				r, err := bot.Handle(ctx, channel.Message{SessionID: sid, UserID: uid, Text: text, Channel: "web"})
				if err != nil {
					errs <- fmt.Errorf("%s turn %d: %w", sid, k, err)
					return
				}
				if !strings.Contains(r.PlainText(), sc.want[k]) {
					errs <- fmt.Errorf("%s turn %d %q: reply %q lacks %q", sid, k, text, r.PlainText(), sc.want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	// Scenario 3's message falls back; the customers of scenarios 3 and 4
	// then go quiet and their sessions end after the idle timeout.
	fallbacks = sessions / 4
	mu.Lock()
	now = start.Add(2 * time.Hour)
	mu.Unlock()
	ended := bot.EndIdleSessions(clock())
	assert.Equal(t, sessions/2, ended, "the quiet sessions of scenarios 3 and 4 end")
	require.NoError(t, bot.Close()) // drains the events into the store

	rep, err := analytics.BuildReport(ctx, store, analytics.Month(2026, 10), analytics.ReportOptions{Location: time.UTC})
	require.NoError(t, err)
	assert.Equal(t, messages, rep.Volume.MessagesIn)
	assert.Equal(t, messages, rep.Volume.MessagesOut)
	assert.Equal(t, sessions, rep.Volume.Sessions)
	assert.Equal(t, sessions, rep.Volume.UniqueUsers)
	assert.Equal(t, sessions/4, rep.Satisfaction.Ratings)
	assert.InDelta(t, 5, rep.Satisfaction.Mean, 1e-9)
	assert.Equal(t, sessions/4, rep.Handoffs)
	assert.Equal(t, fallbacks, rep.Fallbacks)
	assert.Equal(t, sessions, rep.Resolution.Ended)
	// Resolved: sessions that ended without a hand-off and with their last
	// question answered (scenarios 1 and 4); not the hand-offs (2), not
	// those whose last question went unanswered (3).
	assert.Equal(t, sessions/2, rep.Resolution.Resolved)
	require.NotEmpty(t, rep.Unanswered)

	count := func(name string) float64 {
		mfs, err := bot.Registry.Gather()
		require.NoError(t, err)
		total := 0.0
		for _, mf := range mfs {
			if mf.GetName() != name {
				continue
			}
			for _, m := range mf.GetMetric() {
				switch {
				case m.GetCounter() != nil:
					total += m.GetCounter().GetValue()
				case m.GetHistogram() != nil:
					total += float64(m.GetHistogram().GetSampleCount())
				}
			}
		}
		return total
	}
	assert.Equal(t, float64(2*messages), count("kefu_messages_total"), "in and out")
	assert.Equal(t, float64(sessions), count("kefu_sessions_started_total"))
	assert.Equal(t, float64(sessions), count("kefu_sessions_ended_total"))
	assert.Equal(t, float64(sessions/4), count("kefu_handoffs_total"))
	assert.Equal(t, float64(fallbacks), count("kefu_fallbacks_total"))
	assert.Equal(t, float64(sessions/4), count("kefu_satisfaction_rating"))

	var all bytes.Buffer
	require.NoError(t, store.ExportAll(ctx, &all))
	dump := all.String()
	assert.Contains(t, dump, "运费怎么算呀", "text is kept, redacted")
	for _, p := range pii {
		assert.NotContains(t, dump, p, "planted personal data reached the transcripts")
	}
	assert.Contains(t, dump, "[手机号]")
}
