// Package webhook hands conversations over to people: when a reply hands
// off, it POSTs a ticket with the conversation so far to an operator URL
// (a CRM, a ticket system, a team chat), signed, retried, and without ever
// delaying the customer's turn.
//
// A Sender delivers tickets from a bounded queue with background workers.
// Each delivery is JSON:
//
//	{"id": "…", "session_id": "…", "user_id": "…", "channel": "webchat",
//	 "reason": "requested",
//	 "transcript": [{"role": "user", "text": "我要退货", "time": "…"},
//	                {"role": "bot", "text": "…", "time": "…"}],
//	 "created": "…"}
//
// signed with HMAC-SHA256 in SignatureHeader over TimestampHeader and the
// body; receivers check it with Verify or VerifyRequest. Network errors,
// 5xx, 408 and 429 are retried with exponential backoff and jitter; other
// answers are final. Options.Redact is applied to every text of a ticket
// before it leaves, so personal data (phone numbers, ID numbers) can be
// masked.
//
// A Recorder keeps the last turns of each session in memory; the Handoff
// middleware records every turn in one and sends a ticket when a reply
// hands off:
//
//	sender, err := webhook.New(webhook.Options{URL: crmURL, Secret: secret, Redact: redact})
//	...
//	defer sender.Close(ctx)
//	h := channel.Chain(bot, webhook.Handoff(sender, webhook.NewRecorder(webhook.RecorderOptions{})))
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/wire"
	"github.com/kefuai/kefu/internal/backoff"
)

// Errors of a Sender.
var (
	// ErrQueueFull is returned by Send when the queue is full: the ticket
	// is dropped, and counted in Stats.Dropped.
	ErrQueueFull = errors.New("webhook: queue full, ticket dropped")
	// ErrClosed is returned by Send after Close.
	ErrClosed = errors.New("webhook: sender closed")
	// ErrInvalidOptions is returned by New for options it cannot work
	// with.
	ErrInvalidOptions = errors.New("webhook: invalid options")
)

// Role says who said a transcript entry.
type Role string

// Roles of transcript entries.
const (
	RoleUser Role = "user"
	RoleBot  Role = "bot"
)

// Entry is one message of a transcript.
type Entry struct {
	Role Role      `json:"role"`
	Text string    `json:"text"`
	Time time.Time `json:"time"`
}

// Ticket is a conversation handed to people.
type Ticket struct {
	// ID identifies the ticket; Send makes one up when empty. It is sent
	// in DeliveryHeader too, the same on every attempt.
	ID         string                `json:"id"`
	SessionID  string                `json:"session_id"`
	UserID     string                `json:"user_id"`
	Channel    string                `json:"channel,omitempty"`
	Reason     channel.HandoffReason `json:"reason"`
	Transcript []Entry               `json:"transcript"`
	Created    time.Time             `json:"created"`
}

// Options configure a Sender. URL and Secret are required; the rest may be
// left zero.
type Options struct {
	// URL receives the tickets; it must be http or https.
	URL string
	// Secret keys the signatures; at least 16 bytes.
	Secret []byte
	// Header holds headers added to every delivery (an Authorization).
	Header http.Header
	// Client sends the deliveries; one that follows no redirects when
	// nil. Its transport decides proxies and TLS.
	Client *http.Client
	// Timeout bounds one attempt; 10 seconds when zero.
	Timeout time.Duration
	// QueueSize bounds the tickets waiting; 256 when zero.
	QueueSize int
	// Workers is how many deliveries run at once; 2 when zero.
	Workers int
	// MaxAttempts bounds the attempts per ticket; 6 when zero.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the wait before a retry, which
	// doubles from MinBackoff on each attempt, with jitter, up to
	// MaxBackoff; 500 ms and 1 minute when zero. A Retry-After answer
	// is honoured up to MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Redact is applied to the reason and to every transcript text before
	// a ticket is sent; nothing is changed when nil.
	Redact func(string) string
	// Logger receives failed and dropped deliveries; nothing is logged
	// when nil.
	Logger *slog.Logger
	// Now is the clock for signatures and Created; time.Now when nil.
	Now func() time.Time
}

// Stats count what a Sender did.
type Stats struct {
	// Sent counts tickets delivered (a 2xx answer).
	Sent int64
	// Failed counts tickets given up: a final answer, attempts used up,
	// or Close's deadline reached.
	Failed int64
	// Dropped counts tickets refused because the queue was full.
	Dropped int64
	// Retries counts attempts after the first.
	Retries int64
	// Queued is how many tickets wait now.
	Queued int
}

// Sender delivers tickets in the background. It is safe for concurrent
// use; Send never blocks.
type Sender struct {
	opts  Options
	queue chan Ticket

	mu     sync.RWMutex // guards closed and sends on queue against Close
	closed bool

	ctx     context.Context // ended when Close gives up waiting
	cancel  context.CancelFunc
	workers sync.WaitGroup

	sent, failed, dropped, retries atomic.Int64
}

