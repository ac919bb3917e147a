package kefu

import (
	"context"
	"strconv"
	"testing"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/channel"
)

// BenchmarkHandle measures whole turns (classification, dialogue,
// knowledge search, session state) with memory stores, without and with the
// analytics pipeline (Prometheus metrics and an in-memory transcript
// store behind a Dispatcher), so the difference is the pipeline's cost per
// turn.
func BenchmarkHandle(b *testing.B) {
	questions := []string{"运费多少钱", "怎么开发票", "你好", "how much is shipping", "量子力学是什么"}
	run := func(b *testing.B, opts ...Option) {
		env := newTestBot(b, nil, opts...)
		defer env.bot.Close()
		ctx := context.Background()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			msg := channel.Message{SessionID: "bench-" + strconv.Itoa(i%1000), UserID: "u", Text: questions[i%len(questions)]}
			if _, err := env.bot.Handle(ctx, msg); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	b.Run("events=off", func(b *testing.B) { run(b) })
	b.Run("events=on", func(b *testing.B) {
		d := analytics.NewDispatcher(analytics.DispatcherOptions{})
		defer d.Close(context.Background())
		m := analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
		if err := d.Add("metrics", m, analytics.HookOptions{Text: analytics.TextNone}); err != nil {
			b.Fatal(err)
		}
		st := analytics.NewMemoryStore(analytics.StoreOptions{})
		if err := d.Add("transcripts", analytics.StoreHook(st), analytics.HookOptions{}); err != nil {
			b.Fatal(err)
		}
		run(b, WithEvents(d))
	})
}
