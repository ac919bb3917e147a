package analytics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kefuai/kefu/analytics/internal/wal"
)

// ErrClosed is returned by Dispatcher methods after Close.
var ErrClosed = errors.New("analytics: dispatcher closed")

// Defaults of DispatcherOptions.
const (
	DefaultBuffer    = 4096
	DefaultBatchSize = 256
)

// DispatcherOptions configure a Dispatcher. The zero value works.
type DispatcherOptions struct {
	// Buffer is how many events wait for each hook before new ones are
	// dropped; DefaultBuffer when zero.
	Buffer int
	// BatchSize bounds the events handed to a BatchHook at once;
	// DefaultBatchSize when zero.
	BatchSize int
	// Timeout bounds each call of a hook; 10 s when zero.
	Timeout time.Duration
	// Resolver sets Event.Resolved on SessionEnded events;
	// DefaultResolver when nil.
	Resolver Resolver
	// MaxSessions bounds the open sessions whose summary is kept to
	// resolve them; 100 000 when zero. A session forgotten beyond it
	// (or begun on another instance) is resolved from the events seen.
	MaxSessions int
	// Redact is applied to text for hooks whose TextPolicy is
	// TextRedacted; DefaultRedact when nil.
	Redact RedactFunc
	// Now is the clock for events without a time; time.Now when nil.
	Now func() time.Time
	// Logger receives hook failures; nothing is logged when nil.
	Logger *slog.Logger
	// StuckAfter is how long a durable hook may fail to deliver before
	// Health reports it; 2 minutes when zero.
	StuckAfter time.Duration
}

// HookOptions configure one hook of a Dispatcher.
type HookOptions struct {
	// Text is what the hook gets of events' text; TextRedacted by default.
	Text TextPolicy
	// Buffer overrides DispatcherOptions.Buffer for this hook.
	Buffer int
}

// HookStats count what happened to the events of one hook.
type HookStats struct {
	Name    string
	Durable bool
	// Delivered events were handled without error.
	Delivered uint64
	// Dropped events never reached the hook: its buffer (or log) was full.
	Dropped uint64
	// Failed counts events whose handling returned an error or panicked;
	// a durable hook's events are retried and may be counted again.
	Failed uint64
	// Panics counts calls of the hook that panicked.
	Panics uint64
	// Queued is the number of events waiting in the buffer.
	Queued int
	// Backlog is the bytes waiting in a durable hook's log.
	Backlog int64
	// FailingSince is when the hook's attempts began to fail (to handle
	// events, or to read its log); zero while the last attempt succeeded.
	FailingSince time.Time
	// LastError is the last failure's message, "" while FailingSince is
	// zero.
	LastError string
}

// Dispatcher fans events out to hooks without ever making the caller wait:
// each hook has a bounded buffer and a goroutine of its own, so a slow,
// failing or panicking hook delays and breaks nothing but itself. When a
// buffer is full the event is dropped for that hook and counted (Stats,
// Dropped, and the kefu_analytics_hook_events_dropped_total metric).
//
// Durable hooks (AddDurable) get a write-ahead log instead of a buffer:
// Emit appends the event to a file and returns; the hook's goroutine
// delivers from the file and retries failures, so a transcript store that
// is down loses nothing, and neither does a restart.
//
// The Dispatcher also follows each session's events to set Duration and
// Resolved on its SessionEnded event.
//
// A Dispatcher is a Hook itself, so it can be given wherever a Hook is
// expected. All methods are safe for concurrent use.
type Dispatcher struct {
	opts    DispatcherOptions
	now     func() time.Time
	resolve Resolver
	redact  RedactFunc
	log     *slog.Logger
	prefix  string
	seq     atomic.Uint64
	invalid atomic.Uint64

	ctx    context.Context // cancelled when Close gives up waiting
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.RWMutex
	closed bool
	hooks  []*hookRunner

	seed     maphash.Seed
	sessions [16]sessionShard
}

// NewDispatcher returns a Dispatcher without hooks.
func NewDispatcher(opts DispatcherOptions) *Dispatcher {
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 100_000
	}
	d := &Dispatcher{opts: opts, now: nowFunc(opts.Now), resolve: opts.Resolver, redact: opts.Redact, log: opts.Logger, seed: maphash.MakeSeed()}
	if d.resolve == nil {
		d.resolve = DefaultResolver
	}
	if d.redact == nil {
		d.redact = DefaultRedact()
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	var b [6]byte
	rand.Read(b[:])
	d.prefix = hex.EncodeToString(b[:]) + "-"
	d.ctx, d.cancel = context.WithCancel(context.Background())
	for i := range d.sessions {
		d.sessions[i].m = map[string]*SessionSummary{}
		d.sessions[i].ended = map[string]struct{}{}
	}
	return d
}

