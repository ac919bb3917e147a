package channel

// Explanation says how a handler arrived at a reply: what it recognized,
// what it answered from and where a conversation's flow stands. Handlers
// fill it when a message asks (Message.Explain); adapters ask for it only
// when their options allow, since it shows how the bot is built.
type Explanation struct {
	// Lang is the session's language, which the bot's own words follow:
	// LangZH or LangEN. An entry written in one language only answers in
	// it.
	Lang string `json:"lang,omitempty"`
	// Intents are the classifier's best intents, best first, with their
	// confidence; OutOfScope tells that none fits well enough.
	Intents    []Intent `json:"intents,omitempty"`
	OutOfScope bool     `json:"out_of_scope,omitempty"`
	// Intent is the intent the turn acted on, "" when none.
	Intent string `json:"intent,omitempty"`
	// Entry is the knowledge-base entry the reply answered with, if any.
	Entry *EntryMatch `json:"entry,omitempty"`
	// SmallTalk names the small talk answered: "greeting", "thanks" or
	// "goodbye".
	SmallTalk string `json:"small_talk,omitempty"`
	// Flow and State say where the conversation's flow stands after the
	// turn ("" outside flows); Slots are the values it has collected.
	Flow  string            `json:"flow,omitempty"`
	State string            `json:"state,omitempty"`
	Slots map[string]string `json:"slots,omitempty"`
	// Steps are what the turn did, in order, one short line each: "ask
	// order_id", "confirm", "call freeze_card", "ticket returns", "answer
	// refund-01", "small talk thanks", "fallback", "handoff requested",
	// "end completed".
	Steps []string `json:"steps,omitempty"`
}

// EntryMatch is the knowledge-base entry a reply answered with.
type EntryMatch struct {
	// ID is the entry's ID.
	ID string `json:"id"`
	// Confidence is the search's confidence in it, 0 to 1: how well its
	// question matches the message, also when it was chosen because it
	// names the intent the classifier was sure of; 1 when chosen by the
	// intent alone (a flow's answer step, a message that shares no word
	// with it).
	Confidence float64 `json:"confidence"`
	// Matched is the entry's question that matched best.
	Matched string `json:"matched,omitempty"`
}
