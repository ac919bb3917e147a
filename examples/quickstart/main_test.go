package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/internal/testbrowser"
)

const testAdminToken = "test-admin-token-0123456789"

func startApp(t *testing.T, data string) (*app, *httptest.Server) {
	t.Helper()
	a, err := newApp(context.Background(), config{data: data, adminToken: testAdminToken}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(a.handler)
	t.Cleanup(func() {
		srv.Close()
		a.close(context.Background())
	})
	return a, srv
}

type apiReply struct {
	SessionID string `json:"session_id"`
	Replies   []struct {
		Type    string `json:"type"`
		Text    string `json:"text"`
		URL     string `json:"url"`
		Options []struct {
			Title string `json:"title"`
		} `json:"options"`
	} `json:"replies"`
	Intent *struct {
		Name       string  `json:"name"`
		Confidence float64 `json:"confidence"`
	} `json:"intent"`
	Handoff bool `json:"handoff"`
}

func post(t *testing.T, url, body string) (int, apiReply) {
	t.Helper()
	resp, err := http.Post(url+"/v1/messages", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	var r apiReply
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.Unmarshal(b, &r), string(b))
	}
	return resp.StatusCode, r
}

func text(r apiReply) string {
	var parts []string
	for _, p := range r.Replies {
		parts = append(parts, p.Text)
	}
	return strings.Join(parts, " ")
}

// TestAPI drives the demo bot through its JSON API over a real socket.
func TestAPI(t *testing.T) {
	data := t.TempDir()
	_, srv := startApp(t, data)

	code, r := post(t, srv.URL, `{"text":"运费怎么算？"}`)
	require.Equal(t, http.StatusOK, code)
	assert.NotEmpty(t, r.SessionID, "a session is created when none is given")
	assert.Contains(t, text(r), "包邮")
	require.NotNil(t, r.Intent)
	assert.Equal(t, "shipping_fee", r.Intent.Name)

	_, r2 := post(t, srv.URL, `{"session_id":"`+r.SessionID+`","text":"我的快递到哪了"}`)
	assert.Contains(t, text(r2), "订单号")
	_, r3 := post(t, srv.URL, `{"session_id":"`+r.SessionID+`","text":"DD2025061801"}`)
	assert.Contains(t, text(r3), "顺丰", "the order-status flow looks the order up")

	for _, c := range []struct {
		body string
		want int
	}{
		{`{"text":`, http.StatusBadRequest},
		{`{"text":"` + strings.Repeat("很", 200000) + `"}`, http.StatusRequestEntityTooLarge},
		{"{\"text\":\"\xff\"}", http.StatusBadRequest},
		{`{"text":"   "}`, http.StatusBadRequest},
	} {
		code, _ := post(t, srv.URL, c.body)
		assert.Equal(t, c.want, code, c.body[:min(len(c.body), 20)])
	}

	resp, err := http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(srv.URL + "/demo/img/" + firstImage(t))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "answer pictures are served")
}

func firstImage(t *testing.T) string {
	t.Helper()
	m, err := filepath.Glob("../shop/img/*.svg")
	require.NoError(t, err)
	require.NotEmpty(t, m)
	return filepath.Base(m[0])
}

// TestRestartKeepsData stops the demo and starts it again on the same data
// directory: the model is loaded, not retrained, and a conversation goes on.
func TestRestartKeepsData(t *testing.T) {
	data := t.TempDir()
	a, err := newApp(context.Background(), config{data: data}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	assert.False(t, a.bot.ModelCached)
	srv := httptest.NewServer(a.handler)
	_, r := post(t, srv.URL, `{"session_id":"keep","text":"我想退货"}`)
	assert.Contains(t, text(r), "订单号")
	srv.Close()
	a.close(context.Background())

	b, srv2 := startApp(t, data)
	assert.True(t, b.bot.ModelCached, "the second start loads the cached model")
	_, r = post(t, srv2.URL, `{"session_id":"keep","text":"DD2025061502"}`)
	assert.Contains(t, text(r), "原因", "the returns flow goes on after the restart")
}

// TestConcurrentSessions runs 200 sessions at once through the API.
func TestConcurrentSessions(t *testing.T) {
	_, srv := startApp(t, t.TempDir())
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sid := "c" + string(rune('A'+i%26)) + strings.Repeat("x", i%7) + "-" + time.Now().Format("150405") + "-" + itoa(i)
			for _, q := range []string{"你好", "运费怎么算", "我想退货"} {
				resp, err := http.Post(srv.URL+"/v1/messages", "application/json",
					bytes.NewReader([]byte(`{"session_id":"`+sid+`","text":"`+q+`"}`)))
				if !assert.NoError(t, err) {
					return
				}
				var r apiReply
				assert.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, sid, r.SessionID)
				assert.NotEmpty(t, r.Replies)
			}
		}()
	}
	wg.Wait()
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

