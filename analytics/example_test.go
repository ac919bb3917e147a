package analytics_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kefuai/kefu/analytics"
)

// A bot emits the events of each turn to a dispatcher; hooks keep metrics
// and transcripts; reports come from the transcripts.
func Example() {
	store := analytics.NewMemoryStore(analytics.StoreOptions{}) // redacted text by default
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	agg := analytics.NewAggregates()
	d.Add("aggregates", agg, analytics.HookOptions{Text: analytics.TextNone})
	d.Add("transcripts", analytics.StoreHook(store), analytics.HookOptions{})

	t := time.Date(2026, 11, 12, 10, 0, 0, 0, time.UTC)
	emit := func(kind analytics.Kind, sec int, set func(*analytics.Event)) {
		e := analytics.Event{Kind: kind, Time: t.Add(time.Duration(sec) * time.Second), SessionID: "s-1", UserID: "u-1", Channel: "web"}
		if set != nil {
			set(&e)
		}
		if err := d.Emit(e); err != nil {
			fmt.Println(err)
		}
	}
	emit(analytics.SessionStarted, 0, nil)
	emit(analytics.MessageIn, 5, func(e *analytics.Event) { e.Text = "快递到哪了？我电话13812345678" })
	emit(analytics.IntentRecognized, 5, func(e *analytics.Event) { e.Intent, e.Confidence = "query_logistics", 0.93 })
	emit(analytics.AnswerServed, 5, func(e *analytics.Event) { e.EntryID, e.Category = "faq-7", "物流" })
	emit(analytics.MessageOut, 6, func(e *analytics.Event) { e.Text = "您的包裹预计今天送达。" })
	emit(analytics.Rating, 60, func(e *analytics.Event) { e.Rating = 5 })
	emit(analytics.SessionEnded, 90, nil)
	if err := d.Close(context.Background()); err != nil {
		fmt.Println(err)
	}

	totals := agg.Snapshot()
	fmt.Println("resolved:", totals.SessionsResolved, "of", totals.SessionsEnded)

	store.Scan(context.Background(), analytics.Query{Kinds: []analytics.Kind{analytics.MessageIn}}, func(e analytics.Event) error {
		fmt.Println("stored:", e.Text)
		return nil
	})

	r, err := analytics.BuildReport(context.Background(), store, analytics.Month(2026, 11), analytics.ReportOptions{Location: time.UTC})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d session, resolution %.0f%%, satisfaction %.1f, top intent %s\n",
		r.Period, r.Volume.Sessions, 100*r.Resolution.Rate, r.Satisfaction.Mean, r.Intents[0].Name)
	// Output:
	// resolved: 1 of 1
	// stored: 快递到哪了？我电话[手机号]
	// 2026-11: 1 session, resolution 100%, satisfaction 5.0, top intent query_logistics
}

func ExampleParsePeriod() {
	for _, s := range []string{"2026-11", "2026-Q4", "2026-13"} {
		p, err := analytics.ParsePeriod(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		from, to := p.Bounds(time.UTC)
		fmt.Println(p, from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	// Output:
	// 2026-11 2026-11-01 2026-12-01
	// 2026-Q4 2026-10-01 2027-01-01
	// analytics: invalid period: "2026-13"
}

// The labelling sheet of an accuracy review.
func ExampleWriteLabelCSV() {
	turns := []analytics.Turn{
		{ID: "e1", Time: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC), Text: "发票怎么开", Predicted: "invoice", Confidence: 0.91},
		{ID: "e2", Time: time.Date(2026, 11, 4, 9, 0, 0, 0, time.UTC), Text: "能开专票吗", Predicted: "out_of_scope", Confidence: 0.3},
	}
	var buf strings.Builder
	analytics.WriteLabelCSV(&buf, turns)
	fmt.Print(strings.TrimPrefix(buf.String(), "\ufeff")) // the byte-order mark
	// Output:
	// id,time,text,predicted,confidence,gold
	// e1,2026-11-03T09:00:00Z,发票怎么开,invoice,0.9100,
	// e2,2026-11-04T09:00:00Z,能开专票吗,out_of_scope,0.3000,
}
