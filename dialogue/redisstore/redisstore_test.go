package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/redisstore"
	"github.com/kefuai/kefu/dialogue/storetest"
	"github.com/kefuai/kefu/internal/testredis"
)

// client connects to the Redis named by KEFU_TEST_REDIS or skips the test.
func client(t testing.TB) *redis.Client { return testredis.Client(t, testredis.Options(t)) }

func TestConformance(t *testing.T) {
	rdb := client(t)
	storetest.Run(t, func(t *testing.T) dialogue.Store {
		return must(redisstore.New(rdb, redisstore.Options{Prefix: testredis.Prefix(t, rdb)}))
	})
}

func TestKeysCleanedUpAndTTLSet(t *testing.T) {
	rdb := client(t)
	p := testredis.Prefix(t, rdb)
	s := must(redisstore.New(rdb, redisstore.Options{Prefix: p}))
	ctx := context.Background()
	require.NoError(t, s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) { return []byte("x"), nil }))
	keys, err := rdb.Keys(ctx, p+"*").Result()
	require.NoError(t, err)
	assert.Equal(t, []string{p + "{a}"}, keys, "the lock is released after an update")
	ttl, err := rdb.PTTL(ctx, p+"{a}").Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, 59*time.Minute)
	assert.LessOrEqual(t, ttl, time.Hour)
}

// A turn that outlives its lock loses to the turn that took the lock after
// it: its write is refused and the other turn's update survives.
func TestLockLost(t *testing.T) {
	rdb := client(t)
	p := testredis.Prefix(t, rdb)
	s := must(redisstore.New(rdb, redisstore.Options{Prefix: p, LockTTL: 30 * time.Millisecond}))
	ctx := context.Background()
	err := s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) {
		// Wait for the lock to expire, then let another instance update.
		for rdb.Exists(ctx, p+"{a}:lock").Val() == 1 {
			time.Sleep(5 * time.Millisecond)
		}
		other := must(redisstore.New(rdb, redisstore.Options{Prefix: p}))
		require.NoError(t, other.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) { return []byte("second"), nil }))
		return []byte("first"), nil
	})
	assert.ErrorIs(t, err, dialogue.ErrLockLost)
	got, err := s.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "second", string(got))
}

// A turn that outlives its lock while nobody else touched the session still
// writes: the version it read is still current.
func TestLockExpiredUntouched(t *testing.T) {
	rdb := client(t)
	p := testredis.Prefix(t, rdb)
	s := must(redisstore.New(rdb, redisstore.Options{Prefix: p, LockTTL: 30 * time.Millisecond}))
	ctx := context.Background()
	require.NoError(t, s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) { return []byte("v1"), nil }))
	err := s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) {
		for rdb.Exists(ctx, p+"{a}:lock").Val() == 1 {
			time.Sleep(5 * time.Millisecond)
		}
		return []byte("v2"), nil
	})
	require.NoError(t, err)
	got, err := s.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "v2", string(got))
}

func TestBusy(t *testing.T) {
	rdb := client(t)
	p := testredis.Prefix(t, rdb)
	s := must(redisstore.New(rdb, redisstore.Options{Prefix: p, LockWait: 50 * time.Millisecond}))
	ctx := context.Background()
	// Another instance holds the lock.
	require.NoError(t, rdb.Set(ctx, p+"{a}:lock", "someone", time.Minute).Err())
	called := false
	err := s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) { called = true; return []byte("x"), nil })
	assert.ErrorIs(t, err, dialogue.ErrBusy)
	assert.False(t, called)
}

func TestUnavailable(t *testing.T) {
	// Nothing listens on port 1.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second})
	defer rdb.Close()
	s := must(redisstore.New(rdb, redisstore.Options{}))
	ctx := context.Background()
	err := s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) { return []byte("x"), nil })
	assert.ErrorIs(t, err, dialogue.ErrStoreUnavailable)
	_, err = s.Get(ctx, "a")
	assert.ErrorIs(t, err, dialogue.ErrStoreUnavailable)
	assert.ErrorIs(t, s.Delete(ctx, "a"), dialogue.ErrStoreUnavailable)
}

func TestPanicReleasesLock(t *testing.T) {
	rdb := client(t)
	p := testredis.Prefix(t, rdb)
	s := must(redisstore.New(rdb, redisstore.Options{Prefix: p, LockWait: 200 * time.Millisecond}))
	ctx := context.Background()
	func() {
		defer func() { assert.NotNil(t, recover(), "the panic goes on") }()
		_ = s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) { panic("operator bug") })
	}()
	err := s.Update(ctx, "a", time.Hour, func([]byte) ([]byte, error) { return []byte("x"), nil })
	assert.NoError(t, err, "the lock was released, the next turn does not wait for it to expire")
}

func TestNewRefusesBadInput(t *testing.T) {
	_, err := redisstore.New(nil, redisstore.Options{})
	assert.ErrorContains(t, err, "nil Redis client")
	var nilClient *redis.Client
	_, err = redisstore.New(nilClient, redisstore.Options{})
	assert.ErrorContains(t, err, "nil Redis client")
	_, err = redisstore.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}), redisstore.Options{LockWait: -time.Second})
	assert.ErrorContains(t, err, "negative")
}
