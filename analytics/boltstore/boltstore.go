// Package boltstore is the default analytics.Store: an embedded, durable
// store in one file (bbolt), needing no server. It suits one bot instance;
// several instances share a PostgreSQL store (analytics/pgstore) instead.
//
// Layout: bucket "events" maps a key of time (big-endian, sortable) and ID
// to the event's JSON; "ids" maps IDs to keys (to skip duplicates); and
// "users" indexes keys by user so that erasing and exporting one user's
// data does not scan everything.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/kefuai/kefu/analytics"
)

var (
	bEvents = []byte("events")
	bIDs    = []byte("ids")
	bUsers  = []byte("users")
)

// Options configure a Store. The zero value works.
type Options struct {
	analytics.StoreOptions
	// Timeout bounds the wait for the file lock held by another process;
	// 1 s when zero.
	Timeout time.Duration
	// ReadOnly opens the file for reading only (for a report tool that
	// runs beside the bot; it still waits for the bot's lock).
	ReadOnly bool
	// NoSync skips fsync after each write: faster, for tests and tools
	// only.
	NoSync bool
}

// Store is an analytics.Store in a bbolt file. It is safe for concurrent
// use; writes are serialized.
type Store struct {
	db   *bolt.DB
	opts Options
}

var _ analytics.Store = (*Store)(nil)

// Open opens or creates the store in the file at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly, NoSync: opts.NoSync})
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	if !opts.ReadOnly {
		err = db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bEvents, bIDs, bUsers} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("boltstore: %w", err)
		}
	}
	return &Store{db: db, opts: opts}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// timeKey encodes t so that byte order is time order, before 1970 too.
func timeKey(t time.Time) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano())^(1<<63))
	return b[:]
}

func eventKey(e *analytics.Event) []byte {
	return append(timeKey(e.Time), e.ID...)
}

// userPrefix is the user's length and ID, so that no user's prefix is
// another's.
func userPrefix(user string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(user)))
	return append(b, user...)
}

// Append implements analytics.Store.
func (s *Store) Append(ctx context.Context, events []analytics.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	prepared, err := s.opts.Prepare(events)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		ev, ids, users := tx.Bucket(bEvents), tx.Bucket(bIDs), tx.Bucket(bUsers)
		if ev == nil {
			return errors.New("boltstore: store opened read-only")
		}
		for i := range prepared {
			e := &prepared[i]
			if ids.Get([]byte(e.ID)) != nil {
				continue
			}
			v, err := json.Marshal(e)
			if err != nil {
				return err
			}
			k := eventKey(e)
			if err := ev.Put(k, v); err != nil {
				return err
			}
			if err := ids.Put([]byte(e.ID), k); err != nil {
				return err
			}
			if e.UserID != "" {
				if err := users.Put(append(userPrefix(e.UserID), k...), nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Scan implements analytics.Store. fn runs inside a read transaction: it
// must not write to the store.
func (s *Store) Scan(ctx context.Context, q analytics.Query, fn func(analytics.Event) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		ev := tx.Bucket(bEvents)
		if ev == nil {
			return nil
		}
		visit := func(v []byte) error {
			var e analytics.Event
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("boltstore: %w", err)
			}
			if !q.Match(&e) {
				return nil
			}
			return fn(e)
		}
		var to []byte
		if !q.To.IsZero() {
			to = timeKey(q.To)
		}
		n := 0
		check := func() error {
			n++
			if n%256 == 0 {
				return ctx.Err()
			}
			return nil
		}
		if q.UserID != "" {
			p := userPrefix(q.UserID)
			start := p
			if !q.From.IsZero() {
				start = append(append([]byte(nil), p...), timeKey(q.From)...)
			}
			c := tx.Bucket(bUsers).Cursor()
			for k, _ := c.Seek(start); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
				key := k[len(p):]
				if to != nil && bytes.Compare(key[:8], to) >= 0 {
					break
				}
				if err := check(); err != nil {
					return err
				}
				if v := ev.Get(key); v != nil {
					if err := visit(v); err != nil {
						return err
					}
				}
			}
			return ctx.Err()
		}
		c := ev.Cursor()
		var k, v []byte
		if q.From.IsZero() {
			k, v = c.First()
		} else {
			k, v = c.Seek(timeKey(q.From))
		}
		for ; k != nil; k, v = c.Next() {
			if to != nil && bytes.Compare(k[:8], to) >= 0 {
				break
			}
			if err := check(); err != nil {
				return err
			}
			if err := visit(v); err != nil {
				return err
			}
		}
		return ctx.Err()
	})
}

// deleteKeys removes events by key with their index entries; it reports
// how many it removed.
func deleteKeys(tx *bolt.Tx, keys [][]byte) (int64, error) {
	ev, ids, users := tx.Bucket(bEvents), tx.Bucket(bIDs), tx.Bucket(bUsers)
	var n int64
	for _, k := range keys {
		v := ev.Get(k)
		if v == nil {
			continue
		}
		var e struct {
			ID     string `json:"id"`
			UserID string `json:"user_id"`
		}
		if err := json.Unmarshal(v, &e); err != nil {
			return n, fmt.Errorf("boltstore: %w", err)
		}
		if err := ev.Delete(k); err != nil {
			return n, err
		}
		if err := ids.Delete([]byte(e.ID)); err != nil {
			return n, err
		}
		if e.UserID != "" {
			if err := users.Delete(append(userPrefix(e.UserID), k...)); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, nil
}

// chunk bounds the events deleted in one transaction.
const chunk = 5000

// Purge implements analytics.Store. It deletes in transactions of a few
// thousand events, so a large purge does not hold the store for long.
func (s *Store) Purge(ctx context.Context, before time.Time) (int64, error) {
	limit := timeKey(before)
	n, err := s.deleteInChunks(ctx, func(tx *bolt.Tx) [][]byte {
		var keys [][]byte
		c := tx.Bucket(bEvents).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], limit) < 0 && len(keys) < chunk; k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		return keys
	})
	if err != nil {
		return n, fmt.Errorf("boltstore: purge: %w", err)
	}
	return n, nil
}

// EraseUser implements analytics.Store.
func (s *Store) EraseUser(ctx context.Context, userID string) (int64, error) {
	if userID == "" {
		return 0, ctx.Err()
	}
	p := userPrefix(userID)
	n, err := s.deleteInChunks(ctx, func(tx *bolt.Tx) [][]byte {
		var keys [][]byte
		c := tx.Bucket(bUsers).Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(keys) < chunk; k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k[len(p):]))
		}
		return keys
	})
	if err != nil {
		return n, fmt.Errorf("boltstore: erase: %w", err)
	}
	return n, nil
}

// deleteInChunks deletes the events whose keys collect returns, one
// transaction of at most chunk events at a time, until collect returns
// fewer than chunk.
func (s *Store) deleteInChunks(ctx context.Context, collect func(*bolt.Tx) [][]byte) (int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var n int64
		err := s.db.Update(func(tx *bolt.Tx) error {
			var err error
			n, err = deleteKeys(tx, collect(tx))
			return err
		})
		total += n
		if err != nil || n < chunk {
			return total, err
		}
	}
}

// ExportUser implements analytics.Store.
func (s *Store) ExportUser(ctx context.Context, userID string, w io.Writer) error {
	if userID == "" {
		return ctx.Err()
	}
	return analytics.WriteJSONL(ctx, s, analytics.Query{UserID: userID}, w)
}

// ExportAll implements analytics.Store.
func (s *Store) ExportAll(ctx context.Context, w io.Writer) error {
	return analytics.WriteJSONL(ctx, s, analytics.Query{}, w)
}
