package dialogue

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Flow is one multi-turn conversation as data: the slots it collects and
// the states it moves through. Define it in Go or load it from a YAML or
// JSON file with ParseFlow or LoadFlows; the field names of the files are
// the yaml tags. A Flow is plain data: the engine compiles it in NewEngine
// and does not keep or change the value passed to it.
type Flow struct {
	// Name identifies the flow; sessions record it.
	Name string `yaml:"name" json:"name"`
	// Lang selects the default messages (LangZH when empty).
	Lang Lang `yaml:"lang,omitempty" json:"lang,omitempty"`
	// Intents start the flow when the input's intent is one of them with
	// enough confidence and no flow is running.
	Intents []string `yaml:"intents,omitempty" json:"intents,omitempty"`
	// Events start the flow when the input's event is one of them and no
	// flow is running.
	Events []string `yaml:"events,omitempty" json:"events,omitempty"`
	// Start names the first state; the first of States when empty.
	Start string `yaml:"start,omitempty" json:"start,omitempty"`
	// MaxRetries is how many failed answers a slot or confirmation
	// tolerates before the customer is handed to a person; a slot's own
	// MaxRetries wins, and the engine's applies when both are zero.
	MaxRetries int `yaml:"maxRetries,omitempty" json:"maxRetries,omitempty"`
	// RelaxedConfirm lets a tentative yes ("应该是吧", "随便", "I guess
	// so") answer every confirmation. By default a confirmation whose yes
	// leads to a call or a ticket (a step with side effects) accepts only
	// an explicit yes and asks again for one.
	RelaxedConfirm bool `yaml:"relaxedConfirm,omitempty" json:"relaxedConfirm,omitempty"`
	// Slots are the values the flow collects.
	Slots []Slot `yaml:"slots,omitempty" json:"slots,omitempty"`
	// States are the steps of the conversation.
	States []State `yaml:"states" json:"states"`
	// Messages override the default messages for Lang.
	Messages Messages `yaml:"messages,omitempty" json:"messages,omitzero"`
	// Translations let the flow speak other languages: for each language,
	// the flow's own texts (prompts, reprompts, options, lookup values,
	// validation messages, confirmations, say steps, Messages) mapped to
	// their translation, templates included:
	//
	//	translations:
	//	  en:
	//	    请提供您的订单号。: "Your order number, please."
	//	    确认提交订单 {order_id} 的退货吗？: "Submit the return for order {order_id}?"
	//	    质量问题: damaged
	//
	// A session whose language (Input.Lang) has translations hears the
	// flow in it, the engine's built-in messages too; a text without a
	// translation is said as written. Translated lookup values are also
	// understood as answers ("damaged" fills 质量问题). Ticket summaries,
	// for the operator's staff, stay in the flow's language.
	Translations map[Lang]map[string]string `yaml:"translations,omitempty" json:"translations,omitempty"`
}

// Lang is the language of a flow's built-in messages.
type Lang string

// Languages with built-in messages.
const (
	LangZH Lang = "zh"
	LangEN Lang = "en"
)

// SlotType selects a slot's built-in extractor.
type SlotType string

// Slot types.
const (
	// SlotText takes the customer's whole answer, trimmed.
	SlotText SlotType = "text"
	// SlotRegex takes the first match of Pattern in the normalized answer
	// (lower case, half-width, traditional characters converted to
	// simplified ones): the group named "value" if there is one, else the
	// first group, else the whole match.
	SlotRegex SlotType = "regex"
	// SlotLookup takes the first of Values whose value or synonym appears
	// in the answer; the value is the entry's Value. Both are compared
	// normalized, so case, full-width forms and traditional characters do
	// not matter (质量问题 matches 質量問題).
	SlotLookup SlotType = "lookup"
	// SlotMobile takes a mainland-China mobile number (11 digits).
	SlotMobile SlotType = "mobile"
	// SlotOrder takes an order number matching Pattern, by default up to
	// four letters then 10 to 24 digits; the value is upper-cased.
	SlotOrder SlotType = "order"
	// SlotAmount takes a sum of money ("三百五", "¥80", "$20"); Value.Num
	// is the sum and Value.Unit the currency.
	SlotAmount SlotType = "amount"
	// SlotQuantity takes a count ("两件", "3"); Value.Num is the count.
	SlotQuantity SlotType = "quantity"
	// SlotNumber takes a number ("三百五", "3.5").
	SlotNumber SlotType = "number"
	// SlotDate takes a day ("明天", "3月5号", "next monday"); Value.Time is
	// its midnight in the session's time zone.
	SlotDate SlotType = "date"
	// SlotTime takes a time of day, with or without a day ("明天晚上8点",
	// "10am").
	SlotTime SlotType = "time"
	// SlotYesNo takes a yes or a no; the value is "yes" or "no".
	SlotYesNo SlotType = "yesno"
)

