package analytics_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
)

// idWithCheck completes 17 digits of a resident identity number.
func idWithCheck(s17 string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(s17[i]-'0') * w[i]
	}
	return s17 + string("10X98765432"[sum%11])
}

// cardWithLuhn completes a card number with its Luhn digit.
func cardWithLuhn(s string) string {
	for c := '0'; c <= '9'; c++ {
		sum, double := 0, false
		full := s + string(c)
		for i := len(full) - 1; i >= 0; i-- {
			v := int(full[i] - '0')
			if double {
				if v *= 2; v > 9 {
					v -= 9
				}
			}
			sum += v
			double = !double
		}
		if sum%10 == 0 {
			return full
		}
	}
	panic("unreachable")
}

// expected tallies what the generated script must add up to.
type expected struct {
	sessions, messagesIn, messagesOut, fallbacks, handoffs, resolved, ratings int
	ratingDist                                                                [5]int
	intents, categories                                                       map[string]int
	pii                                                                       []string
}

// e2eScript generates n sessions in November 2026 with personal
// information planted in the customers' messages, and what they add up to.
func e2eScript(n int) ([]analytics.Event, expected) {
	rng := rand.New(rand.NewPCG(42, 6))
	intents := []struct{ name, cat string }{{"query_logistics", "物流"}, {"return_goods", "售后"}, {"invoice", "发票"}, {"coupon", "促销"}}
	exp := expected{intents: map[string]int{}, categories: map[string]int{}}
	var events []analytics.Event
	for i := range n {
		sess, user := fmt.Sprintf("e2e-%04d", i), fmt.Sprintf("user-%03d", i%300)
		t := time.Date(2026, 11, 1+i%30, 8+i%12, i%60, 0, 0, time.UTC)
		add := func(e analytics.Event) {
			e.SessionID, e.UserID, e.Channel, e.Time = sess, user, "web", t
			events = append(events, e)
			t = t.Add(time.Second)
		}
		exp.sessions++
		add(analytics.Event{Kind: analytics.SessionStarted})
		turns := 1 + rng.IntN(3)
		handoff, unanswered := false, false
		for k := range turns {
			phone := fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))
			id := idWithCheck(fmt.Sprintf("%d1010519%02d%02d%02d%03d", 1+rng.IntN(6), 60+rng.IntN(40), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(1000)))
			card := cardWithLuhn(fmt.Sprintf("62220212%010d", rng.IntN(10_000_000_000)))
			mail := fmt.Sprintf("kh%d.%d@example.cn", i, k)
			var msg string
			switch rng.IntN(5) {
			case 0:
				msg, exp.pii = "我的手机是"+phone+"，请回电", append(exp.pii, phone)
			case 1:
				spaced := phone[:3] + " " + phone[3:7] + " " + phone[7:]
				msg, exp.pii = "电话 +86 "+spaced+" 谢谢", append(exp.pii, spaced, phone)
			case 2:
				msg, exp.pii = "身份证号"+id+"查一下订单", append(exp.pii, id)
			case 3:
				msg, exp.pii = "退款到卡 "+card+" 可以吗", append(exp.pii, card)
			default:
				msg, exp.pii = "发票寄到邮箱 "+mail, append(exp.pii, mail)
			}
			exp.messagesIn++
			add(analytics.Event{Kind: analytics.MessageIn, Text: msg})
			it := intents[rng.IntN(len(intents))]
			if rng.IntN(8) == 0 {
				add(analytics.Event{Kind: analytics.IntentRecognized, Text: msg, Intent: it.name, Confidence: 0.3, OutOfScope: true})
				add(analytics.Event{Kind: analytics.Fallback, Text: msg})
				exp.fallbacks++
				unanswered = true
			} else {
				add(analytics.Event{Kind: analytics.IntentRecognized, Text: msg, Intent: it.name, Confidence: 0.9})
				add(analytics.Event{Kind: analytics.AnswerServed, EntryID: "faq-" + it.name, Category: it.cat})
				exp.intents[it.name]++
				exp.categories[it.cat]++
				unanswered = false
			}
			exp.messagesOut++
			add(analytics.Event{Kind: analytics.MessageOut, Text: "好的"})
			if !handoff && rng.IntN(15) == 0 {
				add(analytics.Event{Kind: analytics.Handoff, Reason: "requested"})
				handoff = true
			}
		}
		if handoff {
			exp.handoffs++
		}
		if rng.IntN(3) == 0 {
			r := 1 + rng.IntN(5)
			add(analytics.Event{Kind: analytics.Rating, Rating: r, Text: "满意，联系我" + "13800138000"})
			exp.ratings++
			exp.ratingDist[r-1]++
		}
		confirmed := rng.IntN(10) == 0
		if confirmed || (!handoff && !unanswered) {
			exp.resolved++
		}
		add(analytics.Event{Kind: analytics.SessionEnded, Confirmed: confirmed})
	}
	exp.pii = append(exp.pii, "13800138000")
	return events, exp
}

func sumMetric(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				total += m.GetCounter().GetValue()
			case m.Histogram != nil:
				total += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return total
}

