// Package transcripttest checks that an analytics.Store keeps the contract
// reports and data protection rely on, as slogtest does for slog handlers.
// Run it from each implementation's tests:
//
//	func TestStore(t *testing.T) {
//		transcripttest.Run(t, func(t *testing.T, opts analytics.StoreOptions) analytics.Store {
//			return newStore(t, opts)
//		})
//	}
package transcripttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

// Run checks the stores returned by newStore. newStore is called once per
// check with the options to use and must return an empty store; it may
// register cleanups with t.
func Run(t *testing.T, newStore func(t *testing.T, opts analytics.StoreOptions) analytics.Store) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, newStore func(t *testing.T, opts analytics.StoreOptions) analytics.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"TimeOrder", testTimeOrder},
		{"Idempotent", testIdempotent},
		{"SameTimeKeepsBatchOrder", testSameTime},
		{"Query", testQuery},
		{"InvalidBatchStoresNothing", testInvalid},
		{"TextRedactedByDefault", testTextRedacted},
		{"TextNone", testTextNone},
		{"TextRaw", testTextRaw},
		{"Purge", testPurge},
		{"EraseUser", testErase},
		{"Export", testExport},
		{"ConcurrentAppends", testConcurrent},
		{"ScanStopsAtError", testScanStops},
		{"CancelledContext", testCancelled},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, newStore) })
	}
}

var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

func ev(id string, kind analytics.Kind, user, sess string, minute int) analytics.Event {
	return analytics.Event{ID: id, Kind: kind, Time: t0.Add(time.Duration(minute) * time.Minute), SessionID: sess, UserID: user, Channel: "web"}
}

func scan(t *testing.T, s analytics.Store, q analytics.Query) []analytics.Event {
	t.Helper()
	var out []analytics.Event
	require.NoError(t, s.Scan(context.Background(), q, func(e analytics.Event) error {
		out = append(out, e)
		return nil
	}))
	return out
}

func ids(events []analytics.Event) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, e.ID)
	}
	return out
}

func appendOK(t *testing.T, s analytics.Store, events ...analytics.Event) {
	t.Helper()
	require.NoError(t, s.Append(context.Background(), events))
}

func testRoundTrip(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	all := []analytics.Event{
		{ID: "a", Kind: analytics.SessionStarted, Time: t0, SessionID: "s1", UserID: "u1", Channel: "web"},
		{ID: "b", Kind: analytics.MessageIn, Time: t0.Add(time.Second + 123456789), SessionID: "s1", UserID: "u1", Channel: "web", Text: "怎么退货？"},
		{ID: "c", Kind: analytics.IntentRecognized, Time: t0.Add(2 * time.Second), SessionID: "s1", UserID: "u1", Channel: "web", Text: "怎么退货？", Intent: "return_goods", Confidence: 0.875},
		{ID: "d", Kind: analytics.IntentRecognized, Time: t0.Add(3 * time.Second), SessionID: "s1", UserID: "u1", Channel: "web", Intent: "chitchat", Confidence: 0.25, OutOfScope: true},
		{ID: "e", Kind: analytics.AnswerServed, Time: t0.Add(4 * time.Second), SessionID: "s1", UserID: "u1", Channel: "web", EntryID: "faq-12", Category: "售后"},
		{ID: "f", Kind: analytics.Handoff, Time: t0.Add(5 * time.Second), SessionID: "s1", UserID: "u1", Channel: "web", Reason: "requested"},
		{ID: "g", Kind: analytics.Rating, Time: t0.Add(6 * time.Second), SessionID: "s1", UserID: "u1", Channel: "web", Rating: 4, Text: "还行"},
		{ID: "h", Kind: analytics.SessionEnded, Time: t0.Add(7 * time.Second), SessionID: "s1", UserID: "u1", Channel: "web", Duration: 7250 * time.Millisecond, Resolved: true, Confirmed: true},
	}
	appendOK(t, s, all...)
	got := scan(t, s, analytics.Query{})
	require.Len(t, got, len(all))
	for i := range all {
		want := all[i]
		want.Time = want.Time.Truncate(time.Microsecond)
		assert.True(t, want.Time.Equal(got[i].Time), "time of %s: %v != %v", want.ID, want.Time, got[i].Time)
		got[i].Time = want.Time
		assert.Equal(t, want, got[i])
	}
}

func testTimeOrder(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	appendOK(t, s, ev("c", analytics.MessageIn, "u", "s", 3), ev("a", analytics.MessageIn, "u", "s", 1))
	appendOK(t, s, ev("b", analytics.MessageIn, "u", "s", 2), ev("d2", analytics.MessageIn, "u", "s", 4), ev("d1", analytics.MessageIn, "u", "s", 4))
	// A time before 1970 sorts first too.
	old := ev("z", analytics.MessageIn, "u", "s", 0)
	old.Time = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
	appendOK(t, s, old)
	assert.Equal(t, []string{"z", "a", "b", "c", "d1", "d2"}, ids(scan(t, s, analytics.Query{})))
}