// New returns a Sender and starts its workers; Close stops them.
func New(opts Options) (*Sender, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: URL %q is not http(s)", ErrInvalidOptions, opts.URL)
	}
	if len(opts.Secret) < 16 {
		return nil, fmt.Errorf("%w: a secret of at least 16 bytes is required", ErrInvalidOptions)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 256
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 6
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Minute
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Sender{opts: opts, queue: make(chan Ticket, opts.QueueSize)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for range opts.Workers {
		s.workers.Go(s.work)
	}
	return s, nil
}

// Send queues t for delivery and returns at once. It fills in t.ID and
// t.Created when they are empty. It returns ErrQueueFull when the queue
// is full (the ticket is dropped and counted) and ErrClosed after Close.
func (s *Sender) Send(t Ticket) error {
	if t.ID == "" {
		t.ID = wire.NewID()
	}
	if t.Created.IsZero() {
		t.Created = s.opts.Now()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	select {
	case s.queue <- t:
		return nil
	default:
		s.dropped.Add(1)
		s.opts.Logger.Warn("webhook: queue full, ticket dropped", "ticket", t.ID, "session", t.SessionID)
		return ErrQueueFull
	}
}

// Close stops taking tickets and waits until the queued ones are
// delivered or given up, or until ctx ends: then deliveries in progress
// are abandoned (and counted failed) and Close returns ctx.Err().
func (s *Sender) Close(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.workers.Wait(); close(done) }()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return ctx.Err()
	}
}

// Stats returns the counts so far.
func (s *Sender) Stats() Stats {
	return Stats{Sent: s.sent.Load(), Failed: s.failed.Load(), Dropped: s.dropped.Load(),
		Retries: s.retries.Load(), Queued: len(s.queue)}
}

func (s *Sender) work() {
	for t := range s.queue {
		if s.ctx.Err() != nil {
			s.failed.Add(1)
			continue
		}
		s.deliver(t)
	}
}

// deliver sends one ticket, retrying as the options say.
func (s *Sender) deliver(t Ticket) {
	if r := s.opts.Redact; r != nil {
		t.Reason = channel.HandoffReason(r(string(t.Reason)))
		tr := make([]Entry, len(t.Transcript))
		for i, e := range t.Transcript {
			e.Text = r(e.Text)
			tr[i] = e
		}
		t.Transcript = tr
	}
	if t.Transcript == nil {
		t.Transcript = []Entry{}
	}
	body, err := json.Marshal(t)
	if err != nil {
		s.failed.Add(1)
		s.opts.Logger.Error("webhook: cannot encode ticket", "ticket", t.ID, "err", err)
		return
	}
	log := s.opts.Logger.With("ticket", t.ID, "session", t.SessionID)
	bo := backoff.Backoff{Min: s.opts.MinBackoff, Max: s.opts.MaxBackoff}
	for attempt := 1; ; attempt++ {
		wait, final, err := s.attempt(t.ID, body)
		if err == nil {
			s.sent.Add(1)
			return
		}
		if final || attempt >= s.opts.MaxAttempts || s.ctx.Err() != nil {
			s.failed.Add(1)
			log.Error("webhook: ticket not delivered", "attempts", attempt, "err", err)
			return
		}
		if wait <= 0 {
			wait = bo.Next()
		}
		wait = min(wait, s.opts.MaxBackoff)
		log.Warn("webhook: delivery failed, retrying", "attempt", attempt, "in", wait, "err", err)
		s.retries.Add(1)
		if backoff.Sleep(s.ctx, wait) != nil {
			s.failed.Add(1)
			return
		}
	}
}

// attempt makes one delivery. It returns nil on a 2xx answer; otherwise
// the error, whether it is final, and the wait a Retry-After asked for.
func (s *Sender) attempt(id string, body []byte) (wait time.Duration, final bool, err error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.URL, bytes.NewReader(body))
	if err != nil {
		return 0, true, err
	}
	for k, v := range s.opts.Header {
		req.Header[k] = v
	}
	ts := strconv.FormatInt(s.opts.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "kefu-webhook/1")
	req.Header.Set(TimestampHeader, ts)
	req.Header.Set(SignatureHeader, Sign(s.opts.Secret, ts, body))
	req.Header.Set(DeliveryHeader, id)
	res, err := s.opts.Client.Do(req)
	if err != nil {
		return 0, false, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	switch c := res.StatusCode; {
	case c >= 200 && c < 300:
		return 0, false, nil
	case c >= 500, c == http.StatusRequestTimeout, c == http.StatusTooManyRequests:
		if sec, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && sec >= 0 {
			wait = time.Duration(sec) * time.Second
		}
		return wait, false, fmt.Errorf("webhook: receiver answered %s", res.Status)
	default:
		return 0, true, fmt.Errorf("webhook: receiver answered %s", res.Status)
	}
}
