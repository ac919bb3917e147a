// Command report renders a monthly or quarterly customer-service report
// from a kefu transcript store (the embedded bbolt file).
//
//	report -store data/transcripts.db -period 2026-11 -format html -o report.html
//	report -demo -period 2026-Q4 -o demo.html
//
// With -demo it first fills a temporary store with a period of synthetic
// but realistic conversations (Chinese customer-service intents, ratings,
// hand-offs, unanswered questions, phone numbers that get redacted),
// emitted through an analytics.Dispatcher with a durable store hook as a
// bot would, so the command works out of the box.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/boltstore"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	storePath := fs.String("store", "", "bbolt transcript store `file` (required unless -demo)")
	periodFlag := fs.String("period", "", "period: YYYY-MM or YYYY-Qn (default: last month)")
	formatFlag := fs.String("format", "html", "output format: html, json or csv")
	out := fs.String("o", "", "output `file` (default: standard output)")
	tz := fs.String("tz", "Asia/Shanghai", "time zone that defines months and days")
	demo := fs.Bool("demo", false, "fill a temporary store with synthetic conversations first")
	perDay := fs.Int("demo-sessions", 40, "demo: mean sessions per day")
	seed := fs.Uint64("seed", 1, "demo: random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	var period analytics.Period
	if *periodFlag == "" {
		period = analytics.PeriodOf(time.Now().In(loc).AddDate(0, -1, 0))
	} else if period, err = analytics.ParsePeriod(*periodFlag); err != nil {
		return err
	}
	format, err := analytics.ParseFormat(*formatFlag)
	if err != nil {
		return err
	}
	if *demo {
		dir, err := os.MkdirTemp("", "kefu-report-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if *storePath == "" {
			*storePath = filepath.Join(dir, "transcripts.db")
		}
		n, err := fillDemo(ctx, *storePath, filepath.Join(dir, "wal"), period, loc, *perDay, *seed)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintf(stderr, "demo: %d synthetic sessions in %s\n", n, *storePath)
	}
	if *storePath == "" {
		fs.Usage()
		return errors.New("-store or -demo is required")
	}
	store, err := boltstore.Open(*storePath, boltstore.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := analytics.BuildReport(ctx, store, period, analytics.ReportOptions{Location: loc})
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := rep.Write(w, format); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stderr, "wrote %s report %s to %s\n", format, period, *out)
	}
	return nil
}
