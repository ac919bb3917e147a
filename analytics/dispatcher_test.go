package analytics_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

// recorder is a hook that keeps what it gets.
type recorder struct {
	mu     sync.Mutex
	events []analytics.Event
}

func (r *recorder) Handle(_ context.Context, e analytics.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) got() []analytics.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]analytics.Event(nil), r.events...)
}

func closeNow(t *testing.T, d *analytics.Dispatcher) {
	t.Helper()
	require.NoError(t, d.Close(context.Background()))
}

func ev(kind analytics.Kind, sess string, min int) analytics.Event {
	return analytics.Event{Kind: kind, SessionID: sess, UserID: "u-" + sess, Channel: "web", Time: t0.Add(time.Duration(min) * time.Minute)}
}

func TestDispatcherDeliversInOrder(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	rec := &recorder{}
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{}))
	for i := range 100 {
		e := ev(analytics.MessageIn, "s1", i)
		e.Text = fmt.Sprint("message ", i)
		require.NoError(t, d.Emit(e))
	}
	closeNow(t, d)
	got := rec.got()
	require.Len(t, got, 100)
	ids := map[string]bool{}
	for i, e := range got {
		assert.Equal(t, fmt.Sprint("message ", i), e.Text)
		assert.NotEmpty(t, e.ID)
		ids[e.ID] = true
	}
	assert.Len(t, ids, 100, "IDs are unique")
	st := d.Stats()
	require.Len(t, st, 1)
	assert.Equal(t, uint64(100), st[0].Delivered)
	assert.Zero(t, st[0].Dropped)
	assert.ErrorIs(t, d.Emit(ev(analytics.MessageIn, "s1", 0)), analytics.ErrClosed)
}

func TestDispatcherRejectsInvalid(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	defer closeNow(t, d)
	assert.ErrorIs(t, d.Emit(analytics.Event{Kind: analytics.MessageIn}), analytics.ErrInvalidEvent)
	bad := ev(analytics.Rating, "s", 0)
	bad.Rating = 6
	assert.ErrorIs(t, d.Emit(bad), analytics.ErrInvalidEvent)
	assert.ErrorIs(t, d.Emit(analytics.Event{Kind: 99, SessionID: "s"}), analytics.ErrInvalidEvent)
	assert.Equal(t, uint64(3), d.Invalid())
	require.ErrorContains(t, d.Add("x", nil, analytics.HookOptions{}), "needs")
	require.NoError(t, d.Add("x", &recorder{}, analytics.HookOptions{}))
	require.ErrorContains(t, d.Add("x", &recorder{}, analytics.HookOptions{}), "twice")
}

// A blocked hook fills its buffer and drops; the caller and the other
// hooks go on.
func TestDispatcherBlockedHookDrops(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{Buffer: 8, BatchSize: 4})
	release := make(chan struct{})
	var entered atomic.Int32
	blocked := analytics.HookFunc(func(ctx context.Context, e analytics.Event) error {
		entered.Add(1)
		<-release
		return nil
	})
	rec := &recorder{}
	require.NoError(t, d.Add("blocked", blocked, analytics.HookOptions{}))
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{Buffer: 1000}))
	for i := range 100 {
		require.NoError(t, d.Emit(ev(analytics.MessageIn, "s", i)))
	}
	st := d.Stats()
	// The blocked hook holds at most one batch of 4 and its buffer of 8.
	assert.GreaterOrEqual(t, st[0].Dropped, uint64(100-8-4))
	assert.Equal(t, st[0].Dropped, d.Dropped())
	close(release)
	closeNow(t, d)
	assert.Len(t, rec.got(), 100, "the other hook got everything")
	st = d.Stats()
	assert.Equal(t, uint64(100), st[0].Delivered+st[0].Dropped)
}

