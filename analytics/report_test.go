package analytics_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
)

// script builds events of sessions for the report tests.
type script struct{ events []analytics.Event }

type step struct {
	kind analytics.Kind
	at   time.Time
	set  func(*analytics.Event)
}

func (s *script) session(id, user, channel string, steps ...step) {
	for _, st := range steps {
		e := analytics.Event{Kind: st.kind, Time: st.at, SessionID: id, UserID: user, Channel: channel}
		if st.set != nil {
			st.set(&e)
		}
		s.events = append(s.events, e)
	}
}

func at(month time.Month, day, h, m, sec int) time.Time {
	return time.Date(2026, month, day, h, m, sec, 0, time.UTC)
}

func in(t time.Time, text string) step {
	return step{analytics.MessageIn, t, func(e *analytics.Event) { e.Text = text }}
}
func out(t time.Time) step   { return step{analytics.MessageOut, t, nil} }
func start(t time.Time) step { return step{analytics.SessionStarted, t, nil} }
func end(t time.Time, d time.Duration, confirmed bool) step {
	return step{analytics.SessionEnded, t, func(e *analytics.Event) { e.Duration, e.Confirmed = d, confirmed }}
}
func intent(t time.Time, name string, conf float64, oos bool) step {
	return step{analytics.IntentRecognized, t, func(e *analytics.Event) { e.Intent, e.Confidence, e.OutOfScope = name, conf, oos }}
}
func answer(t time.Time, entry, cat string) step {
	return step{analytics.AnswerServed, t, func(e *analytics.Event) { e.EntryID, e.Category = entry, cat }}
}
func fallback(t time.Time, q string) step {
	return step{analytics.Fallback, t, func(e *analytics.Event) { e.Text = q }}
}
func rating(t time.Time, r int) step {
	return step{analytics.Rating, t, func(e *analytics.Event) { e.Rating = r }}
}
func handoff(t time.Time, reason string) step {
	return step{analytics.Handoff, t, func(e *analytics.Event) { e.Reason = reason }}
}

// novemberScript is seven sessions around November 2026 (UTC) whose
// report figures are worked out by hand in TestReportNumbers.
func novemberScript() []analytics.Event {
	var s script
	s.session("s1", "u1", "web",
		start(at(11, 1, 10, 0, 0)), in(at(11, 1, 10, 0, 5), "怎么退货？"), intent(at(11, 1, 10, 0, 5), "return_goods", 0.9, false),
		answer(at(11, 1, 10, 0, 5), "faq-1", "售后"), out(at(11, 1, 10, 0, 6)), rating(at(11, 1, 10, 1, 50), 5),
		end(at(11, 1, 10, 2, 0), 120*time.Second, false))
	s.session("s2", "u2", "web",
		start(at(11, 1, 11, 0, 0)), in(at(11, 1, 11, 0, 10), "发票怎么开"), intent(at(11, 1, 11, 0, 10), "invoice", 0.8, false),
		fallback(at(11, 1, 11, 0, 10), "发票怎么开"), out(at(11, 1, 11, 0, 11)), handoff(at(11, 1, 11, 0, 30), "requested"),
		end(at(11, 1, 11, 10, 0), 600*time.Second, false))
	s.session("s3", "u1", "wecom",
		start(at(11, 2, 9, 0, 0)), in(at(11, 2, 9, 0, 10), "你们几点下班"), intent(at(11, 2, 9, 0, 10), "chitchat", 0.3, true),
		fallback(at(11, 2, 9, 0, 10), "你们几点下班？"), out(at(11, 2, 9, 0, 11)), rating(at(11, 2, 9, 0, 50), 2),
		end(at(11, 2, 9, 1, 0), 60*time.Second, false))
	s.session("s4", "u3", "web",
		start(at(11, 2, 20, 0, 0)), in(at(11, 2, 20, 0, 10), "物流到哪了"), intent(at(11, 2, 20, 0, 10), "logistics", 0.95, false),
		answer(at(11, 2, 20, 0, 10), "faq-7", "物流"), out(at(11, 2, 20, 0, 11)),
		in(at(11, 2, 20, 1, 0), "发票 怎么开"), intent(at(11, 2, 20, 1, 0), "invoice", 0.7, false),
		fallback(at(11, 2, 20, 1, 0), "发票 怎么开"), out(at(11, 2, 20, 1, 1)), rating(at(11, 2, 20, 4, 0), 4),
		end(at(11, 2, 20, 5, 0), 300*time.Second, true))
	// Begins in October, ends in November.
	s.session("s5", "u4", "web",
		start(at(10, 31, 23, 50, 0)), in(at(10, 31, 23, 55, 0), "退货运费谁出"), intent(at(10, 31, 23, 55, 0), "return_goods", 0.9, false),
		answer(at(10, 31, 23, 55, 0), "faq-2", "售后"), out(at(11, 1, 0, 1, 0)),
		end(at(11, 1, 0, 10, 0), 1200*time.Second, false))
	// Begins in November, ends in December.
	s.session("s6", "u5", "web",
		start(at(11, 30, 23, 0, 0)), in(at(11, 30, 23, 1, 0), "退货"), intent(at(11, 30, 23, 1, 0), "return_goods", 0.9, false),
		answer(at(11, 30, 23, 1, 0), "faq-1", "售后"), out(at(11, 30, 23, 1, 1)),
		end(at(12, 1, 0, 30, 0), 90*time.Minute, false))
	// December only.
	s.session("s7", "u6", "web", start(at(12, 1, 10, 0, 0)), in(at(12, 1, 10, 0, 5), "你好"))
	return s.events
}

