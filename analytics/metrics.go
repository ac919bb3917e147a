package analytics

import (
	"context"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// MetricsOptions configure Metrics. The zero value works.
type MetricsOptions struct {
	// Dispatcher, when set, also exposes its hooks' counters:
	// kefu_analytics_hook_events_{delivered,dropped,failed}_total,
	// kefu_analytics_hook_panics_total, kefu_analytics_hook_queue_length
	// and kefu_analytics_hook_backlog_bytes, labelled by hook, and
	// kefu_analytics_events_invalid_total.
	Dispatcher *Dispatcher
	// DurationBuckets are the bounds in seconds of
	// kefu_session_duration_seconds; DefaultDurationBuckets when nil.
	DurationBuckets []float64
}

// DefaultDurationBuckets returns the default session duration buckets in
// seconds, from 10 s to 1 h.
func DefaultDurationBuckets() []float64 {
	return []float64{10, 30, 60, 120, 300, 600, 900, 1800, 3600}
}

// Metrics is a Hook that counts events as Prometheus metrics, all named
// kefu_*, and a prometheus.Collector to register them:
//
//	m := analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
//	prometheus.MustRegister(m)
//	d.Add("metrics", m, analytics.HookOptions{Text: analytics.TextNone})
//
// Labels are kept to small sets: channel, direction, intent name,
// knowledge category, hand-off reason and resolved. Handle, Describe and
// Collect are safe for concurrent use.
type Metrics struct {
	d *Dispatcher

	messages     *prometheus.CounterVec
	started      *prometheus.CounterVec
	ended        *prometheus.CounterVec
	intents      *prometheus.CounterVec
	answers      *prometheus.CounterVec
	fallbacks    *prometheus.CounterVec
	handoffs     *prometheus.CounterVec
	satisfaction prometheus.Histogram
	duration     prometheus.Histogram

	hookDelivered, hookDropped, hookFailed, hookPanics, hookQueue, hookBacklog, hookFailing, invalid *prometheus.Desc
}

// NewMetrics returns Metrics with every counter at zero.
func NewMetrics(opts MetricsOptions) *Metrics {
	buckets := opts.DurationBuckets
	if buckets == nil {
		buckets = DefaultDurationBuckets()
	}
	hook := []string{"hook"}
	return &Metrics{
		d: opts.Dispatcher,
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_messages_total", Help: "Messages exchanged, by direction (in: from customers, out: from the bot) and channel.",
		}, []string{"direction", "channel"}),
		started: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_sessions_started_total", Help: "Conversations started, by channel.",
		}, []string{"channel"}),
		ended: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_sessions_ended_total", Help: "Conversations ended, by channel and whether they count as resolved.",
		}, []string{"channel", "resolved"}),
		intents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_intents_recognized_total", Help: "Customer messages classified, by intent (out_of_scope when none fits) and whether it was out of scope.",
		}, []string{"intent", "out_of_scope"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_answers_served_total", Help: "Knowledge-base answers served, by category.",
		}, []string{"category"}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_fallbacks_total", Help: "Customer messages the bot had no answer for, by channel.",
		}, []string{"channel"}),
		handoffs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kefu_handoffs_total", Help: "Conversations handed to a person, by reason.",
		}, []string{"reason"}),
		satisfaction: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "kefu_satisfaction_rating", Help: "Customer satisfaction ratings from 1 (worst) to 5 (best).",
			Buckets: []float64{1, 2, 3, 4, 5},
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "kefu_session_duration_seconds", Help: "Duration of ended conversations.", Buckets: buckets,
		}),
		hookDelivered: prometheus.NewDesc("kefu_analytics_hook_events_delivered_total", "Events an analytics hook handled.", hook, nil),
		hookDropped:   prometheus.NewDesc("kefu_analytics_hook_events_dropped_total", "Events dropped because an analytics hook's buffer or log was full.", hook, nil),
		hookFailed:    prometheus.NewDesc("kefu_analytics_hook_events_failed_total", "Events an analytics hook failed on (durable hooks retry them).", hook, nil),
		hookPanics:    prometheus.NewDesc("kefu_analytics_hook_panics_total", "Calls of an analytics hook that panicked.", hook, nil),
		hookQueue:     prometheus.NewDesc("kefu_analytics_hook_queue_length", "Events waiting in an analytics hook's buffer.", hook, nil),
		hookBacklog:   prometheus.NewDesc("kefu_analytics_hook_backlog_bytes", "Bytes waiting in a durable analytics hook's write-ahead log.", hook, nil),
		hookFailing:   prometheus.NewDesc("kefu_analytics_hook_failing_seconds", "How long an analytics hook's attempts have been failing; 0 while its last attempt succeeded.", hook, nil),
		invalid:       prometheus.NewDesc("kefu_analytics_events_invalid_total", "Events rejected by the dispatcher as invalid.", nil, nil),
	}
}