func TestDispatcherPanicAndErrorAreContained(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	var calls atomic.Int32
	panicky := analytics.HookFunc(func(ctx context.Context, e analytics.Event) error {
		if calls.Add(1)%2 == 0 {
			panic("boom")
		}
		return errors.New("down")
	})
	rec := &recorder{}
	require.NoError(t, d.Add("panicky", panicky, analytics.HookOptions{}))
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{}))
	for i := range 10 {
		require.NoError(t, d.Emit(ev(analytics.MessageIn, "s", i)))
	}
	closeNow(t, d)
	st := d.Stats()
	assert.Equal(t, uint64(10), st[0].Failed)
	assert.Equal(t, uint64(5), st[0].Panics)
	assert.Zero(t, st[0].Delivered)
	assert.Len(t, rec.got(), 10)
}

// Close returns when its context ends even if a hook never does.
func TestDispatcherCloseGivesUp(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	stuck := make(chan struct{})
	defer close(stuck)
	var sawCancel atomic.Bool
	entered := make(chan struct{})
	require.NoError(t, d.Add("stuck", analytics.HookFunc(func(ctx context.Context, e analytics.Event) error {
		close(entered)
		<-ctx.Done()
		sawCancel.Store(true)
		<-stuck
		return ctx.Err()
	}), analytics.HookOptions{}))
	require.NoError(t, d.Emit(ev(analytics.MessageIn, "s", 0)))
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, d.Close(ctx), context.Canceled)
	require.Eventually(t, sawCancel.Load, 10*time.Second, time.Millisecond, "the hook's context is cancelled")
	assert.NoError(t, d.Close(context.Background()), "second Close")
}

func TestDispatcherTextPolicy(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	red, none, raw := &recorder{}, &recorder{}, &recorder{}
	require.NoError(t, d.Add("red", red, analytics.HookOptions{}))
	require.NoError(t, d.Add("none", none, analytics.HookOptions{Text: analytics.TextNone}))
	require.NoError(t, d.Add("raw", raw, analytics.HookOptions{Text: analytics.TextRaw}))
	e := ev(analytics.MessageIn, "s", 0)
	e.Text = "我的电话 13812345678"
	require.NoError(t, d.Emit(e))
	closeNow(t, d)
	assert.Equal(t, "我的电话 [手机号]", red.got()[0].Text)
	assert.Equal(t, "", none.got()[0].Text)
	assert.Equal(t, "我的电话 13812345678", raw.got()[0].Text)
}

func TestDispatcherResolvesSessions(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	rec := &recorder{}
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{}))
	emit := func(e analytics.Event) { require.NoError(t, d.Emit(e)) }
	// a: answered → resolved, duration from the start.
	emit(ev(analytics.SessionStarted, "a", 0))
	emit(ev(analytics.MessageIn, "a", 1))
	emit(ev(analytics.AnswerServed, "a", 1))
	emit(ev(analytics.SessionEnded, "a", 5))
	// b: last question unanswered → not resolved.
	emit(ev(analytics.SessionStarted, "b", 0))
	emit(ev(analytics.MessageIn, "b", 1))
	emit(ev(analytics.Fallback, "b", 1))
	emit(ev(analytics.SessionEnded, "b", 2))
	// c: handed off → not resolved.
	emit(ev(analytics.SessionStarted, "c", 0))
	emit(ev(analytics.MessageIn, "c", 1))
	emit(ev(analytics.Handoff, "c", 1))
	emit(ev(analytics.SessionEnded, "c", 3))
	// d: unanswered but the customer confirmed → resolved.
	emit(ev(analytics.MessageIn, "d", 1))
	emit(ev(analytics.Fallback, "d", 1))
	end := ev(analytics.SessionEnded, "d", 4)
	end.Confirmed = true
	emit(end)
	closeNow(t, d)
	ended := map[string]analytics.Event{}
	for _, e := range rec.got() {
		if e.Kind == analytics.SessionEnded {
			ended[e.SessionID] = e
		}
	}
	assert.True(t, ended["a"].Resolved)
	assert.Equal(t, 5*time.Minute, ended["a"].Duration)
	assert.False(t, ended["b"].Resolved)
	assert.False(t, ended["c"].Resolved)
	assert.True(t, ended["d"].Resolved)
	assert.Equal(t, 3*time.Minute, ended["d"].Duration)
}