func fill(t *testing.T, s analytics.Store, events []analytics.Event) {
	t.Helper()
	require.NoError(t, s.Append(context.Background(), events))
}

var genTime = time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)

func reportOpts() analytics.ReportOptions {
	return analytics.ReportOptions{Location: time.UTC, Now: func() time.Time { return genTime }}
}

func checkNovember(t *testing.T, r *analytics.Report) {
	t.Helper()
	assert.Equal(t, "2026-11", r.Period)
	assert.Equal(t, at(11, 1, 0, 0, 0), r.From)
	assert.Equal(t, at(12, 1, 0, 0, 0), r.To)
	assert.Equal(t, 6, r.Volume.MessagesIn)
	assert.Equal(t, 7, r.Volume.MessagesOut)
	assert.Equal(t, 5, r.Volume.Sessions)
	assert.Equal(t, 5, r.Volume.UniqueUsers)
	assert.Equal(t, []analytics.Count{{Name: "web", Count: 4, Share: 0.8}, {Name: "wecom", Count: 1, Share: 0.2}}, r.Channels)

	assert.Equal(t, 6, r.Recognized)
	assert.Equal(t, 1, r.OutOfScope)
	assert.Equal(t, []analytics.Count{
		{Name: "invoice", Count: 2, Share: 2.0 / 6}, {Name: "return_goods", Count: 2, Share: 2.0 / 6}, {Name: "logistics", Count: 1, Share: 1.0 / 6},
	}, r.Intents)
	assert.Equal(t, 3, r.Answers)
	assert.Equal(t, []analytics.Count{{Name: "售后", Count: 2, Share: 2.0 / 3}, {Name: "物流", Count: 1, Share: 1.0 / 3}}, r.Categories)

	assert.Equal(t, 5, r.Resolution.Ended)
	assert.Equal(t, 3, r.Resolution.Resolved)
	assert.InDelta(t, 0.6, r.Resolution.Rate, 1e-12)
	assert.Equal(t, 1, r.Handoffs)
	assert.InDelta(t, 0.2, r.HandoffRate, 1e-12)
	assert.Equal(t, 3, r.Fallbacks)
	assert.InDelta(t, 0.5, r.FallbackRate, 1e-12)

	assert.Equal(t, 3, r.Satisfaction.Ratings)
	assert.InDelta(t, 11.0/3, r.Satisfaction.Mean, 1e-12)
	assert.Equal(t, [5]int{0, 1, 0, 1, 1}, r.Satisfaction.Distribution)
	assert.InDelta(t, 0.6, r.Satisfaction.ResponseRate, 1e-12)

	assert.Equal(t, 5, r.Duration.Sessions)
	assert.InDelta(t, 456, r.Duration.MeanSeconds, 1e-9)
	assert.InDelta(t, 300, r.Duration.MedianSeconds, 1e-9)
	assert.InDelta(t, 1200, r.Duration.P90Seconds, 1e-9)

	assert.Equal(t, []analytics.Question{{Text: "发票 怎么开", Count: 2}, {Text: "你们几点下班？", Count: 1}}, r.Unanswered)

	require.Len(t, r.Daily, 30)
	assert.Equal(t, analytics.DayVolume{Date: "2026-11-01", MessagesIn: 2, MessagesOut: 3, Sessions: 2}, r.Daily[0])
	assert.Equal(t, analytics.DayVolume{Date: "2026-11-02", MessagesIn: 3, MessagesOut: 3, Sessions: 2}, r.Daily[1])
	assert.Equal(t, analytics.DayVolume{Date: "2026-11-03"}, r.Daily[2])
	assert.Equal(t, analytics.DayVolume{Date: "2026-11-30", MessagesIn: 1, MessagesOut: 1, Sessions: 1}, r.Daily[29])
	assert.Equal(t, genTime, r.Generated)
}

