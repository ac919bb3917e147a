package dialogue

import (
	"maps"
	"slices"
	"time"
)

// Session is the state of one conversation, as the store keeps it (JSON).
// A Session value returned by Engine.Session is a copy: changing it changes
// nothing stored.
type Session struct {
	// ID is the session ID.
	ID string `json:"id"`
	// Flow is the running flow, "" when none.
	Flow string `json:"flow,omitempty"`
	// State is the current state of Flow.
	State string `json:"state,omitempty"`
	// Slots are the values collected so far.
	Slots map[string]Value `json:"slots,omitempty"`
	// Pending is the slot whose answer is awaited, "" when none.
	Pending string `json:"pending,omitempty"`
	// Confirming reports that the answer to the state's confirmation is
	// awaited.
	Confirming bool `json:"confirming,omitempty"`
	// Retries counts failed answers to the current question.
	Retries int `json:"retries,omitempty"`
	// Turns counts the session's turns.
	Turns int `json:"turns"`
	// Started is when the running flow started.
	Started time.Time `json:"started,omitzero"`
	// Updated is the time of the last turn.
	Updated time.Time `json:"updated,omitzero"`
	// Paused are flows the customer turned away from to start another
	// ("好的，我还想退货" while asked to confirm a delivery change), the
	// latest last: when the running flow ends, the latest resumes at the
	// question it was asking.
	Paused []Paused `json:"paused,omitempty"`
}

// Paused is a flow set aside for another, as it stood.
type Paused struct {
	Flow       string           `json:"flow"`
	State      string           `json:"state"`
	Slots      map[string]Value `json:"slots,omitempty"`
	Pending    string           `json:"pending,omitempty"`
	Confirming bool             `json:"confirming,omitempty"`
	Started    time.Time        `json:"started,omitzero"`
}

// MaxPaused bounds the flows a session keeps paused; past it the oldest is
// dropped.
const MaxPaused = 3

// reset ends the running flow.
func (s *Session) reset() {
	s.Flow, s.State, s.Slots, s.Pending, s.Confirming, s.Retries, s.Started = "", "", nil, "", false, 0, time.Time{}
}

// texts returns the slots as text, for tickets and hand-offs.
func (s *Session) texts() map[string]string {
	if len(s.Slots) == 0 {
		return nil
	}
	m := make(map[string]string, len(s.Slots))
	for _, k := range slices.Sorted(maps.Keys(s.Slots)) {
		m[k] = s.Slots[k].Text
	}
	return m
}
