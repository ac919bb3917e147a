// Command convtest runs conversation tests (see package channel/convtest)
// against a bot and reports each conversation, passed or failed:
//
//	go run ./examples/convtest FILE.yaml...                         # the demo bot, in this process
//	go run ./examples/convtest -url http://localhost:8080/v1/messages FILE.yaml...
//
// With -url it talks to a running bot's JSON API, which must allow
// explanations (httpapi.Options.Explain; the quickstart's -explain flag).
// It exits with status 1 when a conversation fails, 2 on bad usage or
// files.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/convtest"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/internal/demo"
)

func main() {
	url := flag.String("url", "", "a bot's JSON API (…/v1/messages) instead of the demo bot in this process")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: convtest [-url URL] FILE.yaml...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var suites []*convtest.Suite
	for _, name := range flag.Args() {
		s, err := convtest.Load(os.DirFS(filepath.Dir(name)), filepath.Base(name))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		suites = append(suites, s...)
	}

	var h channel.Handler
	if *url != "" {
		h = httpapi.NewClient(*url, nil)
	} else {
		b, err := demo.NewBot(ctx, demo.BotOptions{NoEvents: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer b.Close()
		h = b.Bot
	}
	rep := convtest.Run(ctx, h, convtest.Options{}, suites...)
	if err := rep.WriteText(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	if rep.Failed > 0 {
		os.Exit(1)
	}
}
