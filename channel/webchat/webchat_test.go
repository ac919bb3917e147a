package webchat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/testbot"
	"github.com/kefuai/kefu/channel/webchat"
)

// frame is any frame from the server.
type frame struct {
	Type      string         `json:"type"`
	ReplyTo   string         `json:"reply_to"`
	SessionID string         `json:"session_id"`
	Replies   []channel.Part `json:"replies"`
	Intent    *channel.Intent
	Handoff   bool `json:"handoff"`
	Error     *struct{ Code, Message string }
}

func (f frame) text() string { return channel.Reply{Parts: f.Replies}.PlainText() }

var greeting = channel.Reply{Parts: []channel.Part{
	channel.Text("您好，我是小客！"),
	channel.QuickReplies(channel.QuickReply{Title: "怎么退货", Payload: "怎么退货？"}),
}}

func newServer(t testing.TB, h channel.Handler, opts webchat.Options) (*webchat.Server, *httptest.Server) {
	t.Helper()
	chat := webchat.New(h, opts)
	srv := httptest.NewServer(chat)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = chat.Shutdown(ctx)
		srv.Close()
	})
	return chat, srv
}

type client struct {
	t testing.TB
	c *websocket.Conn
}

func dial(t testing.TB, srv *httptest.Server, query string) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, srv.URL+"/ws"+query, nil)
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	return &client{t: t, c: c}
}

func (c *client) sendRaw(typ websocket.MessageType, b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(c.t, c.c.Write(ctx, typ, b))
}

func (c *client) send(id, text string) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]string{"type": "message", "id": id, "text": text})
	c.sendRaw(websocket.MessageText, b)
}

func (c *client) read() (frame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var f frame
	_, b, err := c.c.Read(ctx)
	if err != nil {
		return f, err
	}
	return f, json.Unmarshal(b, &f)
}

func (c *client) next() frame {
	c.t.Helper()
	f, err := c.read()
	require.NoError(c.t, err)
	return f
}

func TestConversation(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{Greeting: greeting})
	c := dial(t, srv, "?greet=1")
	s := c.next()
	require.Equal(t, "session", s.Type)
	require.Len(t, s.SessionID, 32)
	g := c.next()
	assert.Equal(t, "reply", g.Type)
	assert.Equal(t, greeting.Parts, g.Replies)

	c.send("c1", "怎么退货？")
	r := c.next()
	assert.Equal(t, "reply", r.Type)
	assert.Equal(t, "c1", r.ReplyTo)
	assert.Equal(t, s.SessionID, r.SessionID)
	require.Len(t, r.Replies, 4)
	assert.Equal(t, channel.Image("/img/returns.png", "退货流程图"), r.Replies[1])
	assert.Equal(t, "faq.returns", r.Intent.Name)

	c.send("c2", "转人工")
	r = c.next()
	assert.True(t, r.Handoff)

	c.send("c3", "还在吗")
	assert.Equal(t, "收到：还在吗\n第 3 句", c.next().text())
	require.NoError(t, c.c.Close(websocket.StatusNormalClosure, ""))

	// Reconnecting with the session ID continues the session, ungreeted.
	c = dial(t, srv, "?session_id="+s.SessionID)
	assert.Equal(t, s.SessionID, c.next().SessionID)
	c.send("c4", "我回来了")
	f := c.next()
	assert.Equal(t, "c4", f.ReplyTo)
	assert.Equal(t, "收到：我回来了\n第 4 句", f.text())

	// A bad session ID gets a fresh one.
	c = dial(t, srv, "?session_id=a%20b")
	assert.NotEqual(t, "a b", c.next().SessionID)
}

