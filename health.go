package kefu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/kefuai/kefu/dialogue"
)

// ErrUnhealthy is wrapped by Health when a part the bot needs is down.
var ErrUnhealthy = errors.New("kefu: unhealthy")

// HealthTimeout bounds a health check served by HealthHandler: a store
// that does not answer within it (a network partition) counts as down.
const HealthTimeout = time.Second

// healthKey is read from the session store to see that it answers; it is
// never written.
const healthKey = "kefu-health-probe"

// Health reports whether the bot can serve turns and keep their records:
// its session store must answer, and its events (when they have a Health
// method, as analytics.Dispatcher has) must be delivered: a durable hook
// stuck for longer than DispatcherOptions.StuckAfter is reported. It
// returns an error wrapping ErrUnhealthy otherwise. A knowledge base whose
// store is down does not make the bot unhealthy: searches run on the index
// in memory, and edits wait (kb.Base.Health tells). Health does
// not change anything.
func (b *Bot) Health(ctx context.Context) error {
	// A store client may not honour ctx (a Redis client without
	// ContextTimeoutEnabled waits for its read timeout): do not wait past
	// ctx for it.
	done := make(chan error, 1)
	go func() {
		_, err := b.store.Get(ctx, healthKey)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil && !errors.Is(err, dialogue.ErrNotFound) {
		return fmt.Errorf("%w: session store: %w", ErrUnhealthy, err)
	}
	if h, ok := b.hooks.ev.(interface{ Health(context.Context) error }); ok {
		if err := h.Health(ctx); err != nil {
			return fmt.Errorf("%w: events: %w", ErrUnhealthy, err)
		}
	}
	return nil
}

// HealthHandler serves the bot's health for load balancers and monitors:
// 200 {"status":"ok"}, or 503 {"status":"unavailable"} while a store is
// down. The reason is logged, not served.
func (b *Bot) HealthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(r.Context(), HealthTimeout)
		defer cancel()
		if err := b.Health(ctx); err != nil {
			b.log.Warn("kefu: health check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(map[string]string{"status": "unavailable"})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
	})
}
