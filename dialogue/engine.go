package dialogue

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kefuai/kefu/internal/textnorm"
)

// Input is what the Bot knows about one customer message or event.
type Input struct {
	// Text is the customer's message as written.
	Text string
	// Intent is the classifier's top intent, "" when none.
	Intent string
	// Confidence is the classifier's confidence in Intent, 0 to 1.
	Confidence float64
	// Event is a non-text event from the application or channel: a
	// button, "payment_received". Flows start on events and transitions
	// fire on them.
	Event string
	// Time is when the message arrived. Step takes all time from here, so
	// that a turn is reproducible; it must not be zero.
	Time time.Time
	// Location is the customer's time zone for relative dates; the
	// engine's Options.Location when nil, else Time's location.
	Location *time.Location
	// Lang is the session's language. A flow speaks it when it has
	// translations into it (Flow.Translations); otherwise its own
	// language.
	Lang Lang
	// Answerable, when set, reports whether the Bot can answer Text by
	// itself. With exact false the bar is that of a side question: a
	// knowledge-base entry answers Text well enough, or Text is small talk
	// (你好, 谢谢). With exact true the customer asked an entry's very
	// question: the entry's question and Text cover each other.
	//
	// The engine asks it only to decide between a side question and
	// something else. A reply that does not answer the pending question is
	// answered as a side question (no retry spent, the question asked
	// again) when it asks something, or when it is answerable: a question
	// or an aside at the side-question bar, a statement ("忘记了") only
	// exactly. A question that asks for information ("挂失要收费吗？") is
	// answered instead of starting the flow of its intent when it is
	// answerable exactly; a statement or a request ("我卡丢了", "能帮我挂失
	// 吗") starts the flow. The Bot sets it.
	Answerable func(exact bool) bool
	// IdleTimeout, when not zero, replaces Options.IdleTimeout for this
	// turn: the Bot passes its own, so that one setting decides when a
	// conversation has gone quiet.
	IdleTimeout time.Duration
}

// Func is an operator function that a flow calls with a "call" step: look
// an order up, create a return. Step calls it while holding the session,
// with Step's context; it must be safe for concurrent use.
type Func func(ctx context.Context, c Call) (Result, error)

// Call is what a Func receives.
type Call struct {
	// Session is the session ID.
	Session string
	// Flow and State name where the call happens.
	Flow, State string
	// Slots are the flow's values; the map is the Func's to keep.
	Slots map[string]Value
	// Time is the turn's time in the session's time zone.
	Time time.Time
	// Lang is the language the flow speaks to the customer this turn, for
	// what the Func says (Result.Say).
	Lang Lang
}

// Result is what a Func returns.
type Result struct {
	// Say, when not empty, is sent to the customer.
	Say string
	// Slots are stored into the flow's slots.
	Slots map[string]Value
	// Event, when not empty, fires the state's transitions on it.
	Event string
}

// Globals are the commands that work anywhere in a conversation. Intents
// match the input's intent (with enough confidence). Phrases match a
// message made of command phrases and courtesies ("算了不办了", "不用了谢谢",
// "cancel please"), or its first clause ("算了，我自己去网点办"), ignoring
// case, width, spaces, punctuation and final particles (吧, 啊, 了…); a
// question ("怎么取消订单？") is never a command. Human phrases also match
// inside longer messages ("帮我转人工吧").
//
// The intents and phrases given are added to the defaults
// (DefaultGlobals); NoDefaults uses only them.
type Globals struct {
	// CancelIntents and CancelPhrases cancel the running flow.
	CancelIntents, CancelPhrases []string
	// RestartIntents and RestartPhrases start the running flow again.
	RestartIntents, RestartPhrases []string
	// HumanIntents and HumanPhrases hand the customer to a person.
	HumanIntents, HumanPhrases []string
	// NoDefaults leaves the defaults out.
	NoDefaults bool
}

// DefaultGlobals returns the default commands: the intents "cancel",
// "restart" and "human", and phrases in Chinese and English.
func DefaultGlobals() Globals {
	return Globals{
		CancelIntents: []string{"cancel"},
		CancelPhrases: []string{"取消", "不办了", "不弄了", "不用了", "算了", "不要了", "退出", "不搞了", "不需要了", "先不办了",
			"cancel", "stop", "quit", "never mind", "nevermind", "forget it", "no thanks", "no thank you"},
		RestartIntents: []string{"restart"},
		RestartPhrases: []string{"重新开始", "重来", "从头开始", "重新来", "重新办", "restart", "start over", "start again"},
		HumanIntents:   []string{"human"},
		HumanPhrases: []string{"转人工", "人工客服", "人工服务", "找人工", "人工", "真人", "客服人员", "human", "agent", "real person",
			"talk to a person", "speak to a person", "human agent", "live agent", "representative"},
	}
}

