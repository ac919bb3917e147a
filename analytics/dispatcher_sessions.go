package analytics

import (
	"hash/maphash"
	"sync"
)

// sessionShard holds the summaries of the sessions whose IDs hash to it,
// so that sessions can be tracked without one lock for all.
type sessionShard struct {
	mu    sync.Mutex
	m     map[string]*SessionSummary
	ended map[string]struct{} // recently ended sessions
}

// track updates the summary of e's session and completes a SessionEnded
// event.
func (d *Dispatcher) track(e Event) Event {
	sh := &d.sessions[maphash.String(d.seed, e.SessionID)%uint64(len(d.sessions))]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s := sh.m[e.SessionID]
	if e.Kind == SessionEnded {
		var sum SessionSummary
		if s != nil {
			sum = *s
			delete(sh.m, e.SessionID)
		}
		if len(sh.ended) >= 4096 {
			clear(sh.ended)
		}
		sh.ended[e.SessionID] = struct{}{}
		if e.Duration == 0 && !sum.Start.IsZero() {
			e.Duration = e.Time.Sub(sum.Start)
		}
		sum.Add(e)
		e.Resolved = d.resolve(sum)
		return e
	}
	if s == nil {
		if _, done := sh.ended[e.SessionID]; done && e.Kind == Rating {
			// Ratings usually follow the end of their session: nothing
			// is left to resolve.
			return e
		}
		if len(sh.m) >= d.opts.MaxSessions/len(d.sessions)+1 {
			for k := range sh.m { // forget one at random
				delete(sh.m, k)
				break
			}
		}
		s = &SessionSummary{}
		sh.m[e.SessionID] = s
	}
	s.Add(e)
	return e
}
