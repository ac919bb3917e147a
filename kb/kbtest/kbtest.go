// Package kbtest is the conformance suite for [kb.Store] implementations.
//
// A store package runs it from a test:
//
//	func TestConformance(t *testing.T) {
//		kbtest.Run(t, func(t *testing.T) kb.Store { return newEmptyStore(t) })
//	}
package kbtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kefuai/kefu/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Run checks that the stores made by newStore behave as [kb.Store]
// requires. newStore is called once per subtest and must return an empty
// store; it should register its own cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) kb.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s kb.Store)
	}{
		{"GetMissing", testGetMissing},
		{"CreateAndGet", testCreateAndGet},
		{"Isolation", testIsolation},
		{"Update", testUpdate},
		{"Conflicts", testConflicts},
		{"Delete", testDelete},
		{"BatchAtomic", testBatchAtomic},
		{"Invalid", testInvalid},
		{"Overwrite", testOverwrite},
		{"List", testList},
		{"Revisions", testRevisions},
		{"ConcurrentEditors", testConcurrentEditors},
		{"Wait", testWait},
		{"Canceled", testCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

var ctx = context.Background()

// Rich returns an entry that uses every field, with Chinese, English and
// emoji text.
func Rich(id string) kb.Entry {
	return kb.Entry{
		ID:       id,
		Question: "花呗怎么还款？",
		Similar:  []string{"花呗还款方式", "How do I repay Huabei? 🙏", "怎么  还 花呗 "},
		Answer: kb.Answer{
			Text:        "打开支付宝 → 我的 → 花呗 → 还款。\n第二行, with \"quotes\", commas",
			Images:      []kb.Image{{URL: "https://example.com/a.png", Alt: "还款页面"}, {URL: "https://example.com/b.png"}},
			Links:       []kb.Link{{Title: "帮助中心", URL: "https://example.com/help?q=1&x=2"}},
			Suggestions: []string{"花呗额度", "逾期怎么办"},
		},
		Category: "花呗",
		Tags:     []string{"还款", "payment"},
		Intents:  []string{"repayment"},
	}
}

func put(t *testing.T, s kb.Store, author string, es ...kb.Entry) []kb.Revision {
	t.Helper()
	revs, err := s.Write(ctx, kb.Batch{Author: author, Put: es})
	require.NoError(t, err)
	require.Len(t, revs, len(es))
	return revs
}

func testGetMissing(t *testing.T, s kb.Store) {
	_, err := s.Get(ctx, "nope")
	assert.ErrorIs(t, err, kb.ErrNotFound)
}

func testCreateAndGet(t *testing.T, s kb.Store) {
	before := time.Now().Add(-time.Minute)
	in := Rich("huabei-repay")
	revs := put(t, s, "alice", in)
	assert.Equal(t, kb.OpPut, revs[0].Op)
	assert.Equal(t, int64(1), revs[0].Entry.Version)

	got, err := s.Get(ctx, "huabei-repay")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	assert.True(t, got.Updated.After(before), "Updated is set: %v", got.Updated)
	assert.True(t, got.Updated.Equal(revs[0].Entry.Updated))
	want := in
	want.Version, want.Updated = got.Version, got.Updated
	assert.True(t, want.Equal(got), "stored entry differs:\nwant %+v\ngot  %+v", want, got)

	// A disabled entry is stored like any other.
	off := Rich("off")
	off.Disabled = true
	put(t, s, "alice", off)
	got, err = s.Get(ctx, "off")
	require.NoError(t, err)
	assert.True(t, got.Disabled)
}

func testIsolation(t *testing.T, s kb.Store) {
	in := Rich("iso")
	put(t, s, "a", in)
	in.Similar[0] = "changed by caller"
	in.Answer.Images[0].URL = "changed"
	got, err := s.Get(ctx, "iso")
	require.NoError(t, err)
	assert.Equal(t, "花呗还款方式", got.Similar[0], "the store keeps its own copy")
	got.Similar[0] = "changed again"
	again, err := s.Get(ctx, "iso")
	require.NoError(t, err)
	assert.Equal(t, "花呗还款方式", again.Similar[0], "Get returns a copy")
}

func testUpdate(t *testing.T, s kb.Store) {
	put(t, s, "a", Rich("u"))
	e, err := s.Get(ctx, "u")
	require.NoError(t, err)
	e.Answer.Text = "新的答案"
	e.Similar = nil
	revs, err := s.Write(ctx, kb.Batch{Author: "bob", Put: []kb.Entry{e}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), revs[0].Entry.Version)
	got, err := s.Get(ctx, "u")
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, "新的答案", got.Answer.Text)
	assert.Empty(t, got.Similar)
	assert.False(t, got.Updated.Before(e.Updated))
}

func testConflicts(t *testing.T, s kb.Store) {
	put(t, s, "a", Rich("c"))
	// Creating an entry that exists.
	_, err := s.Write(ctx, kb.Batch{Put: []kb.Entry{Rich("c")}})
	require.ErrorIs(t, err, kb.ErrConflict)
	var ce *kb.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, kb.ConflictError{ID: "c", Want: 0, Have: 1}, *ce)

	// Two editors read version 1; the second write loses.
	e1, err := s.Get(ctx, "c")
	require.NoError(t, err)
	e2 := e1.Clone()
	e1.Answer.Text = "editor one"
	e2.Answer.Text = "editor two"
	_, err = s.Write(ctx, kb.Batch{Author: "one", Put: []kb.Entry{e1}})
	require.NoError(t, err)
	_, err = s.Write(ctx, kb.Batch{Author: "two", Put: []kb.Entry{e2}})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, kb.ConflictError{ID: "c", Want: 1, Have: 2}, *ce)
	got, err := s.Get(ctx, "c")
	require.NoError(t, err)
	assert.Equal(t, "editor one", got.Answer.Text)

	// Updating an entry that does not exist.
	ghost := Rich("ghost")
	ghost.Version = 3
	_, err = s.Write(ctx, kb.Batch{Put: []kb.Entry{ghost}})
	assert.ErrorIs(t, err, kb.ErrConflict)
	_, err = s.Get(ctx, "ghost")
	assert.ErrorIs(t, err, kb.ErrNotFound)
}

