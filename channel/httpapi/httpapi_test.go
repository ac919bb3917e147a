package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/channel/internal/testbot"
)

type result struct {
	status int
	header http.Header
	resp   httpapi.Response
	raw    string
}

func post(t testing.TB, c *http.Client, url, contentType, body string) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var r result
	r.status, r.header, r.raw = res.StatusCode, res.Header, string(raw)
	require.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"), r.raw)
	require.NoError(t, json.Unmarshal(raw, &r.resp), r.raw)
	return r
}

func send(t testing.TB, c *http.Client, url string, req httpapi.Request) result {
	t.Helper()
	b, err := json.Marshal(req)
	require.NoError(t, err)
	return post(t, c, url, "application/json", string(b))
}

func newServer(t testing.TB, h channel.Handler, opts httpapi.Options) string {
	srv := httptest.NewServer(httpapi.New(h, opts))
	t.Cleanup(srv.Close)
	return srv.URL + httpapi.Path
}

func TestReplies(t *testing.T) {
	bot := testbot.New()
	url := newServer(t, bot, httpapi.Options{})
	c := http.DefaultClient

	r := send(t, c, url, httpapi.Request{Text: "我想退货"})
	require.Equal(t, http.StatusOK, r.status, r.raw)
	sid := r.resp.SessionID
	assert.Len(t, sid, 32, "a missing session ID gets a fresh random one")
	assert.Equal(t, []channel.Part{
		channel.Text("收到商品 7 天内可以无理由退货，运费由我们承担。"),
		channel.Image("/img/returns.png", "退货流程图"),
		channel.Link("退货政策", "https://shop.example/help/returns"),
		channel.QuickReplies(channel.QuickReply{Title: "申请退货", Payload: "return_goods"}),
	}, r.resp.Replies)
	assert.Equal(t, &channel.Intent{Name: "faq.returns", Confidence: 0.91}, r.resp.Intent)
	assert.False(t, r.resp.Handoff)
	assert.Nil(t, r.resp.Error)
	assert.Contains(t, r.raw, `{"type":"image","url":"/img/returns.png","alt":"退货流程图"}`)
	assert.Contains(t, r.raw, `{"type":"quick_replies","options":[{"title":"申请退货","payload":"return_goods"}]}`)

	r = send(t, c, url, httpapi.Request{SessionID: sid, UserID: "u1", Text: "好的"})
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, sid, r.resp.SessionID)
	assert.Equal(t, "收到：好的\n第 2 句", channel.Reply{Parts: r.resp.Replies}.PlainText())
	assert.Contains(t, r.raw, `"intent":null`)

	r = send(t, c, url, httpapi.Request{SessionID: sid, Text: "转人工"})
	assert.True(t, r.resp.Handoff)
	assert.Equal(t, channel.HandoffRequested, r.resp.HandoffReason)

	// Another session starts its own count.
	r = send(t, c, url, httpapi.Request{Text: "hi there"})
	assert.NotEqual(t, sid, r.resp.SessionID)
	assert.Equal(t, "收到：hi there\n第 1 句", channel.Reply{Parts: r.resp.Replies}.PlainText())
}

