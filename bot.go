package kefu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// Knowledge answers questions from a knowledge base. *kb.Base and *kb.Index
// satisfy it. Implementations must be safe for concurrent use.
type Knowledge interface {
	Search(ctx context.Context, query string, opts kb.SearchOptions) ([]kb.Hit, error)
}

// Ticket is work a dialogue flow hands to people: a return to process, a
// complaint to follow up.
type Ticket struct {
	// ID identifies the ticket: the message's ID, or the session and turn
	// number. Tickets are opened once the turn is saved, outside the
	// session's lock; a client that retries a turn may open its ticket
	// again with the same ID, and ticket systems should ignore the repeat.
	// A process that dies between saving the turn and opening the ticket
	// loses the ticket.
	ID                         string
	SessionID, UserID, Channel string
	// Queue is the team the flow routes the ticket to.
	Queue string
	// Summary is the flow's description of the ticket.
	Summary string
	// Slots are the values the flow collected.
	Slots map[string]string
	// Time is when the ticket was opened.
	Time time.Time
}

// TicketFunc opens a ticket in the operator's system. It is called during
// the turn; an error makes the bot apologize and hand the customer to a
// person.
type TicketFunc func(ctx context.Context, t Ticket) error

// Bot is a customer-service bot: it satisfies channel.Handler, so every
// channel adapter serves it. A Bot is safe for concurrent use; its
// classifier, dialogue engine and knowledge base can be replaced while it
// runs (SetIntents, SetDialogue, SetKnowledge) without dropping a turn.
type Bot struct {
	parts   atomic.Pointer[parts]
	store   dialogue.Store
	handler channel.Handler
	log     *slog.Logger
	now     func() time.Time
	limits  channel.Limits
	fb      Fallback
	tickets TicketFunc
	titles  map[string]channel.Bilingual
	mw      []channel.Middleware
	hooks   *hooks
	rateOn  map[string]bool

	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

// parts are what a turn runs on, swapped as a whole.
type parts struct {
	intents intent.Classifier
	engine  *dialogue.Engine
	kb      Knowledge
}

// Option configures a Bot.
type Option func(*Bot) error

// WithIntents sets the intent classifier (nil: none; every message goes
// to the flows and the knowledge base by its text alone).
func WithIntents(c intent.Classifier) Option {
	return func(b *Bot) error { b.SetIntents(c); return nil }
}

// WithDialogue sets the dialogue engine that runs multi-turn flows.
func WithDialogue(e *dialogue.Engine) Option {
	return func(b *Bot) error { b.swap(func(p *parts) { p.engine = e }); return nil }
}

// WithKnowledge sets the knowledge base that answers questions.
func WithKnowledge(k Knowledge) Option {
	return func(b *Bot) error { b.SetKnowledge(k); return nil }
}

// WithSessionStore sets where the bot keeps its sessions: one record a
// conversation, holding the dialogue engine's session (flow, state, slots)
// and the bot's own (language, fallback streak, start), updated once a
// turn under the store's lock. Give several instances one shared store
// (dialogue/redisstore) and they serve the same conversations. A memory
// store by default. The engine's own Options.Store is not used by a Bot.
func WithSessionStore(s dialogue.Store) Option {
	return func(b *Bot) error {
		if s == nil {
			return errors.New("kefu: nil session store")
		}
		b.store = s
		return nil
	}
}

// WithMiddleware wraps every turn in mw, the first outermost, inside the
// bot's own panic recovery.
func WithMiddleware(mw ...channel.Middleware) Option {
	return func(b *Bot) error { b.mw = append(b.mw, mw...); return nil }
}

// WithLogger sets the logger for errors met during turns (default: none).
func WithLogger(l *slog.Logger) Option {
	return func(b *Bot) error {
		if l != nil {
			b.log = l
		}
		return nil
	}
}

// WithClock sets the clock for messages that carry no time (tests).
func WithClock(now func() time.Time) Option {
	return func(b *Bot) error {
		if now == nil {
			return errors.New("kefu: nil clock")
		}
		b.now = now
		return nil
	}
}

// WithLimits bounds incoming messages; see channel.Limits.
func WithLimits(l channel.Limits) Option {
	return func(b *Bot) error { b.limits = l; return nil }
}

// WithFallback configures what the bot does when it has no answer.
func WithFallback(f Fallback) Option {
	return func(b *Bot) error { b.fb = f; return nil }
}

// WithTickets sets the function that opens tickets for dialogue flows.
func WithTickets(f TicketFunc) Option {
	return func(b *Bot) error { b.tickets = f; return nil }
}

// WithIntentTitles gives intents customer-facing questions, offered as
// "did you mean…" suggestions ("order_status": "我的订单到哪了？").
//
// A title is offered only to sessions of its language; give titles in
// both languages with WithBilingualIntentTitles.
func WithIntentTitles(titles map[string]string) Option {
	return func(b *Bot) error {
		b.titles = map[string]channel.Bilingual{}
		for in, t := range titles {
			var bi channel.Bilingual
			if lang, _ := channel.DetectLang(channel.Message{Text: t}); lang == channel.LangEN {
				bi.En = t
			} else {
				bi.Zh = t
			}
			b.titles[in] = bi
		}
		return nil
	}
}

// WithBilingualIntentTitles gives intents customer-facing questions in
// Chinese and English, offered as "did you mean…" suggestions in the
// session's language.
func WithBilingualIntentTitles(titles map[string]channel.Bilingual) Option {
	return func(b *Bot) error { b.titles = maps.Clone(titles); return nil }
}

// New returns a Bot. With no options it answers every message with the
// fallback; give it a classifier, flows and a knowledge base.
func New(opts ...Option) (*Bot, error) {
	b := &Bot{
		log:     slog.New(slog.DiscardHandler),
		now:     time.Now,
		hooks:   &hooks{idle: 30 * time.Minute},
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	b.parts.Store(&parts{})
	for _, o := range opts {
		if err := o(b); err != nil {
			return nil, err
		}
	}
	if b.store == nil {
		b.store = dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	}
	b.fb = b.fb.withDefaults()
	if b.hooks.ev != nil {
		go b.sweep()
	} else {
		close(b.stopped)
	}
	h := channel.Handler(channel.HandlerFunc(b.turn))
	h = channel.Chain(h, b.mw...)
	// Recovery is outermost, so a panic in operator middleware is caught
	// too.
	b.handler = channel.Chain(h, b.recoverTurn)
	return b, nil
}

// Handle runs one turn: it validates the message, classifies it, steps the
// dialogue, answers from the knowledge base or falls back, and returns the
// reply. Errors wrap channel errors adapters understand: bad input
// (channel.ErrEmptyText, …), channel.ErrUnavailable when a store is down
// (the customer can retry; a step that reached the dialogue engine before
// the outage is not repeated, and a ticket opened is opened again with the
// same Ticket.ID), channel.ErrPanic when operator code panicked (the reply
// then holds an apology).
func (b *Bot) Handle(ctx context.Context, msg channel.Message) (channel.Reply, error) {
	return b.handler.Handle(ctx, msg)
}

// SetIntents replaces the classifier; turns already running finish with
// the old one.
// A nil pointer in the interface counts as none.
func (b *Bot) SetIntents(c intent.Classifier) {
	if isNil(c) {
		c = nil
	}
	b.swap(func(p *parts) { p.intents = c })
}

// SetDialogue replaces the dialogue engine.
func (b *Bot) SetDialogue(e *dialogue.Engine) { b.swap(func(p *parts) { p.engine = e }) }

// SetKnowledge replaces the knowledge base.
// A nil pointer in the interface counts as none.
func (b *Bot) SetKnowledge(k Knowledge) {
	if isNil(k) {
		k = nil
	}
	b.swap(func(p *parts) { p.kb = k })
}

// isNil reports whether v is nil or an interface holding a nil pointer.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

func (b *Bot) swap(f func(*parts)) {
	for {
		old := b.parts.Load()
		var p parts
		if old != nil {
			p = *old
		}
		f(&p)
		if b.parts.CompareAndSwap(old, &p) {
			return
		}
	}
}

// recoverTurn turns a panic anywhere in a turn into an apology and an
// error event.
func (b *Bot) recoverTurn(next channel.Handler) channel.Handler {
	rec := channel.Recover(channel.RecoverOptions{Logger: b.log})(next)
	return channel.HandlerFunc(func(ctx context.Context, msg channel.Message) (channel.Reply, error) {
		r, err := rec.Handle(ctx, msg)
		if errors.Is(err, channel.ErrPanic) {
			b.hooks.turnError(msg, b.msgTime(msg), err)
		}
		return r, err
	})
}

func (b *Bot) msgTime(msg channel.Message) time.Time {
	if !msg.Time.IsZero() {
		return msg.Time
	}
	return b.now()
}

// unavailable marks store outages so adapters answer them as such.
func unavailable(err error) error {
	if errors.Is(err, dialogue.ErrStoreUnavailable) || errors.Is(err, dialogue.ErrBusy) ||
		errors.Is(err, dialogue.ErrLockLost) {
		return fmt.Errorf("%w: %w", channel.ErrUnavailable, err)
	}
	return err
}
