package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel/internal/testbot"
	"github.com/kefuai/kefu/channel/webchat"
	"github.com/kefuai/kefu/internal/testbrowser"
)

// shadow is the JavaScript path of an element inside the widget.
func shadow(sel string) chromedp.JSPath {
	return chromedp.JSPath(inWidget + `.querySelector(` + jsString(sel) + `)`)
}

// inWidget is the widget's shadow root.
const inWidget = `document.querySelector('#kefu-chat').shadowRoot`

// texts is a JavaScript expression for the texts of the widget's
// elements matching sel.
func texts(sel string) string {
	return `Array.from(` + inWidget + `.querySelectorAll(` + jsString(sel) + `)).map(e => e.textContent)`
}

// TestBrowser opens the demo page in headless Chromium, asks a question
// in Chinese, clicks a quick reply, and checks that markup typed by a
// customer is shown as text and never run.
func TestBrowser(t *testing.T) {
	ctx := testbrowser.New(t, 30*time.Second)
	// The chat server can be replaced while the page is open, to drop the
	// widget's connection as a restart or a network failure does.
	bot := testbot.New()
	var chat atomic.Pointer[webchat.Server]
	chat.Store(webchat.New(bot, webchat.Options{Greeting: greeting}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { chat.Load().ServeHTTP(w, r) }))
	defer srv.Close()
	defer func() { _ = chat.Load().Shutdown(context.Background()) }()

	// waitBot waits until a bot bubble reads want.
	waitBot := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](texts(".kefu-bot .kefu-text")+`.includes(`+jsString(want)+`)`,
				chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
			if err != nil {
				return fmt.Errorf("waiting for the bot to say %q: %w", want, err)
			}
			return nil
		})
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		require.NoError(t, err, expr)
		return v
	}
	lastUser := texts(".kefu-user .kefu-text") + `.pop()`

	// The demo page opens the widget, which connects and is greeted.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		waitBot("您好，我是小客！"),
	))
	assert.Equal(t, "online", eval(inWidget+`.querySelector('.kefu-panel').dataset.status`))

	// A question typed in Chinese and sent with Enter.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(shadow(".kefu-input"), "你好"),
		chromedp.SendKeys(shadow(".kefu-input"), "\r"),
		waitBot("您好，我是小客，有什么可以帮您？"),
	))
	assert.Equal(t, "你好", eval(lastUser))

	// Clicking a quick reply shows its title and sends its payload.
	option := chromedp.JSPath(`Array.from(` + inWidget + `.querySelectorAll('.kefu-option')).filter(b => b.textContent === '怎么退货' && !b.disabled).pop()`)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(option),
		waitBot("收到商品 7 天内可以无理由退货，运费由我们承担。"),
	))
	assert.Equal(t, "怎么退货", eval(lastUser))
	lastBot := `Array.from(` + inWidget + `.querySelectorAll('.kefu-bot')).pop()`
	assert.Equal(t, "https://shop.example/help/returns", eval(lastBot+`.querySelector('.kefu-link').href`))
	assert.Equal(t, "退货政策", eval(lastBot+`.querySelector('.kefu-link').textContent`))
	// The image does not exist on the test server, so the widget shows its
	// alternative text instead.
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](lastBot+`.textContent.includes('[图片] 退货流程图')`, chromedp.WithPollingTimeout(5*time.Second)))
	require.NoError(t, err)
	assert.Equal(t, "申请退货", eval(lastBot+`.querySelector('.kefu-option').textContent`))

	// Markup typed by a customer is text: shown literally, never run.
	for _, attack := range []string{`<script>window.__xss=1</script>`, `<img src=x onerror="window.__xss=2">`} {
		require.NoError(t, chromedp.Do(ctx,
			chromedp.SendKeys(shadow(".kefu-input"), attack+"\r"),
			waitBot("收到："+attack),
			chromedp.Sleep(100*time.Millisecond), // an onerror would have fired by now
		))
		assert.Equal(t, attack, eval(lastUser))
		assert.Equal(t, "undefined", eval(`typeof window.__xss`), attack)
		assert.Equal(t, "0", eval(`String(`+inWidget+`.querySelectorAll('.kefu-log script, .kefu-log img:not(.kefu-image)').length)`), attack)
	}

	// The connection drops; the widget reconnects by itself, in the same
	// session, and sends what was typed meanwhile.
	sid := eval(`Object.entries(localStorage).find(([k]) => k.startsWith('kefu.session:'))[1]`)
	assert.Len(t, sid, 32)
	old := chat.Swap(webchat.New(bot, webchat.Options{Greeting: greeting}))
	require.NoError(t, old.Shutdown(ctx))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(shadow(".kefu-input"), "我又回来了\r"),
		waitBot("收到：我又回来了"),
	))
	assert.Equal(t, 5, bot.Turns(sid), "the session went on after reconnecting")
	assert.Equal(t, "第 5 句", eval(`Array.from(`+inWidget+`.querySelectorAll('.kefu-bot .kefu-text')).pop().textContent`))
	assert.Equal(t, "online", eval(inWidget+`.querySelector('.kefu-panel').dataset.status`))

	// KEFU_SCREENSHOT=file.png keeps a picture of the widget, to look at.
	if name := os.Getenv("KEFU_SCREENSHOT"); name != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(name, png, 0o644))
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}