func testDelete(t *testing.T, s kb.Store) {
	put(t, s, "a", Rich("d"))
	_, err := s.Write(ctx, kb.Batch{Delete: []kb.Ref{{ID: "d", Version: 7}}})
	require.ErrorIs(t, err, kb.ErrConflict)
	_, err = s.Write(ctx, kb.Batch{Delete: []kb.Ref{{ID: "missing", Version: 1}}})
	require.ErrorIs(t, err, kb.ErrNotFound)

	revs, err := s.Write(ctx, kb.Batch{Author: "carol", Note: "obsolete", Delete: []kb.Ref{{ID: "d", Version: 1}}})
	require.NoError(t, err)
	require.Len(t, revs, 1)
	assert.Equal(t, kb.OpDelete, revs[0].Op)
	assert.Equal(t, int64(2), revs[0].Entry.Version, "a delete is a version too")
	assert.Equal(t, "花呗怎么还款？", revs[0].Entry.Question, "the revision keeps what was deleted")
	_, err = s.Get(ctx, "d")
	require.ErrorIs(t, err, kb.ErrNotFound)

	// Recreating continues the numbering.
	revs = put(t, s, "a", Rich("d"))
	assert.Equal(t, int64(3), revs[0].Entry.Version)
	got, err := s.Get(ctx, "d")
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Version)
}

func testBatchAtomic(t *testing.T, s kb.Store) {
	put(t, s, "a", Rich("x"))
	_, seq0, err := s.List(ctx)
	require.NoError(t, err)
	// One good put, one conflicting: nothing is written.
	_, err = s.Write(ctx, kb.Batch{Put: []kb.Entry{Rich("new1"), Rich("x")}})
	require.ErrorIs(t, err, kb.ErrConflict)
	_, err = s.Get(ctx, "new1")
	assert.ErrorIs(t, err, kb.ErrNotFound)
	// A good put and a bad delete: nothing is written.
	_, err = s.Write(ctx, kb.Batch{Put: []kb.Entry{Rich("new2")}, Delete: []kb.Ref{{ID: "x", Version: 9}}})
	require.ErrorIs(t, err, kb.ErrConflict)
	_, err = s.Get(ctx, "new2")
	assert.ErrorIs(t, err, kb.ErrNotFound)
	revs, err := s.Revisions(ctx, kb.RevQuery{After: seq0})
	require.NoError(t, err)
	assert.Empty(t, revs, "failed batches leave no revision")

	// A good batch writes everything, with consecutive revisions.
	many := make([]kb.Entry, 50)
	for i := range many {
		many[i] = Rich(fmt.Sprintf("m%02d", i))
	}
	revs, err = s.Write(ctx, kb.Batch{Put: many, Delete: []kb.Ref{{ID: "x", Version: 1}}})
	require.NoError(t, err)
	require.Len(t, revs, 51)
	for i, r := range revs {
		assert.Equal(t, revs[0].Seq+int64(i), r.Seq)
	}
	assert.Equal(t, kb.OpDelete, revs[50].Op)
	all, _, err := s.List(ctx)
	require.NoError(t, err)
	assert.Len(t, all, 50)
}

