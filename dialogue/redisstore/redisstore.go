// Package redisstore keeps dialogue sessions in Redis, so that several bot
// instances share them.
//
// Each session is a hash holding the session's bytes and a version number,
// with the session's time to live. An update takes a per-session lock (SET
// NX PX with a random token) and reads the session in one round trip, runs
// the turn, then writes the session and releases the lock in a second round
// trip. The write is fenced: it happens only while the lock is still the
// caller's, or, if the lock expired, only when nobody changed the session
// since it was read. Two instances receiving messages of one session at
// once therefore take turns, and an update is never lost.
package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/internal/backoff"
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Prefix starts every key; "kefu:dialogue:" when empty.
	Prefix string
	// LockTTL is how long a turn may hold a session before another
	// instance may take it; 10 s when zero. A turn that outlives it fails
	// with dialogue.ErrLockLost if the session changed meanwhile.
	LockTTL time.Duration
	// LockWait is how long Update waits for a session locked by another
	// turn before it returns dialogue.ErrBusy; 10 s when zero. The
	// context's deadline applies too.
	LockWait time.Duration
}

// Store is a dialogue.Store in Redis. It is safe for concurrent use, and
// any number of Stores in any number of processes may share one Redis.
type Store struct {
	rdb      redis.Cmdable
	prefix   string
	lockTTL  time.Duration
	lockWait time.Duration
}

var _ dialogue.Store = (*Store)(nil)

// New returns a Store using rdb (a *redis.Client, *redis.ClusterClient or
// *redis.Ring: the two keys of a session share a hash slot). It does not
// contact Redis; the first Update does. It fails on a nil client or a
// negative duration.
func New(rdb redis.Cmdable, opts Options) (*Store, error) {
	if rdb == nil || reflect.ValueOf(rdb).IsNil() {
		return nil, errors.New("redisstore: nil Redis client")
	}
	if opts.LockTTL < 0 || opts.LockWait < 0 {
		return nil, fmt.Errorf("redisstore: negative lock TTL %v or wait %v", opts.LockTTL, opts.LockWait)
	}
	s := &Store{rdb: rdb, prefix: opts.Prefix, lockTTL: opts.LockTTL, lockWait: opts.LockWait}
	if s.prefix == "" {
		s.prefix = "kefu:dialogue:"
	}
	if s.lockTTL <= 0 {
		s.lockTTL = 10 * time.Second
	}
	if s.lockWait <= 0 {
		s.lockWait = 10 * time.Second
	}
	return s, nil
}

// The session's data key is PREFIX{id} and its lock PREFIX{id}:lock; the
// braces put both in one cluster hash slot.
func (s *Store) keys(id string) []string {
	k := s.prefix + "{" + id + "}"
	return []string{k, k + ":lock"}
}

// acquire takes the lock and reads the session: {1, version, data?} or
// {0, lock's remaining ms}.
var acquire = redis.NewScript(`
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local r = redis.call('HMGET', KEYS[1], 'v', 'd')
  if r[2] then return {1, r[1] or '0', r[2]} end
  return {1, r[1] or '0'}
end
return {0, redis.call('PTTL', KEYS[2])}
`)

// commit writes the session (or deletes it when the data is empty) if the
// lock is still ours, or if it expired and the version is the one read;
// then releases the lock.
var commit = redis.NewScript(`
local l = redis.call('GET', KEYS[2])
if l ~= ARGV[1] then
  if l then return 0 end
  local v = redis.call('HGET', KEYS[1], 'v') or '0'
  if v ~= ARGV[2] then return 0 end
end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'v', tostring(tonumber(ARGV[2]) + 1), 'd', ARGV[3])
  if tonumber(ARGV[4]) > 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
  else
    redis.call('PERSIST', KEYS[1])
  end
end
if l == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`)

// unlock releases the lock if it is still ours.
var unlock = redis.NewScript(`
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('DEL', KEYS[2]) end
return 0
`)

// Get implements dialogue.Store.
func (s *Store) Get(ctx context.Context, id string) ([]byte, error) {
	b, err := s.rdb.HGet(ctx, s.keys(id)[0], "d").Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, dialogue.ErrNotFound
	}
	if err != nil {
		return nil, s.wrap(ctx, err)
	}
	return b, nil
}

// Delete implements dialogue.Store.
func (s *Store) Delete(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, s.keys(id)[0]).Err(); err != nil {
		return s.wrap(ctx, err)
	}
	return nil
}

// Update implements dialogue.Store. It takes two round trips when the
// session is not locked by another turn.
func (s *Store) Update(ctx context.Context, id string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	keys := s.keys(id)
	token := rand.Text()
	deadline := time.Now().Add(s.lockWait)
	bo := backoff.Backoff{Min: time.Millisecond, Max: 50 * time.Millisecond}
	var (
		version string
		old     []byte
	)
	for {
		res, err := acquire.Run(ctx, s.rdb, keys, token, s.lockTTL.Milliseconds()).Slice()
		if err != nil {
			return s.wrap(ctx, err)
		}
		if got, _ := res[0].(int64); got == 1 {
			version, _ = res[1].(string)
			if len(res) > 2 {
				d, _ := res[2].(string)
				old = []byte(d)
			}
			break
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%w: %q still locked after %v", dialogue.ErrBusy, id, s.lockWait)
		}
		// Wait a little, never past the lock's expiry, with jitter so that
		// waiting instances do not poll in step.
		wait := bo.Next()
		if pttl, _ := res[1].(int64); pttl > 0 {
			wait = min(wait, time.Duration(pttl)*time.Millisecond)
		}
		if err := backoff.Sleep(ctx, wait); err != nil {
			return err
		}
	}

	// Release the lock whenever the session is not committed (fn failed or
	// panicked, the commit failed), even if ctx ended: the next turn should
	// not wait for the lock to expire.
	committed := false
	defer func() {
		if !committed {
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer cancel()
			_ = unlock.Run(uctx, s.rdb, keys, token).Err()
		}
	}()
	data, err := fn(old)
	if err != nil {
		return err
	}
	ok, err := commit.Run(ctx, s.rdb, keys, token, version, data, ttl.Milliseconds()).Int()
	if err != nil {
		return s.wrap(ctx, err)
	}
	committed = true
	if ok == 0 {
		return fmt.Errorf("%w: %q", dialogue.ErrLockLost, id)
	}
	return nil
}

// wrap reports a failed Redis command: the context's error when it ended,
// else ErrStoreUnavailable.
func (s *Store) wrap(ctx context.Context, err error) error {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	return fmt.Errorf("%w: %w", dialogue.ErrStoreUnavailable, err)
}
