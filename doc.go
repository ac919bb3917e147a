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
// # How a turn is decided
//
// Intents, flows and knowledge-base entries can all claim a message; the
// Bot decides in this order, and Reply.Explanation (Message.Explain) shows
// which step answered:
//
//  1. A rating or the "talk to a person" payload is taken as such.
//  2. The classifier ranks the intents. Below the model's out-of-scope
//     threshold the message has no intent.
//  3. The dialogue engine comes first. A hand-off phrase works anywhere;
//     cancel and restart phrases inside a flow ("算了不办了").
//  4. Inside a flow, a reply that fills the pending slot, or answers the
//     confirmation (dialogue.ReadReply: yes, no, not yet), moves the flow
//     on. A reply that asks something, turns to another topic ("对了，…"),
//     names another intent with enough confidence, or that the knowledge
//     base or small talk answers, is a side question: it is answered and
//     the pending question asked again, and no retry is spent. A request
//     that another flow's intent starts ("好的，我还想退货") sets the flow
//     aside and starts the other; when that one ends, the first asks its
//     question again (a no, "不用了，我要退货", ends it instead). Anything
//     else is a failed answer; past the retry limit the customer is handed
//     to a person. A step with side effects (a call, a ticket) needs an
//     explicit yes; "应该是吧" asks again (dialogue.Flow.RelaxedConfirm).
//  5. Outside flows, an intent confident enough (the engine's
//     MinConfidence) starts its flow, unless the message asks for
//     information that a knowledge-base entry answers exactly: the
//     entry's question and the message cover each other
//     (kb.Hit.Confidence and Coverage both at least 0.75). "挂失要收费吗？"
//     is answered; "我卡丢了" and "能帮我挂失吗" start the flow.
//  6. Otherwise the Bot answers: small talk (greetings, thanks, goodbyes;
//     Texts.Greeting, Thanks, Goodbye unless entries name the intents
//     "greeting", "thanks" or "goodbye"); then the entries that name the
//     confident intent (kb.Entry.Intents); then the best entry whose
//     confidence reaches Fallback.MinConfidence.
//  7. With no answer, the fallback offers "did you mean…" suggestions
//     (intents and entries above Fallback.SuggestConfidence), and a person
//     after Fallback.OfferHumanAfter misses in a row.
//
// The cut-offs, together:
//
//	cut-off                         default             decides
//	intent.Model threshold          tuned at training   whether a message has an intent at all
//	dialogue.Options.MinConfidence  0.5                 whether the bot acts on the intent: starts a flow,
//	                                                    fires a transition, takes it as a side question,
//	                                                    answers from the entries that name it
//	Fallback.MinConfidence          0.3                 whether a knowledge-base entry is good enough to answer
//	(exact match, fixed)            0.75                whether an entry beats starting a flow
//	Fallback.SuggestConfidence      0.1                 whether an intent or entry is offered as a suggestion
//
// An intent is acted on when it passes both the model's threshold and
// MinConfidence; the first says "this is one of ours", the second "sure
// enough to do something". The knowledge base's cut-offs measure how well
// an entry's question matches the message, not the classifier's belief, so
// the two kinds never compare with each other.
//
// A session has a language, taken from the customer's messages: the first
// one sets it, and only a message that clearly speaks the other language
// changes it (an order number or an "ok" does not). Built-in replies, the
// hand-off button and flows with translations (dialogue.Flow.Translations)
// follow it.
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
//	base, _ := kb.Open(ctx, store, kb.Options{})        // kb/boltstore, kb/pgstore, kb.NewMemoryStore
//	engine, _ := dialogue.NewEngine(flows, dialogue.Options{Funcs: funcs})
//	bot, _ := kefu.New(
//		kefu.WithIntents(model), kefu.WithKnowledge(base), kefu.WithDialogue(engine),
//		kefu.WithSessionStore(sessions),
//	)
//	mux.Handle("/v1/", httpapi.New(bot, httpapi.Options{}))
//
// Bot.SetIntents, SetKnowledge and SetDialogue swap parts while the bot
// serves.
//
// # A bot from a folder
//
// A bot can also be defined by files alone, written by people who do not
// write Go (docs/folder-bot.md is the reference; examples/shop is the demo
// as such a folder, and go run ./examples/quickstart -bot DIR serves one):
//
//	bot.yaml            name, greetings, "did you mean…" titles, cut-offs, HTTP actions (required)
//	intents.tsv         the classifier's examples, intent<TAB>text; out_of_scope lines too (required)
//	intents_test.tsv    held-out examples to measure the classifier on
//	faq.json | faq.csv | faq.xlsx   the knowledge base (kb.ReadEntries; one of them)
//	flows/*.yaml        the dialogue flows (dialogue.LoadFlows)
//	words.txt           vocabulary kept as one token, a word a line
//	synonyms.txt        groups of interchangeable words, a group a line, comma-separated
//	rules.yaml          intent rules: a list of name, intent, keywords, pattern
//	conversations/*.yaml  conversation tests (channel/convtest)
//
// LoadFolder reads and checks every file (strictly: an unknown key of
// bot.yaml is a problem, as is a flow that calls an undeclared action or
// starts on an intent nothing recognizes) and returns the Folder's parts,
// or a *FolderError listing every problem as file:line: message; a folder
// never loads in part. Folder.NewBot builds a Bot on them with the
// operator's stores (FolderStores), and Folder.Seed fills an empty shared
// knowledge base from the folder, safely when several instances start at
// once.
//
// A flow's "call" step runs a Go function (FolderOptions.Funcs) or an
// HTTPAction declared in bot.yaml: a POST of the flow's slots, signed like
// the hand-off webhook, whose JSON answer sets slots, says something and
// raises an event. A call that fails (an error answer, a status other than
// 2xx, bad JSON, no answer within its timeout) takes the flow's transition
// on the event "error", or hands the customer to a person.
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
