package channel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// Timeout returns middleware that gives each turn at most d: the handler's
// context gets that deadline, and an error the handler returns after the
// deadline passed is wrapped with ErrUnavailable, so adapters answer it
// like an outage (503) rather than a fault. The handler must watch its
// context; Timeout does not abandon a handler that ignores it. With d <= 0
// it changes nothing.
func Timeout(d time.Duration) Middleware {
	return func(next Handler) Handler {
		if d <= 0 {
			return next
		}
		return HandlerFunc(func(ctx context.Context, msg Message) (Reply, error) {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			r, err := next.Handle(ctx, msg)
			if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.Is(err, ErrUnavailable) {
				err = fmt.Errorf("%w: turn took longer than %v: %w", ErrUnavailable, d, err)
			}
			return r, err
		})
	}
}

// RecoverOptions configure Recover. The zero value is ready to use.
type RecoverOptions struct {
	// Apology is the reply to a turn that panicked; DefaultApology's
	// sentences fill in what is empty.
	Apology Bilingual
	// Logger receives the panic and its stack at level Error; nothing is
	// logged when nil.
	Logger *slog.Logger
}

// Recover returns middleware that turns a panic in the handler into an
// apology reply and a *PanicError, so a bug in operator code costs one
// turn, never the process. Put it outermost, so it also covers the other
// middleware.
func Recover(opts RecoverOptions) Middleware {
	apology := opts.Apology.Or(DefaultApology())
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, msg Message) (r Reply, err error) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				pe := &PanicError{Value: v, Stack: debug.Stack()}
				if opts.Logger != nil {
					opts.Logger.ErrorContext(ctx, "channel: handler panicked",
						"session", msg.SessionID, "channel", msg.Channel, "panic", fmt.Sprint(v), "stack", string(pe.Stack))
				}
				r, err = TextReply(apology.For(msg)), pe
			}()
			return next.Handle(ctx, msg)
		})
	}
}

// RateLimitOptions configure RateLimit. The zero value is ready to use.
type RateLimitOptions struct {
	// Rate is how many messages per second a key may send in the long
	// run; 1 when zero.
	Rate float64
	// Burst is how many messages a key may send at once; 5 when zero.
	Burst int
	// Key picks what is limited; the user ID, or the session ID when
	// there is none, when nil.
	Key func(Message) string
	// Busy is the reply to a message over the limit; DefaultBusy's
	// sentences fill in what is empty.
	Busy Bilingual
	// MaxKeys bounds the keys tracked; see LimiterOptions.
	MaxKeys int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// RateLimit returns middleware that limits how fast each user (or
// session) sends, with a token bucket per key. A message over the limit
// does not reach the handler: it gets the Busy reply and a
// *RateLimitError telling how long to wait.
func RateLimit(opts RateLimitOptions) Middleware {
	l := NewLimiter(LimiterOptions{Rate: opts.Rate, Burst: opts.Burst, MaxKeys: opts.MaxKeys, Now: opts.Now})
	key := opts.Key
	if key == nil {
		key = func(m Message) string {
			if m.UserID != "" {
				return m.UserID
			}
			return m.SessionID
		}
	}
	busy := opts.Busy.Or(DefaultBusy())
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, msg Message) (Reply, error) {
			k := key(msg)
			if ok, wait := l.Allow(k); !ok {
				return TextReply(busy.For(msg)), &RateLimitError{Key: k, RetryAfter: wait}
			}
			return next.Handle(ctx, msg)
		})
	}
}
