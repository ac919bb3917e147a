// Package kefu is a customer-service bot that a Go team embeds in the
// application it already runs: it understands Chinese and English
// questions, answers them from a knowledge base, carries multi-turn
// conversations, hands off to people, and reports on how it does.
//
// # How a turn flows
//
// A channel adapter (HTTP, WebSocket web chat, terminal, or one a team
// writes) turns what a customer sends into a message and passes it to the
// Bot. The Bot validates it, analyzes the text (normalization, Chinese word
// segmentation, English stemming), classifies the intent with a confidence
// and an out-of-scope decision, steps the dialogue state machine, searches
// the knowledge base when an answer is needed, and returns a reply of text,
// images, links and quick replies. Events of the turn go to analytics hooks.
//
// # Packages
//
//   - intent: training, classification and evaluation of intent models.
//   - kb: the knowledge base of FAQ entries and its retrieval.
//   - dialogue: multi-turn flows with slots, and session stores.
//   - channel: messages, replies and the adapters that carry them.
//   - analytics: events, metrics and reports.
//
// # Wiring
//
//	model, _ := intent.LoadFile("intents.model")      // trained with intent.Train
//	base, _ := kb.Open(ctx, store, nil)                 // kb.OpenBolt, kbpg.Open, kb.NewMemory
//	engine, _ := dialogue.NewEngine(flows, dialogue.Options{Store: sessions, Funcs: funcs})
//	bot, _ := kefu.New(
//		kefu.WithIntents(model), kefu.WithKnowledge(base), kefu.WithDialogue(engine),
//		kefu.WithSessionStore(sessions),
//	)
//	mux.Handle("/v1/", httpapi.New(bot, httpapi.Options{}))
//
// Bot.SetIntents, SetKnowledge and SetDialogue swap parts while the bot
// serves.
//
// # Analytics and data protection
//
// WithEvents sends the bot's events (sessions, messages, intents, answers,
// fallbacks, hand-offs, ratings) to an analytics.Dispatcher, which feeds
// Prometheus metrics and the transcript store that monthly and quarterly
// reports are computed from; text is redacted of personal data before it is
// stored. Admin serves the operator's side over HTTP behind scoped bearer
// tokens: knowledge editing, reports, accuracy reviews, and export and
// erasure of a customer's data, each action in a hash-chained audit log.
//
// Dependencies point one way: channel knows nothing of the others; intent,
// kb, dialogue and analytics do not import each other; this package wires
// them together. Text analysis shared by intent and kb lives in internal
// packages, so that training, classifying and searching see the same
// tokens.
package kefu
