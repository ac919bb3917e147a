package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Purger deletes data older than a time. Every Store is one; so is the
// audit log's retention, and anything else the root package keeps.
type Purger interface {
	Purge(ctx context.Context, before time.Time) (int64, error)
}

// PurgerFunc adapts a function to a Purger.
type PurgerFunc func(ctx context.Context, before time.Time) (int64, error)

// Purge calls f(ctx, before).
func (f PurgerFunc) Purge(ctx context.Context, before time.Time) (int64, error) {
	return f(ctx, before)
}

// RetentionOptions configure RunRetention.
type RetentionOptions struct {
	// Every is the pause between purges; 1 h when zero.
	Every time.Duration
	// Keep is how long data is kept; required (RunRetention refuses a
	// zero or negative Keep rather than delete everything).
	Keep time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger receives a line per purge; nothing is logged when nil.
	Logger *slog.Logger
	// OnPurge, when not nil, is called after each round with the total
	// deleted and the errors joined (nil when all went well), for example
	// to write an audit record.
	OnPurge func(deleted int64, err error)
}

// Purge deletes from every purger what is older than now minus keep, and
// returns the total deleted and the purgers' errors joined.
func Purge(ctx context.Context, now time.Time, keep time.Duration, purgers ...Purger) (int64, error) {
	before := now.Add(-keep)
	var total int64
	var errs []error
	for _, p := range purgers {
		n, err := p.Purge(ctx, before)
		total += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return total, errors.Join(errs...)
}

// RunRetention purges the purgers at once and then every opts.Every, until
// ctx ends; it returns ctx's error then. Run it in its own goroutine:
//
//	go analytics.RunRetention(ctx, analytics.RetentionOptions{Keep: 180 * 24 * time.Hour}, store)
func RunRetention(ctx context.Context, opts RetentionOptions, purgers ...Purger) error {
	if opts.Keep <= 0 {
		return fmt.Errorf("analytics: retention needs a positive Keep, not %v", opts.Keep)
	}
	if opts.Every <= 0 {
		opts.Every = time.Hour
	}
	now := nowFunc(opts.Now)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(opts.Every)
	defer t.Stop()
	for {
		n, err := Purge(ctx, now(), opts.Keep, purgers...)
		if err != nil {
			log.Error("analytics: retention purge", "deleted", n, "err", err)
		} else {
			log.Info("analytics: retention purge", "deleted", n)
		}
		if opts.OnPurge != nil {
			opts.OnPurge(n, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
