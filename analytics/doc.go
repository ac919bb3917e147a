// Package analytics turns what happens in conversations into metrics,
// transcripts and the monthly and quarterly reports an operator owes its
// clients, while keeping the personal data it handles to the minimum.
//
// # Events and hooks
//
// The Bot describes each turn as Events (session started or ended, message
// in or out, intent recognized, answer served, fallback, hand-off, rating)
// and emits them to a Dispatcher:
//
//	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
//	d.Add("metrics", metrics, analytics.HookOptions{})
//	d.AddDurable("transcripts", analytics.StoreHook(store), analytics.DurableOptions{Dir: "data/wal"})
//	...
//	d.Emit(analytics.Event{Kind: analytics.MessageIn, SessionID: s, UserID: u, Channel: "web", Text: msg})
//	...
//	defer d.Close(ctx)
//
// Emit never waits for a hook: each hook has a bounded buffer and its own
// goroutine; an event that does not fit is dropped for that hook and
// counted. Hooks that must not lose events (the transcript store, on which
// the reports rest) are added with AddDurable: their events go through a
// write-ahead log on disk and are retried until the hook takes them.
//
// # Data protection
//
// Text is redacted (mobile and landline numbers, identity and bank card
// numbers, e-mail and IP addresses become tokens such as [手机号]) before
// it reaches a hook, a log or a store, unless the operator chooses
// TextNone or, explicitly, TextRaw. Stores purge by age (RunRetention),
// erase and export one user's data, and export everything.
//
// # Boundaries
//
// This package knows nothing of intents, the knowledge base, dialogue or
// channels: it takes plain events. The root package emits them, calls the
// stores' EraseUser, ExportUser, ExportAll and Purge, and mounts the
// report, rating and audit pieces in its admin API.
package analytics
