package kb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Entry is one item of the knowledge base: a standard question, other ways
// customers ask it, and the answer to give.
//
// An Entry is a plain value. Stores and indexes copy what they keep, so a
// caller may change an Entry after handing it over.
type Entry struct {
	// ID identifies the entry. It is chosen by the operator ("refund-01")
	// and is at most [MaxIDLen] bytes of UTF-8 without control characters.
	ID string `json:"id"`
	// Question is the standard question.
	Question string `json:"question"`
	// Similar are other phrasings of the question that customers use.
	// Retrieval matches them as well as Question.
	Similar []string `json:"similar,omitempty"`
	// Answer is what the bot replies.
	Answer Answer `json:"answer"`
	// Category groups entries ("账户", "退款"); searches may filter on it.
	Category string `json:"category,omitempty"`
	// Tags are free labels for operators.
	Tags []string `json:"tags,omitempty"`
	// Intents name the intents the entry answers ("shipping_fee"). A bot
	// whose classifier is confident of one answers from the entries that
	// name it, and a flow's answer step ("answer: shipping_fee") answers
	// with them; see SearchOptions.Intent.
	Intents []string `json:"intents,omitempty"`
	// Disabled entries are kept and can be read and edited, but are never
	// returned by a search. The zero Entry is enabled. (Entries stored
	// with the older "enabled" field are read as they were written.)
	Disabled bool `json:"disabled,omitempty"`
	// Version counts the changes made to the entry. A Store sets it on
	// every write; on a write it is the version the writer last read (see
	// [Batch]).
	Version int64 `json:"version"`
	// Updated is when the entry was last written, set by the Store.
	Updated time.Time `json:"updated"`
}

// Answer is the reply content of an entry.
type Answer struct {
	// Text is the answer's text.
	Text string `json:"text,omitempty"`
	// Images are pictures shown with the text.
	Images []Image `json:"images,omitempty"`
	// Links are links offered with the text.
	Links []Link `json:"links,omitempty"`
	// Suggestions are optional quick replies: follow-up questions the
	// customer can pick with one tap.
	Suggestions []string `json:"suggestions,omitempty"`
}

// Image is a picture in an answer.
type Image struct {
	// URL locates the picture.
	URL string `json:"url"`
	// Alt describes it, for channels that cannot show pictures.
	Alt string `json:"alt,omitempty"`
}

// Link is a hyperlink in an answer.
type Link struct {
	// Title is the text shown for the link.
	Title string `json:"title,omitempty"`
	// URL is where it leads.
	URL string `json:"url"`
}

// MaxIDLen is the longest entry ID, in bytes.
const MaxIDLen = 128

// Errors returned by stores and indexes. Check them with [errors.Is].
var (
	// ErrNotFound is returned for an ID that names no stored entry.
	ErrNotFound = errors.New("kb: entry not found")
	// ErrConflict is returned when a write expects a version other than
	// the stored one: someone else changed the entry since it was read.
	// The error is a [*ConflictError].
	ErrConflict = errors.New("kb: version conflict")
	// ErrClosed is returned by a Store or Base used after Close.
	ErrClosed = errors.New("kb: closed")
)

// ConflictError reports an optimistic-concurrency failure on one entry.
// errors.Is(err, ErrConflict) holds for it.
type ConflictError struct {
	// ID is the entry's ID.
	ID string
	// Want is the version the writer expected (0: the entry must not
	// exist).
	Want int64
	// Have is the stored version (0: the entry does not exist).
	Have int64
}

// Error describes the conflict.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("kb: version conflict on entry %q: expected version %d, stored version is %d", e.ID, e.Want, e.Have)
}

// Is reports whether target is [ErrConflict].
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// InvalidError reports an entry that cannot be stored.
type InvalidError struct {
	// ID is the entry's ID, possibly empty.
	ID string
	// Field names the field at fault: "question", "similar[2]",
	// "images[0].url", ….
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error describes the problem.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("kb: entry %q: %s: %s", e.ID, e.Field, e.Reason)
}

