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
)

var actionNames = [...]string{"", "say", "ask", "confirm", "answer", "ticket", "handoff", "end"}

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
)

var reasonNames = [...]string{"", "completed", "cancelled", "requested", "retry-limit", "flow", "expired"}

// String returns the reason's name, such as "retry-limit".
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
	// Flow is the flow the action belongs to, "" outside flows.
	Flow string
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

// String renders the action on one line, as conversation scripts in tests
// and logs show it: "ask order_id: 请提供订单号", "answer faq.fee: 运费谁出？",
// "handoff retry-limit: …", "end completed".
func (a Action) String() string {
	var b strings.Builder
	b.WriteString(a.Kind.String())
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
	}
	if detail != "" {
		b.WriteString(" ")
		b.WriteString(detail)
	}
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