func testInvalid(t *testing.T, s kb.Store) {
	bad := []kb.Entry{
		{ID: "", Question: "q"},
		{ID: "no-question", Question: "  "},
		{ID: "bad\nid", Question: "q"},
		{ID: "two-lines", Question: "q1\nq2"},
		{ID: "blank-similar", Question: "q", Similar: []string{" "}},
		{ID: "url-space", Question: "q", Answer: kb.Answer{Links: []kb.Link{{URL: "http://a b"}}}},
		{ID: "bad-image", Question: "q", Answer: kb.Answer{Images: []kb.Image{{Alt: "no url"}}}},
		{ID: "bad-utf8", Question: "q\xff"},
	}
	for _, e := range bad {
		_, err := s.Write(ctx, kb.Batch{Put: []kb.Entry{Rich("ok"), e}})
		var ie *kb.InvalidError
		assert.ErrorAs(t, err, &ie, "entry %q", e.ID)
	}
	_, err := s.Write(ctx, kb.Batch{Put: []kb.Entry{Rich("dup"), Rich("dup")}})
	assert.Error(t, err, "an ID twice in one batch")
	_, err = s.Get(ctx, "ok")
	assert.ErrorIs(t, err, kb.ErrNotFound, "invalid batches write nothing")
}

func testOverwrite(t *testing.T, s kb.Store) {
	put(t, s, "a", Rich("o"))
	e := Rich("o")
	e.Answer.Text = "imported"
	revs, err := s.Write(ctx, kb.Batch{Overwrite: true, Put: []kb.Entry{e, Rich("o2")}, Note: "import"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), revs[0].Entry.Version)
	assert.Equal(t, int64(1), revs[1].Entry.Version)
	_, err = s.Write(ctx, kb.Batch{Overwrite: true, Delete: []kb.Ref{{ID: "o"}}})
	require.NoError(t, err)
	_, err = s.Get(ctx, "o")
	assert.ErrorIs(t, err, kb.ErrNotFound)
}

func testList(t *testing.T, s kb.Store) {
	es, seq, err := s.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, es)
	assert.Zero(t, seq)
	ids := []string{"b", "a", "c", "退款", "Z"}
	for _, id := range ids {
		put(t, s, "a", Rich(id))
	}
	revs, err := s.Write(ctx, kb.Batch{Delete: []kb.Ref{{ID: "c", Version: 1}}})
	require.NoError(t, err)
	es, seq, err = s.List(ctx)
	require.NoError(t, err)
	var got []string
	for _, e := range es {
		got = append(got, e.ID)
		assert.Equal(t, int64(1), e.Version)
	}
	assert.Equal(t, []string{"Z", "a", "b", "退款"}, got, "ordered by ID bytes")
	assert.Equal(t, revs[0].Seq, seq, "List reports the last revision")
}

