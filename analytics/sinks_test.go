package analytics_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

// sinkScript is three sessions: answered and rated 5, unanswered and
// handed off, out of scope on another channel and rated 2.
func sinkScript() []analytics.Event {
	e := func(kind analytics.Kind, sess, ch string, sec int) analytics.Event {
		return analytics.Event{Kind: kind, SessionID: sess, UserID: "u-" + sess, Channel: ch, Time: t0.Add(time.Duration(sec) * time.Second)}
	}
	var out []analytics.Event
	add := func(ev analytics.Event, f func(*analytics.Event)) {
		if f != nil {
			f(&ev)
		}
		out = append(out, ev)
	}
	add(e(analytics.SessionStarted, "a", "web", 0), nil)
	add(e(analytics.MessageIn, "a", "web", 1), func(e *analytics.Event) { e.Text = "怎么退货 13812345678" })
	add(e(analytics.IntentRecognized, "a", "web", 1), func(e *analytics.Event) { e.Intent, e.Confidence = "return_goods", 0.9 })
	add(e(analytics.AnswerServed, "a", "web", 1), func(e *analytics.Event) { e.EntryID, e.Category = "faq-1", "售后" })
	add(e(analytics.MessageOut, "a", "web", 2), nil)
	add(e(analytics.Rating, "a", "web", 30), func(e *analytics.Event) { e.Rating = 5 })
	add(e(analytics.SessionEnded, "a", "web", 45), nil)

	add(e(analytics.SessionStarted, "b", "web", 0), nil)
	add(e(analytics.MessageIn, "b", "web", 10), nil)
	add(e(analytics.IntentRecognized, "b", "web", 10), func(e *analytics.Event) { e.Intent, e.Confidence = "invoice", 0.8 })
	add(e(analytics.Fallback, "b", "web", 10), nil)
	add(e(analytics.MessageOut, "b", "web", 11), nil)
	add(e(analytics.Handoff, "b", "web", 20), func(e *analytics.Event) { e.Reason = "requested" })
	add(e(analytics.SessionEnded, "b", "web", 200), nil)

	add(e(analytics.SessionStarted, "c", "wecom", 0), nil)
	add(e(analytics.MessageIn, "c", "wecom", 5), nil)
	add(e(analytics.IntentRecognized, "c", "wecom", 5), func(e *analytics.Event) { e.Intent, e.Confidence, e.OutOfScope = "chitchat", 0.2, true })
	add(e(analytics.AnswerServed, "c", "wecom", 5), func(e *analytics.Event) { e.EntryID, e.Category = "faq-9", "物流" })
	add(e(analytics.MessageOut, "c", "wecom", 6), nil)
	add(e(analytics.Rating, "c", "wecom", 50), func(e *analytics.Event) { e.Rating = 2 })
	add(e(analytics.SessionEnded, "c", "wecom", 1000), nil)
	return out
}

func runSinks(t *testing.T) (*analytics.Dispatcher, *analytics.Aggregates, *analytics.Metrics) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	agg := analytics.NewAggregates()
	m := analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
	require.NoError(t, d.Add("aggregates", agg, analytics.HookOptions{Text: analytics.TextNone}))
	require.NoError(t, d.Add("metrics", m, analytics.HookOptions{Text: analytics.TextNone}))
	for _, e := range sinkScript() {
		require.NoError(t, d.Emit(e))
	}
	closeNow(t, d)
	return d, agg, m
}

func TestAggregates(t *testing.T) {
	_, agg, _ := runSinks(t)
	s := agg.Snapshot()
	assert.Equal(t, int64(3), s.MessagesIn)
	assert.Equal(t, int64(3), s.MessagesOut)
	assert.Equal(t, int64(3), s.SessionsStarted)
	assert.Equal(t, int64(3), s.SessionsEnded)
	assert.Equal(t, int64(2), s.SessionsResolved, "a and c resolved, b handed off")
	assert.InDelta(t, 2.0/3, s.ResolutionRate(), 1e-9)
	assert.Equal(t, map[string]int64{"return_goods": 1, "invoice": 1}, s.Intents)
	assert.Equal(t, int64(1), s.OutOfScope)
	assert.Equal(t, map[string]int64{"售后": 1, "物流": 1}, s.Categories)
	assert.Equal(t, int64(1), s.Fallbacks)
	assert.Equal(t, int64(1), s.Handoffs)
	assert.Equal(t, [6]int64{0, 0, 1, 0, 0, 1}, s.Ratings)
	assert.InDelta(t, 3.5, s.MeanRating(), 1e-9)
	assert.Equal(t, (45+200+1000)*time.Second/3, s.MeanDuration())
	assert.Equal(t, 1000*time.Second, s.DurationMax)
	// A snapshot is a copy.
	s.Intents["x"] = 9
	assert.NotContains(t, agg.Snapshot().Intents, "x")
}

