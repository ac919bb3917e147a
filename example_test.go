package kefu_test

import (
	"context"
	"fmt"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/flows"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

func Example() {
	ctx := context.Background()
	model, err := intent.Train(ctx, []intent.Example{
		{Text: "我要退货", Intent: "return_goods"},
		{Text: "这个想退了", Intent: "return_goods"},
		{Text: "运费多少钱", Intent: "shipping_fee"},
		{Text: "包邮吗", Intent: "shipping_fee"},
	}, intent.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	faq, err := kb.NewIndex(kb.IndexOptions{})
	if err != nil {
		panic(err)
	}
	faq.Put(kb.Entry{ID: "shipping", Question: "运费怎么算？", Similar: []string{"包邮吗", "运费多少钱"},
		Answer: kb.Answer{Text: "满 99 元包邮。"}})
	fs, err := flows.Load()
	if err != nil {
		panic(err)
	}
	engine, err := dialogue.NewEngine(fs, dialogue.Options{Funcs: map[string]dialogue.Func{
		// The order-status flow looks orders up in the shop's system.
		"order_status": func(ctx context.Context, c dialogue.Call) (dialogue.Result, error) {
			return dialogue.Result{Event: "not_found"}, nil
		},
	}})
	if err != nil {
		panic(err)
	}
	bot, err := kefu.New(kefu.WithIntents(model), kefu.WithKnowledge(faq), kefu.WithDialogue(engine))
	if err != nil {
		panic(err)
	}
	for _, text := range []string{"运费多少钱？", "我要退货"} {
		reply, err := bot.Handle(ctx, channel.Message{SessionID: "demo", Text: text})
		if err != nil {
			panic(err)
		}
		fmt.Println(reply.PlainText())
	}
	// Output:
	// 满 99 元包邮。
	// 好的，请提供您的订单号（以 DD 开头，例如 DD2025030501）。
}
