// Command quickstart runs kefu's demo bot: the bilingual (Chinese-first)
// customer-service assistant of a small online shop, with its FAQ
// knowledge base, returns and order-tracking conversations, web chat and
// JSON API.
//
//	go run ./examples/quickstart [-addr :8080] [-data ./kefu-data]
//
// It needs no server and downloads nothing: the knowledge base and the
// sessions live in bbolt files under -data (created and filled on first
// start, kept across restarts), and the intent model is trained at first
// start and cached there. It serves
//
//	/               the web chat (a page with the chat widget)
//	/widget.js      the widget, for any page: <script src="http://HOST/widget.js"></script>
//	/ws             the chat's WebSocket
//	/v1/messages    the JSON API: POST {"session_id","user_id","text"}
//	/healthz        200 when the bot can serve, 503 when a store is down
//	/demo/img/…     the answers' pictures; /demo/policy/… the shop's policy pages
//
// Try the demo orders DD2025061801 (shipped) and DD2025061502 (delivered).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/channel/webchat"
	"github.com/kefuai/kefu/internal/demo"
)

func main() {
	start := time.Now()
	addr := flag.String("addr", ":8080", "address to listen on")
	data := flag.String("data", "kefu-data", "directory for the knowledge base, sessions and model")
	verbose := flag.Bool("v", false, "log every error at debug level")
	flag.Parse()

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := run(ctx, start, *addr, *data, log); err != nil {
		log.Error("quickstart failed", "err", err)
		os.Exit(1)
	}
}

// app is the demo bot with everything it serves.
type app struct {
	bot     *demo.Bot
	chat    *webchat.Server
	handler http.Handler
}

func newApp(ctx context.Context, data string, log *slog.Logger) (*app, error) {
	bot, err := demo.NewBot(ctx, demo.BotOptions{DataDir: data, Logger: log})
	if err != nil {
		return nil, err
	}
	chat := webchat.New(bot.Handler, webchat.Options{
		Greeting: channel.Reply{Parts: []channel.Part{
			channel.Text(demo.Greeting()),
			channel.QuickReplies(
				channel.QuickReply{Title: "运费怎么收？"},
				channel.QuickReply{Title: "我的快递到哪了"},
				channel.QuickReply{Title: "我想退货"},
				channel.QuickReply{Title: "Do you ship abroad?"},
			),
		}},
		Logger: log,
	})
	mux := http.NewServeMux()
	mux.Handle(httpapi.Path, httpapi.New(bot.Handler, httpapi.Options{Logger: log}))
	mux.Handle("/healthz", bot.HealthHandler())
	mux.Handle("/demo/img/", http.StripPrefix("/demo/img/", http.FileServerFS(demo.Images())))
	mux.Handle("/demo/policy/", http.StripPrefix("/demo/policy/", http.FileServerFS(demo.Policies())))
	mux.Handle("/", chat)
	return &app{bot: bot, chat: chat, handler: mux}, nil
}

func (a *app) close(ctx context.Context) {
	a.chat.Shutdown(ctx)
	a.bot.Close()
}

func run(ctx context.Context, start time.Time, addr, data string, log *slog.Logger) error {
	a, err := newApp(ctx, data, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		a.bot.Close()
		return err
	}
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	model := "trained"
	if a.bot.ModelCached {
		model = "loaded from " + data
	}
	fmt.Printf("kefu demo bot ready in %.1f s (intent model %s, heap %d MB)\n", time.Since(start).Seconds(), model, ms.HeapAlloc>>20)
	fmt.Printf("  web chat:  %s/\n", browseURL(ln.Addr()))
	fmt.Printf("  JSON API:  curl -s %s/v1/messages -H 'Content-Type: application/json' -d '{\"text\":\"运费怎么算？\"}'\n", browseURL(ln.Addr()))
	fmt.Printf("  data:      %s (delete it to start afresh)\n", data)
	fmt.Println("Press Ctrl+C to stop.")

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	a.close(shutdown)
	return err
}

// browseURL turns a listening address into a URL a browser on this machine
// opens.
func browseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" || strings.HasPrefix(host, "[") {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
