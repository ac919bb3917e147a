package dialogue

import (
	"errors"
	"fmt"
	"strings"
)

// Errors returned by the engine and the stores. Stores wrap them, so check
// with errors.Is.
var (
	// ErrNotFound is returned by Store.Get for a session that does not
	// exist or has expired.
	ErrNotFound = errors.New("dialogue: session not found")
	// ErrStoreUnavailable wraps the error of a store that cannot be
	// reached (a Redis outage). The session is unchanged: the customer's
	// message was not applied, and the same message can be sent again once
	// the store is back. A Bot turns it into an apology.
	ErrStoreUnavailable = errors.New("dialogue: session store unavailable")
	// ErrBusy is returned when a session stays locked by another turn for
	// longer than the store waits.
	ErrBusy = errors.New("dialogue: session busy")
	// ErrLockLost is returned when a turn took so long that its lock on the
	// session expired and the session changed under it; the turn's result
	// was discarded.
	ErrLockLost = errors.New("dialogue: session lock lost")
	// ErrInvalidFlow is matched by every *FlowError.
	ErrInvalidFlow = errors.New("dialogue: invalid flow")
	// ErrInvalidInput is returned by Engine.Step for an input it cannot
	// take, such as one without a time.
	ErrInvalidInput = errors.New("dialogue: invalid input")
	// ErrLoop is returned when one turn follows more transitions than any
	// sensible flow needs, which means the flow cycles without asking.
	ErrLoop = errors.New("dialogue: too many transitions in one turn")
)

// Pos is a place in a flow file.
type Pos struct {
	File string
	// Line and Column are 1-based; 0 when unknown.
	Line, Column int
}

// String returns "file:line:column", leaving out what is unknown.
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprint(p.Line)
		if p.Column > 0 {
			s += fmt.Sprintf(":%d", p.Column)
		}
	}
	return s
}

// Problem is one thing wrong with a flow.
type Problem struct {
	// Pos locates the problem in the flow file; it is zero for flows
	// defined in Go.
	Pos Pos
	// Path names the faulty element as it is spelled in a flow file, such
	// as "states[2].transitions[0].to".
	Path string
	// Msg says what is wrong.
	Msg string
}

// String returns the problem as "file:line:col: path: message".
func (p Problem) String() string {
	var b strings.Builder
	if s := p.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// FlowError lists every problem found in one or more flows. Loading and
// engine construction report all problems at once, and load nothing when
// there is any.
type FlowError struct {
	// Flow names the flow or file, or is empty when problems span several.
	Flow     string
	Problems []Problem
}

// Error lists the problems, one a line.
func (e *FlowError) Error() string {
	var b strings.Builder
	b.WriteString("dialogue: ")
	if e.Flow != "" {
		fmt.Fprintf(&b, "flow %s: ", e.Flow)
	}
	if len(e.Problems) == 1 {
		b.WriteString(e.Problems[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalidFlow.
func (e *FlowError) Is(target error) bool { return target == ErrInvalidFlow }

// CallError is returned by Engine.Step when an operator function failed and
// the flow has no transition on EventError to handle it.
type CallError struct {
	// Func is the operator function's name.
	Func string
	// Err is what it returned.
	Err error
}

// Error returns "dialogue: call NAME: ERR".
func (e *CallError) Error() string { return "dialogue: call " + e.Func + ": " + e.Err.Error() }

// Unwrap returns the function's error.
func (e *CallError) Unwrap() error { return e.Err }
