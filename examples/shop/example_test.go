package shop_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"
	"time"

	"github.com/kefuai/kefu/channel/convtest"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/examples/shop"
	"github.com/kefuai/kefu/kb"
)

// A customer tracks a demo order through the Chinese order-status flow.
// The bot's classifier supplies the intent of the first message.
func Example() {
	f, err := shop.Load(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	engine, err := dialogue.NewEngine(f.Flows, dialogue.Options{Funcs: f.Funcs})
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2025, 6, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, in := range []dialogue.Input{
		{Text: "我的订单到哪了", Intent: "order_status", Confidence: 0.95},
		{Text: "dd2025061801"},
		{Text: "不用了"},
	} {
		now = now.Add(time.Minute)
		in.Time = now
		actions, err := engine.Step(context.Background(), "customer-1", in)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(">", in.Text)
		for _, a := range actions {
			fmt.Println(" ", a)
		}
	}
	// Output:
	// > 我的订单到哪了
	//   ask order_id: 好的，请发送您的订单号（以 DD 开头，例如 DD2025061801），我来帮您查物流。
	// > dd2025061801
	//   call order_status
	//   say: 您的订单 DD2025061801（纯棉圆领T恤（白色 M））已由顺丰速运发出，运单号 SF1402384756201。最新物流：已到达【上海浦东转运中心】，正在发往下一站。预计 2025-06-21 送达。
	//   confirm: 需要帮您改约送达日期吗？
	// > 不用了
	//   say: 好的，还有其他可以帮您的吗？
	//   end completed
}

// The knowledge base answers with text, images, links and follow-up
// questions.
func Example_knowledge() {
	f, err := shop.Load(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	ix, err := kb.NewIndex(f.IndexOptions())
	if err != nil {
		log.Fatal(err)
	}
	ix.Put(f.Entries...)
	hits, err := ix.Search(context.Background(), "退货要怎么弄？", kb.SearchOptions{K: 1})
	if err != nil || len(hits) == 0 {
		log.Fatal("no answer", err)
	}
	a := hits[0].Entry.Answer
	fmt.Println(hits[0].Entry.ID)
	fmt.Println(strings.Split(a.Text, "\n")[0])
	fmt.Println(a.Images[0].URL)
	fmt.Println(a.Links[0].Title, a.Links[0].URL)
	fmt.Println(strings.Join(a.Suggestions, " | "))
	// Output:
	// return-how
	// 三步就好：1. 在“我的订单”找到订单，点“申请售后”选择退货；2. 把商品连同配件、赠品打包好；3. 预约快递员上门取件，退货地址会自动填写，不用自己寄。
	// /demo/img/return-steps.svg
	// 退换货政策 /demo/policy/returns.html
	// 退货运费谁承担？ | 退款多久到账？ | 可以换货吗？
}

// The demo's conversation tests, one file per topic, to run with
// convtest.Run against the demo bot (go run ./examples/convtest does).
func Example_conversations() {
	f, err := shop.Load(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	suites, err := convtest.Load(f.Conversations, "*.yaml")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range suites {
		pending := ""
		if slices.Contains(f.PendingConversations, s.Name) {
			pending = " (not passed yet)"
		}
		fmt.Println(s.Name + pending)
	}
	// Output:
	// digressions.yaml
	// faq.yaml
	// known_issues.yaml (not passed yet)
	// language.yaml
	// order_status.yaml
	// returns.yaml
	// traditional.yaml
}
