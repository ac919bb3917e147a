package dialogue

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// ActionKind says what an Action asks the Bot to do.
type ActionKind uint8

// Action kinds.
const (
	// ActionSay: send Text to the customer.
	ActionSay ActionKind = iota + 1
	// ActionAsk: send Text, which asks for Slot; Invalid says why the
	// previous answer was rejected, if it was. Options are quick replies.
	ActionAsk
	// ActionConfirm: send Text, a yes/no question; Options are the quick
	// replies.
	ActionConfirm
	// ActionAnswer: answer the customer from the knowledge base. Intent is
	// the intent to answer ("" when unknown) and Text the customer's
	// question. Used for digressions, for inputs no flow handles, and for
	// a flow's answer steps (where Text is empty).
	ActionAnswer
	// ActionTicket: open a ticket in Queue titled Text with the fields
	// Slots.
	ActionTicket
	// ActionHandoff: hand the customer to a person, saying Text; Reason
	// says why and Slots carry what the flow collected.
	ActionHandoff
	// ActionEnd: the flow Flow ended for Reason. Bots use it to ask for a
	// rating or to log the outcome.
	ActionEnd
	// ActionCall: the flow called the operator function Func, which
	// succeeded. It is done already: bots log or explain it, nothing
	// more.
	ActionCall
)

var actionNames = [...]string{"", "say", "ask", "confirm", "answer", "ticket", "handoff", "end", "call"}

// String returns the kind's lower-case name.
func (k ActionKind) String() string {
	if int(k) < len(actionNames) && k > 0 {
		return actionNames[k]
	}
	return "ActionKind(" + strconv.Itoa(int(k)) + ")"
}

// Reason says why a flow ended or a customer was handed off.
type Reason uint8

// Reasons.
const (
	// ReasonCompleted: the flow reached a final state.
	ReasonCompleted Reason = iota + 1
	// ReasonCancelled: the customer cancelled.
	ReasonCancelled
	// ReasonRequested: the customer asked for a person.
	ReasonRequested
	// ReasonRetryLimit: too many answers were not understood or invalid.
	ReasonRetryLimit
	// ReasonFlow: the flow's own handoff step.
	ReasonFlow
	// ReasonExpired: the session was idle too long.
	ReasonExpired
	// ReasonSwitched: the customer turned to another flow ("不用了，我要
	// 退货"), which starts in the same turn.
	ReasonSwitched
)

var reasonNames = [...]string{"", "completed", "cancelled", "requested", "retry_limit", "flow", "expired", "switched"}

// String returns the reason's name, such as "retry_limit".
func (r Reason) String() string {
	if int(r) < len(reasonNames) && r > 0 {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Action is one thing the Bot does for a turn, in order. Actions are plain
// data; fields that do not apply to the Kind are empty.
type Action struct {
	Kind ActionKind
	// Text is what to say, or the customer's question for ActionAnswer.
	Text string
	// Flow is the flow the action belongs to, "" outside flows; State
	// the flow's state when the action happened.
	Flow, State string
	// Func is the operator function called (ActionCall).
	Func string
	// Slot is the slot asked for by ActionAsk.
	Slot string
	// Invalid is why the previous answer was rejected (ActionAsk).
	Invalid string
	// Intent is the intent to answer (ActionAnswer).
	Intent string
	// Queue is the ticket queue (ActionTicket).
	Queue string
	// Options are quick replies (ActionAsk, ActionConfirm).
	Options []string
	// Slots are the flow's values as text (ActionTicket, ActionHandoff).
	Slots map[string]string
	// Reason says why (ActionHandoff, ActionEnd).
	Reason Reason
}

// Summary names the action without its text: "ask order_id", "confirm",
// "call check_order", "ticket returns", "handoff retry_limit", "end
// completed", "answer faq.fee".
func (a Action) Summary() string {
	detail := ""
	switch a.Kind {
	case ActionAsk:
		detail = a.Slot
	case ActionAnswer:
		detail = a.Intent
	case ActionTicket:
		detail = a.Queue
	case ActionHandoff, ActionEnd:
		detail = a.Reason.String()
	case ActionCall:
		detail = a.Func
	}
	if detail == "" {
		return a.Kind.String()
	}
	return a.Kind.String() + " " + detail
}

// String renders the action on one line, as conversation scripts in tests
// and logs show it: "ask order_id: 请提供订单号", "answer faq.fee: 运费谁出？",
// "handoff retry_limit: …", "end completed".
func (a Action) String() string {
	var b strings.Builder
	b.WriteString(a.Summary())
	if a.Kind == ActionTicket && len(a.Slots) > 0 {
		b.WriteString(" {")
		for i, k := range slices.Sorted(maps.Keys(a.Slots)) {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(k + "=" + a.Slots[k])
		}
		b.WriteString("}")
	}
	if a.Text != "" {
		b.WriteString(": ")
		b.WriteString(a.Text)
	}
	return b.String()
}
