//go:build !kefu_servers

package main

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// Built without the tag kefu_servers, the quickstart refuses -redis and
// -postgres and says how to get them.
func TestServersNeedTheTag(t *testing.T) {
	for _, cfg := range []config{{redis: "redis://127.0.0.1:6379/0"}, {postgres: "postgres://127.0.0.1/kefu"}} {
		cfg.data = t.TempDir()
		_, err := newApp(context.Background(), cfg, slog.New(slog.DiscardHandler))
		require.ErrorContains(t, err, "build with -tags kefu_servers")
	}
}
