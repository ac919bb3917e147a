// Package webchat serves a channel.Handler as web chat: a WebSocket
// endpoint speaking JSON frames, and an embeddable chat widget that any
// page adds with one tag:
//
//	<script src="https://shop.example/chat/widget.js"></script>
//
// The widget puts a chat button in the page's corner; it opens a panel
// that shows text, images, links and quick replies, and sends a quick
// reply's payload when it is clicked. Customer and bot text is always
// inserted as text, never as HTML. The widget keeps the session ID in the
// browser's localStorage and reconnects with backoff when the connection
// drops, so a conversation survives network trouble and page loads.
// Attributes of the script tag configure it: data-title (the panel's
// title), data-open="true" (open at once), data-lang (the customer's
// language) and data-server (where the chat is served, by default where
// widget.js came from).
//
// The Server answers three paths: /ws (the WebSocket), /widget.js, and /
// (a demo page that is the widget on a simple page, in English with
// ?lang=en; see Options.HideDemo). Mount it in any mux, under a prefix
// with http.StripPrefix:
//
//	chat := webchat.New(bot, webchat.Options{})
//	mux.Handle("/chat/", http.StripPrefix("/chat", chat))
//	defer chat.Shutdown(ctx)
//
// # Phones
//
// On a screen at most 480 CSS pixels wide or 560 high (a phone, or a
// phone with its on-screen keyboard up) the open chat takes the whole
// viewport, follows the visual viewport as the keyboard comes and goes,
// and keeps clear of the notch and the home indicator
// (env(safe-area-inset-*), which a page gets with viewport-fit=cover in
// its viewport meta tag). The chat button hides while the chat is open
// there; on larger screens the panel opens above it. The input's text is
// 16 pixels, so that phones do not zoom in when it is focused.
//
// # Language
//
// The widget speaks Chinese or English: the language of data-lang on the
// script tag, else of the page (<html lang>), else of the browser
// (navigator.language). Chinese ("zh", "zh-CN", "zh-TW", …) gives the
// Chinese interface, any other language the English one. The widget sends
// that language ("zh" or "en") when it connects and with every message,
// so that the greeting (Options.Greetings), the bot's replies and the
// apologies follow it, as do the widget's own words: the placeholder, the
// buttons, connection notices and errors.
//
// # Protocol
//
// The client connects to /ws, with ?session_id=… to continue a session,
// &greet=1 to be greeted (Options.Greeting) and &lang=… for the
// customer's language (a language tag such as "en" or "zh-CN"), which
// picks the greeting and is the language of every message that does not
// name its own. Every frame is a JSON text message. The server first sends
// the session:
//
//	{"type": "session", "session_id": "…"}
//
// The client sends messages, with an ID of its choosing echoed back and an
// optional language ("zh", "en"; the connection's when empty), which the
// handler finds in Message.Meta["lang"]:
//
//	{"type": "message", "id": "c1", "text": "我想退货", "lang": "zh"}
//
// and the server answers each, in order, with a reply or an error:
//
//	{"type": "reply", "reply_to": "c1", "session_id": "…", "replies": [...], "intent": {...}, "handoff": true}
//	{"type": "error", "reply_to": "c1", "error": {"code": "rate_limited", "message": "…"}, "replies": [...]}
//
// "intent", "handoff" and "handoff_reason" are there only when set.
// Replies are the parts of the HTTP API (see channel.Part). Error codes
// are those of the HTTP API: invalid_json, invalid_utf8, empty_text,
// text_too_large, invalid_message, rate_limited, unavailable, internal;
// an error of a failed turn carries an apology in "replies" too.
//
// # Limits
//
// A frame over Options.MaxFrameBytes closes the connection (status 1009).
// A client sending faster than Options.Rate is told so with rate_limited
// errors, and one that keeps flooding is disconnected (status 1008). The
// server pings every Options.PingInterval and drops a connection whose
// peer does not answer. Cross-origin pages are refused unless their
// origin matches Options.OriginPatterns.
package webchat

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/wire"
)

//go:embed static
var static embed.FS

