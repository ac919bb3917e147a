package webhook

import (
	"container/list"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/kefuai/kefu/channel"
)

// RecorderOptions configure a Recorder. The zero value is ready to use.
type RecorderOptions struct {
	// MaxEntries is how many of the latest messages are kept per session;
	// 20 when zero.
	MaxEntries int
	// MaxSessions bounds the sessions kept; beyond it the least recently
	// active is forgotten. 10 000 when zero.
	MaxSessions int
	// TTL forgets a session idle for this long; 1 hour when zero.
	TTL time.Duration
	// Now is the clock for TTL; time.Now when nil.
	Now func() time.Time
}

// Recorder keeps a short rolling transcript of each session in memory,
// for the tickets of hand-offs. Texts are kept as they were said; a
// Sender redacts them when it sends. It is safe for concurrent use.
type Recorder struct {
	opts RecorderOptions

	mu       sync.Mutex
	sessions map[string]*list.Element // of *transcript
	lru      list.List                // front: most recently active
}

type transcript struct {
	id      string
	entries []Entry
	last    time.Time
}

// NewRecorder returns an empty Recorder.
func NewRecorder(opts RecorderOptions) *Recorder {
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 20
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 10_000
	}
	if opts.TTL <= 0 {
		opts.TTL = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Recorder{opts: opts, sessions: map[string]*list.Element{}}
}

// Add appends entries to the transcript of session sid, keeping the
// latest MaxEntries.
func (r *Recorder) Add(sid string, entries ...Entry) {
	now := r.opts.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	var t *transcript
	if el, ok := r.sessions[sid]; ok {
		t = el.Value.(*transcript)
		if now.Sub(t.last) > r.opts.TTL {
			t.entries = t.entries[:0]
		}
		r.lru.MoveToFront(el)
	} else {
		for len(r.sessions) >= r.opts.MaxSessions {
			old := r.lru.Back()
			delete(r.sessions, old.Value.(*transcript).id)
			r.lru.Remove(old)
		}
		t = &transcript{id: sid}
		r.sessions[sid] = r.lru.PushFront(t)
	}
	t.last = now
	t.entries = append(t.entries, entries...)
	if n := len(t.entries) - r.opts.MaxEntries; n > 0 {
		t.entries = slices.Delete(t.entries, 0, n)
	}
}

// Transcript returns a copy of the transcript of session sid, oldest
// first; nil when there is none or it expired.
func (r *Recorder) Transcript(sid string) []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	el, ok := r.sessions[sid]
	if !ok {
		return nil
	}
	t := el.Value.(*transcript)
	if r.opts.Now().Sub(t.last) > r.opts.TTL {
		return nil
	}
	return slices.Clone(t.entries)
}

// Forget drops the transcript of session sid.
func (r *Recorder) Forget(sid string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.sessions[sid]; ok {
		r.lru.Remove(el)
		delete(r.sessions, sid)
	}
}

// Middleware returns middleware that records each turn in r: the
// customer's text, and the reply as plain text (see channel.Reply.PlainText)
// when it has parts.
func (r *Recorder) Middleware() channel.Middleware {
	return func(next channel.Handler) channel.Handler {
		return channel.HandlerFunc(func(ctx context.Context, msg channel.Message) (channel.Reply, error) {
			reply, err := next.Handle(ctx, msg)
			r.record(msg, reply)
			return reply, err
		})
	}
}

func (r *Recorder) record(msg channel.Message, reply channel.Reply) {
	at := msg.Time
	if at.IsZero() {
		at = r.opts.Now()
	}
	entries := []Entry{{Role: RoleUser, Text: msg.Text, Time: at}}
	if len(reply.Parts) > 0 {
		entries = append(entries, Entry{Role: RoleBot, Text: reply.PlainText(), Time: r.opts.Now()})
	}
	r.Add(msg.SessionID, entries...)
}

// Handoff returns middleware that records every turn in rec (a new
// Recorder when nil) and, when a reply hands off, queues a ticket with the
// session's transcript on s. It never waits for the delivery: a full
// queue drops the ticket (see Sender.Send) and the turn goes on.
func Handoff(s *Sender, rec *Recorder) channel.Middleware {
	if rec == nil {
		rec = NewRecorder(RecorderOptions{})
	}
	return func(next channel.Handler) channel.Handler {
		return channel.HandlerFunc(func(ctx context.Context, msg channel.Message) (channel.Reply, error) {
			reply, err := next.Handle(ctx, msg)
			rec.record(msg, reply)
			if err == nil && reply.Handoff {
				_ = s.Send(Ticket{
					SessionID:  msg.SessionID,
					UserID:     msg.UserID,
					Channel:    msg.Channel,
					Reason:     reply.HandoffReason,
					Transcript: rec.Transcript(msg.SessionID),
				})
			}
			return reply, err
		})
	}
}
