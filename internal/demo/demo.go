// Package demo is the content of kefu's demo bot: the customer-service
// assistant of 青禾优选 (Qinghe Select), a small fictional online shop
// selling clothes, shoes, phone accessories and home goods. It answers in
// Chinese first and in English.
//
// Everything is embedded, so the demo starts in seconds with no server and
// no download:
//
//   - intents.tsv: labelled customer messages for the intent classifier
//     (Intents), and intents_test.tsv, differently worded held-out
//     questions to measure it on (TestIntents);
//   - faq.json: the knowledge base (Entries), whose answers carry images
//     from img/ (Images, served under /demo/img/) and links to the policy
//     pages in policy/ (Policies, served under /demo/policy/);
//   - flows/*.yaml: the returns and order-status conversations, each one
//     flow speaking Chinese and English (Flows), which look orders up in a
//     fake order book (Funcs);
//   - conversations/*.yaml: conversation tests of the whole bot
//     (Conversations), run by go test and by examples/convtest.
//
// Words and Synonyms are the shop's vocabulary; give the same lists to the
// intent classifier, the knowledge-base index and its learner, so that all
// three see the same tokens.
//
// # Demo orders
//
// The order book holds four orders; any other order number is not found:
//
//	DD2025061801  shipped    纯棉圆领T恤（白色 M）, 顺丰速运
//	DD2025061502  delivered  降噪蓝牙耳机, 中通快递
//	DD2025062003  shipped    iPhone 15 手机壳, 圆通速递
//	DD2025060904  delivered  帆布托特包, 顺丰速运
//
// Customers may type the number with or without "DD", in any case.
package demo

import (
	"bytes"
	"embed"
	"fmt"

	"github.com/kefuai/kefu/intent"
)

//go:embed intents.tsv intents_test.tsv
var intentFS embed.FS

// Intents returns the training examples of the intent classifier.
func Intents() ([]intent.Example, error) { return readTSV("intents.tsv") }

// TestIntents returns held-out examples, worded unlike the training
// examples, to measure the classifier's accuracy on.
func TestIntents() ([]intent.Example, error) { return readTSV("intents_test.tsv") }

func readTSV(name string) ([]intent.Example, error) {
	b, err := intentFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return intent.ReadTSV(bytes.NewReader(b), name)
}

// Rules returns operator rules for the classifier: wording that always
// asks for a person, and a message that is nothing but an order number,
// which asks where that order is (the order-status flow then starts with
// the number filled in).
func Rules() []intent.Rule {
	return []intent.Rule{
		{Name: "human", Intent: "human", Keywords: []string{"转人工", "人工客服", "真人客服"}},
		{Name: "order number", Intent: "order_status", Pattern: `^(?:订单号?[:：]?\s*)?(?:dd)?\d{10}$`},
	}
}

// Words returns the shop's vocabulary, kept as single tokens.
func Words() []string {
	return []string{
		"花呗", "七天无理由", "运费险", "顺丰", "中通", "圆通", "包邮", "满减",
		"优惠券", "优惠码", "电子发票", "专票", "增值税专用发票", "尺码表",
		"到货通知", "上门取件", "仅退款", "货到付款", "价保", "以旧换新",
		"iPhone 15", "iPhone 15 Pro", "会员日", "转人工",
	}
}

// Synonyms returns groups of interchangeable words; each is read as its
// group's first member.
func Synonyms() [][]string {
	return [][]string{
		{"退款", "退钱"},
		{"运费", "邮费", "快递费"},
		{"包邮", "免邮", "免运费"},
		{"优惠券", "优惠劵", "代金券"},
		{"尺码", "码数", "尺寸"},
		{"专票", "增值税专用发票", "专用发票"},
		{"shipping", "delivery"},
		{"parcel", "package"},
		{"coupon", "voucher"},
		{"receipt", "invoice"},
	}
}
