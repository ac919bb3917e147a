package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kefuai/kefu/channel"

	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/channel/internal/testbot"
)

// FuzzRequest sends arbitrary bodies through the whole handler: it must
// never panic, always answer JSON with an error code or replies, and
// accept exactly what DecodeRequest accepts.
func FuzzRequest(f *testing.F) {
	for _, s := range []string{
		`{"session_id":"s1","user_id":"u1","text":"我想退货"}`,
		`{"text":"你好","meta":{"lang":"zh"}}`,
		`{"text":"\ud800"}`, `{"text":"a"}{}`, `null`, `[]`, `{"txt":1}`, "{\"text\":\"\xff\"}",
		`{"text":"fail"}`, `{"text":"转人工"}`,
	} {
		f.Add([]byte(s))
	}
	h := httpapi.New(channel.Chain(testbot.New(), channel.Recover(channel.RecoverOptions{}), channel.Timeout(10*time.Millisecond)), httpapi.Options{MaxBodyBytes: 4096})
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, httpapi.Path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var resp httpapi.Response
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("status %d, body not JSON: %v: %q", w.Code, err, w.Body)
		}
		code := ""
		if _, err := httpapi.DecodeRequest(body); err != nil {
			var e *httpapi.Error
			if !errors.As(err, &e) || e.Code == "" || e.Message == "" {
				t.Fatalf("DecodeRequest error %v is not an *Error with a code and a message", err)
			}
			code = e.Code
		}
		switch {
		case w.Code == 200:
			if code != "" || resp.Error != nil || resp.SessionID == "" || resp.Replies == nil {
				t.Fatalf("200 with decode code %q: %s", code, w.Body)
			}
		case resp.Error == nil || resp.Error.Code == "" || resp.Error.Message == "":
			t.Fatalf("status %d without an error: %s", w.Code, w.Body)
		case w.Code >= 500 && code != "":
			t.Fatalf("status %d for a body refused with %q", w.Code, code)
		}
	})
}
