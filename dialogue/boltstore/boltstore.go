// Package boltstore keeps dialogue sessions in a bbolt file: sessions
// survive a restart of a single bot process, with no server to run. Several
// processes cannot share one file; use dialogue/redisstore for that.
package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/internal/keylock"
	bolt "go.etcd.io/bbolt"
)

var bucket = []byte("kefu_sessions")

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// SweepInterval is how often expired sessions are deleted from the
	// file; 10 minutes when zero, never when negative.
	SweepInterval time.Duration
	// Now is the clock for time to live; time.Now when nil.
	Now func() time.Time
}

// Store is a dialogue.Store in a bbolt database. Updates of one session are
// serialized within the process; the read, the caller's function and the
// write are not one bbolt transaction, so a slow turn never blocks other
// sessions' writes. A Store is safe for concurrent use.
type Store struct {
	db    *bolt.DB
	owned bool
	now   func() time.Time

	locks keylock.Map

	stop chan struct{}
	done chan struct{}
}

// Open opens (creating if needed) the bbolt file at path. Close closes it.
func Open(path string, opts Options) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("boltstore: opening %s: %w", path, err)
	}
	s, err := New(db, opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// New keeps sessions in db, in a bucket of their own; the caller keeps
// ownership of db (Close does not close it).
func New(db *bolt.DB, opts Options) (*Store, error) {
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		return nil, fmt.Errorf("boltstore: %w", err)
	}
	s := &Store{db: db, now: opts.Now, stop: make(chan struct{}), done: make(chan struct{})}
	if s.now == nil {
		s.now = time.Now
	}
	every := opts.SweepInterval
	if every == 0 {
		every = 10 * time.Minute
	}
	if every > 0 {
		go s.sweepLoop(every)
	} else {
		close(s.done)
	}
	return s, nil
}

// Close stops the sweeper and, when the Store opened the file, closes it.
func (s *Store) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
	if s.owned {
		return s.db.Close()
	}
	return nil
}

// value layout: 8 bytes of expiry (Unix nanoseconds, 0 for none), then the
// session bytes.
func encode(data []byte, expires int64) []byte {
	out := make([]byte, 8+len(data))
	binary.BigEndian.PutUint64(out, uint64(expires))
	copy(out[8:], data)
	return out
}

func (s *Store) live(v []byte) []byte {
	if len(v) < 8 {
		return nil
	}
	if exp := int64(binary.BigEndian.Uint64(v)); exp != 0 && s.now().UnixNano() >= exp {
		return nil
	}
	return append([]byte(nil), v[8:]...)
}

func unavailable(err error) error {
	return fmt.Errorf("%w: %w", dialogue.ErrStoreUnavailable, err)
}

// Get implements dialogue.Store.
func (s *Store) Get(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []byte
	if err := s.db.View(func(tx *bolt.Tx) error {
		out = s.live(tx.Bucket(bucket).Get([]byte(id)))
		return nil
	}); err != nil {
		return nil, unavailable(err)
	}
	if out == nil {
		return nil, fmt.Errorf("%w: %s", dialogue.ErrNotFound, id)
	}
	return out, nil
}

// Update implements dialogue.Store.
func (s *Store) Update(ctx context.Context, id string, ttl time.Duration, fn func(old []byte) ([]byte, error)) error {
	unlock, err := s.locks.Lock(ctx, id)
	if err != nil {
		return err
	}
	defer unlock()
	var old []byte
	if err := s.db.View(func(tx *bolt.Tx) error {
		old = s.live(tx.Bucket(bucket).Get([]byte(id)))
		return nil
	}); err != nil {
		return unavailable(err)
	}
	data, err := fn(old)
	if err != nil {
		return err
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if len(data) == 0 {
			return b.Delete([]byte(id))
		}
		var exp int64
		if ttl > 0 {
			exp = s.now().Add(ttl).UnixNano()
		}
		return b.Put([]byte(id), encode(data, exp))
	}); err != nil {
		return unavailable(err)
	}
	return nil
}

// Delete implements dialogue.Store.
func (s *Store) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Delete([]byte(id)) }); err != nil {
		return unavailable(err)
	}
	return nil
}

// Sweep deletes expired sessions and returns how many.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	n := 0
	now := s.now().UnixNano()
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			if len(v) >= 8 {
				if exp := int64(binary.BigEndian.Uint64(v)); exp == 0 || exp > now {
					continue
				}
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil && !errors.Is(err, ctx.Err()) {
		return n, unavailable(err)
	}
	return n, err
}

func (s *Store) sweepLoop(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.Sweep(context.Background())
		}
	}
}