func label(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// Handle counts e. It never fails.
func (m *Metrics) Handle(_ context.Context, e Event) error {
	switch e.Kind {
	case MessageIn:
		m.messages.WithLabelValues("in", label(e.Channel)).Inc()
	case MessageOut:
		m.messages.WithLabelValues("out", label(e.Channel)).Inc()
	case SessionStarted:
		m.started.WithLabelValues(label(e.Channel)).Inc()
	case SessionEnded:
		m.ended.WithLabelValues(label(e.Channel), strconv.FormatBool(e.Resolved)).Inc()
		m.duration.Observe(e.Duration.Seconds())
	case IntentRecognized:
		// An out-of-scope message is not counted under the intent it was
		// rejected from.
		in := e.Intent
		if e.OutOfScope {
			in = "out_of_scope"
		}
		m.intents.WithLabelValues(label(in), strconv.FormatBool(e.OutOfScope)).Inc()
	case AnswerServed:
		m.answers.WithLabelValues(label(e.Category)).Inc()
	case Fallback:
		m.fallbacks.WithLabelValues(label(e.Channel)).Inc()
	case Handoff:
		m.handoffs.WithLabelValues(label(e.Reason)).Inc()
	case Rating:
		m.satisfaction.Observe(float64(e.Rating))
	}
	return nil
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.messages, m.started, m.ended, m.intents, m.answers, m.fallbacks, m.handoffs, m.satisfaction, m.duration}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.collectors() {
		c.Describe(ch)
	}
	if m.d != nil {
		for _, d := range []*prometheus.Desc{m.hookDelivered, m.hookDropped, m.hookFailed, m.hookPanics, m.hookQueue, m.hookBacklog, m.hookFailing, m.invalid} {
			ch <- d
		}
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.collectors() {
		c.Collect(ch)
	}
	if m.d == nil {
		return
	}
	for _, s := range m.d.Stats() {
		ch <- prometheus.MustNewConstMetric(m.hookDelivered, prometheus.CounterValue, float64(s.Delivered), s.Name)
		ch <- prometheus.MustNewConstMetric(m.hookDropped, prometheus.CounterValue, float64(s.Dropped), s.Name)
		ch <- prometheus.MustNewConstMetric(m.hookFailed, prometheus.CounterValue, float64(s.Failed), s.Name)
		ch <- prometheus.MustNewConstMetric(m.hookPanics, prometheus.CounterValue, float64(s.Panics), s.Name)
		ch <- prometheus.MustNewConstMetric(m.hookQueue, prometheus.GaugeValue, float64(s.Queued), s.Name)
		ch <- prometheus.MustNewConstMetric(m.hookBacklog, prometheus.GaugeValue, float64(s.Backlog), s.Name)
		failing := 0.0
		if !s.FailingSince.IsZero() {
			failing = max(m.d.now().Sub(s.FailingSince).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(m.hookFailing, prometheus.GaugeValue, failing, s.Name)
	}
	ch <- prometheus.MustNewConstMetric(m.invalid, prometheus.CounterValue, float64(m.d.Invalid()))
}