func TestMetrics(t *testing.T) {
	_, _, m := runSinks(t)
	want := `
# HELP kefu_messages_total Messages exchanged, by direction (in: from customers, out: from the bot) and channel.
# TYPE kefu_messages_total counter
kefu_messages_total{channel="web",direction="in"} 2
kefu_messages_total{channel="web",direction="out"} 2
kefu_messages_total{channel="wecom",direction="in"} 1
kefu_messages_total{channel="wecom",direction="out"} 1
# HELP kefu_sessions_ended_total Conversations ended, by channel and whether they count as resolved.
# TYPE kefu_sessions_ended_total counter
kefu_sessions_ended_total{channel="web",resolved="false"} 1
kefu_sessions_ended_total{channel="web",resolved="true"} 1
kefu_sessions_ended_total{channel="wecom",resolved="true"} 1
# HELP kefu_intents_recognized_total Customer messages classified, by intent (out_of_scope when none fits) and whether it was out of scope.
# TYPE kefu_intents_recognized_total counter
kefu_intents_recognized_total{intent="out_of_scope",out_of_scope="true"} 1
kefu_intents_recognized_total{intent="invoice",out_of_scope="false"} 1
kefu_intents_recognized_total{intent="return_goods",out_of_scope="false"} 1
# HELP kefu_fallbacks_total Customer messages the bot had no answer for, by channel.
# TYPE kefu_fallbacks_total counter
kefu_fallbacks_total{channel="web"} 1
# HELP kefu_handoffs_total Conversations handed to a person, by reason.
# TYPE kefu_handoffs_total counter
kefu_handoffs_total{reason="requested"} 1
# HELP kefu_satisfaction_rating Customer satisfaction ratings from 1 (worst) to 5 (best).
# TYPE kefu_satisfaction_rating histogram
kefu_satisfaction_rating_bucket{le="1"} 0
kefu_satisfaction_rating_bucket{le="2"} 1
kefu_satisfaction_rating_bucket{le="3"} 1
kefu_satisfaction_rating_bucket{le="4"} 1
kefu_satisfaction_rating_bucket{le="5"} 2
kefu_satisfaction_rating_bucket{le="+Inf"} 2
kefu_satisfaction_rating_sum 7
kefu_satisfaction_rating_count 2
# HELP kefu_analytics_hook_events_dropped_total Events dropped because an analytics hook's buffer or log was full.
# TYPE kefu_analytics_hook_events_dropped_total counter
kefu_analytics_hook_events_dropped_total{hook="aggregates"} 0
kefu_analytics_hook_events_dropped_total{hook="metrics"} 0
# HELP kefu_analytics_hook_events_delivered_total Events an analytics hook handled.
# TYPE kefu_analytics_hook_events_delivered_total counter
kefu_analytics_hook_events_delivered_total{hook="aggregates"} 21
kefu_analytics_hook_events_delivered_total{hook="metrics"} 21
`
	require.NoError(t, testutil.CollectAndCompare(m, strings.NewReader(want),
		"kefu_messages_total", "kefu_sessions_ended_total", "kefu_intents_recognized_total", "kefu_handoffs_total", "kefu_fallbacks_total",
		"kefu_satisfaction_rating", "kefu_analytics_hook_events_dropped_total", "kefu_analytics_hook_events_delivered_total"))
	assert.Equal(t, 3, testutil.CollectAndCount(m, "kefu_sessions_ended_total"))

	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(m))
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	assert.Empty(t, problems)
}

// The exposition passes promtool's checks.
func TestMetricsPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool not found: .ci/run installs it, the check must run in CI")
		}
		t.Skip("promtool not found: install Debian's prometheus package to check the exposition with promtool")
	}
	_, _, m := runSinks(t)
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(m))
	mfs, err := reg.Gather()
	require.NoError(t, err)
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		require.NoError(t, enc.Encode(mf))
	}
	require.Contains(t, buf.String(), "kefu_session_duration_seconds_bucket")
	cmd := exec.CommandContext(context.Background(), promtool, "check", "metrics")
	cmd.Stdin = &buf
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "promtool check metrics:\n%s", out)
}

func TestJSONLWriter(t *testing.T) {
	var buf bytes.Buffer
	w := analytics.NewJSONLWriter(&buf, analytics.StoreOptions{})
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	// The dispatcher passes raw text; the writer redacts on its own.
	require.NoError(t, d.Add("jsonl", w, analytics.HookOptions{Text: analytics.TextRaw}))
	for _, e := range sinkScript() {
		require.NoError(t, d.Emit(e))
	}
	closeNow(t, d)
	require.NoError(t, w.Flush())
	assert.NotContains(t, buf.String(), "13812345678")
	var got []analytics.Event
	require.NoError(t, analytics.ReadJSONL(&buf, func(e analytics.Event) error {
		got = append(got, e)
		return nil
	}))
	require.Len(t, got, len(sinkScript()))
	assert.Equal(t, "怎么退货 [手机号]", got[1].Text)
	assert.Equal(t, analytics.SessionEnded, got[6].Kind)
	assert.Equal(t, 45*time.Second, got[6].Duration)
	assert.True(t, got[6].Resolved)
}