type hookRunner struct {
	name string
	hook Hook
	text TextPolicy

	q   chan Event // memory hooks
	wal *wal.Log   // durable hooks
	dur DurableOptions

	stop chan struct{} // durable hooks: closed by Close

	delivered, dropped, failed, panics atomic.Uint64

	failing atomic.Pointer[failure] // nil while the last attempt succeeded
}

// failure is a hook failing since a time.
type failure struct {
	since time.Time
	err   string
}

// fail records a failed attempt; ok records a successful one.
func (r *hookRunner) fail(now time.Time, err error) {
	prev := r.failing.Load()
	since := now
	if prev != nil {
		since = prev.since
	}
	r.failing.Store(&failure{since: since, err: err.Error()})
}

func (r *hookRunner) ok() { r.failing.Store(nil) }

// Add registers a hook under a name unique in this Dispatcher (it labels
// the metrics). Events emitted from then on reach it.
func (d *Dispatcher) Add(name string, h Hook, opts HookOptions) error {
	if h == nil || name == "" {
		return errors.New("analytics: Add needs a name and a hook")
	}
	buf := opts.Buffer
	if buf <= 0 {
		buf = d.opts.Buffer
	}
	r := &hookRunner{name: name, hook: h, text: opts.Text, q: make(chan Event, buf)}
	if err := d.register(r); err != nil {
		return err
	}
	d.wg.Add(1)
	go d.runMemory(r)
	return nil
}

func (d *Dispatcher) register(r *hookRunner) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrClosed
	}
	for _, h := range d.hooks {
		if h.name == r.name {
			return fmt.Errorf("analytics: hook %q added twice", r.name)
		}
	}
	hooks := make([]*hookRunner, len(d.hooks), len(d.hooks)+1)
	copy(hooks, d.hooks)
	d.hooks = append(hooks, r)
	return nil
}

// Emit hands an event to every hook and returns at once; it never waits
// for a hook. It fills in ID and Time when empty, and Duration and
// Resolved on a SessionEnded event. It returns an error wrapping
// ErrInvalidEvent for an event Validate rejects, and ErrClosed after Close.
func (d *Dispatcher) Emit(e Event) error {
	return d.EmitBatch([]Event{e})
}

// EmitBatch is Emit for several events, such as those of one turn, in
// order: a durable hook's log gets them in one write. Invalid events are
// left out (and counted); the others are emitted, and the error of the
// first invalid one is returned.
func (d *Dispatcher) EmitBatch(events []Event) error {
	var first error
	ready := make([]Event, 0, len(events))
	for _, e := range events {
		if e.Time.IsZero() {
			e.Time = d.now()
		}
		if err := e.Validate(); err != nil {
			d.invalid.Add(1)
			if first == nil {
				first = err
			}
			continue
		}
		if e.ID == "" {
			e.ID = sortableID(d.prefix, d.seq.Add(1))
		}
		ready = append(ready, d.track(e))
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return ErrClosed
	}
	for _, r := range d.hooks {
		if r.wal != nil {
			d.appendDurable(r, ready)
			continue
		}
		for _, e := range ready {
			select {
			case r.q <- e:
			default:
				r.dropped.Add(1)
			}
		}
	}
	return first
}

// sortableID returns prefix followed by n in 13 hex digits, so that the IDs
// of one prefix sort in the order they were made: stores order events of
// the same time by ID, and the events of one turn often share a time.
func sortableID(prefix string, n uint64) string {
	var b [13]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = "0123456789abcdef"[n&15]
		n >>= 4
	}
	return prefix + string(b[:])
}

// Handle emits e, so that a Dispatcher can serve as a Hook. It returns what
// Emit returns.
func (d *Dispatcher) Handle(_ context.Context, e Event) error { return d.Emit(e) }

