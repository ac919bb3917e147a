// Package dialogue runs multi-turn customer-service conversations: flows
// of states and slots, defined as data, stepped one customer message at a
// time over sessions kept in a shared store.
//
// # Flows
//
// A Flow collects slots (an order number, a reason, a pickup day) through
// states, confirms them with a yes/no question, and ends with final steps:
// say something, let the bot answer an FAQ, call an operator function, open
// a ticket, hand off to a person. Transitions fire on intents, events,
// confirmation answers and conditions on slots. Flows are written in Go or
// in YAML or JSON files (ParseFlow, LoadFlows); loading checks the whole
// flow and reports every problem with its file, line and column, and a
// file with a problem never loads. Package flows has examples.
//
// Slots are filled by extractors: regular expressions, lookup lists with
// synonyms, and built-ins for Chinese customer service (mobile numbers,
// order numbers, amounts like "三百五" or "¥80", quantities like "两件",
// dates and times like "下周一" or "明天晚上8点", resolved against the
// turn's time in the customer's time zone); see package entity. An answer
// that fails validation is asked for again with the reason; after too many
// failed answers the customer is handed to a person.
//
// # Turns
//
// Engine.Step takes the customer's message with its intent (from the
// bot's classifier) and time, and returns Actions for the bot to carry
// out. Anywhere in a conversation the customer can cancel, restart or ask
// for a person ("转人工"); a confident intent that does not answer the
// pending question (a digression such as "运费谁出？") yields an
// ActionAnswer for the bot, then the question is asked again. A session
// idle longer than Options.IdleTimeout starts afresh. Step takes time only
// from the input, so the same session and input always give the same
// result.
//
// # Stores
//
// Sessions live in a Store: NewMemoryStore for one process, or
// dialogue/redisstore for several bot instances sharing sessions through
// Redis. Stores serialize the turns of one session, so concurrent messages
// of one customer, arriving at different instances, never lose an update.
// Package storetest checks any Store implementation.
//
// # Wiring
//
//	flows, err := flows.Load() // or dialogue.LoadFlows(os.DirFS("flows"), "*.yaml")
//	...
//	engine, err := dialogue.NewEngine(flows, dialogue.Options{
//		Store: redisstore.New(redisClient, redisstore.Options{}),
//		Funcs: map[string]dialogue.Func{"order_status": lookUpOrder},
//	})
//	...
//	actions, err := engine.Step(ctx, sessionID, dialogue.Input{
//		Text: msg.Text, Intent: top.Intent, Confidence: top.Confidence, Time: msg.Time,
//	})
//	if errors.Is(err, dialogue.ErrStoreUnavailable) {
//		// apologize; the session is as it was, the customer can retry
//	}
//	for _, a := range actions {
//		switch a.Kind {
//		case dialogue.ActionSay, dialogue.ActionAsk, dialogue.ActionConfirm:
//			// send a.Text, with a.Options as quick replies
//		case dialogue.ActionAnswer:
//			// search the knowledge base for a.Intent / a.Text and send the answer
//		case dialogue.ActionTicket, dialogue.ActionHandoff, dialogue.ActionEnd:
//			// open the ticket, hand off, log the outcome
//		}
//	}
package dialogue
