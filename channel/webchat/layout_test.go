package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/internal/testbot"
	"github.com/kefuai/kefu/channel/webchat"
	"github.com/kefuai/kefu/internal/testbrowser"
)

// The greetings of the layout tests, one per language.
var (
	greetZh = channel.Reply{Parts: []channel.Part{
		channel.Text("您好，我是小客！请问有什么可以帮您？"),
		channel.QuickReplies(channel.QuickReply{Title: "怎么退货"}, channel.QuickReply{Title: "运费怎么收？"}, channel.QuickReply{Title: "我的快递到哪了"}),
	}}
	greetEn = channel.Reply{Parts: []channel.Part{
		channel.Text("Hi, I'm the shop's assistant. How can I help?"),
		channel.QuickReplies(channel.QuickReply{Title: "Returns"}, channel.QuickReply{Title: "Shipping costs"}, channel.QuickReply{Title: "Where is my order?"}),
	}}
)

// shopPage is a shop page in language lang ("" for none) with the widget,
// whose script tag has the attributes attrs.
func shopPage(lang, attrs string) string {
	htmlLang := ""
	if lang != "" {
		htmlLang = ` lang="` + lang + `"`
	}
	return `<!doctype html><html` + htmlLang + `><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<style>body{margin:0;font-family:sans-serif}p{margin:16px}</style></head><body>
<p>Shop page · 商店页面</p>
<script src="/widget.js"` + attrs + `></script></body></html>`
}

// layoutServer serves the chat of h at / with greetings in Chinese (the
// default) and English, and test pages: /en.html, /zh.html, /plain.html
// (no language) and /zh-attr.html (an English page whose script tag says
// Chinese). Messages over 64 bytes are refused.
func layoutServer(t *testing.T, h channel.Handler) *httptest.Server {
	chat := webchat.New(h, webchat.Options{Greeting: greetZh, Greetings: map[string]channel.Reply{"en": greetEn},
		Limits: channel.Limits{MaxTextBytes: 64}})
	mux := http.NewServeMux()
	for path, body := range map[string]string{
		"/en.html":      shopPage("en", ""),
		"/zh.html":      shopPage("zh-CN", ""),
		"/plain.html":   shopPage("", ""),
		"/zh-attr.html": shopPage("en", ` data-lang="zh"`),
	} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		})
	}
	mux.Handle("/", chat)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		_ = chat.Shutdown(context.Background())
		srv.Close()
	})
	return srv
}

// rect is an element's place on the screen, from getBoundingClientRect,
// with whether it is shown and its font size.
type rect struct {
	X, Y, W, H float64
	Shown      bool
	Font       float64
}

func (r rect) right() float64  { return r.X + r.W }
func (r rect) bottom() float64 { return r.Y + r.H }

// overlaps reports whether r and o share any area.
func (r rect) overlaps(o rect) bool {
	return r.X < o.right() && o.X < r.right() && r.Y < o.bottom() && o.Y < r.bottom()
}

// inside reports whether r lies within the box from (left, top) to
// (right, bottom), to half a pixel.
func (r rect) inside(left, top, right, bottom float64) bool {
	const e = 0.5
	return r.X >= left-e && r.Y >= top-e && r.right() <= right+e && r.bottom() <= bottom+e
}

// geometry is what the layout tests measure of the open widget.
type geometry struct {
	VW, VH                 float64 // the layout viewport
	Launcher, Panel, Input rect
	Send, Close, Title     rect
	// InputOnTop and SendOnTop report that the element is what a tap on
	// its corners and centre reaches, covered by nothing.
	InputOnTop, SendOnTop string
}