// A thousand sessions through the whole pipeline: a dispatcher with a
// durable transcript store, Prometheus metrics and aggregates. The report
// and the counters match the script, and no stored byte holds the
// personal information planted in the messages.
func TestEndToEnd(t *testing.T) {
	events, exp := e2eScript(1000)
	dir := t.TempDir()
	store, err := boltstore.Open(filepath.Join(dir, "transcripts.db"), boltstore.Options{NoSync: true})
	require.NoError(t, err)
	defer store.Close()

	d := analytics.NewDispatcher(analytics.DispatcherOptions{Buffer: 20000})
	metrics := analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
	reg := prometheus.NewPedanticRegistry()
	require.NoError(t, reg.Register(metrics))
	agg := analytics.NewAggregates()
	var jsonl bytes.Buffer
	jw := analytics.NewJSONLWriter(&jsonl, analytics.StoreOptions{})
	require.NoError(t, d.AddDurable("transcripts", analytics.StoreHook(store), analytics.DurableOptions{Dir: filepath.Join(dir, "wal")}))
	require.NoError(t, d.Add("metrics", metrics, analytics.HookOptions{Text: analytics.TextNone}))
	require.NoError(t, d.Add("aggregates", agg, analytics.HookOptions{Text: analytics.TextNone}))
	require.NoError(t, d.Add("jsonl", jw, analytics.HookOptions{}))
	for _, e := range events {
		require.NoError(t, d.Emit(e))
	}
	require.NoError(t, d.Close(context.Background()))
	require.NoError(t, jw.Flush())
	for _, s := range d.Stats() {
		require.Zero(t, s.Dropped, s.Name)
		require.Equal(t, uint64(len(events)), s.Delivered, s.Name)
	}

	// The report, from the store.
	r, err := analytics.BuildReport(context.Background(), store, analytics.Month(2026, 11), reportOpts())
	require.NoError(t, err)
	assert.Equal(t, exp.sessions, r.Volume.Sessions)
	assert.Equal(t, 300, r.Volume.UniqueUsers)
	assert.Equal(t, exp.messagesIn, r.Volume.MessagesIn)
	assert.Equal(t, exp.messagesOut, r.Volume.MessagesOut)
	assert.Equal(t, exp.sessions, r.Resolution.Ended)
	assert.Equal(t, exp.resolved, r.Resolution.Resolved)
	assert.Equal(t, exp.handoffs, r.Handoffs)
	assert.Equal(t, exp.fallbacks, r.Fallbacks)
	assert.Equal(t, exp.ratings, r.Satisfaction.Ratings)
	assert.Equal(t, exp.ratingDist, r.Satisfaction.Distribution)
	for _, c := range r.Intents {
		assert.Equal(t, exp.intents[c.Name], c.Count, c.Name)
	}
	assert.Len(t, r.Intents, len(exp.intents))
	for _, c := range r.Categories {
		assert.Equal(t, exp.categories[c.Name], c.Count, c.Name)
	}
	require.NotEmpty(t, r.Unanswered)
	listed := 0
	for _, q := range r.Unanswered {
		listed += q.Count
	}
	assert.LessOrEqual(t, listed, exp.fallbacks)

	// The counters, from Prometheus.
	assert.Equal(t, float64(exp.messagesIn), sumMetric(t, reg, "kefu_messages_total", map[string]string{"direction": "in"}))
	assert.Equal(t, float64(exp.messagesOut), sumMetric(t, reg, "kefu_messages_total", map[string]string{"direction": "out"}))
	assert.Equal(t, float64(exp.sessions), sumMetric(t, reg, "kefu_sessions_started_total", nil))
	assert.Equal(t, float64(exp.resolved), sumMetric(t, reg, "kefu_sessions_ended_total", map[string]string{"resolved": "true"}))
	assert.Equal(t, float64(exp.fallbacks), sumMetric(t, reg, "kefu_fallbacks_total", nil))
	assert.Equal(t, float64(exp.handoffs), sumMetric(t, reg, "kefu_handoffs_total", nil))
	assert.Equal(t, float64(exp.ratings), sumMetric(t, reg, "kefu_satisfaction_rating", nil))
	assert.Equal(t, float64(exp.sessions), sumMetric(t, reg, "kefu_session_duration_seconds", nil))
	assert.Zero(t, sumMetric(t, reg, "kefu_analytics_hook_events_dropped_total", nil))
	tot := agg.Snapshot()
	assert.Equal(t, int64(exp.resolved), tot.SessionsResolved)

	// No planted personal information anywhere it was stored or written.
	var export bytes.Buffer
	require.NoError(t, store.ExportAll(context.Background(), &export))
	stored := export.String()
	require.Contains(t, stored, "[手机号]")
	require.Contains(t, stored, "[身份证号]")
	require.Contains(t, stored, "[银行卡号]")
	require.Contains(t, stored, "[邮箱]")
	digits := regexp.MustCompile(`\D+`)
	storedDigits := " " + digits.ReplaceAllString(stored, " ") + " "
	written := jsonl.String()
	for _, p := range exp.pii {
		if strings.Contains(stored, p) || strings.Contains(written, p) {
			t.Errorf("%s was stored", p)
		}
		if d := digits.ReplaceAllString(p, ""); len(d) >= 11 && strings.Contains(storedDigits, " "+d+" ") {
			t.Errorf("the digits of %s were stored", p)
		}
	}
	raw, err := fileBytes(filepath.Join(dir, "transcripts.db"))
	require.NoError(t, err)
	for _, p := range exp.pii[:50] {
		assert.False(t, bytes.Contains(raw, []byte(p)), "store file holds %s", p)
	}
	assert.False(t, strings.Contains(stored, "13800138000"), "rating comments are redacted too")
}