func TestBadFrames(t *testing.T) {
	_, srv := newServer(t, channel.Chain(testbot.New(), channel.Recover(channel.RecoverOptions{})),
		webchat.Options{MaxFrameBytes: 1 << 10, Limits: channel.Limits{MaxTextBytes: 100}, Burst: 100, Rate: 100})
	c := dial(t, srv, "")
	c.next()
	tests := []struct {
		name  string
		typ   websocket.MessageType
		frame string
		code  string
	}{
		{"malformed JSON", websocket.MessageText, `{"type":"message"`, "invalid_json"},
		{"binary", websocket.MessageBinary, `{"type":"message","text":"hi"}`, "invalid_message"},
		{"invalid UTF-8", websocket.MessageText, "{\"type\":\"message\",\"text\":\"\xff\"}", "invalid_utf8"},
		{"unknown type", websocket.MessageText, `{"type":"hello"}`, "invalid_message"},
		{"empty text", websocket.MessageText, `{"type":"message","id":"e","text":"  "}`, "empty_text"},
		{"text over limit", websocket.MessageText, `{"type":"message","text":"` + strings.Repeat("好", 40) + `"}`, "text_too_large"},
		{"handler panic", websocket.MessageText, `{"type":"message","id":"p","text":"panic"}`, "internal"},
		{"handler failure", websocket.MessageText, `{"type":"message","text":"fail","lang":"en"}`, "internal"},
		{"outage", websocket.MessageText, `{"type":"message","text":"down"}`, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.sendRaw(tt.typ, []byte(tt.frame))
			f := c.next()
			assert.Equal(t, "error", f.Type)
			require.NotNil(t, f.Error)
			assert.Equal(t, tt.code, f.Error.Code)
			assert.NotEmpty(t, f.Error.Message)
			assert.NotContains(t, f.Error.Message, "hunter2")
			assert.NotContains(t, f.Error.Message, "testbot")
		})
	}
	// The connection survives bad frames.
	c.send("ok", "你好")
	assert.Equal(t, "reply", c.next().Type)

	// A frame over the limit closes the connection with 1009.
	c.send("big", strings.Repeat("a", 2<<10))
	_, err := c.read()
	assert.Equal(t, websocket.StatusMessageTooBig, websocket.CloseStatus(err), "%v", err)
}

func TestFlood(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{Rate: 1, Burst: 3})
	c := dial(t, srv, "")
	c.next()
	const n = 20
	for i := range n {
		c.send(fmt.Sprint("f", i), "刷屏")
	}
	replies, limited := 0, 0
	for range n {
		f := c.next()
		switch {
		case f.Type == "reply":
			replies++
		case f.Error != nil && f.Error.Code == "rate_limited":
			limited++
			assert.Equal(t, channel.DefaultBusy().Zh, f.Error.Message)
			assert.Equal(t, channel.DefaultBusy().Zh, f.text(), "told so in the chat")
		default:
			t.Fatalf("unexpected frame %+v", f)
		}
	}
	assert.Equal(t, n, replies+limited)
	assert.GreaterOrEqual(t, replies, 3)
	assert.Less(t, replies, n)

	// A client that keeps flooding is disconnected.
	for i := range 100 {
		c.send(fmt.Sprint("g", i), "刷屏")
	}
	var err error
	for err == nil {
		_, err = c.read()
	}
	assert.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "%v", err)
}

func TestOrigins(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{OriginPatterns: []string{"shop.example"}})
	ctx := context.Background()
	for origin, ok := range map[string]bool{"https://evil.example": false, "https://shop.example": true, srv.URL: true} {
		h := http.Header{"Origin": {origin}}
		c, res, err := websocket.Dial(ctx, srv.URL+"/ws", &websocket.DialOptions{HTTPHeader: h})
		if ok {
			require.NoError(t, err, origin)
			c.CloseNow()
			continue
		}
		require.Error(t, err, origin)
		assert.Equal(t, http.StatusForbidden, res.StatusCode)
	}
}

func TestIdentify(t *testing.T) {
	seen := make(chan string, 1)
	h := channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
		seen <- m.UserID + " " + m.Channel
		return channel.TextReply("ok"), nil
	})
	_, srv := newServer(t, h, webchat.Options{Identify: func(r *http.Request) (string, error) {
		if ck, err := r.Cookie("uid"); err == nil {
			return ck.Value, nil
		}
		return "", fmt.Errorf("no cookie")
	}})
	_, res, err := websocket.Dial(context.Background(), srv.URL+"/ws", nil)
	require.Error(t, err)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)

	c, _, err := websocket.Dial(context.Background(), srv.URL+"/ws", &websocket.DialOptions{HTTPHeader: http.Header{"Cookie": {"uid=u-7"}}})
	require.NoError(t, err)
	defer c.CloseNow()
	cl := &client{t: t, c: c}
	cl.next()
	cl.send("1", "hi")
	cl.next()
	assert.Equal(t, "u-7 webchat", <-seen)
}