var slotTypes = []SlotType{SlotText, SlotRegex, SlotLookup, SlotMobile, SlotOrder, SlotAmount, SlotQuantity,
	SlotNumber, SlotDate, SlotTime, SlotYesNo}

func (t SlotType) numeric() bool  { return t == SlotAmount || t == SlotQuantity || t == SlotNumber }
func (t SlotType) temporal() bool { return t == SlotDate || t == SlotTime }

// Slot is a value the flow asks the customer for.
type Slot struct {
	// Name identifies the slot in states, conditions and templates
	// ("{order_id}").
	Name string `yaml:"name" json:"name"`
	// Type selects the built-in extractor; SlotText when empty.
	Type SlotType `yaml:"type,omitempty" json:"type,omitempty"`
	// Pattern is the regular expression of SlotRegex and SlotOrder (Go
	// syntax, matched against normalized text).
	Pattern string `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	// Values are the entries of SlotLookup.
	Values []LookupValue `yaml:"values,omitempty" json:"values,omitempty"`
	// Prompt asks for the slot. It is a template: "{name}" is replaced by
	// the value of slot name.
	Prompt string `yaml:"prompt" json:"prompt"`
	// Reprompt asks again after an answer that was not understood; by
	// default the flow's NotUnderstood message followed by Prompt.
	Reprompt string `yaml:"reprompt,omitempty" json:"reprompt,omitempty"`
	// Options are quick replies offered with the prompt; for SlotLookup
	// the entries' values when empty.
	Options []string `yaml:"options,omitempty" json:"options,omitempty"`
	// Validate restricts acceptable values.
	Validate Validation `yaml:"validate,omitempty" json:"validate,omitzero"`
	// MaxRetries overrides the flow's MaxRetries for this slot.
	MaxRetries int `yaml:"maxRetries,omitempty" json:"maxRetries,omitempty"`
	// Extractor, when set, replaces the built-in extractor of Type. Flows
	// defined in Go only.
	Extractor Extractor `yaml:"-" json:"-"`
}

// LookupValue is one entry of a lookup slot.
type LookupValue struct {
	// Value is the slot's value when the entry matches.
	Value string `yaml:"value" json:"value"`
	// Synonyms are other ways customers say it.
	Synonyms []string `yaml:"synonyms,omitempty" json:"synonyms,omitempty"`
}

// Validation restricts the values a slot accepts. An extracted value that
// breaks a rule is rejected with Message and the slot is asked again.
type Validation struct {
	// Min and Max bound numeric slots (amount, quantity, number).
	Min *float64 `yaml:"min,omitempty" json:"min,omitempty"`
	Max *float64 `yaml:"max,omitempty" json:"max,omitempty"`
	// MinLen and MaxLen bound the value's length in characters.
	MinLen int `yaml:"minLen,omitempty" json:"minLen,omitempty"`
	MaxLen int `yaml:"maxLen,omitempty" json:"maxLen,omitempty"`
	// Pattern must match the value's text.
	Pattern string `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	// NotPast rejects days before the turn's day; NotFuture days after
	// it (date and time slots).
	NotPast   bool `yaml:"notPast,omitempty" json:"notPast,omitempty"`
	NotFuture bool `yaml:"notFuture,omitempty" json:"notFuture,omitempty"`
	// MaxDaysAhead rejects days more than this many days after the turn's
	// day (date and time slots).
	MaxDaysAhead int `yaml:"maxDaysAhead,omitempty" json:"maxDaysAhead,omitempty"`
	// Message tells the customer why the answer was rejected; the flow's
	// Invalid message when empty.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
}

