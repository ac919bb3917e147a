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