const inWidget = `document.querySelector('#kefu-chat').shadowRoot`

// TestBrowser opens the demo bot's page in headless Chromium, asks a
// question in Chinese, clicks a quick reply, and checks that markup typed by
// a customer is shown as text and never run; then opens the English page
// on a phone and checks that the chat is in English only.
func TestBrowser(t *testing.T) {
	ctx := testbrowser.New(t, 60*time.Second)
	_, srv := startApp(t, t.TempDir())

	botTexts := `Array.from(` + inWidget + `.querySelectorAll('.kefu-bot .kefu-text')).map(e => e.textContent).join('\n')`
	waitBot := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](botTexts+`.includes(`+jsString(want)+`)`,
				chromedp.WithPollingTimeout(15*time.Second))(ctx, tg)
			return err
		})
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		require.NoError(t, err, expr)
		return v
	}
	input := chromedp.JSPath(inWidget + `.querySelector('.kefu-input')`)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), waitBot("青禾优选")), "greeting")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(input, "运费怎么算？"),
		chromedp.SendKeys(input, "\r"),
		waitBot("包邮"),
	), "a Chinese question is answered")

	option := chromedp.JSPath(`Array.from(` + inWidget + `.querySelectorAll('.kefu-option')).filter(b => b.textContent === '我想退货' && !b.disabled).pop()`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(option), waitBot("订单号")), "a quick reply starts the returns flow")

	attack := `<script>window.__xss=1</script>`
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(input, "算了"),
		chromedp.SendKeys(input, "\r"),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.SendKeys(input, attack+"\r"),
		chromedp.Sleep(800*time.Millisecond),
	))
	lastUser := `Array.from(` + inWidget + `.querySelectorAll('.kefu-user .kefu-text')).pop().textContent`
	assert.Equal(t, attack, eval(lastUser), "the customer's markup is shown as text")
	assert.Equal(t, "undefined", eval(`typeof window.__xss`), "and never run")

	// Screenshots go to the test's artifact directory (go test -artifacts
	// keeps them), or to $KEFU_SCREENSHOT_DIR.
	dir := os.Getenv("KEFU_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.ArtifactDir()
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quickstart.png"), png, 0o644))

	// The English demo page on a phone, in a new session: the greeting and
	// the answers are in English only.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)),
		chromedp.Evaluate[chromedp.Void](`localStorage.clear()`),
		chromedp.Navigate(srv.URL+"/?lang=en"),
		waitBot("Qinghe Select's assistant"),
	), "English greeting")
	option = chromedp.JSPath(`Array.from(` + inWidget + `.querySelectorAll('.kefu-option')).filter(b => b.textContent === 'Where is my order?' && !b.disabled).pop()`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Tap(option), waitBot("What's your order number?")), "an English quick reply")
	for _, text := range strings.Split(eval(botTexts), "\n") {
		assert.False(t, strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }), "Chinese on the English page: %q", text)
	}
	assert.Equal(t, "Type your question…", eval(inWidget+`.querySelector('.kefu-input').placeholder`))
	png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quickstart-phone-en.png"), png, 0o644))
	t.Logf("screenshots in %s", dir)
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

// TestTLS serves the demo over HTTPS with a certificate given by files, as
// -tls-cert and -tls-key do.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kefu test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kb, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, time.Now(), ln, config{data: filepath.Join(dir, "data"), tlsCert: certFile, tlsKey: keyFile, retention: time.Hour},
			slog.New(slog.DiscardHandler))
	}()
	pool := x509.NewCertPool()
	pool.AddCert(must(x509.ParseCertificate(der)))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
	var resp *http.Response
	require.Eventually(t, func() bool {
		select {
		case err := <-done:
			require.NoError(t, err, "serve returned")
		default:
		}
		resp, err = client.Get("https://" + ln.Addr().String() + "/healthz")
		return err == nil
	}, 90*time.Second, 50*time.Millisecond, "the demo answers over HTTPS")
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotNil(t, resp.TLS)
	_, err = http.Get("http://" + ln.Addr().String() + "/healthz")
	if err == nil {
		// Plain HTTP on a TLS port gets a 400, never the bot.
		r, _ := http.Get("http://" + ln.Addr().String() + "/healthz")
		if r != nil {
			assert.Equal(t, http.StatusBadRequest, r.StatusCode)
			r.Body.Close()
		}
	}
	client.CloseIdleConnections()
	cancel()
	require.NoError(t, <-done)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