const measure = `(() => {
  const root = document.querySelector('#kefu-chat').shadowRoot;
  const box = sel => {
    const e = root.querySelector(sel), b = e.getBoundingClientRect(), cs = getComputedStyle(e);
    return {X: b.left, Y: b.top, W: b.width, H: b.height, Font: parseFloat(cs.fontSize),
      Shown: cs.display !== 'none' && cs.visibility !== 'hidden' && b.width > 0 && b.height > 0};
  };
  const onTop = sel => {
    const e = root.querySelector(sel), b = e.getBoundingClientRect();
    const pts = [[b.left + 4, b.top + 4], [b.right - 4, b.top + 4], [b.left + 4, b.bottom - 4],
      [b.right - 4, b.bottom - 4], [(b.left + b.right) / 2, (b.top + b.bottom) / 2]]; // inside rounded corners
    return pts.map(([x, y]) => { const h = root.elementFromPoint(x, y); return h === e || e.contains(h) ? 'ok' : (h ? h.tagName + '.' + h.className : 'null') + '@' + x + ',' + y; }).join(' ');
  };
  return {VW: innerWidth, VH: innerHeight, Launcher: box('.kefu-bubble'), Panel: box('.kefu-panel'),
    Input: box('.kefu-input'), Send: box('.kefu-send'), Close: box('.kefu-close'), Title: box('.kefu-title'),
    InputOnTop: onTop('.kefu-input'), SendOnTop: onTop('.kefu-send')};
})()`

// screen is a size the widget is tested at.
type screen struct {
	name          string
	width, height int64
	phone         bool // mobile metrics and touch
	// Safe-area insets: a notch, a home indicator.
	top, bottom, left, right int64
}

var screens = []screen{
	{name: "phone-390x844", width: 390, height: 844, phone: true, top: 47, bottom: 34},
	{name: "phone-420x800", width: 420, height: 800, phone: true},
	{name: "phone-keyboard-390x420", width: 390, height: 420, phone: true}, // the keyboard took the rest
	{name: "phone-320x568", width: 320, height: 568, phone: true},
	{name: "phone-landscape-844x390", width: 844, height: 390, phone: true, left: 47, right: 47, bottom: 21},
	{name: "desktop-1280x800", width: 1280, height: 800},
}

// emulate sets the tab's viewport to s, and its safe-area insets.
func emulate(s screen) chromedp.Action[chromedp.Void] {
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if s.width > s.height {
		opts[0] = chromedp.EmulateLandscape
	}
	if s.phone {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
	}
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.EmulateViewport(s.width, s.height, opts...)(ctx, t); err != nil {
			return err
		}
		top, bottom, left, right := s.top, s.bottom, s.left, s.right
		_, err := cdp.Call(ctx, t, emulation.SetSafeAreaInsetsOverride, emulation.SetSafeAreaInsetsOverrideParams{
			Insets: &emulation.SafeAreaInsets{Top: &top, Bottom: &bottom, Left: &left, Right: &right}})
		return err
	})
}

// TestBrowserLayout opens the widget, by tapping (or clicking) its chat
// button, on English and Chinese pages at phone sizes (with mobile
// metrics, touch, and a notch; one as short as a phone with its keyboard
// up) and at a desktop size, and checks with the elements' real geometry
// that the chat button covers neither the input nor the send button,
// that both are inside the viewport and its safe area and uncovered, that
// the input's text will not make a phone zoom, and that each page gets the
// greeting and the interface in its own language only.
//
// A screenshot of each size and language goes to the test's artifact
// directory: keep them with
//
//	go test -run 'TestBrowser' -v -artifacts -outputdir DIR ./channel/webchat
//
// (DIR must exist; the test logs the folder under DIR/_artifacts), or set
// KEFU_SCREENSHOT_DIR to a directory to write them there instead.
func TestBrowserLayout(t *testing.T) {
	ctx := testbrowser.New(t, 90*time.Second)
	srv := layoutServer(t, testbot.New())
	dir := os.Getenv("KEFU_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.ArtifactDir()
	}

	for _, s := range screens {
		for _, lang := range []string{"en", "zh"} {
			name := s.name + "-" + lang
			require.NoError(t, chromedp.Do(ctx, emulate(s), chromedp.Navigate(srv.URL+"/"+lang+".html")), name)
			require.NoError(t, chromedp.Do(ctx, tapLauncher(s)), name)
			waitGreeting(t, ctx, name)
			checkLanguage(t, ctx, name, lang)
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))

			g, err := chromedp.Run(ctx, chromedp.Evaluate[geometry](measure))
			require.NoError(t, err, name)
			assert.Equal(t, float64(s.width), g.VW, name)
			assert.Equal(t, float64(s.height), g.VH, name)
			checkLayout(t, name, s, g)
		}
	}
	t.Logf("screenshots in %s", dir)
}