func testIdempotent(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	batch := []analytics.Event{ev("a", analytics.MessageIn, "u", "s", 1), ev("b", analytics.MessageOut, "u", "s", 2)}
	appendOK(t, s, batch...)
	appendOK(t, s, batch...)
	appendOK(t, s, batch[1], ev("c", analytics.MessageIn, "u", "s", 3))
	assert.Equal(t, []string{"a", "b", "c"}, ids(scan(t, s, analytics.Query{})))
	// Events without an ID get one each.
	appendOK(t, s, ev("", analytics.MessageIn, "u", "s", 4), ev("", analytics.MessageIn, "u", "s", 4))
	got := scan(t, s, analytics.Query{})
	require.Len(t, got, 5)
	assert.NotEmpty(t, got[3].ID)
	assert.NotEqual(t, got[3].ID, got[4].ID)
}

// The events of one turn often share a time; without IDs they keep the
// order of their batch, which session summaries depend on.
func testSameTime(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	var batch []analytics.Event
	kinds := []analytics.Kind{analytics.MessageIn, analytics.IntentRecognized, analytics.Fallback, analytics.MessageOut}
	for i := range 20 {
		batch = append(batch, ev("", kinds[i%4], "u", "s", 1))
	}
	appendOK(t, s, batch...)
	got := scan(t, s, analytics.Query{})
	require.Len(t, got, 20)
	for i, e := range got {
		assert.Equal(t, kinds[i%4], e.Kind, "event %d", i)
	}
}

func testQuery(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	appendOK(t, s,
		ev("1", analytics.SessionStarted, "u1", "s1", 0),
		ev("2", analytics.MessageIn, "u1", "s1", 1),
		ev("3", analytics.MessageIn, "u2", "s2", 2),
		ev("4", analytics.Fallback, "u2", "s2", 3),
		ev("5", analytics.MessageIn, "u1", "s3", 4),
		ev("6", analytics.SessionEnded, "u1", "s1", 5),
	)
	cases := []struct {
		q    analytics.Query
		want []string
	}{
		{analytics.Query{}, []string{"1", "2", "3", "4", "5", "6"}},
		{analytics.Query{From: t0.Add(time.Minute), To: t0.Add(4 * time.Minute)}, []string{"2", "3", "4"}},
		{analytics.Query{From: t0.Add(4 * time.Minute)}, []string{"5", "6"}},
		{analytics.Query{To: t0.Add(time.Minute)}, []string{"1"}},
		{analytics.Query{UserID: "u1"}, []string{"1", "2", "5", "6"}},
		{analytics.Query{UserID: "u1", From: t0.Add(2 * time.Minute)}, []string{"5", "6"}},
		{analytics.Query{SessionID: "s2"}, []string{"3", "4"}},
		{analytics.Query{Kinds: []analytics.Kind{analytics.MessageIn}}, []string{"2", "3", "5"}},
		{analytics.Query{UserID: "u2", Kinds: []analytics.Kind{analytics.Fallback, analytics.SessionEnded}}, []string{"4"}},
		{analytics.Query{UserID: "nobody"}, []string{}},
		{analytics.Query{From: t0.Add(time.Hour)}, []string{}},
	}
	for i, c := range cases {
		assert.Equal(t, c.want, ids(scan(t, s, c.q)), "query %d: %+v", i, c.q)
	}
}

func testInvalid(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	bad := ev("b", analytics.Rating, "u", "s", 2)
	bad.Rating = 9
	err := s.Append(context.Background(), []analytics.Event{ev("a", analytics.MessageIn, "u", "s", 1), bad})
	assert.ErrorIs(t, err, analytics.ErrInvalidEvent)
	assert.Empty(t, scan(t, s, analytics.Query{}))
	assert.ErrorIs(t, s.Append(context.Background(), []analytics.Event{{ID: "x", Kind: analytics.MessageIn, Time: t0}}), analytics.ErrInvalidEvent)
}

const pii = "我的手机13812345678，邮箱 li.lei@example.com"

func textOf(t *testing.T, opts analytics.StoreOptions, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) (string, string) {
	s := newStore(t, opts)
	e := ev("a", analytics.MessageIn, "u", "s", 1)
	e.Text = pii
	appendOK(t, s, e)
	got := scan(t, s, analytics.Query{})
	require.Len(t, got, 1)
	var buf bytes.Buffer
	require.NoError(t, s.ExportAll(context.Background(), &buf))
	return got[0].Text, buf.String()
}

func testTextRedacted(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	text, export := textOf(t, analytics.StoreOptions{}, newStore)
	assert.Equal(t, "我的手机[手机号]，邮箱 [邮箱]", text)
	assert.NotContains(t, export, "13812345678")
	assert.NotContains(t, export, "li.lei")
	// A custom redaction is used.
	text, _ = textOf(t, analytics.StoreOptions{Redact: func(string) string { return "***" }}, newStore)
	assert.Equal(t, "***", text)
}