func TestReportNumbers(t *testing.T) {
	mem := analytics.NewMemoryStore(analytics.StoreOptions{})
	fill(t, mem, novemberScript())
	r, err := analytics.BuildReport(context.Background(), mem, analytics.Month(2026, 11), reportOpts())
	require.NoError(t, err)
	checkNovember(t, r)

	// The same events in the embedded store give the same report.
	bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "t.db"), boltstore.Options{NoSync: true})
	require.NoError(t, err)
	defer bolt.Close()
	fill(t, bolt, novemberScript())
	r2, err := analytics.BuildReport(context.Background(), bolt, analytics.Month(2026, 11), reportOpts())
	require.NoError(t, err)
	assert.Equal(t, r, r2)
}

func TestReportQuarterAndZone(t *testing.T) {
	mem := analytics.NewMemoryStore(analytics.StoreOptions{})
	fill(t, mem, novemberScript())
	q, err := analytics.BuildReport(context.Background(), mem, analytics.Quarter(2026, 4), reportOpts())
	require.NoError(t, err)
	assert.Len(t, q.Daily, 92)
	assert.Equal(t, 7, q.Volume.Sessions, "s5 began in October, s7 in December")
	assert.Equal(t, 8, q.Volume.MessagesIn)
	assert.Equal(t, 6, q.Resolution.Ended)
	assert.Equal(t, 4, q.Resolution.Resolved, "s6 ends in December and counts in Q4")

	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	opts := reportOpts()
	opts.Location = shanghai
	r, err := analytics.BuildReport(context.Background(), mem, analytics.Month(2026, 11), opts)
	require.NoError(t, err)
	// In UTC+8, s5 lies in November and s6 in December.
	assert.Equal(t, 5, r.Volume.Sessions)
	assert.Equal(t, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai), r.From)
	assert.Equal(t, 3, r.Daily[0].Sessions, "s5, s1 and s2 on 1 November")

	empty, err := analytics.BuildReport(context.Background(), mem, analytics.Month(2025, 2), reportOpts())
	require.NoError(t, err)
	assert.Len(t, empty.Daily, 28)
	assert.Zero(t, empty.Resolution.Rate)
	assert.Empty(t, empty.Intents)

	_, err = analytics.BuildReport(context.Background(), mem, analytics.Period{Year: 2026, Month: 13}, reportOpts())
	assert.ErrorIs(t, err, analytics.ErrInvalidPeriod)
}

func TestReportResolverOption(t *testing.T) {
	mem := analytics.NewMemoryStore(analytics.StoreOptions{})
	fill(t, mem, novemberScript())
	opts := reportOpts()
	opts.Resolver = func(s analytics.SessionSummary) bool { return !s.Handoff }
	r, err := analytics.BuildReport(context.Background(), mem, analytics.Month(2026, 11), opts)
	require.NoError(t, err)
	assert.Equal(t, 4, r.Resolution.Resolved)
}

func TestPeriod(t *testing.T) {
	for _, c := range []struct {
		in   string
		want analytics.Period
	}{
		{"2026-11", analytics.Month(2026, 11)},
		{"2026-1", analytics.Month(2026, 1)},
		{"2026-Q4", analytics.Quarter(2026, 4)},
		{"2026-q1", analytics.Quarter(2026, 1)},
	} {
		p, err := analytics.ParsePeriod(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, p)
	}
	for _, bad := range []string{"", "2026", "2026-13", "2026-Q5", "2026-Q0", "26-11", "2026-11-01", "2026-x", "2026-00"} {
		_, err := analytics.ParsePeriod(bad)
		assert.ErrorIs(t, err, analytics.ErrInvalidPeriod, bad)
	}
	assert.Equal(t, "2026-11", analytics.Month(2026, 11).String())
	assert.Equal(t, "2026-Q4", analytics.Quarter(2026, 4).String())
	s, e := analytics.Quarter(2026, 4).Bounds(nil)
	assert.Equal(t, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), s)
	assert.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), e)
	s, e = analytics.Month(2026, 12).Bounds(nil)
	assert.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), e)
	assert.Equal(t, analytics.Month(2026, 3), analytics.PeriodOf(time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)))
	_ = s
}

