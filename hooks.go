package kefu

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/channel"
)

// Events receives what happens in conversations, as analytics events.
// *analytics.Dispatcher satisfies it: it fans events out to metrics,
// transcripts and reports without ever making a turn wait. Emit must not
// block.
type Events interface {
	Emit(analytics.Event) error
}

// WithEvents sends the bot's events to e: sessions started and ended,
// messages in and out, recognized intents, answers served, fallbacks,
// hand-offs and ratings.
func WithEvents(e Events) Option {
	return func(b *Bot) error { b.hooks.ev = e; return nil }
}

// WithIdleTimeout sets how long a conversation may be silent before it
// ends (30 minutes by default; it must be positive): the bot counts the
// session as ended, a flow in progress expires (the customer is told at
// the next message), and the session record is kept for twice as long,
// for a late rating and that notice. It is a bot's one lifetime setting:
// the dialogue engine's Options.IdleTimeout applies only to an engine
// used on its own.
func WithIdleTimeout(d time.Duration) Option {
	return func(b *Bot) error {
		if d <= 0 {
			return errors.New("kefu: the idle timeout must be positive")
		}
		b.hooks.idle = d
		return nil
	}
}

// WithRating makes the bot ask for a 1–5 satisfaction rating, as quick
// replies, when the customer's intent is one of intents (typically
// "thanks" and "goodbye"). A rating picked ends the session.
func WithRating(intents ...string) Option {
	return func(b *Bot) error {
		b.rateOn = map[string]bool{}
		for _, i := range intents {
			b.rateOn[i] = true
		}
		return nil
	}
}

// RatePrefix starts the payload of the rating quick replies: a message
// "/rate 4" rates the session 4.
const RatePrefix = "/rate "

// hooks turns turns into events and ends idle sessions.
type hooks struct {
	ev   Events
	idle time.Duration

	mu     sync.Mutex
	active map[string]activeSession
}

type activeSession struct {
	user, channel string
	last          time.Time
}

func (h *hooks) emit(e analytics.Event) {
	if h.ev == nil {
		return
	}
	_ = h.ev.Emit(e)
}

// batchEmitter is the optional ability of an Events to take a turn's events
// at once (*analytics.Dispatcher has it: one write to a durable log).
type batchEmitter interface {
	EmitBatch([]analytics.Event) error
}

func (h *hooks) emitAll(es []analytics.Event) {
	if b, ok := h.ev.(batchEmitter); ok {
		_ = b.EmitBatch(es)
		return
	}
	for _, e := range es {
		_ = h.ev.Emit(e)
	}
}

// turn emits the events of one turn.
func (h *hooks) turn(t *turnCtx) {
	if h.ev == nil {
		return
	}
	m := t.msg
	es := make([]analytics.Event, 0, 8)
	add := func(k analytics.Kind) *analytics.Event {
		es = append(es, analytics.Event{Kind: k, Time: t.now, SessionID: m.SessionID, UserID: m.UserID, Channel: m.Channel})
		return &es[len(es)-1]
	}
	if t.started {
		add(analytics.SessionStarted)
	}
	add(analytics.MessageIn).Text = m.Text
	if t.rating > 0 {
		add(analytics.Rating).Rating = t.rating
	} else if t.classified {
		e := add(analytics.IntentRecognized)
		e.Text, e.Confidence, e.OutOfScope = m.Text, t.res.Confidence, t.res.OutOfScope
		if len(t.res.Ranked) > 0 {
			e.Intent = t.res.Ranked[0].Intent
		}
		if t.res.Intent != "" {
			e.Intent = t.res.Intent
		}
	}
	if t.answered != nil {
		e := add(analytics.AnswerServed)
		e.EntryID, e.Category, e.Confidence = t.answered.Entry.ID, t.answered.Entry.Category, t.answered.Confidence
		e.Intent = t.confidentIntent()
	}
	if t.fellBack {
		add(analytics.Fallback).Text = m.Text
	}
	if t.reply.Handoff {
		add(analytics.Handoff).Reason = string(t.reply.HandoffReason)
	}
	out := add(analytics.MessageOut)
	out.Text, out.Flow, out.State = t.reply.PlainText(), t.flow, t.state
	if t.reply.Handoff || t.rating > 0 {
		add(analytics.SessionEnded)
		h.forget(m.SessionID)
	} else {
		h.touch(m.SessionID, m.UserID, m.Channel, t.now)
	}
	h.emitAll(es)
}