func testRevisions(t *testing.T, s kb.Store) {
	start := time.Now().Add(-time.Minute)
	put(t, s, "alice", Rich("r1"))
	put(t, s, "bob", Rich("r2"))
	e, err := s.Get(ctx, "r1")
	require.NoError(t, err)
	e.Answer.Text = "v2"
	_, err = s.Write(ctx, kb.Batch{Author: "carol", Note: "fix typo", Put: []kb.Entry{e}})
	require.NoError(t, err)
	_, err = s.Write(ctx, kb.Batch{Author: "dave", Delete: []kb.Ref{{ID: "r1", Version: 2}}})
	require.NoError(t, err)

	all, err := s.Revisions(ctx, kb.RevQuery{})
	require.NoError(t, err)
	require.Len(t, all, 4)
	for i, r := range all {
		if i > 0 {
			assert.Greater(t, r.Seq, all[i-1].Seq)
		}
		assert.True(t, r.Time.After(start))
	}
	assert.Equal(t, []string{"alice", "bob", "carol", "dave"}, []string{all[0].Author, all[1].Author, all[2].Author, all[3].Author})
	assert.Equal(t, "fix typo", all[2].Note)
	assert.Equal(t, "v2", all[2].Entry.Answer.Text)
	assert.True(t, Rich("r1").Answer.Text == all[0].Entry.Answer.Text, "each revision keeps its own content")

	hist, err := s.Revisions(ctx, kb.RevQuery{ID: "r1"})
	require.NoError(t, err)
	require.Len(t, hist, 3)
	ops := []kb.Op{hist[0].Op, hist[1].Op, hist[2].Op}
	assert.Equal(t, []kb.Op{kb.OpPut, kb.OpPut, kb.OpDelete}, ops)
	vers := []int64{hist[0].Entry.Version, hist[1].Entry.Version, hist[2].Entry.Version}
	assert.Equal(t, []int64{1, 2, 3}, vers)

	after, err := s.Revisions(ctx, kb.RevQuery{After: all[1].Seq})
	require.NoError(t, err)
	assert.Len(t, after, 2)
	lim, err := s.Revisions(ctx, kb.RevQuery{Limit: 3})
	require.NoError(t, err)
	assert.Len(t, lim, 3)
	none, err := s.Revisions(ctx, kb.RevQuery{After: all[3].Seq})
	require.NoError(t, err)
	assert.Empty(t, none)
}

// testConcurrentEditors runs editors that each read, change and write one
// entry, retrying on conflict: no change may be lost.
func testConcurrentEditors(t *testing.T, s kb.Store) {
	e := Rich("shared")
	e.Tags = nil
	put(t, s, "a", e)
	const editors, edits = 4, 10
	var wg sync.WaitGroup
	for w := range editors {
		wg.Go(func() {
			for i := 0; i < edits; {
				cur, err := s.Get(ctx, "shared")
				if !assert.NoError(t, err) {
					return
				}
				cur.Tags = append(cur.Tags, fmt.Sprintf("w%d-%d", w, i))
				_, err = s.Write(ctx, kb.Batch{Author: fmt.Sprint("editor", w), Put: []kb.Entry{cur}})
				if errors.Is(err, kb.ErrConflict) {
					continue
				}
				if !assert.NoError(t, err) {
					return
				}
				i++
			}
		})
	}
	wg.Wait()
	got, err := s.Get(ctx, "shared")
	require.NoError(t, err)
	assert.Equal(t, int64(1+editors*edits), got.Version)
	assert.Len(t, got.Tags, editors*edits, "every edit kept")
	slices.Sort(got.Tags)
	assert.Equal(t, len(got.Tags), len(slices.Compact(got.Tags)))
}

func testWait(t *testing.T, s kb.Store) {
	w, ok := s.(kb.Waiter)
	if !ok {
		t.Skip("store does not implement kb.Waiter")
	}
	_, seq, err := s.List(ctx)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		for {
			if err := w.Wait(c, seq); err != nil {
				done <- err
				return
			}
			revs, err := s.Revisions(c, kb.RevQuery{After: seq})
			if err != nil || len(revs) > 0 {
				done <- err
				return
			}
		}
	}()
	put(t, s, "a", Rich("w"))
	require.NoError(t, <-done, "Wait returns after a write")

	// Wait with a canceled context returns its error when nothing is new.
	_, seq, err = s.List(ctx)
	require.NoError(t, err)
	c, cancel := context.WithCancel(ctx)
	cancel()
	assert.Error(t, w.Wait(c, seq))
}

func testCanceled(t *testing.T, s kb.Store) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.Write(c, kb.Batch{Put: []kb.Entry{Rich("x")}})
	assert.Error(t, err)
	_, err = s.Get(ctx, "x")
	assert.ErrorIs(t, err, kb.ErrNotFound)
}
