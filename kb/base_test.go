package kb_test

import (
	"context"
	"testing"
	"time"

	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/kbtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eventually polls cond until it holds, failing the test after a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 5 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func topID(t *testing.T, b *kb.Base, q string) string {
	t.Helper()
	hits, err := b.Search(context.Background(), q, kb.SearchOptions{})
	require.NoError(t, err)
	if len(hits) == 0 {
		return ""
	}
	return hits[0].Entry.ID
}

// noWait hides a store's Wait method, so that a Base polls it.
type noWait struct{ kb.Store }

func TestBase(t *testing.T) {
	ctx := context.Background()
	for name, wrap := range map[string]func(kb.Store) kb.Store{
		"wait": func(s kb.Store) kb.Store { return s },
		"poll": func(s kb.Store) kb.Store { return noWait{s} },
	} {
		t.Run(name, func(t *testing.T) {
			st := kb.NewMemoryStore()
			_, err := st.Write(ctx, kb.Batch{Put: []kb.Entry{kbtest.Rich("repay")}})
			require.NoError(t, err)

			one, err := kb.Open(ctx, wrap(st), kb.Options{PollInterval: 20 * time.Millisecond})
			require.NoError(t, err)
			t.Cleanup(func() { one.Close() })
			two, err := kb.Open(ctx, wrap(st), kb.Options{PollInterval: 20 * time.Millisecond})
			require.NoError(t, err)
			t.Cleanup(func() { two.Close() })

			assert.Equal(t, "repay", topID(t, one, "花呗怎么还款"), "entries present at Open are searchable")

			// A write through one Base is searchable there at once and
			// in the other soon after.
			_, err = one.Write(ctx, kb.Batch{Author: "op", Put: []kb.Entry{{ID: "limit", Question: "花呗额度怎么提升"}}})
			require.NoError(t, err)
			assert.Equal(t, "limit", topID(t, one, "提升花呗额度"))
			eventually(t, "edit visible in the other instance", func() bool { return topID(t, two, "提升花呗额度") == "limit" })

			// Deletes propagate too.
			e, err := two.Get(ctx, "repay")
			require.NoError(t, err)
			_, err = two.Write(ctx, kb.Batch{Delete: []kb.Ref{{ID: "repay", Version: e.Version}}})
			require.NoError(t, err)
			assert.Empty(t, topID(t, two, "花呗怎么还款"))
			eventually(t, "delete visible in the other instance", func() bool { return topID(t, one, "花呗怎么还款") == "" })

			// Optimistic concurrency through the Base.
			_, err = one.Write(ctx, kb.Batch{Put: []kb.Entry{{ID: "limit", Question: "x"}}})
			assert.ErrorIs(t, err, kb.ErrConflict)
			assert.Equal(t, "limit", topID(t, one, "提升花呗额度"), "a failed write leaves the index alone")
			require.NoError(t, one.Sync(ctx))
			assert.Equal(t, 1, one.Index().Len())
		})
	}
}