func TestBadInput(t *testing.T) {
	url := newServer(t, testbot.New(), httpapi.Options{MaxBodyBytes: 1 << 10, Limits: channel.Limits{MaxTextBytes: 300}})
	base := strings.TrimSuffix(url, httpapi.Path)
	tests := []struct {
		name, ct, body string
		status         int
		code           string
	}{
		{"malformed JSON", "application/json", `{"text": "你好"`, 400, "invalid_json"},
		{"not an object", "application/json", `["你好"]`, 400, "invalid_json"},
		{"null", "application/json", `null`, 400, "invalid_json"},
		{"wrong type", "application/json", `{"text": 42}`, 400, "invalid_json"},
		{"trailing data", "application/json", `{"text": "a"} {"text": "b"}`, 400, "invalid_json"},
		{"unknown field", "application/json", `{"txt": "你好"}`, 400, "unknown_field"},
		{"wrong content type", "text/plain", `{"text": "你好"}`, 415, "unsupported_media_type"},
		{"no content type", "", `{"text": "你好"}`, 415, "unsupported_media_type"},
		{"other charset", "application/json; charset=gbk", `{"text": "你好"}`, 415, "unsupported_media_type"},
		{"empty body", "application/json", ``, 400, "invalid_json"},
		{"empty text", "application/json", `{"text": ""}`, 400, "empty_text"},
		{"missing text", "application/json", `{"session_id": "s1"}`, 400, "empty_text"},
		{"blank text", "application/json", `{"text": " \n\t　"}`, 400, "empty_text"},
		{"invalid UTF-8", "application/json", "{\"text\": \"\xe4\xbd\"}", 400, "invalid_utf8"},
		{"invalid UTF-8 in session", "application/json", "{\"session_id\": \"\xff\", \"text\": \"hi\"}", 400, "invalid_utf8"},
		{"bad session ID", "application/json", `{"session_id": "a b", "text": "hi"}`, 400, "invalid_id"},
		{"long session ID", "application/json", `{"session_id": "` + strings.Repeat("s", 200) + `", "text": "hi"}`, 400, "invalid_id"},
		{"too many meta", "application/json", `{"text": "hi", "meta": {` + manyMeta(20) + `}}`, 400, "invalid_message"},
		{"text over limit", "application/json", `{"text": "` + strings.Repeat("退", 101) + `"}`, 413, "text_too_large"},
		{"body over limit", "application/json", `{"text": "` + strings.Repeat("a", 2000) + `"}`, 413, "body_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, http.DefaultClient, url, tt.ct, tt.body)
			assert.Equal(t, tt.status, r.status, r.raw)
			require.NotNil(t, r.resp.Error, r.raw)
			assert.Equal(t, tt.code, r.resp.Error.Code)
			assert.NotEmpty(t, r.resp.Error.Message)
		})
	}

	t.Run("other path", func(t *testing.T) {
		r := post(t, http.DefaultClient, base+"/v1/other", "application/json", `{"text":"hi"}`)
		assert.Equal(t, 404, r.status)
		assert.Equal(t, "not_found", r.resp.Error.Code)
	})
	t.Run("GET", func(t *testing.T) {
		res, err := http.Get(url)
		require.NoError(t, err)
		defer res.Body.Close()
		assert.Equal(t, 405, res.StatusCode)
		assert.Equal(t, "POST", res.Header.Get("Allow"))
		var body struct{ Error httpapi.Error }
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		assert.Equal(t, "method_not_allowed", body.Error.Code)
	})
}

func TestHandlerErrors(t *testing.T) {
	h := channel.Chain(testbot.New(),
		channel.Recover(channel.RecoverOptions{}),
		channel.RateLimit(channel.RateLimitOptions{Rate: 0.1, Burst: 3, Key: func(m channel.Message) string {
			if m.UserID == "flood" {
				return m.UserID
			}
			return m.ID // unlimited for everyone else
		}}),
		channel.Timeout(50*time.Millisecond),
	)
	url := newServer(t, h, httpapi.Options{})
	c := http.DefaultClient
	tests := []struct {
		text, lang string
		status     int
		code, msg  string
	}{
		{"panic", "", 500, "internal", channel.DefaultApology().En},
		{"fail", "", 500, "internal", channel.DefaultApology().En},
		{"fail", "zh", 500, "internal", channel.DefaultApology().Zh},
		{"down", "", 503, "unavailable", channel.DefaultApology().En},
		{"slow", "", 503, "unavailable", channel.DefaultApology().En},
	}
	for _, tt := range tests {
		t.Run(tt.text+tt.lang, func(t *testing.T) {
			r := send(t, c, url, httpapi.Request{SessionID: "s-err", Text: tt.text, Meta: map[string]string{"lang": tt.lang}})
			assert.Equal(t, tt.status, r.status, r.raw)
			require.NotNil(t, r.resp.Error)
			assert.Equal(t, tt.code, r.resp.Error.Code)
			assert.Equal(t, tt.msg, r.resp.Error.Message)
			assert.Equal(t, tt.msg, channel.Reply{Parts: r.resp.Replies}.PlainText(), "the apology is also a reply to show")
			assert.Equal(t, "s-err", r.resp.SessionID)
			for _, leak := range []string{"hunter2", "database", "testbot", "panic on request", "goroutine"} {
				assert.NotContains(t, r.raw, leak)
			}
		})
	}
	t.Run("rate limited", func(t *testing.T) {
		for range 3 {
			r := send(t, c, url, httpapi.Request{UserID: "flood", Text: "你好"})
			require.Equal(t, 200, r.status)
		}
		r := send(t, c, url, httpapi.Request{UserID: "flood", Text: "你好"})
		assert.Equal(t, 429, r.status)
		assert.Equal(t, "rate_limited", r.resp.Error.Code)
		assert.Equal(t, channel.DefaultBusy().Zh, r.resp.Error.Message)
		assert.Equal(t, "10", r.header.Get("Retry-After"))
	})
}

func TestMountedUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", httpapi.New(testbot.New(), httpapi.Options{})))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	r := send(t, http.DefaultClient, srv.URL+"/api/v1/messages", httpapi.Request{Text: "order_status"})
	assert.Equal(t, 200, r.status)
	assert.Equal(t, "请提供您的订单号。", channel.Reply{Parts: r.resp.Replies}.PlainText())
}

// TestConcurrentSessions runs 200 sessions at once over real sockets, a
// few turns each, and checks every reply belongs to its session and turn.
func TestConcurrentSessions(t *testing.T) {
	const sessions, turns = 200, 5
	bot := testbot.New()
	url := newServer(t, bot, httpapi.Options{})
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: sessions}, Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()

	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	for i := range sessions {
		wg.Go(func() {
			sid := ""
			for turn := 1; turn <= turns; turn++ {
				text := fmt.Sprintf("会话%d的第%d个问题", i, turn)
				b, _ := json.Marshal(httpapi.Request{SessionID: sid, UserID: fmt.Sprint("u", i), Text: text})
				res, err := c.Post(url, "application/json", bytes.NewReader(b))
				if err != nil {
					errs <- err
					return
				}
				var r httpapi.Response
				err = json.NewDecoder(res.Body).Decode(&r)
				res.Body.Close()
				if err != nil || res.StatusCode != 200 {
					errs <- fmt.Errorf("session %d turn %d: status %d, %v", i, turn, res.StatusCode, err)
					return
				}
				if sid == "" {
					sid = r.SessionID
				}
				want := fmt.Sprintf("收到：%s\n第 %d 句", text, turn)
				if got := (channel.Reply{Parts: r.Replies}).PlainText(); r.SessionID != sid || got != want {
					errs <- fmt.Errorf("session %d turn %d: got %q in %s, want %q in %s", i, turn, got, r.SessionID, want, sid)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRequestContext(t *testing.T) {
	got := make(chan error, 1)
	h := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		<-ctx.Done()
		got <- ctx.Err()
		return channel.Reply{}, ctx.Err()
	})
	url := newServer(t, h, httpapi.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"text":"hi"}`))
	req.Header.Set("Content-Type", "application/json")
	_, err := http.DefaultClient.Do(req)
	require.Error(t, err)
	select {
	case err := <-got:
		assert.ErrorIs(t, err, context.Canceled, "a client that goes away cancels the turn")
	case <-time.After(5 * time.Second):
		t.Fatal("the turn was not canceled")
	}
}

func BenchmarkServeHTTP(b *testing.B) {
	h := httpapi.New(channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		return channel.TextReply("好的"), nil
	}), httpapi.Options{})
	body := []byte(`{"session_id":"3f2a9c1e5b7d4a60","user_id":"u-42","text":"你好，我想退货"}`)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, httpapi.Path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}

func manyMeta(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d": "v"`, i)
	}
	return b.String()
}

func TestExplanationIsOptIn(t *testing.T) {
	h := channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
		r := channel.TextReply("好的")
		if m.Explain {
			r.Explanation = &channel.Explanation{Intent: "refund", Entry: &channel.EntryMatch{ID: "refund-01", Confidence: 0.8},
				Steps: []string{"answer refund-01"}}
		}
		return r, nil
	})
	// The server does not allow it: the request's wish is ignored.
	closed := newServer(t, h, httpapi.Options{})
	r := send(t, http.DefaultClient, closed, httpapi.Request{Text: "退款", Explain: true})
	assert.Equal(t, http.StatusOK, r.status)
	assert.Nil(t, r.resp.Explanation)
	assert.NotContains(t, r.raw, "explanation")

	open := newServer(t, h, httpapi.Options{Explain: true})
	r = send(t, http.DefaultClient, open, httpapi.Request{Text: "退款"})
	assert.Nil(t, r.resp.Explanation, "not asked for")
	r = send(t, http.DefaultClient, open, httpapi.Request{Text: "退款", Explain: true})
	require.NotNil(t, r.resp.Explanation, r.raw)
	assert.Equal(t, "refund-01", r.resp.Explanation.Entry.ID)
	assert.Contains(t, r.raw, `"explanation":{"intent":"refund","entry":{"id":"refund-01","confidence":0.8}`)
}

