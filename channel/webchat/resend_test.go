package webchat_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/webchat"
	"github.com/kefuai/kefu/internal/testbrowser"
	"github.com/kefuai/kefu/internal/testnet"
)

// slowBot answers every message, but holds the first "慢" until released,
// and records the IDs of the messages it gets.
type slowBot struct {
	mu      sync.Mutex
	ids     map[string][]string // text → message IDs
	held    bool
	arrived chan struct{}
	release chan struct{}
}

func (b *slowBot) Handle(ctx context.Context, msg channel.Message) (channel.Reply, error) {
	b.mu.Lock()
	b.ids[msg.Text] = append(b.ids[msg.Text], msg.ID)
	hold := msg.Text == "慢" && !b.held
	b.held = b.held || hold
	b.mu.Unlock()
	if hold {
		close(b.arrived)
		<-b.release
	}
	return channel.TextReply("收到：" + msg.Text), nil
}

func (b *slowBot) seen(text string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.ids[text]...)
}

// A message whose reply is lost with the connection is sent again, with
// the same ID, when the widget reconnects, and then answered.
func TestBrowserResendsUnanswered(t *testing.T) {
	ctx := testbrowser.New(t, 30*time.Second)
	bot := &slowBot{ids: map[string][]string{}, arrived: make(chan struct{}), release: make(chan struct{})}
	chat := webchat.New(bot, webchat.Options{Greeting: greeting})
	srv := httptest.NewServer(chat)
	defer srv.Close()
	defer chat.Shutdown(context.Background())
	proxy := testnet.Start(t, srv.Listener.Addr().String())

	waitBot := func(want string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](texts(".kefu-bot .kefu-text")+`.includes(`+jsString(want)+`)`,
				chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
			return err
		})
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate("http://"+proxy.Addr()+"/"),
		waitBot("您好，我是小客！"),
		chromedp.SendKeys(shadow(".kefu-input"), "慢\r"),
	))
	select {
	case <-bot.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the message never reached the bot")
	}
	// The connection is lost while the bot works on the message: its
	// reply has nowhere to go.
	proxy.Down()
	close(bot.release)
	time.Sleep(200 * time.Millisecond)
	proxy.Up()
	require.NoError(t, chromedp.Do(ctx, waitBot("收到：慢")))
	ids := bot.seen("慢")
	require.Len(t, ids, 2, "sent again after the reconnect")
	assert.Equal(t, ids[0], ids[1], "with the same ID, so that the bot can answer it once")
	assert.NotEmpty(t, ids[0])
}
