package kefu

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel/webhook"
	"github.com/kefuai/kefu/dialogue"
)

// actionServer answers every call with handle, after checking the
// signature with secret.
func actionServer(t *testing.T, secret string, handle func(w http.ResponseWriter, req httpActionRequest)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.VerifyRequest(r, []byte(secret), time.Minute)
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		var req httpActionRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		handle(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

var actionCall = dialogue.Call{
	Session: "s1", Flow: "order_status", State: "lookup", Lang: dialogue.LangEN,
	Time:  time.Date(2025, 6, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)),
	Slots: map[string]dialogue.Value{"order_id": {Text: "DD2025061801", Raw: "dd2025061801"}},
}

func TestHTTPAction(t *testing.T) {
	ctx := context.Background()
	var got httpActionRequest
	srv := actionServer(t, "k", func(w http.ResponseWriter, req httpActionRequest) {
		got = req
		w.Write([]byte(`{"ok": true, "event": "shipped", "say": "On its way.", "slots": {"carrier": "SF Express", "eta": "2025-06-21"}}`))
	})
	fn, err := HTTPAction{Name: "order_status", URL: srv.URL, Secret: []byte("k")}.Func()
	require.NoError(t, err)
	res, err := fn(ctx, actionCall)
	require.NoError(t, err)
	assert.Equal(t, httpActionRequest{
		Action: "order_status", Session: "s1", Flow: "order_status", State: "lookup", Lang: "en",
		Time: actionCall.Time, Slots: map[string]string{"order_id": "DD2025061801"},
	}, got.withUTC(actionCall.Time))
	assert.Equal(t, "shipped", res.Event)
	assert.Equal(t, "On its way.", res.Say)
	assert.Equal(t, "SF Express", res.Slots["carrier"].Text)
	assert.Equal(t, "2025-06-21", res.Slots["eta"].Text)
	assert.Equal(t, time.Date(2025, 6, 21, 0, 0, 0, 0, actionCall.Time.Location()), res.Slots["eta"].Time, "a date is a date")
}

// withUTC returns r with its time replaced by t when they are the same
// instant, so that requests compare equal across time zones.
func (r httpActionRequest) withUTC(t time.Time) httpActionRequest {
	if r.Time.Equal(t) {
		r.Time = t
	}
	return r
}

func TestHTTPActionFailures(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		secret string // the action's; the server's is "k"
		handle func(w http.ResponseWriter, req httpActionRequest)
		want   string
	}{
		{"500", "k", func(w http.ResponseWriter, _ httpActionRequest) {
			http.Error(w, "down", http.StatusInternalServerError)
		}, "status 500"},
		{"timeout", "k", func(w http.ResponseWriter, _ httpActionRequest) { time.Sleep(300 * time.Millisecond) }, "no answer within 100ms"},
		{"not JSON", "k", func(w http.ResponseWriter, _ httpActionRequest) { w.Write([]byte("<html>")) }, "not a JSON object"},
		{"empty body", "k", func(w http.ResponseWriter, _ httpActionRequest) {}, "not a JSON object"},
		{"unknown field", "k", func(w http.ResponseWriter, _ httpActionRequest) { w.Write([]byte(`{"slot": {}}`)) }, "unknown field"},
		{"two objects", "k", func(w http.ResponseWriter, _ httpActionRequest) { w.Write([]byte(`{} {}`)) }, "data after"},
		{"error", "k", func(w http.ResponseWriter, _ httpActionRequest) { w.Write([]byte(`{"error": "no such card"}`)) }, "no such card"},
		{"not ok", "k", func(w http.ResponseWriter, _ httpActionRequest) { w.Write([]byte(`{"ok": false}`)) }, "ok is false"},
		{"redirect", "k", func(w http.ResponseWriter, _ httpActionRequest) {
			w.Header().Set("Location", "https://example.com/")
			w.WriteHeader(http.StatusFound)
		}, "status 302"},
		{"wrong secret", "not-k", func(w http.ResponseWriter, _ httpActionRequest) { w.Write([]byte(`{}`)) }, "status 403"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := actionServer(t, "k", c.handle)
			fn, err := HTTPAction{Name: "look", URL: srv.URL, Secret: []byte(c.secret), Timeout: 100 * time.Millisecond}.Func()
			require.NoError(t, err)
			_, err = fn(ctx, actionCall)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, strings.HasPrefix(err.Error(), "kefu: HTTP action look: "), err.Error())
		})
	}
}

func TestHTTPActionConfig(t *testing.T) {
	for _, c := range []struct {
		a    HTTPAction
		want string
	}{
		{HTTPAction{Name: "a", URL: "https://ops.example.com/a", Secret: []byte("k")}, ""},
		{HTTPAction{Name: "a", URL: "http://127.0.0.1:9000/a", Secret: []byte("k")}, ""},
		{HTTPAction{Name: "a", URL: "http://[::1]:9000/a", Secret: []byte("k")}, ""},
		{HTTPAction{Name: "a", URL: "http://localhost/a", Secret: []byte("k")}, ""},
		{HTTPAction{Name: "a", URL: "http://ops.example.com/a", Secret: []byte("k")}, "use https"},
		{HTTPAction{Name: "a", URL: "http://10.0.0.1/a", Secret: []byte("k")}, "use https"},
		{HTTPAction{Name: "a", URL: "ftp://ops.example.com/a", Secret: []byte("k")}, "not an http(s) URL"},
		{HTTPAction{Name: "a", URL: "https://user:pw@ops.example.com/a", Secret: []byte("k")}, "without credentials"},
		{HTTPAction{Name: "a", URL: "/a", Secret: []byte("k")}, "not an absolute"},
		{HTTPAction{Name: "a", URL: "https://ops.example.com/a"}, "no secret"},
		{HTTPAction{URL: "https://ops.example.com/a", Secret: []byte("k")}, "without a name"},
		{HTTPAction{Name: "a", URL: "https://ops.example.com/a", Secret: []byte("k"), Timeout: -1}, "negative timeout"},
	} {
		_, err := c.a.Func()
		if c.want == "" {
			assert.NoError(t, err, c.a.URL)
		} else {
			assert.ErrorContains(t, err, c.want, c.a.URL)
		}
	}
}

// A flow with a transition on "error" takes it when the action fails.
func TestHTTPActionErrorEvent(t *testing.T) {
	srv := actionServer(t, "k", func(w http.ResponseWriter, _ httpActionRequest) { http.Error(w, "down", http.StatusServiceUnavailable) })
	fn, err := HTTPAction{Name: "look", URL: srv.URL, Secret: []byte("k")}.Func()
	require.NoError(t, err)
	fl, err := dialogue.ParseFlow("f.yaml", []byte(`name: f
intents: [order_status]
states:
  - name: look
    do:
      - call: look
    transitions:
      - {event: error, to: trouble}
  - name: trouble
    do:
      - say: 系统繁忙，请稍后再试。
`))
	require.NoError(t, err)
	e, err := dialogue.NewEngine([]*dialogue.Flow{fl}, dialogue.Options{Funcs: map[string]dialogue.Func{"look": fn}})
	require.NoError(t, err)
	acts, err := e.Step(context.Background(), "s", dialogue.Input{Text: "查订单", Intent: "order_status", Confidence: 0.9, Time: time.Now()})
	require.NoError(t, err)
	var said []string
	for _, a := range acts {
		said = append(said, a.Text)
	}
	assert.Contains(t, said, "系统繁忙，请稍后再试。")
}
