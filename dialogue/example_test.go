package dialogue_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kefuai/kefu/dialogue"
)

// A flow defined in Go: ask for an order number and a contact number,
// confirm, then open a ticket. A question in the middle is handed back to
// the bot to answer, and the flow resumes.
func Example() {
	flow := &dialogue.Flow{
		Name:    "invoice",
		Intents: []string{"invoice"},
		Slots: []dialogue.Slot{
			{Name: "order", Type: dialogue.SlotOrder, Prompt: "请提供订单号。"},
			{Name: "mobile", Type: dialogue.SlotMobile, Prompt: "请留一个手机号，开好后短信通知您。"},
		},
		States: []dialogue.State{
			{Name: "ask", Collect: []string{"order", "mobile"}, Confirm: "为订单 {order} 开发票，通知 {mobile}，对吗？",
				Transitions: []dialogue.Transition{
					{Event: dialogue.EventYes, To: "open"},
					{Event: dialogue.EventNo, To: "ask", Clear: []string{"order", "mobile"}},
				}},
			{Name: "open", Do: []dialogue.Do{
				{Ticket: &dialogue.Ticket{Queue: "invoices", Summary: "发票 {order}"}},
				{Say: "好的，发票开好后会短信通知您。"},
			}},
		},
	}
	engine, err := dialogue.NewEngine([]*dialogue.Flow{flow}, dialogue.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)
	for _, in := range []dialogue.Input{
		{Text: "我要开发票", Intent: "invoice", Confidence: 0.92},
		{Text: "2025030512345678"},
		{Text: "发票什么时候能开好？", Intent: "faq.invoice_time", Confidence: 0.85},
		{Text: "138 1234 5678"},
		{Text: "对"},
	} {
		now = now.Add(time.Minute)
		in.Time = now
		actions, err := engine.Step(context.Background(), "customer-42", in)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(">", in.Text)
		for _, a := range actions {
			fmt.Println(" ", a)
		}
	}
	// Output:
	// > 我要开发票
	//   ask order: 请提供订单号。
	// > 2025030512345678
	//   ask mobile: 请留一个手机号，开好后短信通知您。
	// > 发票什么时候能开好？
	//   answer faq.invoice_time: 发票什么时候能开好？
	//   ask mobile: 回到刚才的问题：请留一个手机号，开好后短信通知您。
	// > 138 1234 5678
	//   confirm: 为订单 2025030512345678 开发票，通知 13812345678，对吗？
	// > 对
	//   ticket invoices {mobile=13812345678 order=2025030512345678}: 发票 2025030512345678
	//   say: 好的，发票开好后会短信通知您。
	//   end completed
}

// Loading a flow file reports every problem with its position.
func ExampleParseFlow() {
	src := `name: broken
intents: [return_goods]
slots:
  - name: order
    type: order
    pattern: 'dd(\d+'
states:
  - name: ask
    collect: [order]
    transitions:
      - to: confirm
`
	_, err := dialogue.ParseFlow("broken.yaml", []byte(src))
	fmt.Println(err)
	// Output:
	// dialogue: flow broken.yaml: 3 problems:
	// 	broken.yaml:4:5: slots[0].prompt: slot "order" is collected but has no prompt
	// 	broken.yaml:6:14: slots[0].pattern: bad regular expression: error parsing regexp: missing closing ): `dd(\d+`
	// 	broken.yaml:11:13: states[0].transitions[0].to: unknown state "confirm"
}

func ExampleReadReply() {
	q := "确认冻结尾号 1234 的银行卡吗？"
	for _, reply := range []string{"没有问题", "冻结吧", "应该是吧", "先不要", "对了，挂失要收费吗？", "不是不要", "冻结另一张"} {
		r := dialogue.ReadReply(reply, q)
		fmt.Printf("%s: %s tentative=%v question=%v aside=%v\n", reply, r.Answer, r.Tentative, r.Question, r.Aside)
	}
	// Output:
	// 没有问题: yes tentative=false question=false aside=false
	// 冻结吧: yes tentative=false question=false aside=false
	// 应该是吧: yes tentative=true question=false aside=false
	// 先不要: wait tentative=false question=false aside=false
	// 对了，挂失要收费吗？: unsure tentative=false question=true aside=false
	// 不是不要: unsure tentative=false question=false aside=false
	// 冻结另一张: unsure tentative=false question=false aside=false
}
