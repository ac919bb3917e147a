// Package boltstore keeps a knowledge base in one file on local disk
// (bbolt): no server, entries and their full history kept across
// restarts. One process at a time may open the file.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kefuai/kefu/kb"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Options configures [Open]. The zero value is ready to use.
type Options struct {
	// Timeout is how long to wait for the file lock when another process
	// has the file open; 0 means one second.
	Timeout time.Duration
	// NoSync skips fsync after each write: faster, but a crash may lose
	// the last writes. For tests and bulk loads.
	NoSync bool
}

// Store is a [kb.Store] in one bbolt file. It is safe for concurrent use.
type Store struct {
	db *bolt.DB

	mu      sync.Mutex
	changed chan struct{}
	now     func() time.Time
}

// Buckets of the file.
const (
	bucketEntries = "entries" // id → Entry JSON
	bucketLast    = "last"    // id → last version, deleted or not
	bucketRevs    = "revs"    // seq → Revision JSON
	bucketByID    = "byid"    // id 0x00 seq → nothing
)

// Open opens or creates the store file at path.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, NoSync: opts.NoSync})
	if err != nil {
		return nil, fmt.Errorf("kb/boltstore: opening %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{bucketEntries, bucketLast, bucketRevs, bucketByID} {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("kb/boltstore: initializing %s: %w", path, err)
	}
	return &Store{db: db, changed: make(chan struct{}), now: time.Now}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func u64(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }

// Get implements [kb.Store].
func (s *Store) Get(ctx context.Context, id string) (kb.Entry, error) {
	if err := ctx.Err(); err != nil {
		return kb.Entry{}, err
	}
	var e kb.Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketEntries)).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("kb/boltstore: entry %q: %w", id, kb.ErrNotFound)
		}
		return json.Unmarshal(v, &e)
	})
	return e, s.wrap(err)
}

// List implements [kb.Store].
func (s *Store) List(ctx context.Context) ([]kb.Entry, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	var out []kb.Entry
	var seq int64
	err := s.db.View(func(tx *bolt.Tx) error {
		seq = int64(tx.Bucket([]byte(bucketRevs)).Sequence())
		return tx.Bucket([]byte(bucketEntries)).ForEach(func(k, v []byte) error {
			var e kb.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	if err != nil {
		return nil, 0, s.wrap(err)
	}
	return out, seq, nil
}

// Write implements [kb.Store].
func (s *Store) Write(ctx context.Context, b kb.Batch) ([]kb.Revision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var revs []kb.Revision
	err := s.db.Update(func(tx *bolt.Tx) error {
		ents, last, rb, byID := tx.Bucket([]byte(bucketEntries)), tx.Bucket([]byte(bucketLast)), tx.Bucket([]byte(bucketRevs)), tx.Bucket([]byte(bucketByID))
		var err error
		revs, err = b.Plan(int64(rb.Sequence()), s.now(), func(id string) (*kb.Entry, int64, error) {
			var lastV int64
			if v := last.Get([]byte(id)); v != nil {
				lastV = int64(binary.BigEndian.Uint64(v))
			}
			v := ents.Get([]byte(id))
			if v == nil {
				return nil, lastV, nil
			}
			var e kb.Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return nil, 0, err
			}
			return &e, lastV, nil
		})
		if err != nil {
			return err
		}
		for _, r := range revs {
			id := []byte(r.Entry.ID)
			if r.Op == kb.OpPut {
				v, err := json.Marshal(r.Entry)
				if err != nil {
					return err
				}
				if err := ents.Put(id, v); err != nil {
					return err
				}
			} else if err := ents.Delete(id); err != nil {
				return err
			}
			if err := last.Put(id, u64(r.Entry.Version)); err != nil {
				return err
			}
			v, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if err := rb.Put(u64(r.Seq), v); err != nil {
				return err
			}
			if err := byID.Put(append(append(bytes.Clone(id), 0), u64(r.Seq)...), nil); err != nil {
				return err
			}
		}
		if len(revs) > 0 {
			return rb.SetSequence(uint64(revs[len(revs)-1].Seq))
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return revs, nil
}

// Revisions implements [kb.Store].
func (s *Store) Revisions(ctx context.Context, q kb.RevQuery) ([]kb.Revision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []kb.Revision
	full := func() bool { return q.Limit > 0 && len(out) >= q.Limit }
	err := s.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket([]byte(bucketRevs))
		decode := func(v []byte) error {
			var r kb.Revision
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		}
		if q.ID == "" {
			c := rb.Cursor()
			for k, v := c.Seek(u64(q.After + 1)); k != nil && !full(); k, v = c.Next() {
				if err := decode(v); err != nil {
					return err
				}
			}
			return nil
		}
		prefix := append([]byte(q.ID), 0)
		c := tx.Bucket([]byte(bucketByID)).Cursor()
		for k, _ := c.Seek(append(bytes.Clone(prefix), u64(q.After+1)...)); k != nil && bytes.HasPrefix(k, prefix) && !full(); k, _ = c.Next() {
			if err := decode(rb.Get(k[len(prefix):])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	return out, nil
}

// Wait implements [kb.Waiter] for writes made through this Store.
func (s *Store) Wait(ctx context.Context, after int64) error {
	s.mu.Lock()
	ch := s.changed
	s.mu.Unlock()
	var seq int64
	err := s.db.View(func(tx *bolt.Tx) error {
		seq = int64(tx.Bucket([]byte(bucketRevs)).Sequence())
		return nil
	})
	if err != nil {
		return s.wrap(err)
	}
	if seq > after {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) wrap(err error) error {
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("%w: %w", kb.ErrClosed, err)
	}
	return err
}

var (
	_ kb.Store  = (*Store)(nil)
	_ kb.Waiter = (*Store)(nil)
)
