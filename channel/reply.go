package channel

import (
	"strings"
	"unicode"
)

// PartType is the kind of a reply part.
type PartType string

// The kinds of reply parts. Their values are the "type" of parts on the
// wire (HTTP JSON, WebSocket frames).
const (
	// PartText is a paragraph of plain text (never HTML or Markdown).
	PartText PartType = "text"
	// PartImage is a picture, shown with its alternative text.
	PartImage PartType = "image"
	// PartLink is a link with a title.
	PartLink PartType = "link"
	// PartQuickReplies offers answers the customer can pick instead of
	// typing; picking one sends its payload as the next message's text.
	PartQuickReplies PartType = "quick_replies"
)

// Reply is a handler's answer to one message: parts to show in order, and
// what the bot understood.
type Reply struct {
	// Parts are shown in order. A reply without parts shows nothing.
	Parts []Part
	// Intent is the recognized intent, nil when none.
	Intent *Intent
	// Handoff is true when the conversation goes to a person from here.
	Handoff bool
	// HandoffReason says why, for the person who takes over.
	HandoffReason HandoffReason
	// Explanation says how the reply was arrived at, when the message
	// asked (Message.Explain).
	Explanation *Explanation
}

// Part is one piece of a reply. Type says which fields are used: Text for
// PartText; URL and Alt for PartImage; Title and URL for PartLink; Options
// for PartQuickReplies. Its JSON form is the wire form of every adapter.
type Part struct {
	Type    PartType     `json:"type"`
	Text    string       `json:"text,omitempty"`
	Title   string       `json:"title,omitempty"`
	URL     string       `json:"url,omitempty"`
	Alt     string       `json:"alt,omitempty"`
	Options []QuickReply `json:"options,omitempty"`
}

// QuickReply is one option of a PartQuickReplies part.
type QuickReply struct {
	// Title is what the customer sees on the button.
	Title string `json:"title"`
	// Payload is sent as the message text when the customer picks the
	// option; Title is sent when it is empty.
	Payload string `json:"payload"`
}

// Value returns what picking q sends: its payload, or its title when the
// payload is empty.
func (q QuickReply) Value() string {
	if q.Payload != "" {
		return q.Payload
	}
	return q.Title
}

// Intent is what the bot understood a message to ask.
type Intent struct {
	// Name is the intent's name, such as "return_goods".
	Name string `json:"name"`
	// Confidence is between 0 and 1.
	Confidence float64 `json:"confidence"`
}

// Text returns a text part.
func Text(s string) Part { return Part{Type: PartText, Text: s} }

// Image returns an image part.
func Image(url, alt string) Part { return Part{Type: PartImage, URL: url, Alt: alt} }

// Link returns a link part.
func Link(title, url string) Part { return Part{Type: PartLink, Title: title, URL: url} }

// QuickReplies returns a quick-replies part.
func QuickReplies(options ...QuickReply) Part {
	return Part{Type: PartQuickReplies, Options: options}
}

// TextReply returns a reply of one text part per paragraph given.
func TextReply(paragraphs ...string) Reply {
	r := Reply{Parts: make([]Part, len(paragraphs))}
	for i, p := range paragraphs {
		r.Parts[i] = Text(p)
	}
	return r
}

// PlainText renders r as plain text, one line or paragraph per part:
// text as is, images as "[image: alt] url", links as "title: url", quick
// replies as "[title1] [title2]". It is what a transcript or a text-only
// channel shows.
func (r Reply) PlainText() string {
	var b strings.Builder
	for _, p := range r.Parts {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		switch p.Type {
		case PartText:
			b.WriteString(p.Text)
		case PartImage:
			b.WriteString("[image: ")
			b.WriteString(p.Alt)
			b.WriteString("] ")
			b.WriteString(p.URL)
		case PartLink:
			if p.Title != "" {
				b.WriteString(p.Title)
				b.WriteString(": ")
			}
			b.WriteString(p.URL)
		case PartQuickReplies:
			for i, o := range p.Options {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteByte('[')
				b.WriteString(o.Title)
				b.WriteByte(']')
			}
		}
	}
	return b.String()
}

// Bilingual is a sentence in Chinese and English; For picks the one that
// suits a message. The zero value picks empty strings: callers fill in
// their defaults with Or.
type Bilingual struct {
	// Zh is said to customers writing Chinese, and when the language is
	// unclear.
	Zh string
	// En is said to customers writing English.
	En string
}