func TestShutdown(t *testing.T) {
	started := make(chan struct{})
	canceled := make(chan struct{})
	h := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		close(started)
		<-ctx.Done()
		close(canceled)
		return channel.Reply{}, ctx.Err()
	})
	chat, srv := newServer(t, h, webchat.Options{})
	c := dial(t, srv, "")
	c.next()
	c.send("1", "等一下")
	<-started

	closed := make(chan error, 1)
	go func() {
		_, err := c.read()
		closed <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, chat.Shutdown(ctx))
	select {
	case <-canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("the turn in progress was not canceled")
	}
	err := <-closed
	assert.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(err), "%v", err)

	_, res, err := websocket.Dial(context.Background(), srv.URL+"/ws", nil)
	require.Error(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
}

func TestPing(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{PingInterval: 30 * time.Millisecond})

	// A client that reads answers pings and stays connected.
	c := dial(t, srv, "")
	frames := make(chan frame, 4)
	go func() {
		for {
			f, err := c.read()
			if err != nil {
				close(frames)
				return
			}
			frames <- f
		}
	}()
	assert.Equal(t, "session", (<-frames).Type)
	time.Sleep(200 * time.Millisecond)
	c.send("1", "你好")
	assert.Equal(t, "reply", (<-frames).Type)

	// A client that does not read does not answer pings and is dropped.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	raw, _, err := websocket.Dial(ctx, srv.URL+"/ws", nil)
	require.NoError(t, err)
	defer raw.CloseNow()
	time.Sleep(200 * time.Millisecond)
	for range 3 {
		if _, _, err = raw.Read(ctx); err != nil {
			break
		}
	}
	assert.Error(t, err)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
}