func (g Globals) withDefaults() Globals {
	var d Globals
	if !g.NoDefaults {
		d = DefaultGlobals()
	}
	phrases := func(l ...[]string) []string {
		var out []string
		for _, ps := range l {
			for _, p := range ps {
				if c := compact(textnorm.Normalize(p).Text); c != "" && !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
		return out
	}
	return Globals{
		CancelIntents:  slices.Concat(d.CancelIntents, g.CancelIntents),
		CancelPhrases:  phrases(d.CancelPhrases, g.CancelPhrases),
		RestartIntents: slices.Concat(d.RestartIntents, g.RestartIntents),
		RestartPhrases: phrases(d.RestartPhrases, g.RestartPhrases),
		HumanIntents:   slices.Concat(d.HumanIntents, g.HumanIntents),
		HumanPhrases:   phrases(d.HumanPhrases, g.HumanPhrases),
	}
}

// Options configure an Engine. The zero value is ready to use.
type Options struct {
	// Store keeps the sessions of Step; a new MemoryStore when nil. A
	// Bot keeps the sessions in its own store (kefu.WithSessionStore) and
	// does not use this one.
	Store Store
	// Funcs are the operator functions flows call by name.
	Funcs map[string]Func
	// IdleTimeout ends a flow whose session had no turn for this long:
	// the next message starts afresh. 30 minutes when zero; never when
	// negative. Sessions are kept in the store for twice this long. A Bot
	// passes its own with each turn (Input.IdleTimeout).
	IdleTimeout time.Duration
	// MinConfidence is the confidence an intent needs to start a flow,
	// fire a transition, trigger a global command or count as a
	// digression. DefaultMinConfidence when zero.
	MinConfidence float64
	// MaxRetries is the retry limit of slots and confirmations whose flow
	// sets none. 2 when zero.
	MaxRetries int
	// Location is the default time zone for relative dates.
	Location *time.Location
	// Lang selects the messages used outside flows (LangZH when empty).
	Lang Lang
	// Globals are the commands that work anywhere.
	Globals Globals
}

// DefaultMinConfidence is the confidence an intent needs, by default, for
// the engine to act on it (Options.MinConfidence).
const DefaultMinConfidence = 0.5

// MinConfidence returns the confidence an intent needs for the engine to
// act on it.
func (e *Engine) MinConfidence() float64 { return e.minConf }

// Engine runs flows over sessions. It is immutable after NewEngine and safe
// for concurrent use; turns of one session are serialized by the store.
type Engine struct {
	flows    map[string]*flow
	byIntent map[string]*flow
	byEvent  map[string]*flow
	store    Store
	funcs    map[string]Func
	idle     time.Duration
	minConf  float64
	retries  int
	loc      *time.Location
	msgs     Messages
	globals  Globals
}

// flow is a compiled Flow.
type flow struct {
	def    *Flow
	slots  map[string]*slot
	states map[string]*state
	start  *state
	msgs   Messages // in lang
	// Confirmations (strictYes, strictNo) and yes/no slots (strictSlot)
	// whose answer leads to side effects accept only a plain answer: an
	// explicit yes, a no that says nothing else.
	strictYes, strictNo map[*state]bool
	strictSlot          map[*slot]bool
	// lang is the flow's own language; tongues hold what it says in each
	// language it speaks, lang included.
	lang    Lang
	tongues map[Lang]*tongue
}

// tongue is a flow in one language: its messages, and the translations of
// its texts (nil in its own language).
type tongue struct {
	msgs Messages
	tr   map[string]string
}

type state struct {
	def     *State
	index   int
	collect []*slot
	trans   []transition
}

type transition struct {
	def *Transition
	to  *state
}

// NewEngine validates the flows together (each flow, duplicate names,
// intents or events starting two flows, calls to functions missing from
// opts.Funcs) and returns an engine, or a *FlowError listing every problem.
func NewEngine(flows []*Flow, opts Options) (*Engine, error) {
	e := &Engine{
		flows: map[string]*flow{}, byIntent: map[string]*flow{}, byEvent: map[string]*flow{},
		store: opts.Store, funcs: maps.Clone(opts.Funcs), idle: opts.IdleTimeout, minConf: opts.MinConfidence,
		retries: opts.MaxRetries, loc: opts.Location, msgs: defaultMessages(opts.Lang), globals: opts.Globals.withDefaults(),
	}
	if e.store == nil {
		e.store = NewMemoryStore(MemoryOptions{})
	}
	if e.idle == 0 {
		e.idle = 30 * time.Minute
	}
	if e.minConf <= 0 {
		e.minConf = DefaultMinConfidence
	}
	if e.retries <= 0 {
		e.retries = 2
	}
	var all []Problem
	for i, fd := range flows {
		if fd == nil {
			all = append(all, Problem{Path: fmt.Sprintf("flows[%d]", i), Msg: "nil flow"})
			continue
		}
		c, probs := compile(fd)
		prefix := "flow " + fd.Name + ": "
		for _, p := range probs {
			p.Msg = prefix + p.Msg
			all = append(all, p)
		}
		if _, dup := e.flows[fd.Name]; dup {
			all = append(all, Problem{Path: "name", Msg: prefix + "duplicate flow name"})
		}
		e.flows[fd.Name] = c
		for _, in := range fd.Intents {
			if o, dup := e.byIntent[in]; dup && o != c {
				all = append(all, Problem{Path: "intents", Msg: fmt.Sprintf("%sintent %q also starts flow %s", prefix, in, o.def.Name)})
			}
			e.byIntent[in] = c
		}
		for _, ev := range fd.Events {
			if o, dup := e.byEvent[ev]; dup && o != c {
				all = append(all, Problem{Path: "events", Msg: fmt.Sprintf("%sevent %q also starts flow %s", prefix, ev, o.def.Name)})
			}
			e.byEvent[ev] = c
		}
		for i, sd := range fd.States {
			for j, d := range sd.Do {
				if d.Call != "" && e.funcs[d.Call] == nil {
					all = append(all, Problem{Path: fmt.Sprintf("states[%d].do[%d].call", i, j),
						Msg: fmt.Sprintf("%sno function %q in Options.Funcs", prefix, d.Call)})
				}
			}
		}
	}
	if len(all) > 0 {
		return nil, &FlowError{Problems: all}
	}
	return e, nil
}

// Step runs one turn of session id: it loads the session from the store,
// applies the input, saves the session and returns what the Bot should do,
// in order. For the same stored session and input it returns the same
// actions and stores the same session (provided the operator functions are
// deterministic too). Turns of one session are serialized by the store, so
// concurrent Steps of one session, from any number of engines sharing the
// store, never lose an update.
//
// On error nothing was saved: the session is as before the turn. An error
// wrapping ErrStoreUnavailable means the store could not be reached; the
// Bot apologizes, and the conversation continues from where it was once the
// store is back.
func (e *Engine) Step(ctx context.Context, id string, in Input) ([]Action, error) {
	if in.Time.IsZero() {
		return nil, fmt.Errorf("%w: Input.Time is zero", ErrInvalidInput)
	}
	var acts []Action
	ttl := time.Duration(0)
	if e.idle > 0 {
		ttl = 2 * e.idle
	}
	err := e.store.Update(ctx, id, ttl, func(old []byte) ([]byte, error) {
		s := &Session{ID: id}
		if len(old) > 0 {
			if err := json.Unmarshal(old, s); err != nil || s.ID != id {
				// A session this engine cannot read is of no use to the
				// customer; start afresh rather than fail every turn.
				s = &Session{ID: id}
			}
		}
		var err error
		if acts, err = e.advance(ctx, s, in); err != nil {
			return nil, err
		}
		return json.Marshal(s)
	})
	if err != nil {
		return nil, err
	}
	return acts, nil
}

// Advance is Step on a session the caller keeps: it applies in to s in
// memory and returns the actions, without the engine's store. The Bot keeps
// each conversation's dialogue session inside its own session record this
// way, so that a turn takes one lock. A new conversation starts from
// &Session{ID: id}. On error s may be partly changed: discard it, as Step
// discards a failed turn. s must not be used by two turns at once.
func (e *Engine) Advance(ctx context.Context, s *Session, in Input) ([]Action, error) {
	if in.Time.IsZero() {
		return nil, fmt.Errorf("%w: Input.Time is zero", ErrInvalidInput)
	}
	if s == nil {
		return nil, fmt.Errorf("%w: nil session", ErrInvalidInput)
	}
	return e.advance(ctx, s, in)
}

// Session returns the stored state of session id, or an error wrapping
// ErrNotFound.
func (e *Engine) Session(ctx context.Context, id string) (*Session, error) {
	b, err := e.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	s := &Session{}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("dialogue: session %q: %w", id, err)
	}
	return s, nil
}

// Reset forgets session id.
func (e *Engine) Reset(ctx context.Context, id string) error { return e.store.Delete(ctx, id) }

// maxHops bounds the transitions of one turn.
const maxHops = 64

// turn is the work of one Step.
type turn struct {
	e    *Engine
	ctx  context.Context
	s    *Session
	in   Input
	now  time.Time // in.Time in the session's time zone
	norm string    // compacted text, for commands
	f    *flow
	acts []Action
	hops int
	// ans caches answerable: 0 not asked, 1 yes, 2 no; rd the reading
	// of the input once read.
	ans  uint8
	rd   Reading
	read bool
}

func (e *Engine) advance(ctx context.Context, s *Session, in Input) ([]Action, error) {
	loc := in.Location
	if loc == nil {
		loc = e.loc
	}
	if loc == nil {
		loc = in.Time.Location()
	}
	t := &turn{e: e, ctx: ctx, s: s, in: in, now: in.Time.In(loc), norm: compact(textnorm.Normalize(in.Text).Text)}
	if s.Flow != "" {
		t.f = e.flows[s.Flow]
		if t.f == nil || t.f.states[s.State] == nil {
			// The flow changed under a running session: start afresh.
			s.reset()
			t.f = nil
		}
	}
	if t.f != nil && s.Pending != "" && t.f.slots[s.Pending] == nil {
		// The slot asked for is gone from the flow: start afresh.
		s.reset()
		t.f = nil
	}
	if t.f != nil && s.Slots == nil {
		s.Slots = map[string]Value{}
	}
	idle := e.idle
	if in.IdleTimeout != 0 {
		idle = in.IdleTimeout
	}
	if t.f != nil && idle > 0 && !s.Updated.IsZero() && in.Time.Sub(s.Updated) > idle {
		t.emit(Action{Kind: ActionEnd, Reason: ReasonExpired})
		t.say(t.m().Expired)
		s.reset()
		s.Paused = nil
		t.f = nil
	}
	s.Turns++
	s.Updated = in.Time
	err := t.run()
	return t.acts, err
}

func (t *turn) run() error {
	s, in := t.s, t.in
	// While a yes or a no is awaited, "算了" and "不用了" answer it.
	yesNo := t.f != nil && (s.Confirming || s.Pending != "" && t.f.slots[s.Pending].typ == SlotYesNo) &&
		ReadReply(in.Text, "").Answer != Unsure
	switch {
	case t.command(t.e.globals.HumanIntents, t.e.globals.HumanPhrases, true):
		t.handoff(ReasonRequested, t.msgs().Handoff)
		return nil
	case t.f != nil && !yesNo &&
		t.command(t.e.globals.CancelIntents, t.e.globals.CancelPhrases, false):
		t.say(t.m().Cancelled)
		t.end(ReasonCancelled)
		return nil
	case t.f != nil && t.command(t.e.globals.RestartIntents, t.e.globals.RestartPhrases, false):
		t.say(t.m().Restarted)
		f := t.f
		s.reset()
		return t.startFlow(f, false)
	}

	if t.f == nil {
		var f *flow
		if in.Event != "" {
			f = t.e.byEvent[in.Event]
		}
		if f == nil && t.confident() {
			f = t.e.byIntent[in.Intent]
			if f != nil && in.Answerable != nil && infoQuestion(in.Text) && in.Answerable(true) {
				// "挂失要收费吗？" asks about the flow's subject; it does
				// not ask for the flow.
				t.emit(Action{Kind: ActionAnswer, Text: in.Text})
				return nil
			}
		}
		if f == nil {
			if in.Text != "" || in.Intent != "" {
				t.emit(Action{Kind: ActionAnswer, Intent: t.confidentIntent(), Text: in.Text})
			}
			return nil
		}
		return t.startFlow(f, true)
	}

	st := t.f.states[s.State]
	// Transitions waiting for an intent or an event.
	for _, tr := range st.trans {
		d := tr.def
		if d.Intent == "" && d.Event == "" {
			continue
		}
		if d.Intent != "" && !(t.confident() && in.Intent == d.Intent) {
			continue
		}
		if d.Event != "" && (in.Event != d.Event || d.Event == EventYes || d.Event == EventNo) {
			continue
		}
		if t.holds(tr) {
			return t.follow(tr)
		}
	}
	switch {
	case s.Pending != "":
		return t.answerSlot(st, t.f.slots[s.Pending])
	case s.Confirming:
		return t.answerConfirm(st)
	}
	// Waiting for an event that did not come: answer what was said.
	if in.Text != "" {
		t.emit(Action{Kind: ActionAnswer, Intent: t.confidentIntent(), Text: in.Text})
	}
	return nil
}

// startFlow starts f, prefilling its slots from the input when asked to.
func (t *turn) startFlow(f *flow, prefill bool) error {
	t.f = f
	t.s.Flow = f.def.Name
	t.s.Slots = map[string]Value{}
	t.s.Started = t.in.Time
	if prefill {
		t.extractOthers(f.start)
	}
	return t.enter(f.start, "")
}

// enter moves to st and runs it until it waits for the customer.
func (t *turn) enter(st *state, event string) error {
	t.hops++
	if t.hops > maxHops {
		return fmt.Errorf("%w (flow %s, state %s)", ErrLoop, t.f.def.Name, st.def.Name)
	}
	s := t.s
	s.State, s.Pending, s.Confirming, s.Retries = st.def.Name, "", false, 0
	for _, d := range st.def.Do {
		switch {
		case d.Say != "":
			t.say(t.render(d.Say))
		case d.Answer != "":
			t.emit(Action{Kind: ActionAnswer, Intent: d.Answer})
		case d.Ticket != nil:
			t.emit(Action{Kind: ActionTicket, Queue: d.Ticket.Queue, Text: render(d.Ticket.Summary, s.Slots), Slots: s.texts()})
		case d.Handoff:
			t.handoff(ReasonFlow, t.m().Handoff)
			return nil
		case d.Call != "":
			res, err := t.e.funcs[d.Call](t.ctx, Call{Session: s.ID, Flow: s.Flow, State: s.State, Slots: maps.Clone(s.Slots), Time: t.now,
				Lang: t.lang()})
			if err != nil {
				if !st.handles(EventError) {
					return &CallError{Func: d.Call, Err: err}
				}
				event = EventError
				continue
			}
			t.emit(Action{Kind: ActionCall, Func: d.Call})
			for k, v := range res.Slots {
				s.Slots[k] = v
			}
			if res.Say != "" {
				t.say(res.Say)
			}
			if res.Event != "" {
				event = res.Event
			}
		}
	}
	return t.resume(st, event)
}

// resume asks for what st still needs, or follows its transitions.
func (t *turn) resume(st *state, event string) error {
	s := t.s
	for _, sl := range st.collect {
		if _, ok := s.Slots[sl.name]; !ok {
			s.Pending = sl.name
			t.ask(sl, t.render(sl.def.Prompt), "")
			return nil
		}
	}
	if st.def.Confirm != "" && event != EventYes && event != EventNo {
		s.Confirming = true
		t.confirm(st, "")
		return nil
	}
	waits := false
	for _, tr := range st.trans {
		d := tr.def
		if d.Intent != "" || (d.Event != "" && d.Event != event) {
			// A transition on an intent or on an event from outside
			// can still fire on a later input: the state waits for it.
			if d.Intent != "" || !isInternal(d.Event) {
				waits = true
			}
			continue
		}
		if t.holds(tr) {
			return t.follow(tr)
		}
	}
	if !waits {
		t.end(ReasonCompleted)
	}
	return nil
}

func isInternal(ev string) bool { return ev == EventYes || ev == EventNo || ev == EventError }

func (st *state) handles(event string) bool {
	for _, tr := range st.trans {
		if tr.def.Event == event {
			return true
		}
	}
	return false
}

func (t *turn) follow(tr transition) error {
	for _, name := range tr.def.Clear {
		delete(t.s.Slots, name)
	}
	return t.enter(tr.to, "")
}

// answerSlot handles a reply to the question for sl.
func (t *turn) answerSlot(st *state, sl *slot) error {
	s, in := t.s, t.in
	again := func() { t.ask(sl, t.m().Resume+t.render(sl.def.Prompt), "") }
	extract := sl.ex.Extract
	if sl.typ == SlotYesNo && in.Text != "" && sl.def.Extractor == nil {
		// Read as a confirmation is, against the question asked.
		rd := ReadReply(in.Text, t.render(sl.def.Prompt))
		switch rd.Answer {
		case Wait:
			t.ask(sl, t.m().Waiting, "")
			return nil
		case Yes, No:
			if t.f.strictSlot[sl] && (rd.Tentative || rd.Rest != "") {
				return t.fail(sl.maxRetries, func() { t.ask(sl, t.m().ConfirmExplicit+t.render(sl.def.Prompt), "") })
			}
		}
		extract = func(string, time.Time) (Value, bool) {
			switch rd.Answer {
			case Yes:
				return Value{Text: "yes", Raw: in.Text}, true
			case No:
				return Value{Text: "no", Raw: in.Text}, true
			}
			return Value{}, false
		}
	}
	if sl.free && t.switchFlow(false) {
		return t.startFlow(t.e.byIntent[in.Intent], true)
	}
	if sl.free && t.digression() || (sl.free || sl.typ == SlotLookup) && t.question() && t.answerable() {
		// "七天无理由退货的话运费谁出" names a reason but asks a question.
		t.resumeAfterDigression(again)
		return nil
	}
	if v, ok := extract(in.Text, t.now); ok && in.Text != "" {
		if reason := t.check(sl, v); reason != "" {
			return t.fail(sl.maxRetries, func() {
				t.ask(sl, reason+t.sep()+t.reprompt(sl, false), reason)
			})
		}
		s.Slots[sl.name] = v
		s.Pending, s.Retries = "", 0
		t.extractOthers(st)
		return t.resume(st, "")
	}
	if in.Text == "" {
		return nil // an event the state does not wait for
	}
	if t.switchFlow(false) {
		return t.startFlow(t.e.byIntent[in.Intent], true)
	}
	if t.confident() && slices.Contains(t.f.def.Intents, in.Intent) && !t.question() {
		// "我卡丢了" again restates the problem; it answers nothing, and
		// no knowledge-base entry is its answer either.
		return t.fail(sl.maxRetries, func() { t.ask(sl, t.reprompt(sl, true), "") })
	}
	// Not an answer: a side question is answered and the question asked
	// again, without counting against the customer.
	if t.digression() || t.question() || t.answerable() {
		t.resumeAfterDigression(again)
		return nil
	}
	return t.fail(sl.maxRetries, func() { t.ask(sl, t.reprompt(sl, true), "") })
}

// extractOthers fills the empty slots of st that the input also gives
// ("我要退货，订单号 DD…，质量问题"). Free-text and yes/no slots are only
// filled when asked for.
func (t *turn) extractOthers(st *state) {
	if t.in.Text == "" {
		return
	}
	for _, sl := range st.collect {
		if _, ok := t.s.Slots[sl.name]; ok || sl.free || sl.typ == SlotYesNo {
			continue
		}
		if v, ok := sl.ex.Extract(t.in.Text, t.now); ok && t.check(sl, v) == "" {
			t.s.Slots[sl.name] = v
		}
	}
}

// answerConfirm handles a reply to st's confirmation.
func (t *turn) answerConfirm(st *state) error {
	s, in := t.s, t.in
	rd := ReadReply(in.Text, t.render(st.def.Confirm))
	if t.switchFlow(rd.Answer != Unsure && rd.Rest == "") {
		return t.startFlow(t.e.byIntent[in.Intent], true)
	}
	// A corrected value ("不对，订单号是 DD…") replaces the old one and the
	// question is asked again; a question about another order
	// ("对了，DD2025062003 到哪了？") corrects nothing.
	changed := false
	for _, sd := range t.f.def.Slots {
		sl := t.f.slots[sd.Name]
		if sl.free || sl.typ == SlotYesNo || in.Text == "" || rd.Question || rd.Aside || rd.Hedge || t.digression() {
			continue
		}
		if old, ok := s.Slots[sl.name]; ok {
			if v, ok := sl.ex.Extract(in.Text, t.now); ok && v.Text != old.Text && t.check(sl, v) == "" {
				s.Slots[sl.name] = v
				changed = true
			}
		}
	}
	if changed {
		t.confirm(st, "")
		return nil
	}
	switch rd.Answer {
	case Yes:
		if rd.Rest != "" && t.digression() {
			// "好的，我还想改地址": a yes and another request. Nothing is
			// done on it.
			break
		}
		if t.f.strictYes[st] && (rd.Tentative || rd.Rest != "") {
			// "应该是吧" or "好的，如果免费" does not freeze a card.
			return t.fail(t.maxRetries(0), func() { t.confirm(st, t.m().ConfirmExplicit) })
		}
		return t.resumeConfirmed(st, EventYes)
	case No:
		if t.f.strictNo[st] && rd.Rest != "" && !rd.Opens {
			return t.fail(t.maxRetries(0), func() { t.confirm(st, t.m().ConfirmExplicit) })
		}
		return t.resumeConfirmed(st, EventNo)
	case Wait:
		t.emit(Action{Kind: ActionConfirm, Text: t.m().Waiting, Options: []string{t.m().Yes, t.m().No}})
		return nil
	}
	if in.Text == "" {
		return nil
	}
	// A question, another topic or another intent is answered, and the
	// confirmation asked again: it is never a yes.
	if rd.Question || rd.Aside || rd.Hedge || rd.Answer == Yes || t.digression() || t.answerable() {
		t.resumeAfterDigression(func() { t.confirm(st, t.m().Resume) })
		return nil
	}
	return t.fail(t.maxRetries(0), func() { t.confirm(st, t.m().ConfirmAgain) })
}

func (t *turn) resumeConfirmed(st *state, event string) error {
	t.s.Confirming, t.s.Retries = false, 0
	for _, tr := range st.trans {
		if tr.def.Event == event && t.holds(tr) {
			return t.follow(tr)
		}
	}
	return t.resume(st, event)
}

// digression reports whether the input is a confident intent other than
// the running flow's own: a question to answer before going on.
func (t *turn) digression() bool {
	return t.confident() && !slices.Contains(t.f.def.Intents, t.in.Intent)
}

func (t *turn) resumeAfterDigression(again func()) {
	in := t.confidentIntent()
	if slices.Contains(t.f.def.Intents, in) {
		in = "" // a question about the flow's subject, not the flow
	}
	t.emit(Action{Kind: ActionAnswer, Intent: in, Text: t.in.Text})
	again()
}

// switchFlow reports whether the input turns from the running flow to
// another: its intent, confident, starts another flow, and it is not a
// plain answer (answered), a question or a side topic ("对了，…"), which
// are answered while the flow waits. It then ends the running flow, for
// the caller to start the other.
func (t *turn) switchFlow(answered bool) bool {
	if answered || !t.confident() || t.in.Text == "" || t.reading().Question || t.reading().Aside {
		return false
	}
	f := t.e.byIntent[t.in.Intent]
	if f == nil || f == t.f {
		return false
	}
	s := t.s
	if t.reading().Answer != No {
		// Set the flow aside, to come back to its question once the other
		// ends; a no ("不用了，我要退货") answered it already.
		s.Paused = append(s.Paused, Paused{Flow: s.Flow, State: s.State, Slots: s.Slots, Pending: s.Pending,
			Confirming: s.Confirming, Started: s.Started})
		if len(s.Paused) > MaxPaused {
			s.Paused = slices.Delete(s.Paused, 0, len(s.Paused)-MaxPaused)
		}
	}
	t.end(ReasonSwitched)
	return true
}

// resumePaused brings back the latest paused flow, if any, and asks its
// question again. It reports whether it did.
func (t *turn) resumePaused() bool {
	s := t.s
	for len(s.Paused) > 0 {
		p := s.Paused[len(s.Paused)-1]
		s.Paused = s.Paused[:len(s.Paused)-1]
		f := t.e.flows[p.Flow]
		if f == nil || f.states[p.State] == nil || p.Pending != "" && f.slots[p.Pending] == nil {
			continue // the flow changed meanwhile
		}
		t.f = f
		s.Flow, s.State, s.Slots, s.Pending, s.Confirming, s.Started, s.Retries = p.Flow, p.State, p.Slots, p.Pending, p.Confirming, p.Started, 0
		if s.Slots == nil {
			s.Slots = map[string]Value{}
		}
		switch st := f.states[p.State]; {
		case p.Pending != "":
			sl := f.slots[p.Pending]
			t.ask(sl, t.m().Resume+t.render(sl.def.Prompt), "")
		case p.Confirming:
			t.confirm(st, t.m().Resume)
		}
		return true
	}
	return false
}

// question reports whether the input asks something.
func (t *turn) question() bool { return t.reading().Question }

// reading reads the input, once a turn, as a reply to no question in
// particular.
func (t *turn) reading() Reading {
	if !t.read {
		t.rd, t.read = ReadReply(t.in.Text, ""), true
	}
	return t.rd
}

// answerable asks the Bot, once a turn, whether it can answer the input as
// a side question: a question or an aside as well as a side question
// goes; a statement ("忘记了", "没有") only when an entry's question is
// what it says.
func (t *turn) answerable() bool {
	if t.ans == 0 {
		t.ans = 2
		rd := t.reading()
		if t.in.Answerable != nil && t.in.Text != "" && t.in.Answerable(!rd.Question && !rd.Aside && !rd.Hedge) {
			t.ans = 1
		}
	}
	return t.ans == 1
}

// render fills a template with the session's slots.
func (t *turn) render(tmpl string) string {
	tr := t.tongue().tr
	if x, ok := tr[tmpl]; ok {
		tmpl = x
	}
	return renderIn(tmpl, t.s.Slots, tr)
}

// tr translates a text of the flow into the turn's language.
func (t *turn) tr(s string) string {
	if x, ok := t.tongue().tr[s]; ok {
		return x
	}
	return s
}

// tongue is the running flow in the session's language: Input.Lang when
// the flow speaks it, else the flow's own.
func (t *turn) tongue() *tongue {
	if tg := t.f.tongues[t.in.Lang]; tg != nil {
		return tg
	}
	return t.f.tongues[t.f.lang]
}

// lang is the language the running flow speaks this turn.
func (t *turn) lang() Lang {
	if t.f.tongues[t.in.Lang] != nil {
		return t.in.Lang
	}
	return t.f.lang
}

// m returns the running flow's messages in the turn's language.
func (t *turn) m() *Messages { return &t.tongue().msgs }

// fail counts a failed answer and hands off past the retry limit.
func (t *turn) fail(limit int, again func()) error {
	t.s.Retries++
	if t.s.Retries > t.maxRetries(limit) {
		t.handoff(ReasonRetryLimit, t.m().RetryLimit)
		return nil
	}
	again()
	return nil
}

func (t *turn) maxRetries(slotLimit int) int {
	if slotLimit > 0 {
		return slotLimit
	}
	if t.f.def.MaxRetries > 0 {
		return t.f.def.MaxRetries
	}
	return t.e.retries
}

func (t *turn) reprompt(sl *slot, notUnderstood bool) string {
	if sl.def.Reprompt != "" {
		return t.render(sl.def.Reprompt)
	}
	p := t.render(sl.def.Prompt)
	if notUnderstood {
		return t.m().NotUnderstood + p
	}
	return p
}

func (t *turn) sep() string {
	if t.lang() == LangEN {
		return " "
	}
	return ""
}

func (t *turn) ask(sl *slot, text, invalid string) {
	var opts []string
	for _, o := range sl.options {
		opts = append(opts, t.tr(o))
	}
	t.emit(Action{Kind: ActionAsk, Slot: sl.name, Text: text, Invalid: invalid, Options: opts})
}

func (t *turn) confirm(st *state, prefix string) {
	t.emit(Action{Kind: ActionConfirm, Text: prefix + t.render(st.def.Confirm),
		Options: []string{t.m().Yes, t.m().No}})
}

func (t *turn) say(text string) {
	if text != "" {
		t.emit(Action{Kind: ActionSay, Text: text})
	}
}

func (t *turn) handoff(r Reason, text string) {
	t.emit(Action{Kind: ActionHandoff, Reason: r, Text: text, Slots: t.s.texts()})
	if t.f != nil {
		t.end(r)
	}
}

func (t *turn) end(r Reason) {
	t.emit(Action{Kind: ActionEnd, Reason: r})
	t.s.reset()
	t.f = nil
	switch r {
	case ReasonCompleted, ReasonCancelled:
		t.resumePaused()
	case ReasonSwitched:
	default:
		t.s.Paused = nil // handed off or expired: nothing to come back to
	}
}

func (t *turn) emit(a Action) {
	if t.f != nil {
		a.Flow, a.State = t.f.def.Name, t.s.State
	} else if a.Kind == ActionEnd && t.s.Flow != "" {
		a.Flow, a.State = t.s.Flow, t.s.State
	}
	t.acts = append(t.acts, a)
}

func (t *turn) msgs() Messages {
	if t.f != nil {
		return *t.m()
	}
	if t.in.Lang != "" {
		return defaultMessages(t.in.Lang)
	}
	return t.e.msgs
}

// check returns, in the turn's language, why v does not fit sl, or "".
func (t *turn) check(sl *slot, v Value) string { return t.tr(sl.check(v, t.now, t.m())) }

func (t *turn) confident() bool {
	return t.in.Intent != "" && t.in.Confidence >= t.e.minConf
}

func (t *turn) confidentIntent() string {
	if t.confident() {
		return t.in.Intent
	}
	return ""
}

// commandConfidence is the confidence a cancel or restart intent needs:
// more than other intents, since it throws the flow's progress away
// ("不记得了" is not "不要了").
const commandConfidence = 0.8

// command reports whether the input is one of the global commands.
func (t *turn) command(intents, phrases []string, inside bool) bool {
	if t.confident() && slices.Contains(intents, t.in.Intent) && (inside || t.in.Confidence >= max(commandConfidence, t.e.minConf)) {
		return true
	}
	if t.norm == "" {
		return false
	}
	bare := trimParticles(t.norm)
	for _, p := range phrases {
		if t.norm == p || bare == p || inside && utf8.RuneCountInString(p) >= 3 && t.inside(p) {
			return true
		}
	}
	// The first clause made of command phrases and courtesies; most
	// messages hold no phrase at all.
	if !slices.ContainsFunc(phrases, func(p string) bool { return strings.Contains(t.norm, p) }) || t.question() {
		return false
	}
	n := textnorm.Normalize(t.in.Text).Text
	if i := strings.IndexFunc(n, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }); i > 0 {
		n = n[:i]
	}
	return coveredBy(compact(n), phrases)
}