// Or returns b with its empty sentences taken from def.
func (b Bilingual) Or(def Bilingual) Bilingual {
	if b.Zh == "" {
		b.Zh = def.Zh
	}
	if b.En == "" {
		b.En = def.En
	}
	return b
}

// For returns the sentence in the language of m, as DetectLang finds it:
// the text's when it is clear, else m.Meta["lang"], else Chinese unless
// the text leans English.
func (b Bilingual) For(m Message) string {
	if English(m) {
		return b.En
	}
	return b.Zh
}

// In returns the sentence in language lang: English for "en…", else
// Chinese. An empty sentence falls back to the other language.
func (b Bilingual) In(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		if b.En != "" {
			return b.En
		}
		return b.Zh
	}
	if b.Zh != "" {
		return b.Zh
	}
	return b.En
}

// Language codes of the languages kefu speaks.
const (
	LangZH = "zh"
	LangEN = "en"
)

// DetectLang returns the language m is written in, LangZH or LangEN, and
// whether the text shows it clearly. Han characters count one each,
// English words (two letters or more, no digits) two each; the larger
// side gives the language, clearly when it is at least one and a half
// times the other and there are two Han characters or two English words:
// "我的银行卡丢了", "我想买iPhone 15" and "where is the 工商银行 branch?" are
// clear, "Visa", "ok" and "iPhone 15" are not. Otherwise m.Meta["lang"] (a page's or an app's
// language), when it starts with "en" or "zh", gives the language, not
// clearly; codes and numbers ("DD2025061801", "1234") give "". A session
// keeps its language until a message clearly speaks the other one.
func DetectLang(m Message) (lang string, sure bool) {
	han, words := 0, 0
	word, digits := 0, false
	end := func() {
		if word >= 2 && !digits {
			words++
		}
		word, digits = 0, false
	}
	for _, r := range m.Text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			end()
		case unicode.Is(unicode.Latin, r) || r == '\'':
			word++
		case unicode.IsDigit(r) && word > 0:
			digits = true
			word++
		default:
			end()
		}
	}
	end()
	zh, en := han, 2*words
	switch {
	case zh > 0 && zh >= en:
		lang, sure = LangZH, han >= 2 && 2*zh >= 3*en
	case en > zh:
		lang, sure = LangEN, words >= 2 && 2*en >= 3*zh
	}
	if sure {
		return lang, true
	}
	switch l := strings.ToLower(m.Meta["lang"]); {
	case strings.HasPrefix(l, "en"):
		return LangEN, false
	case strings.HasPrefix(l, "zh"):
		return LangZH, false
	}
	return lang, false
}

// English reports whether m is best answered in English, by the rule of
// Bilingual.For.
func English(m Message) bool {
	lang, _ := DetectLang(m)
	return lang == LangEN
}

// DefaultApology returns what adapters and middleware say when a turn
// fails and the handler gave no reply of its own.
func DefaultApology() Bilingual {
	return Bilingual{
		Zh: "抱歉，系统开小差了，请稍后再试。",
		En: "Sorry, something went wrong on our side. Please try again in a moment.",
	}
}

// DefaultBusy returns what the rate limits say to a customer who sends
// too fast.
func DefaultBusy() Bilingual {
	return Bilingual{
		Zh: "您发送得太快了，请稍等片刻再试。",
		En: "You are sending messages too quickly. Please wait a moment.",
	}
}

// HandoffReason says why a conversation was handed to a person. Replies,
// hand-off tickets, analytics events and the kefu_handoffs_total metric use
// the same values.
type HandoffReason string

// Hand-off reasons.
const (
	// HandoffRequested: the customer asked for a person, or accepted the
	// offer of one.
	HandoffRequested HandoffReason = "requested"
	// HandoffRetryLimit: a flow did not understand the customer's answers
	// too many times.
	HandoffRetryLimit HandoffReason = "retry_limit"
	// HandoffFlow: a flow's own hand-off step.
	HandoffFlow HandoffReason = "flow"
	// HandoffFunctionFailed: an operator function a flow called failed.
	HandoffFunctionFailed HandoffReason = "function_failed"
	// HandoffTicketFailed: opening a ticket failed.
	HandoffTicketFailed HandoffReason = "ticket_failed"
)
