// Package convtest runs conversation tests: what customers say, and what
// the bot should do, written in YAML by the people who run the bot. Run
// them after every change to intents, entries or flows, from go test or
// from a command (examples/convtest), against a bot in the process or one
// serving the HTTP API.
//
// A file holds conversations; each turn says something and may expect
// things of the reply:
//
//	conversations:
//	  - name: a fee question is answered, not mistaken for the flow
//	    turns:
//	      - say: 挂失要收费吗？
//	        expect: {entry: lost-fee, flow: "", text: 免费}
//	  - name: lost card, a side question at the confirmation
//	    turns:
//	      - say: 我卡丢了
//	        expect: {intent: lost_card, flow: lost_card, text: 后四位}
//	      - say: 尾号 1234
//	        expect: {state: ask, slots: {last4: "1234"}}
//	      - say: 对了，补卡要多久
//	        expect: {entry: lost-replace, no_action: true}
//	      - say: 确认
//	        expect: {steps: [call freeze_card]}
//
// Expectations, each checked only when given:
//
//   - text: a string or a list of strings the reply's text contains;
//     not_text, strings it must not contain.
//   - intent: the intent the bot acted on ("" for none); out_of_scope.
//   - entry: the knowledge-base entry it answered with ("" for none).
//   - flow and state: where the flow stands after the turn ("" outside
//     flows); slots: values the flow holds (the others are not checked).
//   - steps: what the turn must have done, as channel.Explanation.Steps
//     names it ("call freeze_card", "ticket returns", "handoff
//     requested"); no_action: true, that it called no function, opened no
//     ticket and handed nobody off.
//   - handoff: whether the customer was handed to a person.
//   - lang: the language of the reply ("zh" or "en"); small_talk.
//
// A turn may also set lang (the channel's language hint, Message.Meta
// "lang") and wait (a duration, "31m", that passes before it: idle
// timeouts). Every conversation runs in a session of its own; the
// handler must fill Reply.Explanation when Message.Explain asks, as
// kefu's Bot does.
package convtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kefuai/kefu/channel"
)

// Suite is the conversations of one file.
type Suite struct {
	// Name is the file's name.
	Name string
	// Conversations run one after another, each in its own session.
	Conversations []Conversation
}

// Conversation is a named list of turns.
type Conversation struct {
	// Name says what the conversation checks; unique in its file.
	Name string
	// Turns are the customer's messages, in order.
	Turns []Turn
	// Line is the conversation's line in its file.
	Line int
}

// Turn is one message and what the reply must show.
type Turn struct {
	// Say is the customer's message.
	Say string
	// Lang is the channel's language hint, sent as Meta["lang"].
	Lang string
	// Wait passes before the message is sent.
	Wait time.Duration
	// Expect is what the reply must show.
	Expect Expect
	// Line is the turn's line in its file.
	Line int
}

// Expect is what a reply must show; the package documentation describes
// each field by its YAML name. Nil and empty fields are not checked.
type Expect struct {
	// Text and NotText are strings the reply's text must and must not
	// contain.
	Text, NotText []string
	// Intent is the intent the bot acted on ("" for none); OutOfScope
	// whether the classifier found none.
	Intent     *string
	OutOfScope *bool
	// Entry is the knowledge-base entry answered with ("" for none).
	Entry *string
	// Flow and State are where the flow stands after the turn ("" outside
	// flows); Slots are values it must hold.
	Flow, State *string
	Slots       map[string]string
	// Steps must be among what the turn did; NoAction means no call, no
	// ticket, no hand-off.
	Steps    []string
	NoAction bool
	// Handoff is whether the customer was handed to a person.
	Handoff *bool
	// Lang is the reply's language; SmallTalk the small talk answered.
	Lang      *string
	SmallTalk *string
}

// ParseError reports a problem of a conversation file at its line.
type ParseError struct {
	// File and Line locate the problem; Msg says what it is.
	File string
	Line int
	Msg  string
}

// Error implements error.
func (e *ParseError) Error() string { return fmt.Sprintf("convtest: %s:%d: %s", e.File, e.Line, e.Msg) }