// State is one step of a flow. Entering it runs Do in order; then the state
// asks for each slot of Collect that has no value yet, one a turn; then, if
// Confirm is set, asks it as a yes/no question; then follows the first
// Transition whose triggers hold. A state with no transitions ends the flow.
type State struct {
	// Name identifies the state in transitions.
	Name string `yaml:"name" json:"name"`
	// Do lists what happens on entering the state.
	Do []Do `yaml:"do,omitempty" json:"do,omitempty"`
	// Collect names the slots the state asks for.
	Collect []string `yaml:"collect,omitempty" json:"collect,omitempty"`
	// Confirm is a yes/no question (a template) asked once the slots are
	// filled; the answer is EventYes or EventNo, which the transitions
	// must both handle.
	Confirm string `yaml:"confirm,omitempty" json:"confirm,omitempty"`
	// Transitions lead to other states, tried in order.
	Transitions []Transition `yaml:"transitions,omitempty" json:"transitions,omitempty"`
}

// Do is one step on entering a state. Exactly one field is set.
type Do struct {
	// Say sends the customer a message (a template).
	Say string `yaml:"say,omitempty" json:"say,omitempty"`
	// Answer asks the Bot to answer the named intent from its knowledge
	// base: kefu's Bot answers with an entry that names the intent
	// (kb.Entry.Intents), in the session's language when there are
	// several, and with the best match for the customer's message when
	// none does.
	Answer string `yaml:"answer,omitempty" json:"answer,omitempty"`
	// Call runs the operator function of that name (Options.Funcs). Its
	// Result can set slots, say something and raise an event for the
	// state's transitions.
	Call string `yaml:"call,omitempty" json:"call,omitempty"`
	// Ticket asks the Bot to open a ticket with the flow's slots.
	Ticket *Ticket `yaml:"ticket,omitempty" json:"ticket,omitempty"`
	// Handoff hands the customer to a person and ends the flow; it must be
	// the last step.
	Handoff bool `yaml:"handoff,omitempty" json:"handoff,omitempty"`
}

// Ticket describes a ticket to open.
type Ticket struct {
	// Queue is where the ticket goes ("returns", "billing").
	Queue string `yaml:"queue" json:"queue"`
	// Summary is the ticket's title, a template.
	Summary string `yaml:"summary,omitempty" json:"summary,omitempty"`
}

// Transition leads to another state. It fires when every trigger it sets
// holds: Intent (the input's intent, confident enough), Event (the input's
// event, a confirmation's EventYes or EventNo, or an event raised by a call)
// and When (conditions on slots). A transition without Intent and Event is
// followed as soon as the state has its slots and confirmation; one with
// either waits for it.
type Transition struct {
	// To names the next state.
	To string `yaml:"to" json:"to"`
	// Intent fires the transition on this intent.
	Intent string `yaml:"intent,omitempty" json:"intent,omitempty"`
	// Event fires the transition on this event.
	Event string `yaml:"event,omitempty" json:"event,omitempty"`
	// When are conditions on slots, all of which must hold.
	When []Condition `yaml:"when,omitempty" json:"when,omitempty"`
	// Clear names slots to forget when the transition is followed, so
	// that the next state asks for them again.
	Clear []string `yaml:"clear,omitempty" json:"clear,omitempty"`
}

// Events the engine raises itself.
const (
	// EventYes is a confirmation answered yes.
	EventYes = "yes"
	// EventNo is a confirmation answered no.
	EventNo = "no"
	// EventError is raised when an operator function returns an error.
	EventError = "error"
)

// Condition tests a slot.
type Condition struct {
	Slot string `yaml:"slot" json:"slot"`
	Op   Op     `yaml:"op" json:"op"`
	// Value is the operand of comparisons.
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	// Values are the operands of OpIn.
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
}

// Op is a condition's operator.
type Op string

// Operators. OpGt, OpGe, OpLt and OpLe compare numbers (Value.Num of
// numeric slots); OpEq, OpNe and OpIn compare the value's text.
const (
	OpSet   Op = "set"
	OpUnset Op = "unset"
	OpEq    Op = "eq"
	OpNe    Op = "ne"
	OpIn    Op = "in"
	OpGt    Op = "gt"
	OpGe    Op = "ge"
	OpLt    Op = "lt"
	OpLe    Op = "le"
)

// Validate checks the whole flow and returns a *FlowError listing every
// problem, or nil.
func (f *Flow) Validate() error {
	if _, probs := compile(f); len(probs) > 0 {
		return &FlowError{Flow: f.Name, Problems: probs}
	}
	return nil
}