// Files returns the widget's files: widget.js and index.html, the demo
// page. The Server serves them; an application may serve them itself.
func Files() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// OriginPatterns are the hosts of other origins whose pages may
	// connect, matched as in path.Match ("*.shop.example"); a pattern with
	// "://" is matched against "scheme://host". Pages of the server's own
	// host are always allowed.
	OriginPatterns []string
	// Identify returns the customer's user ID from the WebSocket request
	// (a session cookie of the application); an error refuses the
	// connection with 401. Customers are anonymous when nil.
	Identify func(r *http.Request) (userID string, err error)
	// Greeting is sent to a client that asks for it (a page that has just
	// opened the chat) when Greetings has none in the client's language;
	// nothing is sent when it has no parts.
	Greeting channel.Reply
	// Greetings are greetings in other languages, by language tag ("en",
	// "zh", "zh-TW"; case does not matter). A client whose language is
	// "en-GB" gets the greeting of "en-GB", else of "en", else Greeting.
	Greetings map[string]channel.Reply
	// Limits bound messages; see channel.Limits.
	Limits channel.Limits
	// MaxFrameBytes bounds a frame from the client; 16 KiB when zero.
	MaxFrameBytes int64
	// MaxConnections bounds the open chat connections; a connection
	// beyond it is refused with 503 before it is upgraded. 10,000 when
	// zero.
	MaxConnections int
	// Clients limits connections and messages per client address and in
	// all, whatever sessions clients claim (429 for a connection, a
	// rate_limited frame for a message).
	Clients channel.ClientLimits
	// Rate and Burst limit the messages of one connection per second and
	// at once; 1 and 5 when zero.
	Rate  float64
	Burst int
	// QueueSize bounds the messages of one connection waiting for the
	// handler; 8 when zero. Messages beyond it are refused as rate
	// limited.
	QueueSize int
	// PingInterval is how often the server pings the client, and how long
	// it waits for the answer; 20 seconds when zero, never when negative.
	PingInterval time.Duration
	// WriteTimeout bounds writing one frame to a slow client; 10 seconds
	// when zero.
	WriteTimeout time.Duration
	// Apology is the message of a failed turn when the handler gave no
	// reply; Busy is said to a client over the rate. The defaults of
	// channel fill in what is empty.
	Apology, Busy channel.Bilingual
	// Channel is the messages' Channel; "webchat" when empty.
	Channel string
	// HideDemo stops serving the demo page at /.
	HideDemo bool
	// Logger receives connection and handler errors; nothing is logged
	// when nil.
	Logger *slog.Logger
	// Now is the clock for Message.Time; time.Now when nil.
	Now func() time.Time
}

// Server is the web chat: an http.Handler for the WebSocket endpoint and
// the widget's files. It is safe for concurrent use. Each connection is
// one session; its messages are handled one at a time, in order.
type Server struct {
	h     channel.Handler
	opts  Options
	files http.Handler

	ctx    context.Context // ended by Shutdown
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	conns  sync.WaitGroup
	open   int // connections being served, under mu
}

// New returns a Server that passes messages to h.
func New(h channel.Handler, opts Options) *Server {
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = 10000
	}
	if opts.MaxFrameBytes <= 0 {
		opts.MaxFrameBytes = 16 << 10
	}
	if opts.Rate <= 0 {
		opts.Rate = 1
	}
	if opts.Burst <= 0 {
		opts.Burst = 5
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 8
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = 20 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.Channel == "" {
		opts.Channel = "webchat"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if len(opts.Greetings) > 0 {
		g := make(map[string]channel.Reply, len(opts.Greetings))
		for tag, r := range opts.Greetings {
			g[normTag(tag)] = r
		}
		opts.Greetings = g
	}
	opts.Apology = opts.Apology.Or(channel.DefaultApology())
	opts.Busy = opts.Busy.Or(channel.DefaultBusy())
	s := &Server{h: h, opts: opts, files: http.FileServerFS(Files())}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// ServeHTTP upgrades /ws to a WebSocket and serves the widget's files;
// other paths are not found. A WebSocket connection lives until the
// client closes it, stops answering pings, or Shutdown.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/ws":
		s.serveWS(w, r)
	case "/widget.js":
		w.Header().Set("Cache-Control", "no-cache")
		s.files.ServeHTTP(w, r)
	case "/", "/index.html":
		if s.opts.HideDemo {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		s.files.ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

// Shutdown refuses new connections, closes the open ones with status 1001
// (going away), cancelling their turns, and waits for them to end or for
// ctx to end, whichever is first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	done := make(chan struct{})
	go func() { s.conns.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// inFrame is a frame from the client.
type inFrame struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Text string `json:"text"`
	Lang string `json:"lang"`
}

// outFrame is a frame to the client.
type outFrame struct {
	Type          string                `json:"type"`
	ReplyTo       string                `json:"reply_to,omitempty"`
	SessionID     string                `json:"session_id"`
	Error         *wire.Error           `json:"error,omitempty"`
	Replies       []channel.Part        `json:"replies,omitempty"`
	Intent        *channel.Intent       `json:"intent,omitempty"`
	Handoff       bool                  `json:"handoff,omitempty"`
	HandoffReason channel.HandoffReason `json:"handoff_reason,omitempty"`
}

// withReply returns f carrying r.
func (f outFrame) withReply(r channel.Reply) outFrame {
	f.Replies, f.Intent, f.Handoff, f.HandoffReason = r.Parts, r.Intent, r.Handoff, r.HandoffReason
	return f
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "webchat: server shutting down", http.StatusServiceUnavailable)
		return
	}
	allowed, wait, addr := s.opts.Clients.Allow(r)
	if !allowed {
		s.mu.Unlock()
		w.Header().Set("Retry-After", wire.RetryAfter(wait))
		http.Error(w, "webchat: too many requests", http.StatusTooManyRequests)
		return
	}
	if s.open >= s.opts.MaxConnections {
		s.mu.Unlock()
		s.opts.Logger.Warn("webchat: too many connections", "limit", s.opts.MaxConnections)
		http.Error(w, "webchat: too many connections", http.StatusServiceUnavailable)
		return
	}
	s.open++
	s.conns.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.open--
		s.mu.Unlock()
		s.conns.Done()
	}()

	var userID string
	if s.opts.Identify != nil {
		var err error
		if userID, err = s.opts.Identify(r); err != nil {
			http.Error(w, "webchat: unauthorized", http.StatusUnauthorized)
			return
		}
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.opts.OriginPatterns})
	if err != nil {
		s.opts.Logger.Warn("webchat: refused connection", "err", err, "origin", r.Header.Get("Origin"))
		return // Accept has answered
	}
	c.SetReadLimit(s.opts.MaxFrameBytes)
	q := r.URL.Query()
	sid := q.Get("session_id")
	if !s.opts.Limits.ValidID(sid) {
		sid = wire.NewID()
	}
	l := q.Get("lang")
	if !validTag(l) {
		l = ""
	}
	cn := &conn{s: s, c: c, sid: sid, user: userID, lang: l, addr: addr, queue: make(chan inFrame, s.opts.QueueSize),
		limit: channel.NewLimiter(channel.LimiterOptions{Rate: s.opts.Rate, Burst: s.opts.Burst})}
	cn.run(q.Get("greet") == "1")
}

