// Package httpapi serves a channel.Handler as a JSON API over HTTP:
//
//	POST /v1/messages
//	{"session_id": "…", "user_id": "…", "text": "我想退货"}
//
//	200 OK
//	{"session_id": "…",
//	 "replies": [{"type": "text", "text": "…"},
//	             {"type": "image", "url": "…", "alt": "…"},
//	             {"type": "link", "title": "…", "url": "…"},
//	             {"type": "quick_replies", "options": [{"title": "…", "payload": "…"}]}],
//	 "intent": {"name": "faq.returns", "confidence": 0.91},
//	 "handoff": false}
//
// A request without a session ID starts a new session, whose random ID is
// in the response: send it back with the next message. "user_id" is
// optional, and so is "meta", an object of strings passed on as
// Message.Meta (a "lang" of "en" or "zh" picks the apology's language).
//
// Errors have the body {"error": {"code": "…", "message": "…"}}: 400 for
// malformed JSON (invalid_json), unknown fields (unknown_field), invalid
// UTF-8 (invalid_utf8), empty text (empty_text) or a bad session ID
// (invalid_id); 413 for a body over Options.MaxBodyBytes (body_too_large)
// or text over the limits (text_too_large); 415 for a content type other
// than application/json; 404 and 405 for other paths and methods. A
// handler's error gives 429 (rate_limited, with Retry-After), 503
// (unavailable, for channel.ErrUnavailable and deadlines) or 500
// (internal), with an apology as message and as "replies", and never the
// error's text.
//
// The Handler answers the path /v1/messages; mount it in any mux, under a
// prefix with http.StripPrefix:
//
//	mux.Handle("/v1/messages", httpapi.New(bot, httpapi.Options{}))
//	mux.Handle("/api/", http.StripPrefix("/api", httpapi.New(bot, httpapi.Options{})))
//
// With Options.Explain, a request with "explain": true gets an
// "explanation" object in its response: the ranked intents, the entry (ID
// and confidence) that answered, where the flow stands and what the turn
// did (see channel.Explanation). Without it the field is ignored.
//
// It sets no CORS headers; wrap it for browsers on other origins.
package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/wire"
)

// Path is the path the Handler answers. Mounted under a prefix with
// http.StripPrefix, it answers at what remains of Path or at the prefix
// itself: with http.StripPrefix("/api", h) at /api/v1/messages, with
// http.StripPrefix("/chat/send", h) at /chat/send.
const Path = "/v1/messages"

// Options configure a Handler. The zero value is ready to use.
type Options struct {
	// MaxBodyBytes bounds a request body; 64 KiB when zero.
	MaxBodyBytes int64
	// BodyTimeout bounds the time a client may take to send the body, so
	// that slow clients cannot hold connections; 10 s when zero.
	BodyTimeout time.Duration
	// Clients limits requests per client address and in all, before any
	// turn runs (429 rate_limited beyond them).
	Clients channel.ClientLimits
	// MaxMeta bounds the entries of "meta"; 16 when zero.
	MaxMeta int
	// Limits bound the message; see channel.Limits.
	Limits channel.Limits
	// Apology is the message of a failed turn when the handler gave no
	// reply; channel.DefaultApology fills in what is empty.
	Apology channel.Bilingual
	// Channel is the messages' Channel; "http" when empty.
	Channel string
	// Logger receives handler errors (Warn for outages and rate limits,
	// Error for faults); nothing is logged when nil.
	Logger *slog.Logger
	// Now is the clock for Message.Time; time.Now when nil.
	Now func() time.Time
	// Explain lets requests ask for an explanation of the reply
	// ("explain": true). It shows intents, entry IDs and flow states, so
	// turn it on for operators' tools and tests, not for customers.
	Explain bool
}

// Handler is the JSON API, an http.Handler. It is safe for concurrent use
// and keeps no state of its own between requests.
type Handler struct {
	h    channel.Handler
	opts Options
}

// New returns a Handler that passes messages to h.
func New(h channel.Handler, opts Options) *Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 64 << 10
	}
	if opts.MaxMeta <= 0 {
		opts.MaxMeta = 16
	}
	if opts.BodyTimeout <= 0 {
		opts.BodyTimeout = 10 * time.Second
	}
	if opts.Channel == "" {
		opts.Channel = "http"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Apology = opts.Apology.Or(channel.DefaultApology())
	return &Handler{h: h, opts: opts}
}

// Request is the body of POST /v1/messages.
type Request struct {
	// MessageID, when set, identifies the message: sending it again with
	// the same ID (a retry after a timeout) returns the reply the first
	// one got without running the turn twice. Clients that retry should
	// set it, unique per message.
	MessageID string            `json:"message_id,omitempty"`
	SessionID string            `json:"session_id"`
	UserID    string            `json:"user_id"`
	Text      string            `json:"text"`
	Meta      map[string]string `json:"meta,omitempty"`
	// Explain asks for Response.Explanation (with Options.Explain).
	Explain bool `json:"explain,omitempty"`
}

