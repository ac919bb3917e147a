// Package pgstore is an analytics.Store in PostgreSQL, for several bot
// instances sharing transcripts and for operators who already run
// PostgreSQL.
//
// Events live in one table (kefu_events unless named otherwise) with the
// time, kind, session and user as columns, indexed for periods and users,
// and the whole event as JSON.
package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefuai/kefu/analytics"
)

// Options configure a Store. The zero value works.
type Options struct {
	analytics.StoreOptions
	// Schema holds the table; it is created when missing. The
	// connection's search path when empty.
	Schema string
	// Table names the table; "kefu_events" when empty.
	Table string
}

// Store is an analytics.Store in PostgreSQL. It is safe for concurrent
// use, also from several processes.
type Store struct {
	pool  *pgxpool.Pool
	opts  Options
	table string // quoted, schema-qualified
}

var _ analytics.Store = (*Store)(nil)

// New returns a Store on pool, creating its schema, table and indexes when
// missing. Several instances may call it at once on one database.
func New(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Store, error) {
	if opts.Table == "" {
		opts.Table = "kefu_events"
	}
	id := pgx.Identifier{opts.Table}
	if opts.Schema != "" {
		id = pgx.Identifier{opts.Schema, opts.Table}
	}
	s := &Store{pool: pool, opts: opts, table: id.Sanitize()}
	var ddl []string
	if opts.Schema != "" {
		ddl = append(ddl, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{opts.Schema}.Sanitize())
	}
	idx := func(suffix string) string { return pgx.Identifier{opts.Table + suffix}.Sanitize() }
	ddl = append(ddl,
		`CREATE TABLE IF NOT EXISTS `+s.table+` (
			id text PRIMARY KEY,
			time timestamptz NOT NULL,
			kind text NOT NULL,
			session_id text NOT NULL,
			user_id text NOT NULL DEFAULT '',
			doc jsonb NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS `+idx("_time")+` ON `+s.table+` (time, id)`,
		`CREATE INDEX IF NOT EXISTS `+idx("_user")+` ON `+s.table+` (user_id, time) WHERE user_id <> ''`,
		`CREATE INDEX IF NOT EXISTS `+idx("_session")+` ON `+s.table+` (session_id)`,
	)
	// Instances starting together would race on CREATE … IF NOT EXISTS,
	// which PostgreSQL does not make atomic: one transaction under an
	// advisory lock on the table's name creates everything.
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", s.table); err != nil {
			return err
		}
		for _, q := range ddl {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: create: %w", err)
	}
	return s, nil
}

// Append implements analytics.Store: one statement for the whole batch.
func (s *Store) Append(ctx context.Context, events []analytics.Event) error {
	prepared, err := s.opts.Prepare(events)
	if err != nil {
		return err
	}
	if len(prepared) == 0 {
		return ctx.Err()
	}
	n := len(prepared)
	ids, kinds, sessions, users, docs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	times := make([]time.Time, n)
	for i, e := range prepared {
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		ids[i], times[i], kinds[i], sessions[i], users[i], docs[i] = e.ID, e.Time, e.Kind.String(), e.SessionID, e.UserID, string(b)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO `+s.table+` (id, time, kind, session_id, user_id, doc)
		SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
		ON CONFLICT (id) DO NOTHING`, ids, times, kinds, sessions, users, docs)
	if err != nil {
		return fmt.Errorf("pgstore: append: %w", err)
	}
	return nil
}

// Scan implements analytics.Store. Rows are streamed; fn must not use the
// same connection (it does not: the pool hands out another).
func (s *Store) Scan(ctx context.Context, q analytics.Query, fn func(analytics.Event) error) error {
	sql := `SELECT doc FROM ` + s.table + ` WHERE true`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !q.From.IsZero() {
		sql += ` AND time >= ` + arg(q.From)
	}
	if !q.To.IsZero() {
		sql += ` AND time < ` + arg(q.To)
	}
	if q.UserID != "" {
		sql += ` AND user_id = ` + arg(q.UserID)
	}
	if q.SessionID != "" {
		sql += ` AND session_id = ` + arg(q.SessionID)
	}
	if len(q.Kinds) > 0 {
		names := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			names[i] = k.String()
		}
		sql += ` AND kind = ANY(` + arg(names) + `)`
	}
	sql += ` ORDER BY time, id`
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("pgstore: scan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return fmt.Errorf("pgstore: scan: %w", err)
		}
		var e analytics.Event
		if err := json.Unmarshal(doc, &e); err != nil {
			return fmt.Errorf("pgstore: scan: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgstore: scan: %w", err)
	}
	return nil
}

// Purge implements analytics.Store.
func (s *Store) Purge(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM `+s.table+` WHERE time < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("pgstore: purge: %w", err)
	}
	return tag.RowsAffected(), nil
}

// EraseUser implements analytics.Store.
func (s *Store) EraseUser(ctx context.Context, userID string) (int64, error) {
	if userID == "" {
		return 0, ctx.Err()
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM `+s.table+` WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("pgstore: erase: %w", err)
	}
	return tag.RowsAffected(), nil
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
