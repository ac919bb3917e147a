// Command convtest runs conversation tests (see package channel/convtest)
// against a bot and reports each conversation, passed or failed:
//
//	go run ./examples/convtest                                      # the demo's own conversations
//	go run ./examples/convtest FILE.yaml...                         # the demo bot, in this process
//	go run ./examples/convtest -url http://localhost:8080/v1/messages FILE.yaml...
//
// Without files it runs the demo bot's conversation tests
// (examples/shop/conversations), including the two files of conversations
// the bot does not pass yet, known_issues.yaml and traditional.yaml. With
// -url it talks to a running bot's JSON API, which must allow explanations
// (httpapi.Options.Explain; the quickstart's -explain flag). It exits with
// status 1 when a conversation fails, 2 on bad usage or files.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/convtest"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/examples/shop"
)

func main() {
	url := flag.String("url", "", "a bot's JSON API (…/v1/messages) instead of the demo bot in this process")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: convtest [-url URL] [FILE.yaml...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	suites, err := load(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, *url, suites)
	stop()
	os.Exit(code)
}

// load reads the conversation files, or the demo's own conversations
// when there are none.
func load(files []string) ([]*convtest.Suite, error) {
	if len(files) == 0 {
		f, err := shop.Load(context.Background())
		if err != nil {
			return nil, err
		}
		return convtest.Load(f.Conversations, "*.yaml")
	}
	var suites []*convtest.Suite
	for _, name := range files {
		s, err := convtest.Load(os.DirFS(filepath.Dir(name)), filepath.Base(name))
		if err != nil {
			return nil, err
		}
		suites = append(suites, s...)
	}
	return suites, nil
}

// run runs the suites against the bot at url, or the demo bot, prints the
// report and returns the exit status.
func run(ctx context.Context, url string, suites []*convtest.Suite) int {
	var h channel.Handler
	if url != "" {
		h = httpapi.NewClient(url, nil)
	} else {
		b, err := demoBot(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer b.Close()
		h = b
	}
	rep := convtest.Run(ctx, h, convtest.Options{}, suites...)
	if err := rep.WriteText(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	if rep.Failed > 0 {
		return 1
	}
	return 0
}

// demoBot is the demo bot in memory.
func demoBot(ctx context.Context) (*kefu.Bot, error) {
	f, err := shop.Load(ctx)
	if err != nil {
		return nil, err
	}
	return f.NewBot(ctx, kefu.FolderStores{}, kefu.WithTickets(func(context.Context, kefu.Ticket) error { return nil }))
}
