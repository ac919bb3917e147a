package kb_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/kefuai/kefu/kb"
)

func Example() {
	ctx := context.Background()
	base, err := kb.Open(ctx, kb.NewMemoryStore(), kb.Options{
		Index: kb.IndexOptions{Synonyms: [][]string{{"退款", "退钱"}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer base.Close()

	_, err = base.Write(ctx, kb.Batch{Author: "ops", Put: []kb.Entry{
		{ID: "refund", Question: "怎么申请退款", Similar: []string{"退款多久到账"},
			Answer: kb.Answer{Text: "在订单详情页点击“申请退款”。", Suggestions: []string{"退款多久到账"}}},
		{ID: "invoice", Question: "如何开发票", Answer: kb.Answer{
			Text:  "在订单详情页申请电子发票。",
			Links: []kb.Link{{Title: "发票说明", URL: "https://example.com/invoice"}}}},
	}})
	if err != nil {
		log.Fatal(err)
	}

	for _, q := range []string{"怎么退钱", "发票怎么开？", "今天天气怎么样"} {
		hits, err := base.Search(ctx, q, kb.SearchOptions{K: 1})
		if err != nil {
			log.Fatal(err)
		}
		if len(hits) == 0 {
			fmt.Printf("%s → no good answer\n", q)
			continue
		}
		fmt.Printf("%s → %s: %s\n", q, hits[0].Entry.ID, hits[0].Entry.Answer.Text)
	}
	// Output:
	// 怎么退钱 → refund: 在订单详情页点击“申请退款”。
	// 发票怎么开？ → invoice: 在订单详情页申请电子发票。
	// 今天天气怎么样 → no good answer
}

// Two editors read the same entry; the second write is refused instead of
// silently undoing the first.
func ExampleConflictError() {
	ctx := context.Background()
	st := kb.NewMemoryStore()
	st.Write(ctx, kb.Batch{Put: []kb.Entry{{ID: "hours", Question: "营业时间"}}})

	a, _ := st.Get(ctx, "hours")
	b, _ := st.Get(ctx, "hours")
	a.Answer.Text = "9:00–18:00"
	b.Answer.Text = "全天"
	_, err := st.Write(ctx, kb.Batch{Author: "alice", Put: []kb.Entry{a}})
	fmt.Println("alice:", err)
	_, err = st.Write(ctx, kb.Batch{Author: "bob", Put: []kb.Entry{b}})
	fmt.Println("bob:", err)

	hist, _ := st.Revisions(ctx, kb.RevQuery{ID: "hours"})
	for _, r := range hist {
		fmt.Printf("v%d %s by %q: %q\n", r.Entry.Version, r.Op, r.Author, r.Entry.Answer.Text)
	}
	// Output:
	// alice: <nil>
	// bob: kb: version conflict on entry "hours": expected version 1, stored version is 2
	// v1 put by "": ""
	// v2 put by "alice": "9:00–18:00"
}

func ExampleReadEntries() {
	csv := "id,question,similar,answer,enabled\n" +
		"refund,怎么申请退款,\"退款流程\n我要退钱\",在订单页申请,true\n" +
		"ship,,,发货很快,true\n"
	_, err := kb.ReadEntries(strings.NewReader(csv), kb.CSV)
	fmt.Println(err)

	es, err := kb.ReadEntries(strings.NewReader(strings.Split(csv, "ship")[0]), kb.CSV)
	fmt.Println(len(es), es[0].Similar, err)
	// Output:
	// kb: row 3, column question (B3): question: empty
	// 1 [退款流程 我要退钱] <nil>
}
