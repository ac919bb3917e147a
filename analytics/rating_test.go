package analytics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics"
)

func TestRatingHandler(t *testing.T) {
	rec := &recorder{}
	h := analytics.RatingHandler(rec, analytics.RatingOptions{
		Now: func() time.Time { return t0 },
		Check: func(_ context.Context, r analytics.RatingRequest) error {
			if r.SessionID == "other" {
				return errors.New("session belongs to another user")
			}
			return nil
		},
	})
	post := func(ctype, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/rating", strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	w := post("application/json; charset=utf-8", `{"session_id":"s1","user_id":"u1","rating":4,"comment":" 很好，电话13812345678 ","channel":"web"}`)
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	got := rec.got()
	require.Len(t, got, 1)
	assert.Equal(t, analytics.Event{Kind: analytics.Rating, Time: t0, SessionID: "s1", UserID: "u1", Channel: "web", Rating: 4, Text: "很好，电话13812345678"}, got[0])

	for _, c := range []struct {
		ctype, body string
		code        int
		field       string
	}{
		{"application/json", `{"session_id":"s1","user_id":"u1","rating":0}`, 400, "rating"},
		{"application/json", `{"session_id":"s1","user_id":"u1","rating":6}`, 400, "rating"},
		{"application/json", `{"session_id":"s1","user_id":"u1","rating":"5"}`, 400, "rating"},
		{"application/json", `{"user_id":"u1","rating":5}`, 400, "session_id"},
		{"application/json", `{"session_id":"s1","rating":5}`, 400, "user_id"},
		{"application/json", `{"session_id":"s1\n","user_id":"u1","rating":5}`, 400, "session_id"},
		{"application/json", `{"session_id":"` + strings.Repeat("x", 129) + `","user_id":"u1","rating":5}`, 400, "session_id"},
		{"application/json", `{"session_id":"s1","user_id":"u1","rating":5,"comment":"` + strings.Repeat("好", 501) + `"}`, 400, "comment"},
		{"application/json", `{"session_id":"s1","user_id":"u1","rating":5,"extra":1}`, 400, ""},
		{"application/json", `{"session_id":`, 400, ""},
		{"text/plain", `{"session_id":"s1","user_id":"u1","rating":5}`, 415, ""},
		{"", `{}`, 415, ""},
		{"application/json", `{"session_id":"other","user_id":"u1","rating":5}`, 403, ""},
		{"application/json", `{"session_id":"s1","user_id":"u1","rating":5,"comment":"` + strings.Repeat("x", 9000) + `"}`, 413, ""},
	} {
		w := post(c.ctype, c.body)
		assert.Equal(t, c.code, w.Code, "%.80s", c.body)
		if c.field != "" {
			assert.Contains(t, w.Body.String(), `"field":"`+c.field+`"`, c.body)
		}
	}
	assert.Len(t, rec.got(), 1, "nothing else was emitted")

	req := httptest.NewRequest(http.MethodGet, "/rating", nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
}

// Through a dispatcher, the comment is redacted and a closed dispatcher
// answers 503.
func TestRatingHandlerDispatcher(t *testing.T) {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	rec := &recorder{}
	require.NoError(t, d.Add("rec", rec, analytics.HookOptions{}))
	h := analytics.RatingHandler(d, analytics.RatingOptions{})
	body := `{"session_id":"s1","user_id":"u1","rating":2,"comment":"打13812345678没人接"}`
	req := httptest.NewRequest(http.MethodPost, "/rating", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	require.Equal(t, http.StatusNoContent, w.Code)
	closeNow(t, d)
	require.Len(t, rec.got(), 1)
	assert.Equal(t, "打[手机号]没人接", rec.got()[0].Text)

	req = httptest.NewRequest(http.MethodPost, "/rating", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
}