// conn is one WebSocket connection, one session.
type conn struct {
	s     *Server
	c     *websocket.Conn
	sid   string
	user  string
	lang  string // the customer's language, from the URL; "" when unknown
	addr  string // the client's address, for ClientLimits
	queue chan inFrame
	limit *channel.Limiter
	ctx   context.Context // ends when the connection does
	turns context.Context // ends with ctx or at Shutdown
}

func (cn *conn) run(greet bool) {
	// ctx is for reading and writing; turns get a context that Shutdown
	// also cancels. (Cancelling a Read's context would drop the
	// connection without a close frame.)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cn.ctx = ctx
	turns, cancelTurns := context.WithCancel(ctx)
	defer cancelTurns()
	cn.turns = turns
	log := cn.s.opts.Logger.With("session", cn.sid)

	// Shutdown cancels the turns and closes the connection cleanly; the
	// read loop then ends.
	go func() {
		select {
		case <-cn.s.ctx.Done():
			cancelTurns()
			_ = cn.c.Close(websocket.StatusGoingAway, "server shutting down")
		case <-ctx.Done():
		}
	}()
	if cn.s.opts.PingInterval > 0 {
		go cn.ping(log)
	}
	if err := cn.write(outFrame{Type: "session", SessionID: cn.sid}); err != nil {
		cn.c.CloseNow()
		return
	}
	if g := cn.s.greeting(cn.lang); greet && len(g.Parts) > 0 {
		_ = cn.write(outFrame{Type: "reply", SessionID: cn.sid}.withReply(g))
	}

	var worker sync.WaitGroup
	worker.Go(cn.work)
	err := cn.read()
	close(cn.queue)
	if status := websocket.CloseStatus(err); status == -1 && !errors.Is(err, context.Canceled) {
		log.Debug("webchat: connection ended", "err", err)
	}
	cancel() // cancels turns in progress
	worker.Wait()
	cn.c.CloseNow()
}

// read reads frames until the connection ends, queueing messages for the
// worker and answering bad frames.
func (cn *conn) read() error {
	refused := 0
	for {
		typ, data, err := cn.c.Read(cn.ctx)
		if err != nil {
			return err
		}
		var f inFrame
		code := ""
		switch {
		case typ != websocket.MessageText:
			code = wire.CodeInvalidMessage
		case !utf8.Valid(data):
			code = wire.CodeInvalidUTF8
		default:
			if err := json.Unmarshal(data, &f); err != nil {
				code = wire.CodeInvalidJSON
			} else if f.Type != "message" || len(f.ID) > 64 || len(f.Lang) > 16 {
				code = wire.CodeInvalidMessage
			}
		}
		if code != "" {
			if cn.write(outFrame{Type: "error", ReplyTo: clip(f.ID), SessionID: cn.sid, Error: &wire.Error{Code: code, Message: wire.InputMessage(code)}}) != nil {
				return nil
			}
			continue
		}
		if ok, _ := cn.limit.Allow(""); ok && cn.allowAddress() {
			select {
			case cn.queue <- f:
				refused = 0
				continue
			default:
			}
		}
		refused++
		if refused > 10*cn.s.opts.Burst {
			_ = cn.c.Close(websocket.StatusPolicyViolation, "too many messages")
			return nil
		}
		m := channel.Message{Text: f.Text, Meta: cn.meta(f.Lang)}
		busy := cn.s.opts.Busy.For(m)
		if cn.write(outFrame{Type: "error", ReplyTo: clip(f.ID), SessionID: cn.sid, Error: &wire.Error{Code: wire.CodeRateLimited, Message: busy}}.withReply(channel.TextReply(busy))) != nil {
			return nil
		}
	}
}

