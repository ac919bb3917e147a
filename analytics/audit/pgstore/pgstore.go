// Package pgstore is an audit.Log in PostgreSQL, shared by every instance of
// a bot. Programs that do not import it do not link the PostgreSQL driver.
//
// Records live in one table (kefu_audit unless named otherwise). Appends
// from all instances are serialized by a transaction-level advisory lock,
// so the chain stays one line. A trigger makes the table refuse UPDATE and
// DELETE; someone who can drop the trigger can still tamper, and
// audit.Verify will tell.
package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefuai/kefu/analytics/audit"
)

// Options configure a Log. The zero value works.
type Options struct {
	// Schema holds the table; created when missing. The connection's
	// search path when empty.
	Schema string
	// Table names the table; "kefu_audit" when empty.
	Table string
	// Now is the clock for entries without a time; time.Now when nil.
	Now func() time.Time
}

// Log is an audit.Log in a PostgreSQL table shared by every instance of the
// bot. It is safe for concurrent use, also from several processes.
type Log struct {
	pool  *pgxpool.Pool
	table string
	lock  int64
	now   func() time.Time
}

var _ audit.Log = (*Log)(nil)

// New returns a Log on pool, creating its schema, table and trigger when
// missing.
func New(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Log, error) {
	if opts.Table == "" {
		opts.Table = "kefu_audit"
	}
	id := pgx.Identifier{opts.Table}
	if opts.Schema != "" {
		id = pgx.Identifier{opts.Schema, opts.Table}
	}
	h := fnv.New64a()
	h.Write([]byte("kefu-audit:" + id.Sanitize()))
	l := &Log{pool: pool, table: id.Sanitize(), lock: int64(h.Sum64()), now: opts.Now}
	if l.now == nil {
		l.now = time.Now
	}
	fn := pgx.Identifier{opts.Table + "_append_only"}
	if opts.Schema != "" {
		fn = pgx.Identifier{opts.Schema, opts.Table + "_append_only"}
	}
	var ddl []string
	if opts.Schema != "" {
		ddl = append(ddl, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{opts.Schema}.Sanitize())
	}
	ddl = append(ddl,
		`CREATE TABLE IF NOT EXISTS `+l.table+` (
			seq bigint PRIMARY KEY,
			time timestamptz NOT NULL,
			actor text NOT NULL,
			action text NOT NULL,
			target text NOT NULL DEFAULT '',
			details jsonb,
			prev text NOT NULL,
			hash text NOT NULL
		)`,
		`CREATE OR REPLACE FUNCTION `+fn.Sanitize()+`() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$`,
		`DO $$ BEGIN
			IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'append_only' AND tgrelid = '`+l.table+`'::regclass) THEN
				CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON `+l.table+` FOR EACH ROW EXECUTE FUNCTION `+fn.Sanitize()+`();
			END IF;
		END $$`,
	)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit/pgstore: %w", err)
	}
	defer conn.Release()
	// Instances starting together must not race on creating the table.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, l.lock); err != nil {
		return nil, fmt.Errorf("audit/pgstore: create: %w", err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, l.lock)
	for _, q := range ddl {
		if _, err := conn.Exec(ctx, q); err != nil {
			return nil, fmt.Errorf("audit/pgstore: create: %w", err)
		}
	}
	return l, nil
}

// Append implements audit.Log.
func (l *Log) Append(ctx context.Context, e audit.Entry) (audit.Record, error) {
	if err := e.Validate(); err != nil {
		return audit.Record{}, err
	}
	var r audit.Record
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, l.lock); err != nil {
			return err
		}
		var head audit.Head
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM `+l.table+` ORDER BY seq DESC LIMIT 1`).Scan(&head.Seq, &head.Hash)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		r = audit.Next(head, e, l.now())
		var details any
		if r.Details != nil {
			b, _ := json.Marshal(r.Details)
			details = string(b)
		}
		_, err = tx.Exec(ctx, `INSERT INTO `+l.table+` (seq, time, actor, action, target, details, prev, hash) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
			int64(r.Seq), r.Time, r.Actor, r.Action, r.Target, details, r.Prev, r.Hash)
		return err
	})
	if err != nil {
		return audit.Record{}, fmt.Errorf("audit/pgstore: append: %w", err)
	}
	return r, nil
}

// Scan implements audit.Log.
func (l *Log) Scan(ctx context.Context, from uint64, fn func(audit.Record) error) error {
	rows, err := l.pool.Query(ctx, `SELECT seq, time, actor, action, target, details, prev, hash FROM `+l.table+` WHERE seq >= $1 ORDER BY seq`, int64(from))
	if err != nil {
		return fmt.Errorf("audit/pgstore: scan: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r audit.Record
		var seq int64
		var details []byte
		if err := rows.Scan(&seq, &r.Time, &r.Actor, &r.Action, &r.Target, &details, &r.Prev, &r.Hash); err != nil {
			return fmt.Errorf("audit/pgstore: scan: %w", err)
		}
		r.Seq = uint64(seq)
		r.Time = r.Time.UTC()
		if len(details) > 0 {
			if err := json.Unmarshal(details, &r.Details); err != nil {
				return fmt.Errorf("audit/pgstore: scan: %w", err)
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