// launcher is the widget's chat button.
var launcher = chromedp.JSPath(inWidget + `.querySelector('.kefu-bubble')`)

// tapLauncher taps the chat button on a phone, and clicks it elsewhere.
func tapLauncher(s screen) chromedp.Action[chromedp.Void] {
	if s.phone {
		return chromedp.Tap(launcher)
	}
	return chromedp.Click(launcher)
}

// TestBrowserKeyboard opens the chat on a phone and brings an on-screen
// keyboard up and down: the keyboard shrinks the visual viewport, not the
// layout viewport, so the chat must follow the visual viewport to keep
// the input above the keyboard. Headless Chromium has no on-screen
// keyboard, so the test gives window.visualViewport the height and offset
// a keyboard would (as iOS Safari does, scrolling the page by offsetTop)
// and sends its resize event. Then the chat is closed, and the chat button
// comes back.
func TestBrowserKeyboard(t *testing.T) {
	ctx := testbrowser.New(t, 60*time.Second)
	srv := layoutServer(t, testbot.New())
	s := screens[0]
	require.NoError(t, chromedp.Do(ctx, emulate(s), chromedp.Navigate(srv.URL+"/en.html"), tapLauncher(s)))
	waitGreeting(t, ctx, s.name)
	g, err := chromedp.Run(ctx, chromedp.Evaluate[geometry](measure))
	require.NoError(t, err)
	checkLayout(t, s.name, s, g)

	// A long message grows the input up to 120 pixels, inside the chat.
	typeText := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(() => { const i = `+inWidget+`.querySelector('.kefu-input');
			  i.value = `+jsString(text)+`; i.dispatchEvent(new Event('input')); return true; })()`)(ctx, tg)
			return err
		})
	}
	require.NoError(t, chromedp.Do(ctx, typeText(strings.Repeat("a long line of text\n", 3))))
	g, err = chromedp.Run(ctx, chromedp.Evaluate[geometry](measure))
	require.NoError(t, err)
	assert.Greater(t, g.Input.H, 44.0, "the input grows with its text")
	checkLayout(t, s.name+" with three lines", s, g)
	require.NoError(t, chromedp.Do(ctx, typeText(strings.Repeat("a long line of text\n", 20))))
	g, err = chromedp.Run(ctx, chromedp.Evaluate[geometry](measure))
	require.NoError(t, err)
	assert.InDelta(t, 120, g.Input.H, 0.5, "the input grows up to 120 pixels")
	checkLayout(t, s.name+" with twenty lines", s, g)
	require.NoError(t, chromedp.Do(ctx, typeText("")))

	keyboard := func(height, offset int) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
			  Object.defineProperty(visualViewport, 'height', {configurable: true, get: () => %d});
			  Object.defineProperty(visualViewport, 'offsetTop', {configurable: true, get: () => %d});
			  visualViewport.dispatchEvent(new Event('resize'));
			  return true; })()`, height, offset))(ctx, tg)
			return err
		})
	}
	const kbHeight, kbOffset = 500, 120
	require.NoError(t, chromedp.Do(ctx, keyboard(kbHeight, kbOffset)))
	g, err = chromedp.Run(ctx, chromedp.Evaluate[geometry](measure))
	require.NoError(t, err)
	assert.InDelta(t, kbOffset, g.Panel.Y, 0.5, "the chat starts at the top of the visual viewport")
	assert.InDelta(t, kbHeight, g.Panel.H, 0.5, "the chat ends at the keyboard")
	for what, r := range map[string]rect{"input": g.Input, "send button": g.Send, "close button": g.Close} {
		assert.True(t, r.inside(0, kbOffset, g.VW, kbOffset+kbHeight), "the %s %+v is not in the visual viewport above the keyboard", what, r)
	}
	// The keyboard covers the home indicator: no room is kept for it.
	assert.InDelta(t, kbOffset+kbHeight-10, g.Send.bottom(), 0.5)
	// The picture is what the customer sees above the keyboard.
	shot, err := cdp.Call(ctx, chromedp.FromContext(ctx).Target, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Clip: &page.Viewport{X: 0, Y: kbOffset, Width: g.VW, Height: kbHeight, Scale: 1},
	})
	require.NoError(t, err)
	png := shot.Data
	dir := os.Getenv("KEFU_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.ArtifactDir()
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, s.name+"-keyboard-up.png"), png, 0o644))

	// The keyboard goes down: the chat fills the viewport again.
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`delete visualViewport.height; delete visualViewport.offsetTop;
		  visualViewport.dispatchEvent(new Event('resize')); true`)(ctx, tg)
		return err
	})))
	g, err = chromedp.Run(ctx, chromedp.Evaluate[geometry](measure))
	require.NoError(t, err)
	checkLayout(t, s.name+" after the keyboard", s, g)

	// Closed, the chat gives way to the chat button again.
	require.NoError(t, chromedp.Do(ctx, chromedp.Tap(chromedp.JSPath(inWidget+`.querySelector('.kefu-close')`))))
	g, err = chromedp.Run(ctx, chromedp.Evaluate[geometry](measure))
	require.NoError(t, err)
	assert.False(t, g.Panel.Shown)
	assert.True(t, g.Launcher.Shown)
	assert.True(t, g.Launcher.inside(0, 0, g.VW, g.VH-float64(s.bottom)), "the chat button %+v is not in the safe area", g.Launcher)
}