// problems collects validation problems.
type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

var slotNameRE = regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_]*$`)

// compile checks f and builds its runtime form; the form is only valid
// when there are no problems.
func compile(f *Flow) (*flow, []Problem) {
	var ps problems
	c := &flow{def: f, slots: map[string]*slot{}, states: map[string]*state{}}
	if strings.TrimSpace(f.Name) == "" {
		ps.add("name", "missing flow name")
	}
	switch f.Lang {
	case "", LangZH, LangEN:
	default:
		ps.add("lang", "unknown language %q (want %q or %q)", f.Lang, LangZH, LangEN)
	}
	c.msgs = defaultMessages(f.Lang).merge(f.Messages)
	c.lang = f.Lang
	if c.lang == "" {
		c.lang = LangZH
	}
	c.tongues = map[Lang]*tongue{c.lang: {msgs: c.msgs}}
	for l, tr := range f.Translations {
		switch l {
		case LangZH, LangEN:
		default:
			ps.add("translations", "unknown language %q (want %q or %q)", l, LangZH, LangEN)
			continue
		}
		if l == c.lang {
			ps.add("translations."+string(l), "the flow is written in %s already", l)
			continue
		}
		var own Messages
		for _, fld := range messageFields(&f.Messages) {
			if *fld.src != "" {
				*fld.dst(&own) = tr[*fld.src]
			}
		}
		c.tongues[l] = &tongue{msgs: defaultMessages(l).merge(own), tr: tr}
	}
	if len(f.Intents) == 0 && len(f.Events) == 0 {
		ps.add("intents", "the flow can never start: it has no intents or events")
	}
	for i, in := range f.Intents {
		if strings.TrimSpace(in) == "" {
			ps.add(fmt.Sprintf("intents[%d]", i), "empty intent")
		}
	}
	if f.MaxRetries < 0 {
		ps.add("maxRetries", "negative retry limit %d", f.MaxRetries)
	}

	// Slots.
	for i := range f.Slots {
		sd := &f.Slots[i]
		path := fmt.Sprintf("slots[%d]", i)
		if !slotNameRE.MatchString(sd.Name) {
			ps.add(path+".name", "slot name %q must be letters, digits and _", sd.Name)
		} else if _, dup := c.slots[sd.Name]; dup {
			ps.add(path+".name", "duplicate slot %q", sd.Name)
		}
		sl := compileSlot(sd, path, f, &ps)
		if sl != nil && sd.Name != "" {
			if _, dup := c.slots[sd.Name]; !dup {
				c.slots[sd.Name] = sl
			}
		}
	}
	checkTemplates := func(path, tmpl string) {
		for _, name := range templateNames(tmpl) {
			if _, ok := c.slots[name]; !ok {
				ps.add(path, "unknown slot {%s} in template", name)
			}
		}
	}
	for i := range f.Slots {
		checkTemplates(fmt.Sprintf("slots[%d].prompt", i), f.Slots[i].Prompt)
		checkTemplates(fmt.Sprintf("slots[%d].reprompt", i), f.Slots[i].Reprompt)
	}

	// States.
	if len(f.States) == 0 {
		ps.add("states", "the flow has no states")
	}
	for i := range f.States {
		sd := &f.States[i]
		path := fmt.Sprintf("states[%d]", i)
		if strings.TrimSpace(sd.Name) == "" {
			ps.add(path+".name", "missing state name")
			continue
		}
		if _, dup := c.states[sd.Name]; dup {
			ps.add(path+".name", "duplicate state %q", sd.Name)
			continue
		}
		c.states[sd.Name] = &state{def: sd, index: i}
	}
	start := f.Start
	if start == "" && len(f.States) > 0 {
		start = f.States[0].Name
	}
	if st, ok := c.states[start]; ok {
		c.start = st
	} else if f.Start != "" {
		ps.add("start", "unknown state %q", f.Start)
	}
	collected := map[string]bool{}
	for i := range f.States {
		sd := &f.States[i]
		st := c.states[sd.Name]
		if st == nil || st.def != sd {
			continue
		}
		path := fmt.Sprintf("states[%d]", i)
		for j, d := range sd.Do {
			dp := fmt.Sprintf("%s.do[%d]", path, j)
			n := 0
			for _, set := range []bool{d.Say != "", d.Answer != "", d.Call != "", d.Ticket != nil, d.Handoff} {
				if set {
					n++
				}
			}
			if n != 1 {
				ps.add(dp, "a step needs exactly one of say, answer, call, ticket, handoff (has %d)", n)
			}
			checkTemplates(dp+".say", d.Say)
			if d.Ticket != nil {
				if strings.TrimSpace(d.Ticket.Queue) == "" {
					ps.add(dp+".ticket.queue", "missing ticket queue")
				}
				checkTemplates(dp+".ticket.summary", d.Ticket.Summary)
			}
			if d.Handoff && j != len(sd.Do)-1 {
				ps.add(dp+".handoff", "handoff ends the flow: it must be the last step")
			}
			if d.Handoff && (len(sd.Collect) > 0 || sd.Confirm != "" || len(sd.Transitions) > 0) {
				ps.add(dp+".handoff", "handoff ends the flow: the state cannot also collect, confirm or have transitions")
			}
		}
		for j, name := range sd.Collect {
			cp := fmt.Sprintf("%s.collect[%d]", path, j)
			sl, ok := c.slots[name]
			switch {
			case !ok:
				ps.add(cp, "unknown slot %q", name)
				continue
			case slices.Contains(sd.Collect[:j], name):
				ps.add(cp, "slot %q collected twice", name)
				continue
			}
			collected[name] = true
			st.collect = append(st.collect, sl)
		}
		checkTemplates(path+".confirm", sd.Confirm)
		if sd.Confirm != "" {
			var yes, no bool
			for _, t := range sd.Transitions {
				yes = yes || t.Event == EventYes
				no = no || t.Event == EventNo
			}
			if !yes || !no {
				ps.add(path+".confirm", "a confirmation needs transitions on event %q and on event %q", EventYes, EventNo)
			}
		}
		for j, t := range sd.Transitions {
			tp := fmt.Sprintf("%s.transitions[%d]", path, j)
			to, ok := c.states[t.To]
			switch {
			case t.To == "":
				ps.add(tp+".to", "missing target state")
			case !ok:
				ps.add(tp+".to", "unknown state %q", t.To)
			}
			tr := transition{def: &sd.Transitions[j], to: to}
			for k, cond := range t.When {
				cp := fmt.Sprintf("%s.when[%d]", tp, k)
				sl, ok := c.slots[cond.Slot]
				if !ok {
					ps.add(cp+".slot", "unknown slot %q", cond.Slot)
				}
				switch cond.Op {
				case OpSet, OpUnset:
				case OpEq, OpNe:
					if cond.Value == "" {
						ps.add(cp+".value", "operator %q needs a value", cond.Op)
					}
				case OpIn:
					if len(cond.Values) == 0 {
						ps.add(cp+".values", "operator %q needs values", cond.Op)
					}
				case OpGt, OpGe, OpLt, OpLe:
					if _, err := strconv.ParseFloat(cond.Value, 64); err != nil {
						ps.add(cp+".value", "operator %q needs a number, not %q", cond.Op, cond.Value)
					}
					if ok && !sl.typ.numeric() {
						ps.add(cp+".op", "operator %q compares numbers but slot %q is of type %s", cond.Op, cond.Slot, sl.typ)
					}
				case "":
					ps.add(cp+".op", "missing operator")
				default:
					ps.add(cp+".op", "unknown operator %q", cond.Op)
				}
			}
			for k, name := range t.Clear {
				if _, ok := c.slots[name]; !ok {
					ps.add(fmt.Sprintf("%s.clear[%d]", tp, k), "unknown slot %q", name)
				}
			}
			st.trans = append(st.trans, tr)
		}
	}
	for i := range f.Slots {
		sd := &f.Slots[i]
		if collected[sd.Name] && strings.TrimSpace(sd.Prompt) == "" {
			ps.add(fmt.Sprintf("slots[%d].prompt", i), "slot %q is collected but has no prompt", sd.Name)
		}
	}

	// Translations translate the flow's texts.
	if len(f.Translations) > 0 {
		own := flowTexts(f)
		for _, l := range slices.Sorted(maps.Keys(f.Translations)) {
			for _, k := range slices.Sorted(maps.Keys(f.Translations[l])) {
				path := fmt.Sprintf("translations.%s[%q]", l, k)
				if !own[k] {
					ps.add(path, "no text of the flow reads %q", k)
				}
				if strings.TrimSpace(f.Translations[l][k]) == "" {
					ps.add(path, "empty translation")
				}
				checkTemplates(path, f.Translations[l][k])
				from, to := templateNames(k), templateNames(f.Translations[l][k])
				slices.Sort(from)
				slices.Sort(to)
				if !slices.Equal(slices.Compact(from), slices.Compact(to)) {
					ps.add(path, "the translation names slots %v, the text %v", to, from)
				}
			}
		}
	}

	// Confirmations and yes/no questions whose answers lead to side
	// effects accept only a plain answer.
	c.strictYes, c.strictNo, c.strictSlot = map[*state]bool{}, map[*state]bool{}, map[*slot]bool{}
	if !f.RelaxedConfirm {
		for _, st := range c.states {
			for _, tr := range st.trans {
				if tr.to == nil || !sideEffects(tr.to, map[*state]bool{}) {
					continue
				}
				switch {
				case st.def.Confirm != "" && tr.def.Event == EventYes:
					c.strictYes[st] = true
				case st.def.Confirm != "" && tr.def.Event == EventNo:
					c.strictNo[st] = true
				}
				for _, sl := range st.collect {
					if sl.typ == SlotYesNo {
						c.strictSlot[sl] = true
					}
				}
			}
		}
	}

	// Reachability from the start state.
	if c.start != nil {
		seen := map[*state]bool{c.start: true}
		queue := []*state{c.start}
		for len(queue) > 0 {
			st := queue[0]
			queue = queue[1:]
			for _, t := range st.trans {
				if t.to != nil && !seen[t.to] {
					seen[t.to] = true
					queue = append(queue, t.to)
				}
			}
		}
		for i := range f.States {
			if st := c.states[f.States[i].Name]; st != nil && st.def == &f.States[i] && !seen[st] {
				ps.add(fmt.Sprintf("states[%d]", i), "state %q is unreachable from the start state %q", st.def.Name, c.start.def.Name)
			}
		}
	}
	return c, ps
}

// flowTexts returns the texts of f that translations translate.
func flowTexts(f *Flow) map[string]bool {
	own := map[string]bool{}
	add := func(s string) {
		if s != "" {
			own[s] = true
		}
	}
	for i := range f.Slots {
		sd := &f.Slots[i]
		add(sd.Prompt)
		add(sd.Reprompt)
		add(sd.Validate.Message)
		for _, o := range sd.Options {
			add(o)
		}
		for _, v := range sd.Values {
			add(v.Value)
		}
	}
	for i := range f.States {
		sd := &f.States[i]
		add(sd.Confirm)
		for _, d := range sd.Do {
			add(d.Say)
		}
	}
	for _, fld := range messageFields(&f.Messages) {
		add(*fld.src)
	}
	return own
}

// sideEffects reports whether entering st can call a function or open a
// ticket before the flow next asks for a confirmation. It goes through
// states that collect slots, which pass at once when the slots are
// filled already.
func sideEffects(st *state, seen map[*state]bool) bool {
	if seen[st] {
		return false
	}
	seen[st] = true
	for _, d := range st.def.Do {
		if d.Call != "" || d.Ticket != nil {
			return true
		}
	}
	if st.def.Confirm != "" {
		return false
	}
	for _, tr := range st.trans {
		if tr.def.Intent == "" && (tr.def.Event == "" || tr.def.Event == EventError) && tr.to != nil && sideEffects(tr.to, seen) {
			return true
		}
	}
	return false
}

// templateNames returns the slot names referenced as {name} in s.
func templateNames(s string) []string {
	var names []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return names
		}
		if name := s[i+1 : i+j]; slotNameRE.MatchString(name) {
			names = append(names, name)
		}
		s = s[i+j+1:]
	}
}

// render replaces {name} in tmpl by the text of slot name.
func render(tmpl string, slots map[string]Value) string { return renderIn(tmpl, slots, nil) }

// renderIn is render with the values' texts translated by tr.
func renderIn(tmpl string, slots map[string]Value, tr map[string]string) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	s := tmpl
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name := s[i+1 : i+j]
		if !slotNameRE.MatchString(name) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		v := slots[name].Text
		if t, ok := tr[v]; ok {
			v = t
		}
		b.WriteString(v)
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}
