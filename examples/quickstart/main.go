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
//	/metrics        Prometheus metrics (kefu_*)
//	/v1/ratings     POST {"session_id","user_id","rating":1-5,"comment"}
//	/admin/…        the admin API (see kefu.Admin), with -admin-token
//	/demo/img/…     the answers' pictures; /demo/policy/… the shop's policy pages
//
// With -admin-token (or KEFU_ADMIN_TOKEN) the admin API is on, for a token
// with every scope; its actions go to the audit log data/audit.jsonl. With
// -tls-cert and -tls-key it serves HTTPS, as an admin API must in
// production. With -handoff-url, conversations handed to a person are
// POSTed there (signed with -handoff-secret, personal data redacted).
// Transcripts older than -retention are purged.
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
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/adminauth"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/channel/webchat"
	"github.com/kefuai/kefu/channel/webhook"
	"github.com/kefuai/kefu/internal/demo"
	"github.com/kefuai/kefu/internal/redact"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// config is what the flags set beyond the address.
type config struct {
	data                      string
	adminToken                string
	tlsCert, tlsKey           string
	handoffURL, handoffSecret string
	retention                 time.Duration
	explain                   bool
}

func main() {
	start := time.Now()
	var cfg config
	addr := flag.String("addr", ":8080", "address to listen on")
	data := flag.String("data", "kefu-data", "directory for the knowledge base, sessions and model")
	verbose := flag.Bool("v", false, "log every error at debug level")
	flag.StringVar(&cfg.adminToken, "admin-token", os.Getenv("KEFU_ADMIN_TOKEN"), "bearer token of the admin API (off when empty)")
	flag.StringVar(&cfg.tlsCert, "tls-cert", "", "TLS certificate file (PEM)")
	flag.StringVar(&cfg.tlsKey, "tls-key", "", "TLS key file (PEM)")
	flag.StringVar(&cfg.handoffURL, "handoff-url", "", "URL that receives hand-off tickets")
	flag.StringVar(&cfg.handoffSecret, "handoff-secret", os.Getenv("KEFU_HANDOFF_SECRET"), "HMAC secret signing hand-off tickets")
	flag.DurationVar(&cfg.retention, "retention", 180*24*time.Hour, "how long transcripts are kept")
	flag.BoolVar(&cfg.explain, "explain", false, "let API requests ask for explanations of replies (for conversation tests; not for customers)")
	flag.Parse()

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg.data = *data
	if err := run(ctx, start, *addr, cfg, log); err != nil {
		log.Error("quickstart failed", "err", err)
		os.Exit(1)
	}
}

// app is the demo bot with everything it serves.
type app struct {
	bot     *demo.Bot
	chat    *webchat.Server
	handler http.Handler
	sender  *webhook.Sender
	audit   *audit.FileLog
}

func newApp(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	bot, err := demo.NewBot(ctx, demo.BotOptions{DataDir: cfg.data, Logger: log})
	if err != nil {
		return nil, err
	}
	a := &app{bot: bot}
	handler := bot.Handler
	if cfg.handoffURL != "" {
		red, err := redact.New(redact.Options{})
		if err != nil {
			bot.Close()
			return nil, err
		}
		a.sender, err = webhook.New(webhook.Options{URL: cfg.handoffURL, Secret: []byte(cfg.handoffSecret), Redact: red.Redact, Logger: log})
		if err != nil {
			bot.Close()
			return nil, err
		}
		handler = channel.Chain(handler, webhook.Handoff(a.sender, webhook.NewRecorder(webhook.RecorderOptions{})))
	}
	greetings := demo.Greetings()
	chat := webchat.New(handler, webchat.Options{
		Greeting:  greetings["zh"], // for languages other than Chinese and English
		Greetings: greetings,
		Logger:    log,
	})
	mux := http.NewServeMux()
	mux.Handle(httpapi.Path, httpapi.New(handler, httpapi.Options{Logger: log, Explain: cfg.explain}))
	mux.Handle("/healthz", bot.HealthHandler())
	mux.Handle("/metrics", promhttp.HandlerFor(bot.Registry, promhttp.HandlerOpts{}))
	mux.Handle("/v1/ratings", analytics.RatingHandler(bot.Events, analytics.RatingOptions{}))
	if cfg.adminToken != "" {
		if err := a.openAdmin(cfg, mux, log); err != nil {
			bot.Close()
			return nil, err
		}
	}
	mux.Handle("/demo/img/", http.StripPrefix("/demo/img/", http.FileServerFS(demo.Images())))
	mux.Handle("/demo/policy/", http.StripPrefix("/demo/policy/", http.FileServerFS(demo.Policies())))
	mux.Handle("/", chat)
	a.chat, a.handler = chat, mux
	return a, nil
}

