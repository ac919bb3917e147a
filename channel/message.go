package channel

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Default limits of Limits.
const (
	// MaxTextBytes is the default limit on a message's text, in bytes of
	// UTF-8: about 1,300 Chinese characters, far beyond any customer
	// question.
	MaxTextBytes = 4096
	// MaxIDBytes is the default limit on a session or user ID.
	MaxIDBytes = 128
	// MaxAttachments is the default limit on a message's attachments.
	MaxAttachments = 10
)

// Message is one message from a customer, as an adapter hands it to a
// Handler. Adapters fill SessionID, Channel and Time; a message passed to
// a Handler should pass Validate.
type Message struct {
	// ID identifies the message within its channel; adapters make one up
	// when the channel has none. A message that arrives again with the
	// same ID in the same session (a client retrying) gets the reply the
	// first one got, and its turn does not run twice.
	ID string
	// SessionID identifies the conversation. The bot keeps dialogue state
	// per session.
	SessionID string
	// UserID identifies the customer when the channel knows who it is;
	// it may be empty (an anonymous web visitor).
	UserID string
	// Channel names the adapter: "http", "webchat", "terminal", "wecom".
	Channel string
	// Text is what the customer wrote, or the payload of the quick reply
	// they chose.
	Text string
	// Attachments are files sent with the message.
	Attachments []Attachment
	// Time is when the message arrived.
	Time time.Time
	// Meta carries what else the channel knows: a page URL, a language,
	// an agent ID. Handlers must not change it.
	Meta map[string]string
	// Explain asks the handler to explain its reply (Reply.Explanation).
	Explain bool
}

// Attachment is a file sent with a message.
type Attachment struct {
	// Type is the kind of file: "image", "file", "voice".
	Type string
	// URL is where the file can be fetched.
	URL string
	// Name is the file's name, if known.
	Name string
	// MIMEType is the file's media type, if known.
	MIMEType string
}

// Limits bound what a message may hold. The zero value uses the default
// constants; a Limits is a plain value, safe to share.
type Limits struct {
	// MaxTextBytes bounds the text; MaxTextBytes when zero.
	MaxTextBytes int
	// MaxIDBytes bounds the session and user IDs; MaxIDBytes when zero.
	MaxIDBytes int
	// MaxAttachments bounds the attachments; MaxAttachments when zero.
	MaxAttachments int
}

// TextBytes returns the limit on text bytes that l applies.
func (l Limits) TextBytes() int {
	if l.MaxTextBytes > 0 {
		return l.MaxTextBytes
	}
	return MaxTextBytes
}

// Check reports the first thing wrong with m under l, as an error
// wrapping ErrInvalidUTF8, ErrTooLarge, ErrEmptyText or ErrInvalidID,
// or nil when m is fine. Every adapter checks messages with it, so bad
// input is refused the same way on every channel.
func (l Limits) Check(m Message) error {
	maxID := l.MaxIDBytes
	if maxID <= 0 {
		maxID = MaxIDBytes
	}
	maxAtt := l.MaxAttachments
	if maxAtt <= 0 {
		maxAtt = MaxAttachments
	}
	if !utf8.ValidString(m.Text) {
		return fmt.Errorf("%w in text", ErrInvalidUTF8)
	}
	if n, max := len(m.Text), l.TextBytes(); n > max {
		return fmt.Errorf("%w: text of %d bytes, limit %d", ErrTooLarge, n, max)
	}
	if len(m.Attachments) > maxAtt {
		return fmt.Errorf("%w: %d attachments, limit %d", ErrTooLarge, len(m.Attachments), maxAtt)
	}
	if strings.TrimSpace(m.Text) == "" {
		return ErrEmptyText
	}
	if m.SessionID == "" {
		return fmt.Errorf("%w: no session ID", ErrInvalidID)
	}
	if err := checkID("session", m.SessionID, maxID); err != nil {
		return err
	}
	if err := checkID("message", m.ID, maxID); err != nil {
		return err
	}
	return checkID("user", m.UserID, maxID)
}

// ValidID reports whether id can serve as a session or user ID under l:
// not empty, at most the limit of bytes, valid UTF-8 without spaces or
// control characters.
func (l Limits) ValidID(id string) bool {
	maxID := l.MaxIDBytes
	if maxID <= 0 {
		maxID = MaxIDBytes
	}
	return id != "" && checkID("", id, maxID) == nil
}

func checkID(what, id string, max int) error {
	if len(id) > max {
		return fmt.Errorf("%w: %s ID of %d bytes, limit %d", ErrInvalidID, what, len(id), max)
	}
	if !utf8.ValidString(id) {
		return fmt.Errorf("%w: %s ID is not valid UTF-8", ErrInvalidID, what)
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%w: %s ID holds space or control character %U", ErrInvalidID, what, r)
		}
	}
	return nil
}

// Validate checks m under the default Limits; see Limits.Check.
func (m Message) Validate() error { return Limits{}.Check(m) }
