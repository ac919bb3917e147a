// Package pgstore is a PostgreSQL [kb.Store], for several bot instances that
// share one knowledge base.
//
// Every write is one transaction: the entries, their revisions and a
// change counter are updated together, and a NOTIFY tells every instance
// listening on the same tables, so that an edit made through one instance
// is searchable on all of them a moment later (see [kb.Base]).
//
//	st, err := pgstore.Open(ctx, "postgres://kefu@db/kefu", pgstore.Options{})
//	...
//	base, err := kb.Open(ctx, st, kb.Options{})
package pgstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kefuai/kefu/internal/backoff"
	"github.com/kefuai/kefu/kb"
)

// Options configures a Store. The zero value is ready to use.
type Options struct {
	// Schema holds the tables; empty means the connection's search path.
	// It is created if missing.
	Schema string
	// Prefix starts the table names; empty means "kb_" (kb_entries,
	// kb_revisions, kb_meta). Instances sharing a knowledge base use the
	// same Schema and Prefix.
	Prefix string
	// Logger receives connection problems of the change listener; nil
	// discards them.
	Logger *slog.Logger
}

// Store is a [kb.Store] and [kb.Waiter] on PostgreSQL. It is safe for
// concurrent use.
//
// When the server is unreachable, reads and writes fail with an error
// wrapping the connection error, and no write is ever half applied; the
// pool and the change listener reconnect by themselves when the server is
// back.
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool
	log     *slog.Logger

	entries, revs, meta string // quoted table names
	channel             string

	latest  atomic.Int64 // highest revision seq known to exist
	mu      sync.Mutex
	changed chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

// Open connects to the database at connString (a URL or key=value DSN)
// and opens a Store on it. Close closes the connections.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	pool, err := pgxpool.New(ctx, connString)
	if err != nil {
		return nil, fmt.Errorf("kb/pgstore: %w", err)
	}
	s, err := New(ctx, pool, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownPool = true
	return s, nil
}