// openAdmin mounts the admin API for one token with every scope.
func (a *app) openAdmin(cfg config, mux *http.ServeMux, log *slog.Logger) error {
	auth, err := adminauth.New([]adminauth.Token{{Name: "admin", Secret: cfg.adminToken, Scopes: []string{adminauth.ScopeAll}}}, adminauth.Options{})
	if err != nil {
		return err
	}
	auditPath := filepath.Join(cfg.data, "audit.jsonl")
	al, err := audit.OpenFile(auditPath, audit.FileOptions{})
	if err != nil {
		return err
	}
	a.audit = al
	admin, err := kefu.NewAdmin(kefu.AdminOptions{
		Auth: auth, Audit: al, Knowledge: a.bot.Knowledge, Transcripts: a.bot.Transcripts,
		Sessions: a.bot.Sessions, Events: a.bot.Events, Bot: a.bot.Bot, Logger: log,
	})
	if err != nil {
		return err
	}
	mux.Handle("/admin/", admin.Handler())
	return nil
}

func (a *app) close(ctx context.Context) {
	a.chat.Shutdown(ctx)
	if a.sender != nil {
		a.sender.Close(ctx)
	}
	a.bot.Close()
	if a.audit != nil {
		a.audit.Close()
	}
}

func run(ctx context.Context, start time.Time, addr string, cfg config, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return serve(ctx, start, ln, cfg, log)
}

// serve runs the demo on ln until ctx ends.
func serve(ctx context.Context, start time.Time, ln net.Listener, cfg config, log *slog.Logger) error {
	data := cfg.data
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	scheme := "http"
	if cfg.tlsCert != "" || cfg.tlsKey != "" {
		scheme = "https"
		go func() { errc <- srv.ServeTLS(ln, cfg.tlsCert, cfg.tlsKey) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	go analytics.RunRetention(ctx, analytics.RetentionOptions{Keep: cfg.retention, Logger: log}, a.bot.Transcripts)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	model := "trained"
	if a.bot.ModelCached {
		model = "loaded from " + data
	}
	fmt.Printf("kefu demo bot ready in %.1f s (intent model %s, heap %d MB)\n", time.Since(start).Seconds(), model, ms.HeapAlloc>>20)
	base := browseURL(scheme, ln.Addr())
	fmt.Printf("  web chat:  %s/\n", base)
	fmt.Printf("  JSON API:  curl -s %s/v1/messages -H 'Content-Type: application/json' -d '{\"text\":\"运费怎么算？\"}'\n", base)
	fmt.Printf("  metrics:   %s/metrics\n", base)
	if cfg.adminToken != "" {
		fmt.Printf("  admin API: %s/admin/ (bearer token from -admin-token)\n", base)
	}
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
	if err := srv.Shutdown(shutdown); err != nil {
		// Clients that keep connections open (HTTP/2 over TLS) do not stop
		// the exit: after the grace period, close them.
		log.Warn("closing the connections still open", "err", err)
		srv.Close()
	}
	a.close(shutdown)
	return nil
}

// browseURL turns a listening address into a URL a browser on this machine
// opens.
func browseURL(scheme string, a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return scheme + "://" + a.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" || strings.HasPrefix(host, "[") {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}
