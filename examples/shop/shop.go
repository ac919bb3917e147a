// Package shop is kefu's demo bot as a bot folder: the customer-service
// assistant of 青禾优选 (Qinghe Select), a small fictional online shop
// selling clothes, shoes, phone accessories and home goods. It answers in
// Chinese first and in English.
//
// The folder is what any bot folder holds (see docs/folder-bot.md), and
// kefu.LoadFolder reads it; this package only embeds it, so that the
// quickstart serves it with no file around, and adds the Go function its
// order-status flow calls:
//
//   - bot.yaml: the name, greetings, "did you mean…" titles, the rating
//     intents, and the URLs of img/ and policy/;
//   - intents.tsv: labelled customer messages for the intent classifier,
//     and intents_test.tsv, differently worded held-out questions to
//     measure it on;
//   - faq.json: the knowledge base, whose answers carry images from img/
//     (served under /demo/img/) and links to the policy pages in policy/
//     (served under /demo/policy/);
//   - words.txt, synonyms.txt, rules.yaml: the shop's vocabulary and the
//     classifier's rules;
//   - flows/*.yaml: the returns and order-status conversations, each one
//     flow speaking Chinese and English, which look orders up in a fake
//     order book (Funcs);
//   - conversations/*.yaml: conversation tests of the whole bot, run by
//     go test and by examples/convtest.
//
// The same folder runs without this package:
//
//	go run ./examples/quickstart -bot examples/shop
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
package shop

import (
	"context"
	"embed"
	"io/fs"

	"github.com/kefuai/kefu"
)

//go:embed bot.yaml intents.tsv intents_test.tsv faq.json words.txt synonyms.txt rules.yaml
//go:embed flows/*.yaml conversations/*.yaml img/*.svg policy/*.html
var files embed.FS

// Files returns the bot folder.
func Files() fs.FS { return files }

// Load reads the bot folder with kefu.LoadFolder, its flows calling Funcs.
func Load(ctx context.Context) (*kefu.Folder, error) {
	return kefu.LoadFolder(ctx, files, kefu.FolderOptions{Funcs: Funcs()})
}

// LoadQuestions are customer messages for load tests: FAQ questions,
// flow openers and answers, small talk and questions the bot cannot
// answer, in both languages.
func LoadQuestions() []string {
	return []string{
		"运费怎么算呀", "包邮吗", "how much is shipping?", "我的快递到哪了", "DD2025061801",
		"我想退货", "退款多久到账", "可以开发票吗", "有优惠券吗", "你好", "谢谢", "会员有什么权益",
		"这件衣服有货吗", "尺码怎么选", "保修多久", "can I change my address?", "where is my order",
		"支持花呗吗", "量子力学是什么", "what's the weather like",
	}
}