// inside reports whether phrase p stands inside the input as a command:
// not negated ("不要转人工"), not asked about ("人工客服几点上班？"), and
// for English not a word of a longer story ("my travel agent said…").
func (t *turn) inside(p string) bool {
	i := strings.Index(t.norm, p)
	if i < 0 || t.question() {
		return false
	}
	before := t.norm[:i]
	for _, neg := range []string{"不要", "不用", "别", "不", "没", "无需", "don't", "dont", "no", "not", "never"} {
		if strings.HasSuffix(before, neg) {
			return false
		}
	}
	if p[0] < utf8.RuneSelf && len(p) < 10 && len(strings.Fields(t.in.Text)) > 4 {
		return false
	}
	return true
}

// commandFillers may surround a command phrase: "那算了吧", "不用了谢谢",
// "cancel please".
var commandFillers = []string{"吧", "啊", "呀", "呢", "哦", "噢", "喔", "啦", "嘛", "了", "嘞", "咯", "哈", "我", "你", "您", "那", "那就",
	"就", "还是", "先", "这个", "帮我", "给我", "谢谢", "谢了", "多谢", "麻烦了", "麻烦", "亲", "please", "pls", "thanks", "thankyou",
	"ok", "okay", "just", "it", "i"}

// coveredBy reports whether c is made of at least one of phrases and any
// command fillers, by longest match from the left.
func coveredBy(c string, phrases []string) bool {
	found := false
	for c != "" {
		best, isPhrase := 0, false
		for _, p := range phrases {
			if len(p) > best && strings.HasPrefix(c, p) {
				best, isPhrase = len(p), true
			}
		}
		for _, f := range commandFillers {
			if len(f) > best && strings.HasPrefix(c, f) {
				best, isPhrase = len(f), false
			}
		}
		if best == 0 {
			return false
		}
		found = found || isPhrase
		c = c[best:]
	}
	return found
}

// holds reports whether the conditions of tr hold.
func (t *turn) holds(tr transition) bool {
	for _, c := range tr.def.When {
		if !t.cond(c) {
			return false
		}
	}
	return true
}

func (t *turn) cond(c Condition) bool {
	v, ok := t.s.Slots[c.Slot]
	switch c.Op {
	case OpSet:
		return ok
	case OpUnset:
		return !ok
	}
	if !ok {
		return false
	}
	switch c.Op {
	case OpEq:
		return v.Text == c.Value
	case OpNe:
		return v.Text != c.Value
	case OpIn:
		return slices.Contains(c.Values, v.Text)
	}
	var x float64
	if _, err := fmt.Sscan(c.Value, &x); err != nil {
		return false
	}
	switch c.Op {
	case OpGt:
		return v.Num > x
	case OpGe:
		return v.Num >= x
	case OpLt:
		return v.Num < x
	case OpLe:
		return v.Num <= x
	}
	return false
}