func TestClient(t *testing.T) {
	h := channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
		switch m.Text {
		case "busy":
			return channel.Reply{}, channel.ErrUnavailable
		case "bad":
			return channel.Reply{}, errors.New("boom")
		}
		r := channel.TextReply("re: " + m.Text)
		r.Intent = &channel.Intent{Name: "echo", Confidence: 1}
		if m.Explain {
			r.Explanation = &channel.Explanation{Intent: "echo", Lang: m.Meta["lang"]}
		}
		return r, nil
	})
	c := httpapi.NewClient(newServer(t, h, httpapi.Options{Explain: true}), nil)
	ctx := context.Background()
	r, err := c.Handle(ctx, channel.Message{SessionID: "s1", Text: "你好", Meta: map[string]string{"lang": "zh"}, Explain: true})
	require.NoError(t, err)
	assert.Equal(t, "re: 你好", r.PlainText())
	assert.Equal(t, "echo", r.Intent.Name)
	require.NotNil(t, r.Explanation)
	assert.Equal(t, "zh", r.Explanation.Lang)

	_, err = c.Handle(ctx, channel.Message{SessionID: "s1", Text: "busy"})
	assert.ErrorIs(t, err, channel.ErrUnavailable)
	_, err = c.Handle(ctx, channel.Message{SessionID: "s1", Text: "bad"})
	assert.ErrorContains(t, err, "500 (internal)")
	_, err = c.Handle(ctx, channel.Message{SessionID: "s1", Text: ""})
	assert.ErrorContains(t, err, "400 (empty_text)")
	_, err = httpapi.NewClient("http://127.0.0.1:1/v1/messages", nil).Handle(ctx, channel.Message{Text: "x"})
	assert.ErrorIs(t, err, channel.ErrUnavailable)
}

// A handler mounted under a prefix answers at the rest of Path or at the
// prefix itself, and nowhere else.
func TestStripPrefix(t *testing.T) {
	mux := http.NewServeMux()
	h := httpapi.New(testbot.New(), httpapi.Options{})
	mux.Handle("/api/", http.StripPrefix("/api", h))
	mux.Handle("/chat/send", http.StripPrefix("/chat/send", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, path := range []string{"/api/v1/messages", "/chat/send"} {
		r := send(t, http.DefaultClient, srv.URL+path, httpapi.Request{Text: "你好"})
		assert.Equal(t, http.StatusOK, r.status, path+": "+r.raw)
		assert.Nil(t, r.resp.Error, path)
	}
	r := send(t, http.DefaultClient, srv.URL+"/api/v1/other", httpapi.Request{Text: "你好"})
	assert.Equal(t, http.StatusNotFound, r.status, r.raw)
}

func TestDecodeRequestError(t *testing.T) {
	_, err := httpapi.DecodeRequest([]byte(`{"txt":"hi"}`))
	var e *httpapi.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "unknown_field", e.Code)
	assert.NotEmpty(t, e.Message)
	req, err := httpapi.DecodeRequest([]byte(`{"text":"hi","session_id":"s1"}`))
	require.NoError(t, err)
	assert.Equal(t, "hi", req.Text)
	assert.Equal(t, "s1", req.SessionID)
}

// A client that sends its body too slowly is cut off, so that slow clients
// cannot hold the server's connections.
func TestSlowBody(t *testing.T) {
	srv := httptest.NewServer(httpapi.New(testbot.New(), httpapi.Options{BodyTimeout: 200 * time.Millisecond}))
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "POST "+httpapi.Path+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\":")
	require.NoError(t, err)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(c) // the server answers and closes, or just closes
	require.NoError(t, err, "the server ends the connection before the client's deadline")
	if len(b) > 0 {
		assert.Contains(t, string(b), "400", "a cut-off body is a bad request")
	}
}

// A client that makes up a new session for every request is limited by
// its address all the same.
func TestPerAddressLimit(t *testing.T) {
	url := newServer(t, testbot.New(), httpapi.Options{Clients: channel.ClientLimits{
		PerAddress: channel.NewLimiter(channel.LimiterOptions{Rate: 0.01, Burst: 2}),
	}})
	for i := range 2 {
		r := send(t, http.DefaultClient, url, httpapi.Request{SessionID: fmt.Sprint("fresh-", i), Text: "你好"})
		assert.Equal(t, http.StatusOK, r.status, r.raw)
	}
	r := send(t, http.DefaultClient, url, httpapi.Request{SessionID: "fresh-3", Text: "你好"})
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	require.NotNil(t, r.resp.Error)
	assert.Equal(t, "rate_limited", r.resp.Error.Code)
	assert.NotEmpty(t, r.header.Get("Retry-After"))
}