// call hands a batch to the hook: at once to a BatchHook, else event by
// event. A durable hook stops at the first failure (the batch is retried);
// a memory hook goes on with the next event. Panics become errors. It
// returns the number of events handled and the last error.
func (d *Dispatcher) call(r *hookRunner, batch []Event, durable bool) (int, error) {
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.Timeout)
	defer cancel()
	if bh, ok := r.hook.(BatchHook); ok && len(batch) > 1 {
		if err := d.protect(r, func() error { return bh.HandleBatch(ctx, batch) }); err != nil {
			return 0, err
		}
		return len(batch), nil
	}
	n := 0
	var last error
	for _, e := range batch {
		if err := d.protect(r, func() error { return r.hook.Handle(ctx, e) }); err != nil {
			last = err
			if durable {
				break
			}
			continue
		}
		n++
	}
	return n, last
}

// protect runs fn, turning a panic into an error.
func (d *Dispatcher) protect(r *hookRunner, fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.panics.Add(1)
			err = fmt.Errorf("analytics: hook %s panicked: %v", r.name, p)
		}
	}()
	return fn()
}

func (d *Dispatcher) account(r *hookRunner, total, ok int, err error) {
	r.delivered.Add(uint64(ok))
	if err == nil {
		r.ok()
		return
	}
	r.fail(d.now(), err)
	r.failed.Add(uint64(total - ok))
	d.log.Warn("analytics: hook failed", "hook", r.name, "events", total-ok, "err", err)
}

func (d *Dispatcher) runMemory(r *hookRunner) {
	defer d.wg.Done()
	batch := make([]Event, 0, d.opts.BatchSize)
	for e := range r.q {
		if d.ctx.Err() != nil {
			// Close gave up waiting: what is left is lost.
			r.dropped.Add(1)
			continue
		}
		batch = append(batch[:0], r.text.Apply(e, d.redact))
	fill:
		for len(batch) < cap(batch) {
			select {
			case e, ok := <-r.q:
				if !ok {
					break fill
				}
				batch = append(batch, r.text.Apply(e, d.redact))
			default:
				break fill
			}
		}
		n, err := d.call(r, batch, false)
		d.account(r, len(batch), n, err)
	}
}

// Stats returns the counters of every hook, in the order they were added.
func (d *Dispatcher) Stats() []HookStats {
	d.mu.RLock()
	hooks := d.hooks
	d.mu.RUnlock()
	out := make([]HookStats, len(hooks))
	for i, r := range hooks {
		out[i] = HookStats{
			Name: r.name, Durable: r.wal != nil,
			Delivered: r.delivered.Load(), Dropped: r.dropped.Load(), Failed: r.failed.Load(), Panics: r.panics.Load(),
		}
		if r.q != nil {
			out[i].Queued = len(r.q)
		} else {
			out[i].Backlog = r.wal.Bytes()
		}
		if f := r.failing.Load(); f != nil {
			out[i].FailingSince, out[i].LastError = f.since, f.err
		}
	}
	return out
}

// Dropped returns the events dropped for all hooks together.
func (d *Dispatcher) Dropped() uint64 {
	var n uint64
	for _, s := range d.Stats() {
		n += s.Dropped
	}
	return n
}

// Invalid returns the number of events Emit rejected.
func (d *Dispatcher) Invalid() uint64 { return d.invalid.Load() }

// Close stops taking events and waits until every hook has handled what
// was queued for it, or ctx ends. In that case hooks see their context
// cancelled, events still queued for memory hooks are dropped, those of
// durable hooks stay in their logs for the next start, and Close returns
// ctx's error without waiting for a hook that ignores its context. Calling
// Close again returns nil.
func (d *Dispatcher) Close(ctx context.Context) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	for _, r := range d.hooks {
		if r.q != nil {
			close(r.q)
		} else {
			close(r.stop)
		}
	}
	d.mu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		d.cancel()
		return nil
	case <-ctx.Done():
		d.cancel()
		return ctx.Err()
	}
}

// Health reports a durable hook that has failed to deliver for longer than
// DispatcherOptions.StuckAfter: its events wait in its log (nothing is
// lost while the log has room) but reach nobody. It returns nil otherwise.
func (d *Dispatcher) Health(ctx context.Context) error {
	stuck := d.opts.StuckAfter
	if stuck <= 0 {
		stuck = 2 * time.Minute
	}
	now := d.now()
	var errs []error
	for _, s := range d.Stats() {
		if s.Durable && !s.FailingSince.IsZero() && now.Sub(s.FailingSince) >= stuck {
			errs = append(errs, fmt.Errorf("analytics: hook %q has not delivered for %v: %s", s.Name, now.Sub(s.FailingSince).Round(time.Second), s.LastError))
		}
	}
	return errors.Join(errs...)
}
