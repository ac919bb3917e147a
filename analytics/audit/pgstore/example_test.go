package pgstore_test

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/analytics/audit/pgstore"
)

// Bot instances sharing one database keep one audit chain: each opens the
// log on the same table, and Verify checks the chain whoever wrote it.
// (This example needs a PostgreSQL server, so it is compiled but not run.)
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://kefu@db/kefu")
	if err != nil {
		panic(err)
	}
	defer pool.Close()

	log, err := pgstore.New(ctx, pool, pgstore.Options{Schema: "kefu"})
	if err != nil {
		panic(err)
	}
	if _, err := log.Append(ctx, audit.Entry{Actor: "admin", Action: audit.ActionExportUser, Target: "u42"}); err != nil {
		panic(err)
	}
	head, err := audit.Verify(ctx, log)
	if err != nil {
		panic(err)
	}
	fmt.Println("chain intact up to record", head.Seq)
}
