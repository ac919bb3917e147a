//go:build kefu_local

package main

import (
	"context"
	"errors"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/kb"
)

// servers, built with the tag kefu_local, are none: the program links no
// Redis or PostgreSQL client, and refuses -redis and -postgres.
type servers struct{}

func openServers(_ context.Context, cfg config) (*servers, error) {
	if cfg.redis != "" || cfg.postgres != "" {
		return nil, errors.New("-redis and -postgres: this program was built with the tag kefu_local, without them")
	}
	return &servers{}, nil
}

func (*servers) sessions() (dialogue.Store, error)                    { return nil, nil }
func (*servers) knowledge(context.Context) (kb.Store, error)          { return nil, nil }
func (*servers) transcripts(context.Context) (analytics.Store, error) { return nil, nil }
func (*servers) audit(context.Context) (audit.Log, error)             { return nil, nil }
func (*servers) Close() error                                         { return nil }
