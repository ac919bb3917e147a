// Package storetest checks that a dialogue.Store keeps the contract the
// engine relies on, as slogtest does for slog handlers. Run it from each
// implementation's tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) dialogue.Store { return newStore(t) })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
)

// Goroutines is the number of concurrent updates of one session in the
// lost-update check.
const Goroutines = 50

// Run checks the store returned by newStore. newStore is called once per
// check and must return an empty store (or one whose sessions no other check
// sees, such as a fresh key prefix); it may register cleanups with t. The
// time-to-live checks wait for real expiry of sessions stored for 50 ms.
func Run(t *testing.T, newStore func(t *testing.T) dialogue.Store) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, s dialogue.Store)
	}{
		{"GetMissing", testGetMissing},
		{"CreateUpdateGet", testCreateUpdateGet},
		{"FuncErrorStoresNothing", testFuncError},
		{"EmptyResultDeletes", testEmptyDeletes},
		{"Delete", testDelete},
		{"IndependentIDs", testIndependentIDs},
		{"Copies", testCopies},
		{"TTLExpires", testTTLExpires},
		{"TTLRenewedByUpdate", testTTLRenewed},
		{"ConcurrentUpdatesLoseNothing", testConcurrent},
		{"OtherSessionsDoNotWait", testOtherSessions},
		{"CancelWhileWaiting", testCancelWhileWaiting},
		{"CancelledContext", testCancelled},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, newStore(t)) })
	}
}

func set(t *testing.T, s dialogue.Store, id, val string, ttl time.Duration) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), id, ttl, func([]byte) ([]byte, error) { return []byte(val), nil }))
}

func get(t *testing.T, s dialogue.Store, id string) string {
	t.Helper()
	b, err := s.Get(context.Background(), id)
	require.NoError(t, err)
	return string(b)
}

func testGetMissing(t *testing.T, s dialogue.Store) {
	_, err := s.Get(context.Background(), "missing")
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
}

func testCreateUpdateGet(t *testing.T, s dialogue.Store) {
	ctx := context.Background()
	calls := 0
	require.NoError(t, s.Update(ctx, "a", time.Hour, func(old []byte) ([]byte, error) {
		calls++
		assert.Nil(t, old, "a new session has no bytes")
		return []byte("v1"), nil
	}))
	assert.Equal(t, 1, calls, "fn is called once")
	assert.Equal(t, "v1", get(t, s, "a"))
	require.NoError(t, s.Update(ctx, "a", time.Hour, func(old []byte) ([]byte, error) {
		assert.Equal(t, "v1", string(old))
		return []byte("v2"), nil
	}))
	assert.Equal(t, "v2", get(t, s, "a"))
}

