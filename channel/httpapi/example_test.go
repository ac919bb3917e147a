package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/httpapi"
)

// The JSON API mounted in an application's mux.
func Example() {
	bot := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		return channel.Reply{
			Parts:  []channel.Part{channel.Text("您的订单已发货。"), channel.Link("查看物流", "https://shop.example/track/1")},
			Intent: &channel.Intent{Name: "order_status", Confidence: 0.9},
		}, nil
	})
	mux := http.NewServeMux()
	mux.Handle(httpapi.Path, httpapi.New(bot, httpapi.Options{}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	res, err := http.Post(srv.URL+"/v1/messages", "application/json",
		strings.NewReader(`{"session_id":"s-1","text":"我的订单到哪了？"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.Status)
	fmt.Print(string(body))

	res, err = http.Post(srv.URL+"/v1/messages", "application/json", strings.NewReader(`{"text":""}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	body, _ = io.ReadAll(res.Body)
	fmt.Println(res.Status)
	fmt.Print(string(body))
	// Output:
	// 200 OK
	// {"session_id":"s-1","replies":[{"type":"text","text":"您的订单已发货。"},{"type":"link","title":"查看物流","url":"https://shop.example/track/1"}],"intent":{"name":"order_status","confidence":0.9},"handoff":false}
	// 400 Bad Request
	// {"error":{"code":"empty_text","message":"消息内容为空 / The text is empty."}}
}