// Parse reads a conversation file. Unknown fields, empty messages,
// unnamed or duplicate conversations and conversations without turns are
// errors, with their line. A turn may expect nothing: it leads the
// conversation where the next turns test it.
func Parse(name string, data []byte) (*Suite, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ParseError{File: name, Line: yamlLine(err), Msg: err.Error()}
	}
	p := &parser{file: name}
	s := &Suite{Name: name}
	if len(root.Content) == 0 {
		return nil, p.errf(1, "empty file")
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, p.errf(doc.Line, "a conversation file is a mapping with conversations:")
	}
	err := p.fields(doc, map[string]func(*yaml.Node) error{
		"conversations": func(n *yaml.Node) error {
			if n.Kind != yaml.SequenceNode {
				return p.errf(n.Line, "conversations: want a list")
			}
			for _, c := range n.Content {
				conv, err := p.conversation(c)
				if err != nil {
					return err
				}
				s.Conversations = append(s.Conversations, conv)
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	if len(s.Conversations) == 0 {
		return nil, p.errf(doc.Line, "no conversations")
	}
	seen := map[string]int{}
	for _, c := range s.Conversations {
		if l, dup := seen[c.Name]; dup {
			return nil, p.errf(c.Line, "conversation %q is also on line %d", c.Name, l)
		}
		seen[c.Name] = c.Line
	}
	return s, nil
}

// Load parses every file of fsys matching the patterns (fs.Glob syntax).
// It returns all the suites or the first error.
func Load(fsys fs.FS, patterns ...string) ([]*Suite, error) {
	var names []string
	for _, pat := range patterns {
		m, err := fs.Glob(fsys, pat)
		if err != nil {
			return nil, fmt.Errorf("convtest: %w", err)
		}
		names = append(names, m...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("convtest: no file matches %q", patterns)
	}
	var out []*Suite
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("convtest: %w", err)
		}
		s, err := Parse(n, b)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

type parser struct{ file string }

func (p *parser) errf(line int, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// fields calls set for each key of mapping n; an unknown key is an error.
func (p *parser) fields(n *yaml.Node, set map[string]func(*yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errf(n.Line, "want a mapping")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := set[k.Value]
		if !ok {
			return p.errf(k.Line, "unknown field %q (want one of %s)", k.Value, strings.Join(slices.Sorted(maps.Keys(set)), ", "))
		}
		if seen[k.Value] {
			return p.errf(k.Line, "field %q given twice", k.Value)
		}
		seen[k.Value] = true
		if err := f(v); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) str(n *yaml.Node, dst *string) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return p.errf(n.Line, "want a string")
	}
	*dst = n.Value
	return nil
}

func (p *parser) strPtr(dst **string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		var s string
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			s = "" // "flow:" with nothing: none
		} else if err := p.str(n, &s); err != nil {
			return err
		}
		*dst = &s
		return nil
	}
}

func (p *parser) boolPtr(dst **bool) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		var b bool
		if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
			return p.errf(n.Line, "want true or false")
		}
		*dst = &b
		return nil
	}
}

// strs reads a string or a list of strings.
func (p *parser) strs(dst *[]string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		switch n.Kind {
		case yaml.ScalarNode:
			*dst = append(*dst, n.Value)
			return nil
		case yaml.SequenceNode:
			for _, c := range n.Content {
				var s string
				if err := p.str(c, &s); err != nil {
					return err
				}
				*dst = append(*dst, s)
			}
			return nil
		}
		return p.errf(n.Line, "want a string or a list of strings")
	}
}

func (p *parser) conversation(n *yaml.Node) (Conversation, error) {
	c := Conversation{Line: n.Line}
	err := p.fields(n, map[string]func(*yaml.Node) error{
		"name": func(v *yaml.Node) error { return p.str(v, &c.Name) },
		"turns": func(v *yaml.Node) error {
			if v.Kind != yaml.SequenceNode {
				return p.errf(v.Line, "turns: want a list")
			}
			for _, tn := range v.Content {
				t, err := p.turn(tn)
				if err != nil {
					return err
				}
				c.Turns = append(c.Turns, t)
			}
			return nil
		},
	})
	switch {
	case err != nil:
		return c, err
	case strings.TrimSpace(c.Name) == "":
		return c, p.errf(n.Line, "a conversation needs a name")
	case len(c.Turns) == 0:
		return c, p.errf(n.Line, "conversation %q has no turns", c.Name)
	}
	return c, nil
}