func testFuncError(t *testing.T, s dialogue.Store) {
	set(t, s, "a", "v1", time.Hour)
	boom := errors.New("boom")
	err := s.Update(context.Background(), "a", time.Hour, func([]byte) ([]byte, error) { return []byte("v2"), boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "v1", get(t, s, "a"))
	// The session is not left locked.
	set(t, s, "a", "v3", time.Hour)
	assert.Equal(t, "v3", get(t, s, "a"))
}

func testEmptyDeletes(t *testing.T, s dialogue.Store) {
	set(t, s, "a", "v1", time.Hour)
	require.NoError(t, s.Update(context.Background(), "a", time.Hour, func([]byte) ([]byte, error) { return nil, nil }))
	_, err := s.Get(context.Background(), "a")
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
}

func testDelete(t *testing.T, s dialogue.Store) {
	ctx := context.Background()
	set(t, s, "a", "v1", time.Hour)
	set(t, s, "b", "v1", time.Hour)
	require.NoError(t, s.Delete(ctx, "a"))
	_, err := s.Get(ctx, "a")
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
	assert.Equal(t, "v1", get(t, s, "b"))
	assert.NoError(t, s.Delete(ctx, "a"), "deleting a missing session")
}

func testIndependentIDs(t *testing.T, s dialogue.Store) {
	ids := []string{"a", "A", "a:lock", "{a}", "a b", "会话-1", "x/y?z=1", "a:data"}
	for i, id := range ids {
		set(t, s, id, "v"+strconv.Itoa(i), time.Hour)
	}
	for i, id := range ids {
		assert.Equal(t, "v"+strconv.Itoa(i), get(t, s, id), id)
	}
}

func testCopies(t *testing.T, s dialogue.Store) {
	buf := []byte("v1")
	require.NoError(t, s.Update(context.Background(), "a", time.Hour, func([]byte) ([]byte, error) { return buf, nil }))
	buf[0] = 'X'
	got, err := s.Get(context.Background(), "a")
	require.NoError(t, err)
	assert.Equal(t, "v1", string(got), "the store keeps its own copy")
	got[0] = 'Y'
	assert.Equal(t, "v1", get(t, s, "a"), "Get returns a copy")
}

// gone waits, without a time limit of its own beyond a generous bound,
// until id has expired.
func gone(t *testing.T, s dialogue.Store, id string) bool {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, err := s.Get(context.Background(), id)
		if errors.Is(err, dialogue.ErrNotFound) {
			return true
		}
		require.NoError(t, err)
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func testTTLExpires(t *testing.T, s dialogue.Store) {
	set(t, s, "forever", "v", 0)
	set(t, s, "hour", "v", time.Hour)
	set(t, s, "short", "v", 50*time.Millisecond)
	assert.True(t, gone(t, s, "short"), "a session with a 50ms time to live never expired")
	assert.Equal(t, "v", get(t, s, "forever"), "a session without time to live expired")
	assert.Equal(t, "v", get(t, s, "hour"), "a session with an hour to live expired")
}

func testTTLRenewed(t *testing.T, s dialogue.Store) {
	set(t, s, "a", "v1", 50*time.Millisecond)
	set(t, s, "a", "v2", time.Hour)
	set(t, s, "b", "v1", time.Hour)
	set(t, s, "b", "v2", 50*time.Millisecond)
	assert.True(t, gone(t, s, "b"), "the last update's time to live applies")
	assert.Equal(t, "v2", get(t, s, "a"), "the last update's time to live applies")
}

func testConcurrent(t *testing.T, s dialogue.Store) {
	ctx := context.Background()
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, Goroutines)
	for range Goroutines {
		wg.Go(func() {
			errs <- s.Update(ctx, "counter", time.Hour, func(old []byte) ([]byte, error) {
				n := inside.Add(1)
				defer inside.Add(-1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				v := 0
				if old != nil {
					var err error
					if v, err = strconv.Atoi(string(old)); err != nil {
						return nil, err
					}
				}
				return []byte(strconv.Itoa(v + 1)), nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, strconv.Itoa(Goroutines), get(t, s, "counter"), "updates were lost")
	assert.Equal(t, int32(1), maxInside.Load(), "updates of one session overlapped")
}

func testOtherSessions(t *testing.T, s dialogue.Store) {
	ctx := context.Background()
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) {
			close(entered)
			<-release
			return []byte("a"), nil
		})
	}()
	<-entered
	bctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := s.Update(bctx, "b", time.Hour, func([]byte) ([]byte, error) { return []byte("b"), nil })
	close(release)
	assert.NoError(t, err, "an update of another session waited for a locked one")
	require.NoError(t, <-done)
	assert.Equal(t, "a", get(t, s, "a"))
	assert.Equal(t, "b", get(t, s, "b"))
}

func testCancelWhileWaiting(t *testing.T, s dialogue.Store) {
	ctx := context.Background()
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) {
			close(entered)
			<-release
			return []byte("first"), nil
		})
	}()
	<-entered
	wctx, cancel := context.WithCancel(ctx)
	waiting := make(chan error, 1)
	called := atomic.Bool{}
	go func() {
		waiting <- s.Update(wctx, "a", time.Hour, func([]byte) ([]byte, error) {
			called.Store(true)
			return []byte("second"), nil
		})
	}()
	cancel()
	err := <-waiting
	close(release)
	require.NoError(t, <-done)
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, called.Load(), "fn ran although its context was cancelled while the session was locked")
	assert.Equal(t, "first", get(t, s, "a"))
}

func testCancelled(t *testing.T, s dialogue.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) {
		return nil, fmt.Errorf("fn called with a cancelled context")
	})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.Get(context.Background(), "a")
	assert.ErrorIs(t, err, dialogue.ErrNotFound)
}
