package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/testbot"
	"github.com/kefuai/kefu/channel/webhook"
)

var secret = []byte("test-secret-0123456789abcdef")

// delivery is one request the receiver got.
type delivery struct {
	header http.Header
	body   []byte
	ticket webhook.Ticket
	err    error // of VerifyRequest
}

// receiver is a real local HTTP server standing for a CRM. Its answer
// function picks the status of each attempt (1-based).
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []delivery
	ch  chan delivery
}

func newReceiver(t *testing.T, answer func(attempt int, w http.ResponseWriter)) *receiver {
	rc := &receiver{ch: make(chan delivery, 100)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var d delivery
		d.header = r.Header.Clone()
		d.body, d.err = webhook.VerifyRequest(r, secret, time.Minute)
		if d.err == nil {
			d.err = json.Unmarshal(d.body, &d.ticket)
		}
		rc.mu.Lock()
		rc.got = append(rc.got, d)
		n := len(rc.got)
		rc.mu.Unlock()
		answer(n, w)
		rc.ch <- d
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) attempts() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

func (rc *receiver) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-rc.ch:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
		return delivery{}
	}
}

func status(codes ...int) func(int, http.ResponseWriter) {
	return func(n int, w http.ResponseWriter) {
		w.WriteHeader(codes[min(n, len(codes))-1])
	}
}

func newSender(t *testing.T, opts webhook.Options) *webhook.Sender {
	t.Helper()
	if opts.Secret == nil {
		opts.Secret = secret
	}
	if opts.MinBackoff == 0 {
		opts.MinBackoff, opts.MaxBackoff = time.Millisecond, 5*time.Millisecond
	}
	s, err := webhook.New(opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	})
	return s
}

func closeSender(t *testing.T, s *webhook.Sender) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.Close(ctx))
}

var mobile = regexp.MustCompile(`1[3-9]\d{9}`)

func redact(s string) string { return mobile.ReplaceAllString(s, "[手机号]") }

func TestDeliverySignedAndRedacted(t *testing.T) {
	rc := newReceiver(t, status(200))
	s := newSender(t, webhook.Options{URL: rc.srv.URL, Redact: redact, Header: http.Header{"Authorization": {"Bearer crm-token"}}})
	at := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	require.NoError(t, s.Send(webhook.Ticket{
		SessionID: "s1", UserID: "u1", Channel: "webchat", Reason: "客户要求，电话 13812345678",
		Transcript: []webhook.Entry{
			{Role: webhook.RoleUser, Text: "我的手机号是13812345678，快递没到", Time: at},
			{Role: webhook.RoleBot, Text: "正在为您转接人工客服。", Time: at.Add(time.Second)},
		},
	}))
	closeSender(t, s)

	d := rc.next(t)
	require.NoError(t, d.err, "the signature verifies")
	assert.Regexp(t, `^sha256=[0-9a-f]{64}$`, d.header.Get(webhook.SignatureHeader))
	assert.Equal(t, "Bearer crm-token", d.header.Get("Authorization"))
	assert.Equal(t, "application/json; charset=utf-8", d.header.Get("Content-Type"))
	tk := d.ticket
	assert.Len(t, tk.ID, 32)
	assert.Equal(t, tk.ID, d.header.Get(webhook.DeliveryHeader))
	assert.Equal(t, "s1", tk.SessionID)
	assert.Equal(t, "u1", tk.UserID)
	assert.Equal(t, "webchat", tk.Channel)
	assert.Equal(t, channel.HandoffReason("客户要求，电话 [手机号]"), tk.Reason)
	require.Len(t, tk.Transcript, 2)
	assert.Equal(t, webhook.Entry{Role: webhook.RoleUser, Text: "我的手机号是[手机号]，快递没到", Time: at}, tk.Transcript[0])
	assert.Equal(t, webhook.RoleBot, tk.Transcript[1].Role)
	assert.WithinDuration(t, time.Now(), tk.Created, time.Minute)
	assert.NotContains(t, string(d.body), "13812345678")
	assert.Equal(t, webhook.Stats{Sent: 1}, s.Stats())
}

func TestRetryOn5xx(t *testing.T) {
	rc := newReceiver(t, status(500, 503, 200))
	s := newSender(t, webhook.Options{URL: rc.srv.URL})
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "s1", Reason: "r"}))
	closeSender(t, s)
	assert.Equal(t, 3, rc.attempts())
	var ids []string
	for range 3 {
		d := rc.next(t)
		require.NoError(t, d.err, "each attempt is signed afresh")
		ids = append(ids, d.header.Get(webhook.DeliveryHeader))
	}
	assert.Equal(t, ids[0], ids[2], "the delivery ID stays the same")
	assert.Equal(t, webhook.Stats{Sent: 1, Retries: 2}, s.Stats())
}

