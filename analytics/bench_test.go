package analytics_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
)

// turnEvents are the events of one typical turn.
func turnEvents() []analytics.Event {
	base := analytics.Event{SessionID: "bench-session", UserID: "bench-user", Channel: "web", Time: t0}
	in, intent, ans, out := base, base, base, base
	in.Kind, in.Text = analytics.MessageIn, "我的快递到哪了？电话13812345678"
	intent.Kind, intent.Text, intent.Intent, intent.Confidence = analytics.IntentRecognized, in.Text, "query_logistics", 0.93
	ans.Kind, ans.EntryID, ans.Category = analytics.AnswerServed, "faq-7", "物流"
	out.Kind, out.Text = analytics.MessageOut, "您的包裹已到达本地网点，预计今天送达。"
	return []analytics.Event{in, intent, ans, out}
}

// BenchmarkEmit measures what a turn's events cost the caller: no hooks
// (the dispatcher's own work), the usual memory hooks, and with a durable
// transcript hook whose write-ahead log is written in the caller's path.
// ns/op is per event.
func BenchmarkEmit(b *testing.B) {
	events := turnEvents()
	cases := []struct {
		name  string
		setup func(b *testing.B, d *analytics.Dispatcher)
	}{
		{"no_hooks", func(*testing.B, *analytics.Dispatcher) {}},
		{"metrics+aggregates", func(b *testing.B, d *analytics.Dispatcher) {
			d.Add("metrics", analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d}), analytics.HookOptions{Text: analytics.TextNone, Buffer: 1 << 16})
			d.Add("aggregates", analytics.NewAggregates(), analytics.HookOptions{Text: analytics.TextNone, Buffer: 1 << 16})
		}},
		{"metrics+aggregates+durable_bbolt", func(b *testing.B, d *analytics.Dispatcher) {
			d.Add("metrics", analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d}), analytics.HookOptions{Text: analytics.TextNone, Buffer: 1 << 16})
			d.Add("aggregates", analytics.NewAggregates(), analytics.HookOptions{Text: analytics.TextNone, Buffer: 1 << 16})
			s, err := boltstore.Open(filepath.Join(b.TempDir(), "t.db"), boltstore.Options{NoSync: true})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			if err := d.AddDurable("transcripts", analytics.StoreHook(s), analytics.DurableOptions{Dir: filepath.Join(b.TempDir(), "wal")}); err != nil {
				b.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			d := analytics.NewDispatcher(analytics.DispatcherOptions{})
			c.setup(b, d)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d.Emit(events[i%len(events)])
				i++
			}
			b.StopTimer()
			d.Close(context.Background())
			var dropped uint64
			for _, s := range d.Stats() {
				dropped += s.Dropped
			}
			b.ReportMetric(float64(dropped)/float64(i), "dropped/op")
		})
	}
}

// BenchmarkReport measures a monthly report over 30 000 stored events.
func BenchmarkReport(b *testing.B) {
	events, _ := e2eScript(3000)
	s := analytics.NewMemoryStore(analytics.StoreOptions{})
	if err := s.Append(context.Background(), events); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := analytics.BuildReport(context.Background(), s, analytics.Month(2026, 11), reportOpts()); err != nil {
			b.Fatal(err)
		}
	}
}