// New opens a Store on an existing pool, creating the tables if needed.
// The Store takes one more connection of the pool's configuration for
// LISTEN. Close stops the listener but leaves the pool open.
func New(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Store, error) {
	prefix := cmp.Or(opts.Prefix, "kb_")
	name := func(t string) string {
		if opts.Schema == "" {
			return pgx.Identifier{prefix + t}.Sanitize()
		}
		return pgx.Identifier{opts.Schema, prefix + t}.Sanitize()
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	channel := prefix + "changes"
	if opts.Schema != "" {
		channel = opts.Schema + "." + channel
	}
	if len(channel) > 63 {
		return nil, fmt.Errorf("kb/pgstore: schema and prefix too long for a notification channel name: %q", channel)
	}
	s := &Store{
		pool: pool, log: lg,
		entries: name("entries"), revs: name("revisions"), meta: name("meta"),
		channel: channel,
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
	if err := s.migrate(ctx, opts.Schema, prefix+"revisions_id"); err != nil {
		return nil, err
	}
	var seq int64
	if err := pool.QueryRow(ctx, "SELECT seq FROM "+s.meta).Scan(&seq); err != nil {
		return nil, fmt.Errorf("kb/pgstore: %w", err)
	}
	s.latest.Store(seq)
	lctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go s.listen(lctx, pool.Config().ConnConfig)
	return s, nil
}

func (s *Store) migrate(ctx context.Context, schema, revIdx string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("kb/pgstore: %w", err)
	}
	defer tx.Rollback(ctx)
	// Instances starting together must not race to create the tables.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", s.entries); err != nil {
		return fmt.Errorf("kb/pgstore: %w", err)
	}
	var stmts []string
	if schema != "" {
		stmts = append(stmts, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	}
	stmts = append(stmts,
		`CREATE TABLE IF NOT EXISTS `+s.entries+` (
			id text PRIMARY KEY,
			version bigint NOT NULL,
			deleted boolean NOT NULL,
			updated timestamptz NOT NULL,
			entry text NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS `+s.revs+` (
			seq bigint PRIMARY KEY,
			id text NOT NULL,
			op smallint NOT NULL,
			version bigint NOT NULL,
			author text NOT NULL,
			note text NOT NULL,
			time timestamptz NOT NULL,
			entry text NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS `+s.meta+` (
			one boolean PRIMARY KEY DEFAULT true CHECK (one),
			seq bigint NOT NULL)`,
		`INSERT INTO `+s.meta+` (seq) VALUES (0) ON CONFLICT DO NOTHING`,
		// An index name is never schema-qualified: it lives with its table.
		`CREATE INDEX IF NOT EXISTS `+pgx.Identifier{revIdx}.Sanitize()+` ON `+s.revs+` (id, seq)`,
	)
	for _, q := range stmts {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("kb/pgstore: creating tables: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("kb/pgstore: %w", err)
	}
	return nil
}

// Health reports whether the database answers, within ctx.
func (s *Store) Health(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("kb/pgstore: %w", err)
	}
	return nil
}

// Close stops the change listener and, if the Store was made by Open,
// closes its pool.
func (s *Store) Close() error {
	s.cancel()
	<-s.done
	if s.ownPool {
		s.pool.Close()
	}
	return nil
}

func wrap(op string, err error) error {
	if err == nil || errors.Is(err, kb.ErrNotFound) || errors.Is(err, kb.ErrConflict) {
		return err
	}
	var ie *kb.InvalidError
	if errors.As(err, &ie) {
		return err
	}
	return fmt.Errorf("kb/pgstore: %s: %w", op, err)
}

// Get implements [kb.Store].
func (s *Store) Get(ctx context.Context, id string) (kb.Entry, error) {
	var raw string
	err := s.pool.QueryRow(ctx, "SELECT entry FROM "+s.entries+" WHERE id = $1 AND NOT deleted", id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return kb.Entry{}, fmt.Errorf("kb: entry %q: %w", id, kb.ErrNotFound)
	}
	if err != nil {
		return kb.Entry{}, wrap("get", err)
	}
	var e kb.Entry
	return e, wrap("get", json.Unmarshal([]byte(raw), &e))
}

// List implements [kb.Store].
func (s *Store) List(ctx context.Context) ([]kb.Entry, int64, error) {
	var out []kb.Entry
	var seq int64
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT seq FROM "+s.meta).Scan(&seq); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT entry FROM `+s.entries+` WHERE NOT deleted ORDER BY id COLLATE "C"`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.Entry, error) {
			var raw string
			var e kb.Entry
			if err := r.Scan(&raw); err != nil {
				return e, err
			}
			return e, json.Unmarshal([]byte(raw), &e)
		})
		return err
	})
	if err != nil {
		return nil, 0, wrap("list", err)
	}
	return out, seq, nil
}