// TestBrowserLanguage checks where the widget takes the customer's
// language from: data-lang over the page's <html lang>, and the browser's
// language on a page without one (Chinese for Chinese, English for any
// other); that the customer's messages carry it, so the bot answers in it
// whatever they type; and that the widget's error notes are in it.
func TestBrowserLanguage(t *testing.T) {
	ctx := testbrowser.New(t, 90*time.Second)
	srv := layoutServer(t, channel.HandlerFunc(func(_ context.Context, m channel.Message) (channel.Reply, error) {
		return channel.TextReply(channel.Bilingual{Zh: "好的：" + m.Meta["lang"], En: "OK: " + m.Meta["lang"]}.For(m)), nil
	}))
	ua, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.userAgent`))
	require.NoError(t, err)
	for _, tt := range []struct {
		page, browser, want string
	}{
		{"zh-attr.html", "en-US", "zh"},
		{"en.html", "zh-CN", "en"},
		{"plain.html", "zh-TW", "zh"},
		{"plain.html", "fr-FR", "en"},
	} {
		name := tt.page + " in a " + tt.browser + " browser"
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: tt.browser})
				return err
			}),
			chromedp.Navigate(srv.URL+"/"+tt.page),
			chromedp.Click(launcher),
		), name)
		waitGreeting(t, ctx, name)
		checkLanguage(t, ctx, name, tt.want)

		// Typed in the other language, the message carries the widget's
		// language; a word or two is answered in it, clear Chinese or
		// English in the customer's own.
		text, answer := "hello", "好的：zh"
		if tt.want == "en" {
			text, answer = "你好", "好的：en"
		}
		input := chromedp.JSPath(inWidget + `.querySelector('.kefu-input')`)
		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(input, text+"\r")), name)
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](botTexts+`.includes(`+jsString(answer)+`)`, chromedp.WithPollingTimeout(10*time.Second)))
		assert.NoError(t, err, "%s: no answer %q", name, answer)
		left, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`[`+inWidget+`.querySelector('.kefu-input').value, `+inWidget+`.querySelector('.kefu-input').offsetHeight]`))
		require.NoError(t, err)
		assert.Equal(t, []any{"", 44.0}, left, "%s: the input is emptied, back to one line", name)

		// A message over the server's limit is refused with a note.
		require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(input, strings.Repeat("a", 65)+"\r")), name)
		note, err := chromedp.Run(ctx, chromedp.Poll[string](inWidget+`.querySelector('.kefu-note')?.textContent`, chromedp.WithPollingTimeout(10*time.Second)))
		require.NoError(t, err, "%s: no note", name)
		assert.Equal(t, tt.want == "zh", hasHan(note), "%s: the note %q is not in %s", name, note, tt.want)
		assert.Contains(t, note, map[string]string{"zh": "太长", "en": "too long"}[tt.want], name)
	}
}

// checkLayout checks the geometry g of the open widget on screen s.
func checkLayout(t *testing.T, name string, s screen, g geometry) {
	t.Helper()
	safeLeft, safeTop, safeRight, safeBottom := float64(s.left), float64(s.top), g.VW-float64(s.right), g.VH-float64(s.bottom)
	for what, r := range map[string]rect{"input": g.Input, "send button": g.Send, "close button": g.Close, "title": g.Title} {
		assert.True(t, r.Shown, "%s: the %s is not shown", name, what)
		assert.True(t, r.inside(safeLeft, safeTop, safeRight, safeBottom), "%s: the %s %+v is outside the viewport's safe area (%v,%v to %v,%v)", name, what, r, safeLeft, safeTop, safeRight, safeBottom)
		if g.Launcher.Shown {
			assert.False(t, g.Launcher.overlaps(r), "%s: the chat button %+v covers the %s %+v", name, g.Launcher, what, r)
		}
	}
	assert.Equal(t, "ok ok ok ok ok", g.InputOnTop, "%s: something covers the input", name)
	assert.Equal(t, "ok ok ok ok ok", g.SendOnTop, "%s: something covers the send button", name)
	assert.GreaterOrEqual(t, g.Input.Font, 16.0, "%s: input text under 16px makes phones zoom", name)
	assert.GreaterOrEqual(t, g.Input.H, 40.0, "%s: the input is too small to tap", name)
	assert.GreaterOrEqual(t, g.Send.H, 40.0, "%s: the send button is too small to tap", name)
	assert.GreaterOrEqual(t, g.Close.H, 40.0, "%s: the close button is too small to tap", name)
	assert.GreaterOrEqual(t, g.Input.W, g.Panel.W/2, "%s: the input is too narrow", name)
	if s.phone {
		// The chat fills the viewport; the chat button hides behind it.
		assert.False(t, g.Launcher.Shown, "%s: the chat button shows over the open chat", name)
		assert.InDelta(t, 0, g.Panel.X, 0.5, name)
		assert.InDelta(t, 0, g.Panel.Y, 0.5, name)
		assert.InDelta(t, g.VW, g.Panel.W, 0.5, name)
		assert.InDelta(t, g.VH, g.Panel.H, 0.5, name)
	} else {
		// The panel opens above the chat button, which stays to close it.
		assert.True(t, g.Launcher.Shown, name)
		assert.False(t, g.Launcher.overlaps(g.Panel), "%s: the chat button %+v overlaps the panel %+v", name, g.Launcher, g.Panel)
		assert.True(t, g.Panel.inside(0, 0, g.VW, g.VH), "%s: the panel %+v leaves the viewport", name, g.Panel)
		assert.Less(t, g.Panel.W, g.VW/2, name)
	}
}

// botTexts is the texts of the bot's messages.
const botTexts = `Array.from(` + inWidget + `.querySelectorAll('.kefu-bot .kefu-text, .kefu-bot .kefu-option')).map(e => e.textContent)`

// waitGreeting waits until the widget shows a greeting.
func waitGreeting(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](inWidget+`.querySelectorAll('.kefu-bot').length > 0`, chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "%s: no greeting", name)
}

// checkLanguage checks that the open widget greets in lang only, and that
// its own words are in lang.
func checkLanguage(t *testing.T, ctx context.Context, name, lang string) {
	t.Helper()
	want := greetZh
	if lang == "en" {
		want = greetEn
	}
	var wantTexts []string
	for _, p := range want.Parts {
		if p.Type == channel.PartText {
			wantTexts = append(wantTexts, p.Text)
		}
		for _, o := range p.Options {
			wantTexts = append(wantTexts, o.Title)
		}
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](botTexts))
	require.NoError(t, err)
	assert.Equal(t, wantTexts, got, "%s: the greeting", name)

	ui, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const r = `+inWidget+`;
	  return [r.querySelector('.kefu-input').placeholder, r.querySelector('.kefu-send').textContent,
	    r.querySelector('.kefu-title').textContent, r.querySelector('.kefu-status').textContent,
	    r.querySelector('.kefu-close').getAttribute('aria-label'), r.querySelector('.kefu-bubble').getAttribute('aria-label')]; })()`))
	require.NoError(t, err)
	for _, s := range append(got, ui...) {
		assert.Equal(t, lang == "zh", hasHan(s), "%s: %q is not in %s", name, s, lang)
	}
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}
