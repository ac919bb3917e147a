// Package channel defines what travels between customers and the bot: a
// Message in, a Reply out, and the Handler that turns one into the other.
// Adapters (the HTTP JSON API in channel/httpapi, the WebSocket web chat in
// channel/webchat, the terminal in channel/terminal, or one a team writes
// for its own messenger) turn what a channel carries into Messages and
// Replies back into what it shows. The bot satisfies Handler, so any
// adapter serves it. Conversations handed off to people go to a CRM or
// ticket system through channel/webhook; examples/customchannel is a
// complete adapter for WeCom (企业微信) in one file, to copy.
//
// This package uses only the standard library, so an adapter written for
// a new channel imports nothing else.
//
// # Replies
//
// A Reply is a list of parts (text, images, links and quick replies), the
// intent the bot recognized, and whether the conversation goes to a person
// (Handoff). Text is plain text: every adapter shows it as text, never as
// markup.
//
// # Bad input
//
// Limits.Check (and Message.Validate with the default limits) refuses
// messages that are empty, too large, not valid UTF-8 or without a
// proper session ID, with errors every adapter maps the same way:
// ErrEmptyText, ErrTooLarge, ErrInvalidUTF8, ErrInvalidID.
//
// # Middleware
//
// Concerns that are not the bot's own wrap it as Middleware: Timeout gives
// each turn a deadline, Recover turns a panic into an apology, RateLimit
// keeps each customer to a pace. Chain puts them together:
//
//	h := channel.Chain(bot,
//		channel.Recover(channel.RecoverOptions{Logger: logger}),
//		channel.RateLimit(channel.RateLimitOptions{Rate: 1, Burst: 5}),
//		channel.Timeout(5*time.Second),
//	)
//	mux.Handle("/v1/", httpapi.New(h, httpapi.Options{}))
//
// Errors reach adapters, which answer ErrUnavailable with 503 or its
// equivalent, ErrRateLimited with 429, bad input with 400 and anything
// else with 500, always with an apology in the customer's language (see
// Bilingual) and never with the error's text.
package channel