// Validate checks what every Store requires of an entry, and returns an
// [*InvalidError] for the first problem found:
//
//   - the ID is 1 to [MaxIDLen] bytes without control characters;
//   - the question is not blank;
//   - all text is valid UTF-8;
//   - questions, similar questions, category, tags, intents, suggestions, image
//     alt texts and link titles are single lines without control
//     characters, and list items are not blank (the answer text may span
//     lines);
//   - image and link URLs are present and contain no white space;
//   - the version is not negative.
func (e *Entry) Validate() error {
	bad := func(field, reason string) error { return &InvalidError{ID: e.ID, Field: field, Reason: reason} }
	switch {
	case e.ID == "":
		return bad("id", "empty")
	case len(e.ID) > MaxIDLen:
		return bad("id", fmt.Sprintf("longer than %d bytes", MaxIDLen))
	case strings.TrimSpace(e.Question) == "":
		return bad("question", "empty")
	case e.Version < 0:
		return bad("version", "negative")
	}
	if r := lineProblem(e.ID); r != "" {
		return bad("id", r)
	}
	if !utf8.ValidString(e.Answer.Text) {
		return bad("answer", "invalid UTF-8")
	}
	if strings.ContainsFunc(e.Answer.Text, func(r rune) bool { return r < ' ' && r != '\n' && r != '\t' || r == 0x7f }) {
		return bad("answer", "contains control characters other than line feed and tab")
	}
	lines := []struct {
		field string
		s     string
	}{{"question", e.Question}, {"category", e.Category}}
	for _, l := range lines {
		if r := lineProblem(l.s); r != "" {
			return bad(l.field, r)
		}
	}
	lists := []struct {
		field string
		items []string
	}{{"similar", e.Similar}, {"tags", e.Tags}, {"intents", e.Intents}, {"suggestions", e.Answer.Suggestions}}
	for _, l := range lists {
		for i, s := range l.items {
			if strings.TrimSpace(s) == "" {
				return bad(fmt.Sprintf("%s[%d]", l.field, i), "blank")
			}
			if r := lineProblem(s); r != "" {
				return bad(fmt.Sprintf("%s[%d]", l.field, i), r)
			}
		}
	}
	for i, im := range e.Answer.Images {
		if r := urlProblem(im.URL); r != "" {
			return bad(fmt.Sprintf("images[%d].url", i), r)
		}
		if r := lineProblem(im.Alt); r != "" {
			return bad(fmt.Sprintf("images[%d].alt", i), r)
		}
	}
	for i, l := range e.Answer.Links {
		if r := urlProblem(l.URL); r != "" {
			return bad(fmt.Sprintf("links[%d].url", i), r)
		}
		if r := lineProblem(l.Title); r != "" {
			return bad(fmt.Sprintf("links[%d].title", i), r)
		}
	}
	return nil
}

// lineProblem says what keeps s from being one line of text, or "".
func lineProblem(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || r == 0x2028 || r == 0x2029 }) {
		return "contains a line break or control character"
	}
	return ""
}

func urlProblem(u string) string {
	switch {
	case u == "":
		return "empty"
	case !utf8.ValidString(u):
		return "invalid UTF-8"
	case strings.ContainsFunc(u, unicode.IsSpace):
		return "contains white space"
	case strings.ContainsFunc(u, unicode.IsControl):
		return "contains control characters"
	}
	return ""
}

// Clone returns a deep copy of e.
func (e Entry) Clone() Entry {
	e.Similar = slices.Clone(e.Similar)
	e.Tags = slices.Clone(e.Tags)
	e.Intents = slices.Clone(e.Intents)
	e.Answer.Images = slices.Clone(e.Answer.Images)
	e.Answer.Links = slices.Clone(e.Answer.Links)
	e.Answer.Suggestions = slices.Clone(e.Answer.Suggestions)
	return e
}

// Equal reports whether e and f hold the same content, version and update
// time. Nil and empty slices are equal.
func (e Entry) Equal(f Entry) bool {
	return e.ID == f.ID && e.Question == f.Question && slices.Equal(e.Similar, f.Similar) &&
		e.Answer.Text == f.Answer.Text && slices.Equal(e.Answer.Images, f.Answer.Images) &&
		slices.Equal(e.Answer.Links, f.Answer.Links) && slices.Equal(e.Answer.Suggestions, f.Answer.Suggestions) &&
		e.Category == f.Category && slices.Equal(e.Tags, f.Tags) && slices.Equal(e.Intents, f.Intents) && e.Disabled == f.Disabled &&
		e.Version == f.Version && e.Updated.Equal(f.Updated)
}

// Questions returns the standard question followed by the similar ones.
func (e *Entry) Questions() []string {
	qs := make([]string, 0, 1+len(e.Similar))
	qs = append(qs, e.Question)
	return append(qs, e.Similar...)
}

// UnmarshalJSON reads an entry, also as written with the "enabled" field
// instead of "disabled". Unknown fields are an error.
func (e *Entry) UnmarshalJSON(b []byte) error {
	type plain Entry
	var v struct {
		plain
		Enabled *bool `json:"enabled"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*e = Entry(v.plain)
	if v.Enabled != nil && !*v.Enabled {
		e.Disabled = true
	}
	return nil
}
