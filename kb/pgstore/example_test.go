package pgstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/kefuai/kefu/kb"
	"github.com/kefuai/kefu/kb/pgstore"
)

// Every bot instance opens a Base on the same tables: an edit made through
// one instance is searchable on all of them a moment later. (This example
// needs a PostgreSQL server, so it is compiled but not run.)
func ExampleOpen() {
	ctx := context.Background()
	st, err := pgstore.Open(ctx, "postgres://kefu@db/kefu", pgstore.Options{Schema: "kefu"})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	base, err := kb.Open(ctx, st, kb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer base.Close()

	_, err = base.Write(ctx, kb.Batch{Author: "ops", Put: []kb.Entry{
		{ID: "refund", Question: "怎么申请退款", Answer: kb.Answer{Text: "在订单详情页点击“申请退款”。"}},
		{ID: "invoice", Question: "如何开发票", Answer: kb.Answer{Text: "在订单详情页申请电子发票。"}},
	}})
	if err != nil {
		log.Fatal(err)
	}

	hits, err := base.Search(ctx, "发票怎么开？", kb.SearchOptions{K: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range hits {
		fmt.Println(h.Entry.ID, h.Entry.Answer.Text)
	}
}