func TestFiles(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{})
	get := func(path string) (*http.Response, string) {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := get("/widget.js")
	assert.Equal(t, 200, res.StatusCode)
	assert.Contains(t, res.Header.Get("Content-Type"), "javascript")
	assert.Contains(t, body, "textContent")
	assert.NotContains(t, body, "innerHTML", "the widget never inserts HTML")
	res, body = get("/")
	assert.Equal(t, 200, res.StatusCode)
	assert.Contains(t, body, `<script src="widget.js"`)
	res, _ = get("/secret")
	assert.Equal(t, 404, res.StatusCode)

	_, hidden := newServer(t, testbot.New(), webchat.Options{HideDemo: true})
	res, err := http.Get(hidden.URL + "/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, 404, res.StatusCode)
}

// TestConcurrentSessions holds 200 connections at once, each a session of
// several turns, and checks every reply belongs to its session and turn.
func TestConcurrentSessions(t *testing.T) {
	const sessions, turns = 200, 5
	_, srv := newServer(t, testbot.New(), webchat.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	for i := range sessions {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c, _, err := websocket.Dial(ctx, srv.URL+"/ws", nil)
			if err != nil {
				errs <- err
				return
			}
			defer c.CloseNow()
			var s frame
			if _, b, err := c.Read(ctx); err != nil || json.Unmarshal(b, &s) != nil {
				errs <- fmt.Errorf("session %d: no session frame: %v", i, err)
				return
			}
			for turn := 1; turn <= turns; turn++ {
				text := fmt.Sprintf("会话%d的第%d个问题", i, turn)
				b, _ := json.Marshal(map[string]string{"type": "message", "id": fmt.Sprint(turn), "text": text})
				if err := c.Write(ctx, websocket.MessageText, b); err != nil {
					errs <- err
					return
				}
				_, b, err := c.Read(ctx)
				var f frame
				if err != nil || json.Unmarshal(b, &f) != nil {
					errs <- fmt.Errorf("session %d turn %d: %v", i, turn, err)
					return
				}
				want := fmt.Sprintf("收到：%s\n第 %d 句", text, turn)
				if f.SessionID != s.SessionID || f.ReplyTo != fmt.Sprint(turn) || f.text() != want {
					errs <- fmt.Errorf("session %d turn %d: got %+v, want %q", i, turn, f, want)
					return
				}
			}
			_ = c.Close(websocket.StatusNormalClosure, "")
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkTurn(b *testing.B) {
	_, srv := newServer(b, channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		return channel.TextReply("好的"), nil
	}), webchat.Options{Rate: 1e9, Burst: 1 << 30})
	c := dial(b, srv, "")
	c.next()
	msg := []byte(`{"type":"message","id":"1","text":"你好，我想退货"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := c.c.Write(ctx, websocket.MessageText, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.c.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLanguage checks that the language a client connects with picks the
// greeting, by the whole tag, then its primary language, then the default,
// and is the language of its messages that do not name their own.
func TestLanguage(t *testing.T) {
	en := channel.TextReply("Hello!")
	tw := channel.TextReply("您好（繁體）")
	langs := make(chan string, 1)
	h := channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
		langs <- m.Meta["lang"]
		return channel.TextReply(channel.Bilingual{Zh: "好的", En: "OK"}.For(m)), nil
	})
	_, srv := newServer(t, h, webchat.Options{Greeting: greeting, Greetings: map[string]channel.Reply{"EN": en, "zh_TW": tw}})
	for query, want := range map[string]channel.Reply{
		"?greet=1&lang=en":                         en,
		"?greet=1&lang=en-GB":                      en,
		"?greet=1&lang=zh-TW":                      tw,
		"?greet=1&lang=ZH_tw":                      tw,
		"?greet=1&lang=zh-CN":                      greeting,
		"?greet=1&lang=fr":                         greeting,
		"?greet=1":                                 greeting,
		"?greet=1&lang=%3Cb%3E":                    greeting,
		"?greet=1&lang=-en":                        greeting,
		"?greet=1&lang=" + strings.Repeat("e", 17): greeting,
	} {
		c := dial(t, srv, query)
		c.next()
		assert.Equal(t, want.Parts, c.next().Replies, query)
	}

	c := dial(t, srv, "?lang=en-US")
	c.next()
	c.send("1", "ok")
	assert.Equal(t, "en-US", <-langs, "a message without a language has the connection's")
	assert.Equal(t, "OK", c.next().text(), "a word says too little: the connection's language")
	b, _ := json.Marshal(map[string]string{"type": "message", "id": "2", "text": "hello", "lang": "zh"})
	c.sendRaw(websocket.MessageText, b)
	assert.Equal(t, "zh", <-langs, "a message's own language wins")
	assert.Equal(t, "好的", c.next().text())

	c = dial(t, srv, "")
	c.next()
	c.send("3", "hello")
	assert.Empty(t, <-langs, "no language when none is known")
}

// TestBusyLanguage checks that a client told to slow down is told so in
// the language it connected with.
func TestBusyLanguage(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{Rate: 0.001, Burst: 1})
	c := dial(t, srv, "?lang=en")
	c.next()
	c.send("1", "ok")
	c.send("2", "ok")
	for range 2 {
		if f := c.next(); f.Error != nil {
			assert.Equal(t, "rate_limited", f.Error.Code)
			assert.Equal(t, channel.DefaultBusy().En, f.text())
			return
		}
	}
	t.Fatal("the second message was not refused")
}

// Connections beyond MaxConnections are refused before the upgrade, and a
// place freed is taken again.
func TestMaxConnections(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{MaxConnections: 1})
	first := dial(t, srv, "")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, res, err := websocket.Dial(ctx, srv.URL+"/ws", nil)
	require.Error(t, err)
	require.NotNil(t, res)
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)

	first.c.Close(websocket.StatusNormalClosure, "")
	require.Eventually(t, func() bool {
		c, _, err := websocket.Dial(ctx, srv.URL+"/ws", nil)
		if err != nil {
			return false
		}
		c.CloseNow()
		return true
	}, 5*time.Second, 20*time.Millisecond)
}

// Connections are limited per client address.
func TestPerAddressConnections(t *testing.T) {
	_, srv := newServer(t, testbot.New(), webchat.Options{Clients: channel.ClientLimits{
		PerAddress: channel.NewLimiter(channel.LimiterOptions{Rate: 0.01, Burst: 1}),
	}})
	dial(t, srv, "")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, res, err := websocket.Dial(ctx, srv.URL+"/ws", nil)
	require.Error(t, err)
	require.NotNil(t, res)
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
}
