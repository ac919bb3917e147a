package channel

import "context"

// Handler answers customer messages; the bot is one. Adapters call Handle
// once per message, from many goroutines at once: implementations must be
// safe for concurrent use. Messages of one session may also arrive
// concurrently (two browser tabs); a handler that keeps per-session state
// serializes them itself.
//
// Handle should return within ctx's deadline. When it returns an error it
// may also return a reply to show the customer (an apology); adapters
// show that reply, or their own apology when it has no parts, and never
// show the error's text.
type Handler interface {
	Handle(ctx context.Context, msg Message) (Reply, error)
}

// HandlerFunc adapts a function to a Handler.
type HandlerFunc func(ctx context.Context, msg Message) (Reply, error)

// Handle calls f(ctx, msg).
func (f HandlerFunc) Handle(ctx context.Context, msg Message) (Reply, error) { return f(ctx, msg) }

// Middleware wraps a Handler with a concern that is not the bot's own:
// time limits, panic recovery, rate limits, transcripts, logging.
type Middleware func(Handler) Handler

// Chain returns h wrapped in mw, the first middleware outermost: a message
// goes through mw[0], mw[1], … and then h. Nil middleware are skipped.
func Chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		if mw[i] != nil {
			h = mw[i](h)
		}
	}
	return h
}