func novemberReport(t *testing.T) *analytics.Report {
	mem := analytics.NewMemoryStore(analytics.StoreOptions{})
	fill(t, mem, novemberScript())
	r, err := analytics.BuildReport(context.Background(), mem, analytics.Month(2026, 11), reportOpts())
	require.NoError(t, err)
	return r
}

func TestReportJSON(t *testing.T) {
	r := novemberReport(t)
	var buf bytes.Buffer
	require.NoError(t, r.WriteJSON(&buf))
	var back analytics.Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	checkNovember(t, &back)
	assert.Contains(t, buf.String(), `"unanswered": [`)
}

func TestReportCSV(t *testing.T) {
	r := novemberReport(t)
	var buf bytes.Buffer
	require.NoError(t, r.WriteCSV(&buf))
	require.True(t, strings.HasPrefix(buf.String(), "\ufeff"))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	get := map[string]string{}
	for _, row := range rows {
		require.Len(t, row, 3)
		get[row[0]+"/"+row[1]] = row[2]
	}
	assert.Equal(t, "6", get["volume/messages_in"])
	assert.Equal(t, "0.6", get["resolution/rate"])
	assert.Equal(t, "2", get["intent/invoice"])
	assert.Equal(t, "2", get["category/售后"])
	assert.Equal(t, "1", get["satisfaction.distribution/2"])
	assert.Equal(t, "300", get["duration/median_seconds"])
	assert.Equal(t, "2", get["unanswered/发票 怎么开"])
	assert.Equal(t, "3", get["day.messages_in/2026-11-02"])
}

func TestReportHTML(t *testing.T) {
	r := novemberReport(t)
	r.Unanswered = append(r.Unanswered, analytics.Question{Text: `<script>alert("x")</script>`, Count: 1})
	r.Intents = append(r.Intents, analytics.Count{Name: `<b>x</b>`, Count: 1})
	var buf bytes.Buffer
	require.NoError(t, r.WriteHTML(&buf))
	page := buf.String()
	for _, want := range []string{"<!DOCTYPE html>", "客服运营报告", "2026-11", "<svg", "<polyline", "60.0%", "3.67", "发票 怎么开", "售后", "5 min 00 s"} {
		assert.Contains(t, page, want)
	}
	assert.Equal(t, 4, strings.Count(page, "<svg"), "daily line, intents, categories, ratings")
	assert.NotContains(t, page, "<script>", "text is escaped")
	assert.NotContains(t, page, "<b>x</b>")
	assert.NotContains(t, page, "http://", "self-contained")
	assert.NotContains(t, page, "https://")
}

func TestReportHandler(t *testing.T) {
	mem := analytics.NewMemoryStore(analytics.StoreOptions{})
	fill(t, mem, novemberScript())
	h := analytics.ReportHandler(mem, reportOpts())
	get := func(method, target string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
		return w
	}
	w := get("GET", "/reports?period=2026-11&format=json")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	var r analytics.Report
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &r))
	checkNovember(t, &r)

	w = get("GET", "/reports?period=2026-Q4&format=csv")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, `attachment; filename="kefu-report-2026-Q4.csv"`, w.Header().Get("Content-Disposition"))

	w = get("GET", "/reports?period=2026-11")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Header().Get("Content-Type"), "text/html")
	assert.Contains(t, w.Body.String(), "<svg")

	assert.Equal(t, http.StatusBadRequest, get("GET", "/reports?period=2026-13").Code)
	assert.Equal(t, http.StatusBadRequest, get("GET", "/reports?period=2026-11&format=pdf").Code)
	assert.Equal(t, http.StatusMethodNotAllowed, get("POST", "/reports?period=2026-11").Code)
}

func TestNiceCeilTicks(t *testing.T) {
	// The daily chart's top tick: checked through the rendered page.
	r := &analytics.Report{Period: "2026-11", Daily: []analytics.DayVolume{{Date: "2026-11-01", MessagesIn: 110}, {Date: "2026-11-02", MessagesIn: 3}}}
	var buf bytes.Buffer
	require.NoError(t, r.WriteHTML(&buf))
	assert.Contains(t, buf.String(), `class="axis">120</text>`)
	assert.Contains(t, buf.String(), `class="axis">90</text>`)
}