func TestDispatcherCustomResolver(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{Resolver: func(s analytics.SessionSummary) bool { return s.Rating >= 4 }})
	rec := &recorder{}
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{}))
	r := ev(analytics.Rating, "a", 1)
	r.Rating = 5
	require.NoError(t, d.Emit(r))
	require.NoError(t, d.Emit(ev(analytics.SessionEnded, "a", 2)))
	require.NoError(t, d.Emit(ev(analytics.SessionEnded, "b", 2)))
	closeNow(t, d)
	got := rec.got()
	assert.True(t, got[1].Resolved)
	assert.False(t, got[2].Resolved)
}

// batcher is a BatchHook that counts batches.
type batcher struct {
	recorder
	batches atomic.Int32
}

func (b *batcher) HandleBatch(ctx context.Context, events []analytics.Event) error {
	b.batches.Add(1)
	for _, e := range events {
		b.Handle(ctx, e)
	}
	return nil
}

func TestDispatcherBatches(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	gate := make(chan struct{})
	b := &batcher{}
	wrapped := &gatedBatcher{b: b, gate: gate}
	require.NoError(t, d.Add("gated", wrapped, analytics.HookOptions{}))
	for i := range 50 {
		require.NoError(t, d.Emit(ev(analytics.MessageIn, "s", i)))
	}
	close(gate)
	closeNow(t, d)
	assert.Len(t, b.got(), 50)
	assert.Less(t, int(b.batches.Load()), 50, "queued events arrive in batches")
}

type gatedBatcher struct {
	b    *batcher
	gate chan struct{}
}

func (g *gatedBatcher) Handle(ctx context.Context, e analytics.Event) error {
	return g.HandleBatch(ctx, []analytics.Event{e})
}

func (g *gatedBatcher) HandleBatch(ctx context.Context, events []analytics.Event) error {
	<-g.gate
	return g.b.HandleBatch(ctx, events)
}

// A rating after the end of its session is delivered and leaves no state
// behind to resolve.
func TestDispatcherRatingAfterEnd(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	rec := &recorder{}
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{}))
	require.NoError(t, d.Emit(ev(analytics.MessageIn, "a", 1)))
	require.NoError(t, d.Emit(ev(analytics.SessionEnded, "a", 2)))
	r := ev(analytics.Rating, "a", 3)
	r.Rating = 4
	require.NoError(t, d.Emit(r))
	// A later session of the same ID starts from nothing: no message, so
	// not resolved.
	require.NoError(t, d.Emit(ev(analytics.SessionEnded, "a", 9)))
	closeNow(t, d)
	got := rec.got()
	require.Len(t, got, 4)
	assert.True(t, got[1].Resolved)
	assert.Equal(t, 4, got[2].Rating)
	assert.False(t, got[3].Resolved)
}

func TestDispatcherEmitBatch(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	rec := &recorder{}
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{}))
	store := analytics.NewMemoryStore(analytics.StoreOptions{})
	require.NoError(t, d.AddDurable("store", analytics.StoreHook(store), analytics.DurableOptions{Dir: t.TempDir()}))
	bad := ev(analytics.MessageIn, "", 2) // no session: invalid
	err := d.EmitBatch([]analytics.Event{ev(analytics.SessionStarted, "s1", 0), bad, ev(analytics.MessageIn, "s1", 1)})
	assert.ErrorIs(t, err, analytics.ErrInvalidEvent, "the invalid event is reported")
	closeNow(t, d)
	got := rec.got()
	require.Len(t, got, 2, "the valid events are emitted")
	assert.Equal(t, analytics.SessionStarted, got[0].Kind)
	assert.Equal(t, analytics.MessageIn, got[1].Kind)
	var n int
	require.NoError(t, store.Scan(context.Background(), analytics.Query{}, func(analytics.Event) error { n++; return nil }))
	assert.Equal(t, 2, n, "the durable hook got the batch through its log")
	assert.Equal(t, uint64(1), d.Invalid())
}
