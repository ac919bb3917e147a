// Package analytics turns what happens in conversations into metrics,
// transcripts and the monthly and quarterly reports an operator owes its
// clients, while keeping the personal data it handles to the minimum.
//
// # Events and hooks
//
// The Bot describes each turn as Events and emits them to a Dispatcher:
// SessionStarted; per message MessageIn, IntentRecognized (with the
// classified text), AnswerServed or Fallback (with the question),
// MessageOut; Handoff when a person takes over; Rating; SessionEnded
// (Confirmed when the customer said the problem is solved). Emit never
// waits for a hook: each hook has a bounded buffer and its own goroutine,
// and an event that does not fit is dropped for that hook and counted
// (Dispatcher.Stats and the kefu_analytics_hook_events_dropped_total
// metric). Hooks that must not lose events, the transcript store on which
// reports rest, are added with AddDurable: their events pass through a
// write-ahead log on disk and are retried until the store takes them.
//
//	store, _ := boltstore.Open("data/transcripts.db", boltstore.Options{})
//	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
//	metrics := analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
//	prometheus.MustRegister(metrics)
//	d.Add("metrics", metrics, analytics.HookOptions{Text: analytics.TextNone})
//	d.AddDurable("transcripts", analytics.StoreHook(store), analytics.DurableOptions{Dir: "data/wal"})
//	...
//	d.Emit(analytics.Event{Kind: analytics.MessageIn, SessionID: s, UserID: u, Channel: "web", Text: msg})
//	...
//	defer d.Close(ctx) // drains the buffers
//
// The Dispatcher fills in event IDs and times, computes a session's
// duration, and decides whether it was resolved with a Resolver
// (DefaultResolver: the customer confirmed, or asked something and was
// neither handed off nor left with an unanswered last question).
//
// # Reports
//
// BuildReport computes a Period's figures (Month(2026, 11), Quarter(2026,
// 4), ParsePeriod("2026-Q4")) from a Store and renders them as JSON, CSV or
// a self-contained HTML page with SVG charts; ReportHandler serves them.
// SampleTurns, WriteLabelCSV and ReadLabelCSV carry the quarterly accuracy
// review: a sheet of recognized messages for a person to label, and the
// labeled pairs back.
//
// # Data protection
//
// Text is redacted (mobile and landline numbers, identity and bank card
// numbers, e-mail and IP addresses become tokens such as [手机号]) before
// it reaches a hook, a write-ahead log or a store, unless the operator
// chooses TextNone or, explicitly, TextRaw. Every Store purges by age
// (RunRetention runs it on a schedule), erases and exports one user's
// events (EraseUser, ExportUser), and exports everything (ExportAll) as
// JSON lines. Package audit keeps the hash-chained log of admin actions;
// package adminauth guards admin endpoints with scoped bearer tokens.
//
// # Boundaries
//
// This package knows nothing of intents, the knowledge base, dialogue or
// channels: it takes plain events. The root package emits them, calls the
// stores' EraseUser, ExportUser, ExportAll and Purge (recording each in the
// audit log), and mounts ReportHandler, RatingHandler and its admin API
// behind adminauth.
package analytics