func (p *parser) turn(n *yaml.Node) (Turn, error) {
	t := Turn{Line: n.Line}
	err := p.fields(n, map[string]func(*yaml.Node) error{
		"say":  func(v *yaml.Node) error { return p.str(v, &t.Say) },
		"lang": func(v *yaml.Node) error { return p.str(v, &t.Lang) },
		"wait": func(v *yaml.Node) error {
			var s string
			if err := p.str(v, &s); err != nil {
				return err
			}
			d, err := time.ParseDuration(s)
			if err != nil || d < 0 {
				return p.errf(v.Line, "wait: want a duration such as 31m, not %q", s)
			}
			t.Wait = d
			return nil
		},
		"expect": func(v *yaml.Node) error {
			e := &t.Expect
			return p.fields(v, map[string]func(*yaml.Node) error{
				"text":         p.strs(&e.Text),
				"not_text":     p.strs(&e.NotText),
				"intent":       p.strPtr(&e.Intent),
				"out_of_scope": p.boolPtr(&e.OutOfScope),
				"entry":        p.strPtr(&e.Entry),
				"flow":         p.strPtr(&e.Flow),
				"state":        p.strPtr(&e.State),
				"slots": func(v *yaml.Node) error {
					if v.Kind != yaml.MappingNode {
						return p.errf(v.Line, "slots: want a mapping of slot names to values")
					}
					e.Slots = map[string]string{}
					for i := 0; i+1 < len(v.Content); i += 2 {
						var s string
						if err := p.str(v.Content[i+1], &s); err != nil {
							return err
						}
						e.Slots[v.Content[i].Value] = s
					}
					return nil
				},
				"steps": p.strs(&e.Steps),
				"no_action": func(v *yaml.Node) error {
					var b *bool
					if err := p.boolPtr(&b)(v); err != nil {
						return err
					}
					e.NoAction = *b
					return nil
				},
				"handoff":    p.boolPtr(&e.Handoff),
				"lang":       p.strPtr(&e.Lang),
				"small_talk": p.strPtr(&e.SmallTalk),
			})
		},
	})
	if err == nil && strings.TrimSpace(t.Say) == "" {
		err = p.errf(n.Line, "a turn needs something to say")
	}
	return t, err
}

func yamlLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	var line int
	if _, e := fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &line); e == nil {
		return line
	}
	return 0
}

// Options configure a run.
type Options struct {
	// Channel is the messages' Channel; "convtest" when empty.
	Channel string
	// Start is the time of the first message; the time of the run when
	// zero. Each turn comes a minute after the one before, plus its Wait.
	Start time.Time
	// Timeout bounds each turn; 30 seconds when zero.
	Timeout time.Duration
}

// Result is the outcome of one conversation.
type Result struct {
	// Suite is the file, Name the conversation.
	Suite, Name string
	// Failures are the expectations the replies did not meet; none means
	// the conversation passed.
	Failures []Failure
}

// Passed reports whether every expectation held.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

// Failure is one expectation that did not hold.
type Failure struct {
	// Turn is the turn's number from 1; Line its line in the file.
	Turn, Line int
	// Say is what the customer said.
	Say string
	// What names the expectation ("entry", "text") and says what was
	// wanted and what came.
	What string
}

// String renders the failure on one line with its place in the file.
func (f Failure) String() string {
	return fmt.Sprintf("line %d, turn %d %q: %s", f.Line, f.Turn, f.Say, f.What)
}

// Report is the outcome of a run.
type Report struct {
	// Results holds each conversation's outcome, in order.
	Results []Result
	// Passed and Failed count the conversations.
	Passed, Failed int
}

