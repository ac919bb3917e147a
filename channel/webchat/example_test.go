package webchat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/coder/websocket"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/webchat"
)

// The web chat mounted under /chat/ of an application; a page adds it with
// <script src="/chat/widget.js"></script>. Here a Go client speaks the
// protocol the widget speaks.
func Example() {
	bot := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		return channel.Reply{Parts: []channel.Part{
			channel.Text("您可以在订单页申请退货。"),
			channel.QuickReplies(channel.QuickReply{Title: "转人工", Payload: "human"}),
		}}, nil
	})
	chat := webchat.New(bot, webchat.Options{})
	defer chat.Shutdown(context.Background())
	mux := http.NewServeMux()
	mux.Handle("/chat/", http.StripPrefix("/chat", chat))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, srv.URL+"/chat/ws?session_id=s-1", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.CloseNow()
	_, frame, _ := c.Read(ctx)
	fmt.Println(string(frame))
	_ = c.Write(ctx, websocket.MessageText, []byte(`{"type":"message","id":"c1","text":"怎么退货？"}`))
	_, frame, _ = c.Read(ctx)
	fmt.Println(string(frame))
	// Output:
	// {"type":"session","session_id":"s-1"}
	// {"type":"reply","reply_to":"c1","session_id":"s-1","replies":[{"type":"text","text":"您可以在订单页申请退货。"},{"type":"quick_replies","options":[{"title":"转人工","payload":"human"}]}]}
}

// A greeting per language: the widget connects with the customer's
// language (data-lang, else the page's <html lang>, else the browser's),
// and is greeted in it; Greeting is for any other language.
func ExampleOptions_greetings() {
	bot := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		return channel.TextReply(channel.Bilingual{Zh: "好的", En: "OK"}.For(m)), nil
	})
	chat := webchat.New(bot, webchat.Options{
		Greeting: channel.TextReply("您好！请问有什么可以帮您？"),
		Greetings: map[string]channel.Reply{
			"en": channel.TextReply("Hi! How can I help?"),
		},
	})
	defer chat.Shutdown(context.Background())
	srv := httptest.NewServer(chat)
	defer srv.Close()

	ctx := context.Background()
	for _, lang := range []string{"en-US", "zh-CN"} {
		c, _, err := websocket.Dial(ctx, srv.URL+"/ws?session_id=s-"+lang+"&greet=1&lang="+lang, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		_, _, _ = c.Read(ctx) // the session
		_, greeting, _ := c.Read(ctx)
		fmt.Println(string(greeting))
		c.CloseNow()
	}
	// Output:
	// {"type":"reply","session_id":"s-en-US","replies":[{"type":"text","text":"Hi! How can I help?"}]}
	// {"type":"reply","session_id":"s-zh-CN","replies":[{"type":"text","text":"您好！请问有什么可以帮您？"}]}
}
