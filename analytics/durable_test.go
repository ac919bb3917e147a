package analytics_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

// flaky fails while down is set.
type flaky struct {
	recorder
	down  atomic.Bool
	fails atomic.Int32
}

func (f *flaky) Handle(ctx context.Context, e analytics.Event) error {
	if f.down.Load() {
		f.fails.Add(1)
		return errors.New("store down")
	}
	return f.recorder.Handle(ctx, e)
}

func durableOpts(dir string) analytics.DurableOptions {
	return analytics.DurableOptions{Dir: dir, RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond}
}

func TestDurableHookRetriesUntilDelivered(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	f := &flaky{}
	f.down.Store(true)
	require.NoError(t, d.AddDurable("transcripts", f, durableOpts(t.TempDir())))
	for i := range 20 {
		e := ev(analytics.MessageIn, "s", i)
		e.Text = fmt.Sprintf("第%d条 13812345678", i)
		require.NoError(t, d.Emit(e))
	}
	require.Eventually(t, func() bool { return f.fails.Load() >= 3 }, 10*time.Second, time.Millisecond)
	assert.Positive(t, d.Stats()[0].Backlog, "events wait in the log")
	f.down.Store(false)
	closeNow(t, d)
	got := f.got()
	require.Len(t, got, 20)
	for i, e := range got {
		assert.Equal(t, fmt.Sprintf("第%d条 [手机号]", i), e.Text, "redacted before it reached the log")
	}
	st := d.Stats()[0]
	assert.True(t, st.Durable)
	assert.Equal(t, uint64(20), st.Delivered)
	assert.Zero(t, st.Dropped)
}

// Events a failing hook could not take before Close are delivered by the
// next Dispatcher that opens the same log.
func TestDurableHookSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	f := &flaky{}
	f.down.Store(true)
	require.NoError(t, d.AddDurable("transcripts", f, durableOpts(dir)))
	for i := range 5 {
		require.NoError(t, d.Emit(ev(analytics.MessageIn, "s", i)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, d.Close(ctx), context.DeadlineExceeded)
	assert.Empty(t, f.got())

	d2 := analytics.NewDispatcher(analytics.DispatcherOptions{})
	rec := &recorder{}
	require.Eventually(t, func() bool {
		// The first dispatcher's goroutine lets go of the log once it sees
		// the cancellation.
		return d2.AddDurable("transcripts", rec, durableOpts(dir)) == nil
	}, 10*time.Second, 5*time.Millisecond)
	closeNow(t, d2)
	got := rec.got()
	require.Len(t, got, 5)
	for i, e := range got {
		assert.Equal(t, t0.Add(time.Duration(i)*time.Minute), e.Time.UTC())
	}
}

func TestDurableHookFullLogDrops(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	f := &flaky{}
	f.down.Store(true)
	opts := durableOpts(t.TempDir())
	opts.MaxBytes = 2000
	require.NoError(t, d.AddDurable("transcripts", f, opts))
	for i := range 50 {
		require.NoError(t, d.Emit(ev(analytics.MessageIn, "s", i)))
	}
	st := d.Stats()[0]
	assert.Positive(t, st.Dropped)
	assert.LessOrEqual(t, st.Backlog, int64(2000))
	f.down.Store(false)
	closeNow(t, d)
	assert.Equal(t, 50, len(f.got())+int(d.Stats()[0].Dropped))
}

func TestDurableHookTextNone(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	rec := &recorder{}
	opts := durableOpts(t.TempDir())
	opts.Text = analytics.TextNone
	require.NoError(t, d.AddDurable("t", rec, opts))
	e := ev(analytics.MessageIn, "s", 0)
	e.Text = "secret"
	require.NoError(t, d.Emit(e))
	closeNow(t, d)
	require.Len(t, rec.got(), 1)
	assert.Empty(t, rec.got()[0].Text)
}

// A durable hook that keeps failing shows in Stats and in Health once it
// has failed for StuckAfter, and leaves both when it delivers again.
func TestDurableHookStuckShowsInHealth(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	d := analytics.NewDispatcher(analytics.DispatcherOptions{Now: clock, StuckAfter: time.Minute})
	f := &flaky{}
	f.down.Store(true)
	require.NoError(t, d.AddDurable("transcripts", f, durableOpts(t.TempDir())))
	require.NoError(t, d.Emit(ev(analytics.MessageIn, "s", 1)))
	require.Eventually(t, func() bool { return f.fails.Load() >= 2 }, 10*time.Second, time.Millisecond)
	st := d.Stats()[0]
	assert.False(t, st.FailingSince.IsZero())
	assert.Contains(t, st.LastError, "store down")
	assert.NoError(t, d.Health(context.Background()), "failing for less than StuckAfter: a passing outage")

	now.Add(int64(2 * time.Minute))
	err := d.Health(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `hook "transcripts" has not delivered`)

	f.down.Store(false)
	require.Eventually(t, func() bool { return d.Stats()[0].FailingSince.IsZero() }, 10*time.Second, time.Millisecond)
	assert.NoError(t, d.Health(context.Background()))
	assert.Len(t, f.got(), 1)
	closeNow(t, d)
}
