package terminal_test

import (
	"context"
	"os"
	"strings"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/terminal"
)

// A scripted conversation; a real one reads os.Stdin.
func ExampleRun() {
	bot := channel.HandlerFunc(func(ctx context.Context, m channel.Message) (channel.Reply, error) {
		if m.Text == "order_status" {
			return channel.TextReply("请提供您的订单号。"), nil
		}
		return channel.Reply{Parts: []channel.Part{
			channel.Text("您好！请问需要什么帮助？"),
			channel.Link("帮助中心", "https://shop.example/help"),
			channel.QuickReplies(
				channel.QuickReply{Title: "查订单", Payload: "order_status"},
				channel.QuickReply{Title: "转人工", Payload: "human"},
			),
		}}, nil
	})
	in := strings.NewReader("你好\n1\n/quit\n")
	_ = terminal.Run(context.Background(), bot, in, os.Stdout, terminal.Options{Quiet: true})
	// Output:
	// > 您好！请问需要什么帮助？
	// [link: 帮助中心] https://shop.example/help
	//   1) 查订单
	//   2) 转人工
	// （输入序号选择 · type a number to choose）
	// > → 查订单
	// 请提供您的订单号。
	// >
}