// Run runs every conversation of the suites against h and reports each.
// An error of the handler fails the turn's conversation, which stops
// there.
func Run(ctx context.Context, h channel.Handler, opts Options, suites ...*Suite) Report {
	var r Report
	if opts.Start.IsZero() {
		opts.Start = time.Now()
	}
	if opts.Channel == "" {
		opts.Channel = "convtest"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	run := nonce()
	for _, s := range suites {
		for i, c := range s.Conversations {
			res := runOne(ctx, h, opts, fmt.Sprintf("convtest-%s-%d-%d", run, len(r.Results), i), s.Name, c)
			r.Results = append(r.Results, res)
			if res.Passed() {
				r.Passed++
			} else {
				r.Failed++
			}
		}
	}
	return r
}

func nonce() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func runOne(ctx context.Context, h channel.Handler, opts Options, session, suite string, c Conversation) Result {
	res := Result{Suite: suite, Name: c.Name}
	now := opts.Start
	for i, t := range c.Turns {
		now = now.Add(time.Minute + t.Wait)
		msg := channel.Message{ID: fmt.Sprintf("%s-%d", session, i+1), SessionID: session, UserID: session,
			Channel: opts.Channel, Text: t.Say, Time: now, Explain: true}
		if t.Lang != "" {
			msg.Meta = map[string]string{"lang": t.Lang}
		}
		tctx, cancel := context.WithTimeout(ctx, opts.Timeout)
		reply, err := h.Handle(tctx, msg)
		cancel()
		fail := func(format string, args ...any) {
			res.Failures = append(res.Failures, Failure{Turn: i + 1, Line: t.Line, Say: t.Say, What: fmt.Sprintf(format, args...)})
		}
		if err != nil {
			fail("the handler failed: %v", err)
			return res
		}
		check(t.Expect, reply, fail)
	}
	return res
}

func check(e Expect, r channel.Reply, fail func(string, ...any)) {
	text := r.PlainText()
	for _, s := range e.Text {
		if !strings.Contains(text, s) {
			fail("text: want it to contain %q, got %q", s, text)
		}
	}
	for _, s := range e.NotText {
		if strings.Contains(text, s) {
			fail("not_text: want it not to contain %q, got %q", s, text)
		}
	}
	if e.Handoff != nil && *e.Handoff != r.Handoff {
		fail("handoff: want %v, got %v", *e.Handoff, r.Handoff)
	}
	needs := e.Intent != nil || e.OutOfScope != nil || e.Entry != nil || e.Flow != nil || e.State != nil ||
		e.Slots != nil || e.Steps != nil || e.NoAction || e.Lang != nil || e.SmallTalk != nil
	if !needs {
		return
	}
	x := r.Explanation
	if x == nil {
		fail("the reply has no explanation: the handler must fill Reply.Explanation when Message.Explain asks")
		return
	}
	str := func(what string, want *string, got string) {
		if want != nil && *want != got {
			fail("%s: want %q, got %q", what, *want, got)
		}
	}
	str("intent", e.Intent, x.Intent)
	if e.OutOfScope != nil && *e.OutOfScope != x.OutOfScope {
		fail("out_of_scope: want %v, got %v", *e.OutOfScope, x.OutOfScope)
	}
	entry := ""
	if x.Entry != nil {
		entry = x.Entry.ID
	}
	str("entry", e.Entry, entry)
	str("flow", e.Flow, x.Flow)
	str("state", e.State, x.State)
	str("lang", e.Lang, x.Lang)
	str("small_talk", e.SmallTalk, x.SmallTalk)
	for _, k := range slices.Sorted(maps.Keys(e.Slots)) {
		if got, ok := x.Slots[k]; !ok || got != e.Slots[k] {
			fail("slots.%s: want %q, got %q", k, e.Slots[k], got)
		}
	}
	for _, s := range e.Steps {
		if !slices.Contains(x.Steps, s) {
			fail("steps: want %q among %q", s, x.Steps)
		}
	}
	if e.NoAction {
		for _, s := range x.Steps {
			if strings.HasPrefix(s, "call ") || strings.HasPrefix(s, "ticket") || strings.HasPrefix(s, "handoff") {
				fail("no_action: the turn did %q", s)
			}
		}
	}
}

// WriteText writes the report: each conversation passed or failed, the
// failures, and the totals.
func (r Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	for _, res := range r.Results {
		mark := "PASS"
		if !res.Passed() {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "%s  %s: %s\n", mark, res.Suite, res.Name)
		for _, f := range res.Failures {
			fmt.Fprintf(&b, "      %s\n", f)
		}
	}
	total := r.Passed + r.Failed
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(r.Passed) / float64(total)
	}
	fmt.Fprintf(&b, "\n%d of %d conversations passed (%.1f %%)\n", r.Passed, total, pct)
	_, err := w.Write(b.Bytes())
	return err
}

// RunTest runs the suites as subtests of t, one per conversation, failing
// each whose replies do not meet its expectations.
func RunTest(t *testing.T, h channel.Handler, opts Options, suites ...*Suite) {
	t.Helper()
	for _, s := range suites {
		for _, c := range s.Conversations {
			t.Run(path.Base(s.Name)+"/"+c.Name, func(t *testing.T) {
				t.Helper()
				rep := Run(t.Context(), h, opts, &Suite{Name: s.Name, Conversations: []Conversation{c}})
				for _, f := range rep.Results[0].Failures {
					t.Errorf("%s:%d: turn %d %q: %s", s.Name, f.Line, f.Turn, f.Say, f.What)
				}
			})
		}
	}
}
