package intent_test

import (
	"context"
	"fmt"
	"io"

	"github.com/kefuai/kefu/intent"
)

func Example() {
	examples := []intent.Example{
		{Text: "我要退款", Intent: "refund"},
		{Text: "怎么申请退款", Intent: "refund"},
		{Text: "I want my money back", Intent: "refund"},
		{Text: "我的快递到哪了", Intent: "order_status"},
		{Text: "查一下订单物流", Intent: "order_status"},
		{Text: "where is my parcel", Intent: "order_status"},
	}
	m, err := intent.Train(context.Background(), examples, intent.Options{
		Seed:  1,
		Rules: []intent.Rule{{Intent: "human_agent", Keywords: []string{"转人工", "human agent"}}},
	})
	if err != nil {
		panic(err)
	}
	for _, q := range []string{"退款多久到账", "where is my order", "转人工", ""} {
		r, err := m.Classify(context.Background(), q)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%q → %q (out of scope: %v, rule: %q)\n", q, r.Intent, r.OutOfScope, r.Rule)
	}
	// Output:
	// "退款多久到账" → "refund" (out of scope: false, rule: "")
	// "where is my order" → "order_status" (out of scope: false, rule: "")
	// "转人工" → "human_agent" (out of scope: false, rule: "rule 1")
	// "" → "" (out of scope: true, rule: "")
}

func ExampleEvaluate() {
	train, err := intent.ReadTSVFile("testdata/train.tsv")
	if err != nil {
		panic(err)
	}
	m, err := intent.Train(context.Background(), train, intent.Options{Seed: 1, Hidden: 64})
	if err != nil {
		panic(err)
	}
	test := []intent.Example{
		{Text: "发票怎么开", Intent: "invoice"},
		{Text: "运费多少", Intent: "shipping_fee"},
	}
	rep, err := intent.Evaluate(context.Background(), m, test, intent.EvalOptions{Title: "Accuracy"})
	if err != nil {
		panic(err)
	}
	fmt.Printf("accuracy %.0f%% over %d examples\n", 100*rep.Accuracy, rep.Examples)
	// rep.WriteHTML(w) writes the report a customer receives;
	// rep.WriteText and rep.WriteJSON the same figures as text and JSON.
	if err := rep.WriteText(io.Discard); err != nil {
		panic(err)
	}
	// Output: accuracy 100% over 2 examples
}

func ExampleModel_Info() {
	examples := []intent.Example{
		{Text: "我要退款", Intent: "refund"},
		{Text: "怎么申请退款", Intent: "refund"},
		{Text: "I want my money back", Intent: "refund"},
		{Text: "我的快递到哪了", Intent: "order_status"},
		{Text: "查一下订单物流", Intent: "order_status"},
		{Text: "where is my parcel", Intent: "order_status"},
		{Text: "今天天气怎么样", Intent: "oos"}, // out of scope: tunes the threshold, never trained on
	}
	m, err := intent.Train(context.Background(), examples, intent.Options{Seed: 1, OutOfScope: "oos"})
	if err != nil {
		panic(err)
	}
	// Far too few examples to tune on: the default, and a warning that
	// says so (also in Evaluate's reports).
	info := m.Info()
	fmt.Printf("threshold %.2f (%s), %d warning\n", info.Threshold, info.ThresholdSource, len(info.Warnings))
	// Output: threshold 0.50 (default), 1 warning
}