// Response is the body of a 200 answer, and of a failed turn's answer
// along with Error.
type Response struct {
	SessionID     string                `json:"session_id"`
	Replies       []channel.Part        `json:"replies"`
	Intent        *channel.Intent       `json:"intent"`
	Handoff       bool                  `json:"handoff"`
	HandoffReason channel.HandoffReason `json:"handoff_reason,omitempty"`
	// Explanation says how the reply was arrived at, when the request
	// asked and Options.Explain allows it.
	Explanation *channel.Explanation `json:"explanation,omitempty"`
	Error       *Error               `json:"error,omitempty"`
}

// Error is the "error" of an error response, and the error DecodeRequest
// returns.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error returns the code and the message.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ServeHTTP answers POST /v1/messages with the handler's reply, and
// everything else with a JSON error. It runs the turn with the request's
// context, so a client that goes away cancels it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; p != Path && p != "" && p != "/" {
		writeInputError(w, http.StatusNotFound, wire.CodeNotFound)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeInputError(w, http.StatusMethodNotAllowed, wire.CodeMethod)
		return
	}
	if ok, wait, _ := h.opts.Clients.Allow(r); !ok {
		w.Header().Set("Retry-After", wire.RetryAfter(wait))
		writeInputError(w, http.StatusTooManyRequests, wire.CodeRateLimited)
		return
	}
	if !jsonContent(r.Header.Get("Content-Type")) {
		writeInputError(w, http.StatusUnsupportedMediaType, wire.CodeMediaType)
		return
	}
	// A deadline for the body; servers that cannot set one (tests'
	// recorders) read without.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(h.opts.BodyTimeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeInputError(w, http.StatusRequestEntityTooLarge, wire.CodeBodyTooLarge)
			return
		}
		writeInputError(w, http.StatusBadRequest, wire.CodeInvalidJSON)
		return
	}
	req, err := DecodeRequest(body)
	if err == nil && len(req.Meta) > h.opts.MaxMeta {
		err = inputError(wire.CodeInvalidMessage)
	}
	if err != nil {
		writeInputError(w, http.StatusBadRequest, err.(*Error).Code)
		return
	}
	if req.SessionID == "" {
		req.SessionID = wire.NewID()
	}
	id := req.MessageID
	if id == "" {
		id = wire.NewID()
	}
	msg := channel.Message{
		ID:        id,
		SessionID: req.SessionID,
		UserID:    req.UserID,
		Channel:   h.opts.Channel,
		Text:      req.Text,
		Time:      h.opts.Now(),
		Meta:      req.Meta,
		Explain:   req.Explain && h.opts.Explain,
	}
	if err := h.opts.Limits.Check(msg); err != nil {
		status, code := wire.Classify(err)
		writeInputError(w, status, code)
		return
	}
	reply, err := h.h.Handle(r.Context(), msg)
	if err != nil {
		h.writeTurnError(w, r, msg, reply, err)
		return
	}
	writeJSON(w, http.StatusOK, newResponse(msg.SessionID, reply))
}

// DecodeRequest parses a request body. It returns the request, or an
// *Error whose Code says what is wrong with the body: invalid_utf8 for
// bytes that are not UTF-8 (which encoding/json would silently replace),
// unknown_field, or invalid_json for anything else, including trailing
// data after the object.
func DecodeRequest(body []byte) (Request, error) {
	var req Request
	if !utf8.Valid(body) {
		return req, inputError(wire.CodeInvalidUTF8)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return Request{}, inputError(wire.CodeUnknownField)
		}
		return Request{}, inputError(wire.CodeInvalidJSON)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, inputError(wire.CodeInvalidJSON)
	}
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("null")) {
		return Request{}, inputError(wire.CodeInvalidJSON)
	}
	return req, nil
}

func inputError(code string) *Error {
	return &Error{Code: code, Message: wire.InputMessage(code)}
}

func (h *Handler) writeTurnError(w http.ResponseWriter, r *http.Request, msg channel.Message, reply channel.Reply, err error) {
	status, code := wire.Classify(err)
	if h.opts.Logger != nil {
		level := slog.LevelError
		if status != http.StatusInternalServerError {
			level = slog.LevelWarn
		}
		h.opts.Logger.Log(r.Context(), level, "httpapi: turn failed", "session", msg.SessionID, "status", status, "err", err)
	}
	if len(reply.Parts) == 0 {
		reply = channel.TextReply(h.opts.Apology.For(msg))
	}
	var rl *channel.RateLimitError
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
	} else if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	resp := newResponse(msg.SessionID, reply)
	resp.Error = &Error{Code: code, Message: reply.PlainText()}
	writeJSON(w, status, resp)
}

func newResponse(sid string, r channel.Reply) Response {
	w := wire.NewReply(sid, r)
	return Response{SessionID: w.SessionID, Replies: w.Replies, Intent: w.Intent, Handoff: w.Handoff, HandoffReason: w.HandoffReason,
		Explanation: r.Explanation}
}

func jsonContent(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

func writeInputError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, struct {
		Error Error `json:"error"`
	}{Error{Code: code, Message: wire.InputMessage(code)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = fmt.Appendf(nil, `{"error":{"code":%q,"message":%q}}`, wire.CodeInternal, channel.DefaultApology().Zh)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
