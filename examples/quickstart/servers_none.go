//go:build !kefu_servers

package main

import (
	"context"
	"errors"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/kb"
)

// servers, built without the tag kefu_servers, are none: the program
// links no Redis or PostgreSQL client, and refuses -redis and -postgres.
type servers struct{}

func openServers(_ context.Context, cfg config) (*servers, error) {
	if cfg.redis != "" || cfg.postgres != "" {
		return nil, errors.New("-redis and -postgres need the Redis and PostgreSQL clients: build with -tags kefu_servers (go run -tags kefu_servers ./examples/quickstart ...)")
	}
	return &servers{}, nil
}

func (*servers) sessions() (dialogue.Store, error)                    { return nil, nil }
func (*servers) knowledge(context.Context) (kb.Store, error)          { return nil, nil }
func (*servers) transcripts(context.Context) (analytics.Store, error) { return nil, nil }
func (*servers) audit(context.Context) (audit.Log, error)             { return nil, nil }
func (*servers) Close() error                                         { return nil }
