package kefu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/kefuai/kefu/channel/webhook"
	"github.com/kefuai/kefu/dialogue"
)

// HTTPAction is an operator's HTTP endpoint that flows call like a Go
// function (a "call" step): look an order up, freeze a card. Each call is
// a POST of a JSON body signed like the hand-off webhook (package
// channel/webhook: the headers X-Kefu-Timestamp and X-Kefu-Signature,
// checked with webhook.VerifyRequest):
//
//	{"action": "freeze_card", "session": "…", "flow": "lost_card",
//	 "state": "freeze", "lang": "zh", "time": "2026-03-02T10:01:00+08:00",
//	 "slots": {"last4": "6789"}}
//
// The endpoint answers 2xx with a JSON object, every field optional:
//
//	{"event": "frozen", "say": "…", "slots": {"card": "尾号 6789"}}
//
// event fires the state's transitions, say is sent to the customer and
// slots are stored in the flow's slots (a value such as "2025-06-21" is a
// date too). {"ok": false, "error": "…"} reports a failure. A failure, a
// status other than 2xx, a redirect, a body that is not such an object,
// or no answer within Timeout makes the call fail: the flow takes its
// transition on the event "error", or, without one, the bot apologizes
// and hands the customer to a person.
type HTTPAction struct {
	// Name is the function's name in the flows.
	Name string
	// URL is the endpoint: https, or http to a loopback address only.
	URL string
	// Secret signs the requests; it is required.
	Secret []byte
	// Timeout bounds a call; 5 s when zero. The turn waits for it.
	Timeout time.Duration
	// Client makes the requests; when nil, a client of its own that
	// follows no redirect.
	Client *http.Client
}

// httpActionRequest is the body of an HTTP action's request.
type httpActionRequest struct {
	Action  string            `json:"action"`
	Session string            `json:"session"`
	Flow    string            `json:"flow"`
	State   string            `json:"state"`
	Lang    string            `json:"lang"`
	Time    time.Time         `json:"time"`
	Slots   map[string]string `json:"slots"`
}

// httpActionResponse is the body of an HTTP action's answer.
type httpActionResponse struct {
	OK    *bool             `json:"ok"`
	Error string            `json:"error"`
	Event string            `json:"event"`
	Say   string            `json:"say"`
	Slots map[string]string `json:"slots"`
}

// maxActionResponse bounds an HTTP action's answer.
const maxActionResponse = 1 << 20

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// checkURL accepts https URLs, and http ones to loopback addresses.
func (a HTTPAction) checkURL() error {
	u, err := url.Parse(a.URL)
	if err != nil || u.Host == "" || u.User != nil {
		return fmt.Errorf("%q is not an absolute http(s) URL without credentials", a.URL)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return fmt.Errorf("%q: plain http only to this machine (localhost, 127.0.0.1); use https", a.URL)
	}
	return fmt.Errorf("%q is not an http(s) URL", a.URL)
}

// Func checks the action and returns the dialogue.Func that calls it, for
// dialogue.Options.Funcs.
func (a HTTPAction) Func() (dialogue.Func, error) {
	if a.Name == "" {
		return nil, errors.New("kefu: HTTP action without a name")
	}
	if err := a.checkURL(); err != nil {
		return nil, fmt.Errorf("kefu: HTTP action %s: %w", a.Name, err)
	}
	if len(a.Secret) == 0 {
		return nil, fmt.Errorf("kefu: HTTP action %s: no secret", a.Name)
	}
	if a.Timeout < 0 {
		return nil, fmt.Errorf("kefu: HTTP action %s: negative timeout", a.Name)
	}
	if a.Timeout == 0 {
		a.Timeout = 5 * time.Second
	}
	if a.Client == nil {
		a.Client = noRedirects
	}
	a.Secret = bytes.Clone(a.Secret)
	return a.call, nil
}

func (a HTTPAction) call(ctx context.Context, c dialogue.Call) (dialogue.Result, error) {
	slots := make(map[string]string, len(c.Slots))
	for k, v := range c.Slots {
		slots[k] = v.Text
	}
	body, err := json.Marshal(httpActionRequest{
		Action: a.Name, Session: c.Session, Flow: c.Flow, State: c.State,
		Lang: string(c.Lang), Time: c.Time, Slots: slots,
	})
	if err != nil {
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: %w", a.Name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, a.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL, bytes.NewReader(body))
	if err != nil {
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: %w", a.Name, err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "kefu-action/1")
	req.Header.Set(webhook.TimestampHeader, ts)
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(a.Secret, ts, body))
	resp, err := a.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: no answer within %v", a.Name, a.Timeout)
		}
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: %w", a.Name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxActionResponse+1))
	if err != nil {
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: reading the answer: %w", a.Name, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: status %s", a.Name, resp.Status)
	}
	if len(raw) > maxActionResponse {
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: answer longer than %d bytes", a.Name, maxActionResponse)
	}
	var r httpActionResponse
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: the answer is not a JSON object of ok, error, event, say and slots: %w", a.Name, err)
	}
	if dec.More() {
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: data after the answer's JSON object", a.Name)
	}
	if r.Error != "" || (r.OK != nil && !*r.OK) {
		msg := r.Error
		if msg == "" {
			msg = "ok is false"
		}
		return dialogue.Result{}, fmt.Errorf("kefu: HTTP action %s: %s", a.Name, msg)
	}
	res := dialogue.Result{Event: r.Event, Say: r.Say}
	if len(r.Slots) > 0 {
		res.Slots = make(map[string]dialogue.Value, len(r.Slots))
		loc := c.Time.Location()
		for k, v := range r.Slots {
			val := dialogue.Value{Text: v}
			if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
				val.Time = t
			}
			res.Slots[k] = val
		}
	}
	return res, nil
}