// work handles the queued messages in order.
func (cn *conn) work() {
	for f := range cn.queue {
		id := f.ID
		if id == "" {
			id = wire.NewID()
		}
		msg := channel.Message{
			ID:        id,
			SessionID: cn.sid,
			UserID:    cn.user,
			Channel:   cn.s.opts.Channel,
			Text:      f.Text,
			Time:      cn.s.opts.Now(),
			Meta:      cn.meta(f.Lang),
		}
		if err := cn.s.opts.Limits.Check(msg); err != nil {
			_, code := wire.Classify(err)
			if cn.write(outFrame{Type: "error", ReplyTo: f.ID, SessionID: cn.sid, Error: &wire.Error{Code: code, Message: wire.InputMessage(code)}}) != nil {
				return
			}
			continue
		}
		reply, err := cn.s.h.Handle(cn.turns, msg)
		if cn.turns.Err() != nil {
			return
		}
		out := outFrame{Type: "reply", ReplyTo: f.ID, SessionID: cn.sid}
		if err != nil {
			status, code := wire.Classify(err)
			level := slog.LevelError
			if status != http.StatusInternalServerError {
				level = slog.LevelWarn
			}
			cn.s.opts.Logger.Log(cn.ctx, level, "webchat: turn failed", "session", cn.sid, "err", err)
			if len(reply.Parts) == 0 {
				reply = channel.TextReply(cn.s.opts.Apology.For(msg))
			}
			out.Type = "error"
			out.Error = &wire.Error{Code: code, Message: reply.PlainText()}
		}
		if cn.write(out.withReply(reply)) != nil {
			return
		}
	}
}

func (cn *conn) ping(log *slog.Logger) {
	t := time.NewTicker(cn.s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-cn.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(cn.ctx, cn.s.opts.PingInterval)
		err := cn.c.Ping(ctx)
		cancel()
		if err != nil {
			if cn.ctx.Err() == nil {
				log.Debug("webchat: ping failed", "err", err)
			}
			cn.c.CloseNow()
			return
		}
	}
}

func (cn *conn) write(f outFrame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cn.ctx, cn.s.opts.WriteTimeout)
	defer cancel()
	return cn.c.Write(ctx, websocket.MessageText, b)
}

// meta returns the Meta of a message in language l, the connection's
// language when l is empty.
func (cn *conn) meta(l string) map[string]string {
	if l == "" {
		l = cn.lang
	}
	if l == "" {
		return nil
	}
	return map[string]string{"lang": l}
}

// greeting returns the greeting for a client in language tag: that of the
// whole tag, else of its primary language, else Options.Greeting.
func (s *Server) greeting(tag string) channel.Reply {
	if tag = normTag(tag); tag != "" && len(s.opts.Greetings) > 0 {
		if g, ok := s.opts.Greetings[tag]; ok {
			return g
		}
		if i := strings.IndexByte(tag, '-'); i > 0 {
			if g, ok := s.opts.Greetings[tag[:i]]; ok {
				return g
			}
		}
	}
	return s.opts.Greeting
}

// normTag returns a language tag in lower case with hyphens: "zh_CN" is
// "zh-cn".
func normTag(tag string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(tag)), "_", "-")
}

// validTag reports whether tag looks like a language tag: at most 16
// bytes of ASCII letters, digits, hyphens and underscores, starting with
// a letter.
func validTag(tag string) bool {
	if tag == "" || len(tag) > 16 {
		return false
	}
	for i := 0; i < len(tag); i++ {
		c := tag[i] | 0x20 // lower case for letters
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (tag[i] >= '0' && tag[i] <= '9' || tag[i] == '-' || tag[i] == '_'):
		default:
			return false
		}
	}
	return true
}

func clip(id string) string {
	if len(id) > 64 || !utf8.ValidString(id) {
		return ""
	}
	return id
}

// allowAddress reports whether the client's address may send another
// message under Options.Clients.
func (cn *conn) allowAddress() bool {
	ok, _ := cn.s.opts.Clients.AllowAddress(cn.addr)
	return ok
}
