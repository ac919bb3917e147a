//go:build kefu_servers

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/audit"
	auditpg "github.com/kefuai/kefu/analytics/audit/pgstore"
	"github.com/kefuai/kefu/analytics/pgstore"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/redisstore"
	"github.com/kefuai/kefu/kb"
	kbpg "github.com/kefuai/kefu/kb/pgstore"
)

// servers are the shared servers of -redis and -postgres, through which
// several instances serve one bot. Their stores are nil when the flag is
// not set. They are built with the tag kefu_servers only: without it the
// program links neither client and refuses the flags (servers_none.go).
type servers struct {
	rdb  *redis.Client
	pool *pgxpool.Pool
	kb   *kbpg.Store
}

func openServers(ctx context.Context, cfg config) (*servers, error) {
	s := &servers{}
	if cfg.redis != "" {
		ro, err := redis.ParseURL(cfg.redis)
		if err != nil {
			return nil, fmt.Errorf("-redis: %w", err)
		}
		// Every call ends with its context, and none waits for long on
		// a server that does not answer (a partition): a turn fails fast
		// with 503 instead of hanging.
		ro.ContextTimeoutEnabled = true
		ro.DialTimeout = 2 * time.Second
		ro.ReadTimeout = 2 * time.Second
		ro.WriteTimeout = 2 * time.Second
		ro.PoolTimeout = 2 * time.Second
		s.rdb = redis.NewClient(ro)
	}
	if cfg.postgres != "" {
		pc, err := pgxpool.ParseConfig(cfg.postgres)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("-postgres: %w", err)
		}
		if pc.ConnConfig.ConnectTimeout == 0 {
			pc.ConnConfig.ConnectTimeout = 2 * time.Second
		}
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("-postgres: %w", err)
		}
		s.pool = pool
	}
	return s, nil
}

// sessions returns the Redis session store.
func (s *servers) sessions() (dialogue.Store, error) {
	if s.rdb == nil {
		return nil, nil
	}
	return redisstore.New(s.rdb, redisstore.Options{})
}

// knowledge returns the PostgreSQL knowledge base.
func (s *servers) knowledge(ctx context.Context) (kb.Store, error) {
	if s.pool == nil {
		return nil, nil
	}
	st, err := kbpg.New(ctx, s.pool, kbpg.Options{})
	if err != nil {
		return nil, err
	}
	s.kb = st
	return st, nil
}

// transcripts returns the PostgreSQL transcript store.
func (s *servers) transcripts(ctx context.Context) (analytics.Store, error) {
	if s.pool == nil {
		return nil, nil
	}
	return pgstore.New(ctx, s.pool, pgstore.Options{})
}

// audit returns the PostgreSQL audit log.
func (s *servers) audit(ctx context.Context) (audit.Log, error) {
	if s.pool == nil {
		return nil, nil
	}
	return auditpg.New(ctx, s.pool, auditpg.Options{})
}

// Close closes the connections.
func (s *servers) Close() error {
	var errs []error
	if s.kb != nil {
		errs = append(errs, s.kb.Close())
	}
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return errors.Join(errs...)
}