// forgetUser drops a user's sessions from those awaiting their end, so that
// no event of theirs is emitted after an erasure.
func (h *hooks) forgetUser(user string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, s := range h.active {
		if s.user == user {
			delete(h.active, id)
		}
	}
}

func (h *hooks) forget(session string) {
	h.mu.Lock()
	delete(h.active, session)
	h.mu.Unlock()
}

// maxActive bounds the sessions awaiting their end; past it the least
// recently active are ended early, so that session IDs chosen by clients
// cannot grow the map without bound.
const maxActive = 100000

func (h *hooks) touch(session, user, ch string, at time.Time) {
	h.mu.Lock()
	if h.active == nil {
		h.active = map[string]activeSession{}
	}
	h.active[session] = activeSession{user: user, channel: ch, last: at}
	var evict []analytics.Event
	if len(h.active) > maxActive {
		// End the oldest tenth at once, so that this scan is rare.
		type aged struct {
			id string
			s  activeSession
		}
		all := make([]aged, 0, len(h.active))
		for id, s := range h.active {
			all = append(all, aged{id, s})
		}
		slices.SortFunc(all, func(a, b aged) int { return a.s.last.Compare(b.s.last) })
		for _, a := range all[:len(all)/10] {
			delete(h.active, a.id)
			evict = append(evict, analytics.Event{Kind: analytics.SessionEnded, Time: a.s.last, SessionID: a.id, UserID: a.s.user, Channel: a.s.channel})
		}
	}
	h.mu.Unlock()
	for _, e := range evict {
		h.emit(e)
	}
}

// end emits SessionEnded now.
func (h *hooks) end(session, user, ch string, at time.Time) {
	h.forget(session)
	h.emit(analytics.Event{Kind: analytics.SessionEnded, Time: at, SessionID: session, UserID: user, Channel: ch})
}

// endIdle ends the sessions silent since before now-idle, as of their last
// message.
func (h *hooks) endIdle(now time.Time) int {
	h.mu.Lock()
	var ended []analytics.Event
	for id, s := range h.active {
		if now.Sub(s.last) >= h.idle {
			delete(h.active, id)
			ended = append(ended, analytics.Event{Kind: analytics.SessionEnded, Time: s.last, SessionID: id, UserID: s.user, Channel: s.channel})
		}
	}
	h.mu.Unlock()
	for _, e := range ended {
		h.emit(e)
	}
	return len(ended)
}

// turnError emits the events of a turn that failed in operator code.
func (h *hooks) turnError(msg channel.Message, at time.Time, err error) {
	if h.ev == nil {
		return
	}
	h.emit(analytics.Event{Kind: analytics.Fallback, Time: at, SessionID: msg.SessionID, UserID: msg.UserID,
		Channel: msg.Channel, Text: msg.Text})
}

// EndIdleSessions counts sessions silent for longer than the idle timeout
// as ended, emitting their SessionEnded events, and returns how many. New
// starts a goroutine that does this every minute while events are on;
// call it directly in tests or from a scheduler of your own.
func (b *Bot) EndIdleSessions(now time.Time) int { return b.hooks.endIdle(now) }

// EndSession counts a session as ended now, for channels that know (the
// customer closed the chat).
func (b *Bot) EndSession(sessionID, userID, channelName string) {
	b.hooks.end(sessionID, userID, channelName, b.now())
}

// Close stops the bot's background work. It does not close the stores or
// the event sink, which the caller owns.
func (b *Bot) Close() error {
	b.stopOnce.Do(func() { close(b.stop) })
	<-b.stopped
	return nil
}

// sweep ends idle sessions every minute until Close.
func (b *Bot) sweep() {
	defer close(b.stopped)
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.hooks.endIdle(b.now())
		}
	}
}

// parseRating reads "/rate N".
func parseRating(s string) int {
	rest, ok := strings.CutPrefix(s, RatePrefix)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(rest))
	if err != nil || n < 1 || n > 5 {
		return 0
	}
	return n
}

// ratingReplies are the quick replies of the rating question.
func ratingReplies(en bool) channel.Part {
	titles := []string{"1 很不满意", "2 不满意", "3 一般", "4 满意", "5 非常满意"}
	if en {
		titles = []string{"1 Very poor", "2 Poor", "3 OK", "4 Good", "5 Excellent"}
	}
	opts := make([]channel.QuickReply, 5)
	for i, t := range titles {
		opts[i] = channel.QuickReply{Title: t, Payload: RatePrefix + strconv.Itoa(i+1)}
	}
	return channel.QuickReplies(opts...)
}