func testTextNone(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	text, export := textOf(t, analytics.StoreOptions{Text: analytics.TextNone}, newStore)
	assert.Empty(t, text)
	assert.NotContains(t, export, "手机")
}

func testTextRaw(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	text, _ := textOf(t, analytics.StoreOptions{Text: analytics.TextRaw}, newStore)
	assert.Equal(t, pii, text)
}

func testPurge(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	for i := range 10 {
		appendOK(t, s, ev(fmt.Sprint("e", i), analytics.MessageIn, fmt.Sprint("u", i%3), "s", i))
	}
	n, err := s.Purge(context.Background(), t0.Add(4*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, int64(4), n)
	assert.Equal(t, []string{"e4", "e5", "e6", "e7", "e8", "e9"}, ids(scan(t, s, analytics.Query{})))
	assert.Equal(t, []string{"e5", "e8"}, ids(scan(t, s, analytics.Query{UserID: "u2"})), "the user index follows")
	n, err = s.Purge(context.Background(), t0)
	require.NoError(t, err)
	assert.Zero(t, n)
	// A purged ID may be stored again.
	appendOK(t, s, ev("e0", analytics.MessageIn, "u0", "s", 0))
	assert.Equal(t, "e0", ids(scan(t, s, analytics.Query{}))[0])
}

func testErase(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	for i := range 9 {
		appendOK(t, s, ev(fmt.Sprint("e", i), analytics.MessageIn, fmt.Sprint("u", i%3), fmt.Sprint("s", i%3), i))
	}
	n, err := s.EraseUser(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	assert.Empty(t, scan(t, s, analytics.Query{UserID: "u1"}))
	assert.Equal(t, []string{"e0", "e2", "e3", "e5", "e6", "e8"}, ids(scan(t, s, analytics.Query{})))
	var buf bytes.Buffer
	require.NoError(t, s.ExportUser(context.Background(), "u1", &buf))
	assert.Empty(t, buf.String())
	n, err = s.EraseUser(context.Background(), "u1")
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = s.EraseUser(context.Background(), "")
	require.NoError(t, err)
	assert.Zero(t, n, "an empty user ID erases nothing")
	assert.Len(t, scan(t, s, analytics.Query{}), 6)
}

func testExport(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	e1 := ev("a", analytics.MessageIn, "u1", "s1", 1)
	e1.Text = "你好"
	e2 := ev("b", analytics.SessionEnded, "u1", "s1", 2)
	e2.Duration = 90 * time.Second
	e3 := ev("c", analytics.MessageIn, "u2", "s2", 3)
	appendOK(t, s, e1, e2, e3)
	var user, all bytes.Buffer
	require.NoError(t, s.ExportUser(context.Background(), "u1", &user))
	require.NoError(t, s.ExportAll(context.Background(), &all))
	lines := strings.Split(strings.TrimSpace(user.String()), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], `"text":"你好"`)
	assert.Contains(t, lines[1], `"duration_ms":90000`)
	var back []analytics.Event
	require.NoError(t, analytics.ReadJSONL(&all, func(e analytics.Event) error {
		back = append(back, e)
		return nil
	}))
	assert.Equal(t, []string{"a", "b", "c"}, ids(back))
	assert.Equal(t, 90*time.Second, back[1].Duration)
	assert.Equal(t, "你好", back[0].Text)
}

func testConcurrent(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				batch := []analytics.Event{
					ev(fmt.Sprintf("g%d-%d-a", g, i), analytics.MessageIn, fmt.Sprint("u", g), fmt.Sprint("s", g), i),
					ev(fmt.Sprintf("g%d-%d-b", g, i), analytics.MessageOut, fmt.Sprint("u", g), fmt.Sprint("s", g), i),
				}
				if err := s.Append(context.Background(), batch); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, scan(t, s, analytics.Query{}), 160)
	assert.Len(t, scan(t, s, analytics.Query{UserID: "u3"}), 20)
}

func testScanStops(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	appendOK(t, s, ev("a", analytics.MessageIn, "u", "s", 1), ev("b", analytics.MessageIn, "u", "s", 2), ev("c", analytics.MessageIn, "u", "s", 3))
	stop := errors.New("enough")
	n := 0
	err := s.Scan(context.Background(), analytics.Query{}, func(analytics.Event) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 2, n)
}

func testCancelled(t *testing.T, newStore func(*testing.T, analytics.StoreOptions) analytics.Store) {
	s := newStore(t, analytics.StoreOptions{})
	appendOK(t, s, ev("a", analytics.MessageIn, "u", "s", 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Error(t, s.Append(ctx, []analytics.Event{ev("b", analytics.MessageIn, "u", "s", 2)}))
	assert.Error(t, s.Scan(ctx, analytics.Query{}, func(analytics.Event) error { return nil }))
	_, err := s.Purge(ctx, t0.Add(time.Hour))
	assert.Error(t, err)
	_, err = s.EraseUser(ctx, "u")
	assert.Error(t, err)
	assert.Len(t, scan(t, s, analytics.Query{}), 1, "nothing changed")
}