func TestNoRetryOn4xx(t *testing.T) {
	for _, code := range []int{400, 401, 404, 422} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			rc := newReceiver(t, status(code, 200))
			s := newSender(t, webhook.Options{URL: rc.srv.URL})
			require.NoError(t, s.Send(webhook.Ticket{SessionID: "s1"}))
			closeSender(t, s)
			assert.Equal(t, 1, rc.attempts())
			assert.Equal(t, webhook.Stats{Failed: 1}, s.Stats())
		})
	}
}

func TestRetryOn429AndGiveUp(t *testing.T) {
	rc := newReceiver(t, func(_ int, w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	s := newSender(t, webhook.Options{URL: rc.srv.URL, MaxAttempts: 3})
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "s1"}))
	closeSender(t, s)
	assert.Equal(t, 3, rc.attempts())
	assert.Equal(t, webhook.Stats{Failed: 1, Retries: 2}, s.Stats())
}

func TestRetryOnNetworkError(t *testing.T) {
	// A port where nothing listens any more.
	gone := httptest.NewServer(http.NotFoundHandler())
	url := gone.URL
	gone.Close()
	s := newSender(t, webhook.Options{URL: url, MaxAttempts: 3})
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "s1"}))
	closeSender(t, s)
	assert.Equal(t, webhook.Stats{Failed: 1, Retries: 2}, s.Stats())
}

func TestQueueFullDropsWithoutBlocking(t *testing.T) {
	release := make(chan struct{})
	rc := newReceiver(t, func(_ int, w http.ResponseWriter) { <-release })
	s := newSender(t, webhook.Options{URL: rc.srv.URL, Workers: 1, QueueSize: 2})
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "in-flight"}))
	require.Eventually(t, func() bool { return rc.attempts() == 1 }, 5*time.Second, time.Millisecond, "the first ticket is in flight")
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "q1"}))
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "q2"}))
	start := time.Now()
	for range 10 {
		assert.ErrorIs(t, s.Send(webhook.Ticket{SessionID: "dropped"}), webhook.ErrQueueFull)
	}
	assert.Less(t, time.Since(start), 100*time.Millisecond, "Send never blocks")
	assert.EqualValues(t, 10, s.Stats().Dropped)
	close(release)
	closeSender(t, s)
	st := s.Stats()
	assert.EqualValues(t, 3, st.Sent)
	assert.ErrorIs(t, s.Send(webhook.Ticket{}), webhook.ErrClosed)
}

func TestCloseDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rc := newReceiver(t, func(_ int, w http.ResponseWriter) { <-release })
	s := newSender(t, webhook.Options{URL: rc.srv.URL, Workers: 1})
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "a"}))
	require.NoError(t, s.Send(webhook.Ticket{SessionID: "b"}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	assert.ErrorIs(t, s.Close(ctx), context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.EqualValues(t, 2, s.Stats().Failed)
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []webhook.Options{
		{Secret: secret},
		{URL: "ftp://crm.example/x", Secret: secret},
		{URL: "https://crm.example/x"},
		{URL: "https://crm.example/x", Secret: []byte("short")},
	} {
		_, err := webhook.New(o)
		assert.ErrorIs(t, err, webhook.ErrInvalidOptions, "%+v", o)
	}
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_741_773_600, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"id":"1"}`)
	sig := webhook.Sign(secret, ts, body)
	require.NoError(t, webhook.Verify(secret, sig, ts, body, time.Minute, now))
	tests := []struct {
		name    string
		secret  []byte
		sig, ts string
		body    []byte
		now     time.Time
		want    error
	}{
		{"other secret", []byte("another-secret-0123456789"), sig, ts, body, now, webhook.ErrBadSignature},
		{"tampered body", secret, sig, ts, []byte(`{"id":"2"}`), now, webhook.ErrBadSignature},
		{"other timestamp", secret, sig, strconv.FormatInt(now.Unix()+1, 10), body, now, webhook.ErrBadSignature},
		{"no prefix", secret, sig[7:], ts, body, now, webhook.ErrBadSignature},
		{"not hex", secret, "sha256=zz", ts, body, now, webhook.ErrBadSignature},
		{"empty", secret, "", "", body, now, webhook.ErrBadSignature},
		{"replayed later", secret, sig, ts, body, now.Add(2 * time.Minute), webhook.ErrExpired},
		{"from the future", secret, sig, ts, body, now.Add(-2 * time.Minute), webhook.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, webhook.Verify(tt.secret, tt.sig, tt.ts, tt.body, time.Minute, tt.now), tt.want)
		})
	}
	bad := webhook.Sign(secret, "yesterday", body)
	assert.ErrorIs(t, webhook.Verify(secret, bad, "yesterday", body, time.Minute, now), webhook.ErrExpired)
}

func TestHandoffMiddleware(t *testing.T) {
	// A slow receiver: the customer's turns must not wait for it.
	rc := newReceiver(t, func(_ int, w http.ResponseWriter) { time.Sleep(300 * time.Millisecond) })
	s := newSender(t, webhook.Options{URL: rc.srv.URL, Redact: redact})
	rec := webhook.NewRecorder(webhook.RecorderOptions{MaxEntries: 4})
	h := channel.Chain(testbot.New(), webhook.Handoff(s, rec))
	ctx := context.Background()
	at := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	for i, text := range []string{"你好", "快递三天没到", "电话13812345678", "转人工"} {
		start := time.Now()
		r, err := h.Handle(ctx, channel.Message{SessionID: "s1", UserID: "u1", Channel: "webchat", Text: text, Time: at.Add(time.Duration(i) * time.Minute)})
		require.NoError(t, err)
		assert.Less(t, time.Since(start), 100*time.Millisecond, "the hand-off does not wait for the receiver")
		assert.Equal(t, i == 3, r.Handoff)
	}
	// Another session's turns stay out of the ticket.
	_, err := h.Handle(ctx, channel.Message{SessionID: "s2", Text: "别的会话"})
	require.NoError(t, err)

	d := rc.next(t)
	require.NoError(t, d.err)
	tk := d.ticket
	assert.Equal(t, "s1", tk.SessionID)
	assert.Equal(t, "u1", tk.UserID)
	assert.Equal(t, "webchat", tk.Channel)
	assert.Equal(t, channel.HandoffRequested, tk.Reason)
	var lines []string
	for _, e := range tk.Transcript {
		lines = append(lines, fmt.Sprintf("%s: %s", e.Role, e.Text))
	}
	assert.Equal(t, []string{
		// the first turn fell out of the rolling transcript of 4 entries
		"user: 电话[手机号]",
		"bot: 收到：电话[手机号]\n第 3 句",
		"user: 转人工",
		"bot: 正在为您转接人工客服，请稍候。",
	}, lines)
	assert.Equal(t, at.Add(3*time.Minute), tk.Transcript[2].Time)
}

func TestRecorder(t *testing.T) {
	now := time.Unix(0, 0)
	rec := webhook.NewRecorder(webhook.RecorderOptions{MaxEntries: 2, MaxSessions: 2, TTL: time.Minute, Now: func() time.Time { return now }})
	e := func(s string) webhook.Entry { return webhook.Entry{Role: webhook.RoleUser, Text: s} }
	rec.Add("a", e("1"), e("2"), e("3"))
	assert.Equal(t, []webhook.Entry{e("2"), e("3")}, rec.Transcript("a"))
	rec.Add("b", e("b"))
	rec.Add("a", e("4"))
	rec.Add("c", e("c")) // evicts b, the least recently active
	assert.Nil(t, rec.Transcript("b"))
	assert.Equal(t, []webhook.Entry{e("3"), e("4")}, rec.Transcript("a"))
	now = now.Add(2 * time.Minute)
	assert.Nil(t, rec.Transcript("a"), "expired")
	rec.Add("a", e("5"))
	assert.Equal(t, []webhook.Entry{e("5")}, rec.Transcript("a"), "an expired transcript starts afresh")
	rec.Forget("a")
	assert.Nil(t, rec.Transcript("a"))

	// The record-only middleware.
	h := rec.Middleware()(testbot.New())
	_, err := h.Handle(context.Background(), channel.Message{SessionID: "m", Text: "你好"})
	require.NoError(t, err)
	tr := rec.Transcript("m")
	require.Len(t, tr, 2)
	assert.Equal(t, "您好，我是小客，有什么可以帮您？\n[查订单] [怎么退货] [转人工]", tr[1].Text)
}

func TestRecorderConcurrent(t *testing.T) {
	rec := webhook.NewRecorder(webhook.RecorderOptions{MaxSessions: 50})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				sid := fmt.Sprint(i, "-", j%60)
				rec.Add(sid, webhook.Entry{Text: "x"})
				_ = rec.Transcript(sid)
			}
		})
	}
	wg.Wait()
}

func BenchmarkHandoffRecord(b *testing.B) {
	rec := webhook.NewRecorder(webhook.RecorderOptions{})
	h := rec.Middleware()(channel.HandlerFunc(func(context.Context, channel.Message) (channel.Reply, error) {
		return channel.TextReply("好的"), nil
	}))
	msg := channel.Message{SessionID: "s1", Text: "你好", Time: time.Unix(1, 0)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Handle(ctx, msg); err != nil {
			b.Fatal(err)
		}
	}
}
