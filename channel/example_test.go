package channel_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kefuai/kefu/channel"
)

// A handler answers a message with text, an image, a link and quick
// replies; middleware wraps it.
func Example() {
	bot := channel.HandlerFunc(func(ctx context.Context, msg channel.Message) (channel.Reply, error) {
		if strings.Contains(msg.Text, "退货") {
			return channel.Reply{
				Parts: []channel.Part{
					channel.Text("收到商品 7 天内可以无理由退货。"),
					channel.Image("https://shop.example/img/return.png", "退货流程"),
					channel.Link("退货政策", "https://shop.example/help/returns"),
					channel.QuickReplies(
						channel.QuickReply{Title: "申请退货", Payload: "return_goods"},
						channel.QuickReply{Title: "转人工", Payload: "human"},
					),
				},
				Intent: &channel.Intent{Name: "faq.returns", Confidence: 0.93},
			}, nil
		}
		panic("not written yet")
	})
	h := channel.Chain(bot, channel.Recover(channel.RecoverOptions{}))

	r, err := h.Handle(context.Background(), channel.Message{SessionID: "s1", Text: "怎么退货？"})
	fmt.Println(r.PlainText(), err)

	r, err = h.Handle(context.Background(), channel.Message{SessionID: "s1", Text: "hello"})
	fmt.Println(r.PlainText())
	fmt.Println(errors.Is(err, channel.ErrPanic))
	// Output:
	// 收到商品 7 天内可以无理由退货。
	// [image: 退货流程] https://shop.example/img/return.png
	// 退货政策: https://shop.example/help/returns
	// [申请退货] [转人工] <nil>
	// Sorry, something went wrong on our side. Please try again in a moment.
	// true
}

// Every adapter refuses bad input with the same errors.
func ExampleLimits_Check() {
	limits := channel.Limits{MaxTextBytes: 12}
	for _, m := range []channel.Message{
		{SessionID: "s1", Text: "你好"},
		{SessionID: "s1", Text: "   "},
		{SessionID: "s1", Text: "请问怎么退货呢"},
		{SessionID: "s1", Text: "\xff"},
		{SessionID: "s 1", Text: "hi"},
	} {
		err := limits.Check(m)
		fmt.Println(err, errors.Is(err, channel.ErrEmptyText), errors.Is(err, channel.ErrTooLarge))
	}
	// Output:
	// <nil> false false
	// channel: empty text true false
	// channel: message too large: text of 21 bytes, limit 12 false true
	// channel: invalid UTF-8 in text false false
	// channel: invalid session or user ID: session ID holds space or control character U+0020 false false
}

// Sentences are picked in the customer's language, Chinese first.
func ExampleBilingual_For() {
	busy := channel.DefaultBusy()
	fmt.Println(busy.For(channel.Message{Text: "还在吗"}))
	fmt.Println(busy.For(channel.Message{Text: "are you there?"}))
	fmt.Println(busy.For(channel.Message{Text: "123"}))
	// Output:
	// 您发送得太快了，请稍等片刻再试。
	// You are sending messages too quickly. Please wait a moment.
	// 您发送得太快了，请稍等片刻再试。
}