// Write implements [kb.Store].
func (s *Store) Write(ctx context.Context, b kb.Batch) ([]kb.Revision, error) {
	if err := b.Check(); err != nil {
		return nil, err
	}
	var revs []kb.Revision
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Locking the counter row serializes writers, so revision numbers
		// are committed in order and a follower never skips one.
		var seq int64
		var now time.Time
		if err := tx.QueryRow(ctx, "SELECT seq, now() FROM "+s.meta+" FOR UPDATE").Scan(&seq, &now); err != nil {
			return err
		}
		ids := make([]string, 0, len(b.Put)+len(b.Delete))
		for _, e := range b.Put {
			ids = append(ids, e.ID)
		}
		for _, r := range b.Delete {
			ids = append(ids, r.ID)
		}
		type row struct {
			version int64
			cur     *kb.Entry
		}
		state := make(map[string]row, len(ids))
		rows, err := tx.Query(ctx, "SELECT id, version, deleted, entry FROM "+s.entries+" WHERE id = ANY($1)", ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, raw string
			var version int64
			var deleted bool
			if err := rows.Scan(&id, &version, &deleted, &raw); err != nil {
				rows.Close()
				return err
			}
			r := row{version: version}
			if !deleted {
				r.cur = new(kb.Entry)
				if err := json.Unmarshal([]byte(raw), r.cur); err != nil {
					rows.Close()
					return err
				}
			}
			state[id] = r
		}
		if err := rows.Err(); err != nil {
			return err
		}
		revs, err = b.Plan(seq, now, func(id string) (*kb.Entry, int64, error) {
			r := state[id]
			return r.cur, r.version, nil
		})
		if err != nil {
			return err
		}
		if len(revs) == 0 {
			return nil
		}
		var batch pgx.Batch
		for _, r := range revs {
			raw, err := json.Marshal(r.Entry)
			if err != nil {
				return err
			}
			batch.Queue(`INSERT INTO `+s.entries+` (id, version, deleted, updated, entry) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, deleted = EXCLUDED.deleted,
				updated = EXCLUDED.updated, entry = EXCLUDED.entry`,
				r.Entry.ID, r.Entry.Version, r.Op == kb.OpDelete, r.Entry.Updated, string(raw))
			batch.Queue(`INSERT INTO `+s.revs+` (seq, id, op, version, author, note, time, entry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				r.Seq, r.Entry.ID, int16(r.Op), r.Entry.Version, r.Author, r.Note, r.Time, string(raw))
		}
		last := revs[len(revs)-1].Seq
		batch.Queue("UPDATE "+s.meta+" SET seq = $1", last)
		batch.Queue("SELECT pg_notify($1, $2)", s.channel, strconv.FormatInt(last, 10))
		return tx.SendBatch(ctx, &batch).Close()
	})
	if err != nil {
		return nil, wrap("write", err)
	}
	if len(revs) > 0 {
		s.advance(revs[len(revs)-1].Seq)
	}
	return revs, nil
}

// Revisions implements [kb.Store].
func (s *Store) Revisions(ctx context.Context, q kb.RevQuery) ([]kb.Revision, error) {
	sql := "SELECT seq, op, author, note, time, entry FROM " + s.revs + " WHERE seq > $1"
	args := []any{q.After}
	if q.ID != "" {
		sql += " AND id = $2"
		args = append(args, q.ID)
	}
	sql += " ORDER BY seq"
	if q.Limit > 0 {
		sql += " LIMIT " + strconv.Itoa(q.Limit)
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap("revisions", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.Revision, error) {
		var rev kb.Revision
		var op int16
		var raw string
		if err := r.Scan(&rev.Seq, &op, &rev.Author, &rev.Note, &rev.Time, &raw); err != nil {
			return rev, err
		}
		rev.Op = kb.Op(op)
		rev.Time = rev.Time.UTC()
		return rev, json.Unmarshal([]byte(raw), &rev.Entry)
	})
	return out, wrap("revisions", err)
}

// Wait implements [kb.Waiter]: it returns when a notification reports a
// revision after after, when the listener has (re)connected (revisions may
// have been missed while it was away), or when ctx is done.
func (s *Store) Wait(ctx context.Context, after int64) error {
	s.mu.Lock()
	ch := s.changed
	s.mu.Unlock()
	if s.latest.Load() > after {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// advance records that revision seq exists and wakes the waiters.
func (s *Store) advance(seq int64) {
	for {
		cur := s.latest.Load()
		if seq <= cur || s.latest.CompareAndSwap(cur, seq) {
			break
		}
	}
	s.wake()
}

func (s *Store) wake() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// listen holds a connection that LISTENs for changes, reconnecting with
// backoff when it is lost.
func (s *Store) listen(ctx context.Context, cfg *pgx.ConnConfig) {
	defer close(s.done)
	bo := backoff.Backoff{Max: 2 * time.Second}
	failing := false
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, cfg, func() {
			if failing {
				s.log.Info("kb/pgstore: change listener reconnected")
			}
			failing = false
			bo.Reset()
		})
		if ctx.Err() != nil {
			return
		}
		if !failing {
			s.log.Warn("kb/pgstore: change listener lost its connection; retrying", "err", err)
		}
		failing = true
		if backoff.Sleep(ctx, bo.Next()) != nil {
			return
		}
	}
}

func (s *Store) listenOnce(ctx context.Context, cfg *pgx.ConnConfig, connected func()) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		return err
	}
	connected()
	// Changes made while no one was listening are found by the waiters'
	// next look at the revisions.
	var seq int64
	if err := conn.QueryRow(ctx, "SELECT seq FROM "+s.meta).Scan(&seq); err != nil {
		return err
	}
	s.advance(seq)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if seq, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			s.advance(seq)
		}
	}
}
