package pgstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/pgstore"
)

// Bot instances sharing one database keep their transcripts in one table:
// each delivers its events through a durable hook, and reports read them
// all. (This example needs a PostgreSQL server, so it is compiled but not
// run.)
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://kefu@db/kefu")
	if err != nil {
		panic(err)
	}
	defer pool.Close()

	store, err := pgstore.New(ctx, pool, pgstore.Options{Schema: "kefu"})
	if err != nil {
		panic(err)
	}

	d := analytics.NewDispatcher(analytics.DispatcherOptions{})
	err = d.AddDurable("transcripts", analytics.StoreHook(store), analytics.DurableOptions{Dir: "/var/lib/kefu/transcripts.wal"})
	if err != nil {
		panic(err)
	}
	defer d.Close(ctx)
	// ... the bot emits its events to d ...

	r, err := analytics.BuildReport(ctx, store, analytics.Month(2026, 11), analytics.ReportOptions{
		Location: time.FixedZone("CST", 8*3600),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Period, r.Volume.Sessions, "sessions")
}
