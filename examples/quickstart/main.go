// Command quickstart runs a kefu bot: by default the demo, the bilingual
// (Chinese-first) customer-service assistant of a small online shop
// (examples/shop), or the bot defined by a folder of files, with its FAQ
// knowledge base, its conversations, web chat and JSON API.
//
//	go run ./examples/quickstart [-addr :8080] [-data ./kefu-data]
//	go run ./examples/quickstart -bot ./mybot          # a folder bot (docs/folder-bot.md)
//	go run ./examples/quickstart -bot ./mybot -check   # check the folder and exit
//
// It needs no server and downloads nothing: the knowledge base and the
// sessions live in bbolt files under -data (the knowledge base is filled
// from the folder on first start and kept across restarts: edit it through
// the admin API then), and the intent model is trained at first start and
// cached there. With -redis URL the sessions, and with -postgres URL the
// knowledge base, the transcripts and the audit log live on those shared
// servers instead, so that several instances serve one bot; each instance
// keeps its model cache and its write-ahead log of transcripts in its own
// -data. Those two flags need the Redis and PostgreSQL clients, which
// add about 17 MB to the program: build it with -tags kefu_servers
//
//	go run -tags kefu_servers ./examples/quickstart -bot ./mybot -redis redis://… -postgres postgres://…
//
// It serves
//
//	/               the web chat (a page with the chat widget)
//	/widget.js      the widget, for any page: <script src="http://HOST/widget.js"></script>
//	/ws             the chat's WebSocket
//	/v1/messages    the JSON API: POST {"session_id","user_id","text"}
//	/healthz        200 when the bot can serve, 503 when a store is down
//	/metrics        Prometheus metrics (kefu_*)
//	/v1/ratings     POST {"session_id","user_id","rating":1-5,"comment"}
//	/admin/…        the admin API (see kefu.Admin), with -admin-token
//	…               the folder's files under the URLs of bot.yaml's static
//	                (the demo: /demo/img/… pictures, /demo/policy/… policy pages)
//
// With -admin-token (or KEFU_ADMIN_TOKEN) the admin API is on, for a token
// with every scope; its actions go to the audit log data/audit.jsonl (or
// PostgreSQL). With -tls-cert and -tls-key it serves HTTPS, as an admin
// API must in production. With -handoff-url, conversations handed to a
// person are POSTed there (signed with -handoff-secret, personal data
// redacted). Transcripts older than -retention are purged.
//
// The demo's order-status flow calls the Go function order_status (a fake
// order book, examples/shop); every folder run here may call it too. A
// folder bot calls its own systems through the HTTP actions of its
// bot.yaml. Try the demo orders DD2025061801 (shipped) and DD2025061502
// (delivered).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
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

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/adminauth"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/channel/httpapi"
	"github.com/kefuai/kefu/channel/webchat"
	"github.com/kefuai/kefu/channel/webhook"
	"github.com/kefuai/kefu/examples/shop"
	"github.com/kefuai/kefu/internal/redact"
)

// config is what the flags set beyond the address.
type config struct {
	bot                       string // the bot folder; the demo when empty
	data                      string
	redis, postgres           string
	adminToken                string
	tlsCert, tlsKey           string
	handoffURL, handoffSecret string
	retention                 time.Duration
	explain                   bool
	maxConns                  int
	addrRate                  float64

	// For tests: the transcripts' store instead of the default, and the
	// clock.
	transcripts analytics.Store
	now         func() time.Time
}

func main() {
	start := time.Now()
	var cfg config
	addr := flag.String("addr", ":8080", "address to listen on")
	flag.StringVar(&cfg.bot, "bot", "", "folder of the bot to serve (docs/folder-bot.md); the demo shop when empty")
	check := flag.Bool("check", false, "check the bot folder, print a summary and exit (status 1 when it has problems)")
	flag.StringVar(&cfg.data, "data", "kefu-data", "directory for the knowledge base, sessions and model")
	flag.StringVar(&cfg.redis, "redis", "", "Redis URL (redis://host:6379/0) for the sessions, shared by several instances")
	flag.StringVar(&cfg.postgres, "postgres", "", "PostgreSQL URL for the knowledge base, transcripts and audit log, shared by several instances")
	verbose := flag.Bool("v", false, "log every error at debug level")
	flag.IntVar(&cfg.maxConns, "max-conns", 4000, "connections served at once; more are refused")
	flag.Float64Var(&cfg.addrRate, "address-rate", 20, "messages and chat connections a second from one client address, whatever sessions it claims (0: no limit)")
	flag.StringVar(&cfg.adminToken, "admin-token", os.Getenv("KEFU_ADMIN_TOKEN"), "bearer token of the admin API (off when empty)")
	flag.StringVar(&cfg.tlsCert, "tls-cert", "", "TLS certificate file (PEM)")
	flag.StringVar(&cfg.tlsKey, "tls-key", "", "TLS key file (PEM)")
	flag.StringVar(&cfg.handoffURL, "handoff-url", "", "URL that receives hand-off tickets")
	flag.StringVar(&cfg.handoffSecret, "handoff-secret", os.Getenv("KEFU_HANDOFF_SECRET"), "HMAC secret signing hand-off tickets")
	flag.DurationVar(&cfg.retention, "retention", 180*24*time.Hour, "how long transcripts are kept")
	flag.BoolVar(&cfg.explain, "explain", false, "let API requests ask for explanations of replies (for conversation tests; not for customers)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *check {
		os.Exit(checkFolder(ctx, cfg.bot, os.Stdout, os.Stderr))
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if err := run(ctx, start, *addr, cfg, log); err != nil {
		var fe *kefu.FolderError
		if errors.As(err, &fe) {
			printProblems(os.Stderr, fe)
		} else {
			log.Error("quickstart failed", "err", err)
		}
		os.Exit(1)
	}
}

// loadFolder reads the bot folder dir, or the demo's when dir is empty.
// The demo's Go function order_status is offered to every folder.
func loadFolder(ctx context.Context, dir string) (*kefu.Folder, error) {
	if dir == "" {
		return shop.Load(ctx)
	}
	return kefu.LoadFolder(ctx, os.DirFS(dir), kefu.FolderOptions{Funcs: shop.Funcs()})
}

// checkFolder checks the bot folder dir: it prints a one-line summary to
// stdout and returns 0, or prints the problems to stderr, one a line as
// file:line: message, and returns 1.
func checkFolder(ctx context.Context, dir string, stdout, stderr io.Writer) int {
	f, err := loadFolder(ctx, dir)
	if err != nil {
		var fe *kefu.FolderError
		if errors.As(err, &fe) {
			printProblems(stderr, fe)
		} else {
			fmt.Fprintln(stderr, err)
		}
		return 1
	}
	intents := map[string]bool{}
	for _, e := range f.Examples {
		if e.Intent != f.OutOfScope {
			intents[e.Intent] = true
		}
	}
	called := map[string]bool{} // the functions and HTTP actions the flows call
	for _, fl := range f.Flows {
		for _, st := range fl.States {
			for _, d := range st.Do {
				if d.Call != "" {
					called[d.Call] = true
				}
			}
		}
	}
	convs := 0
	if f.Conversations != nil {
		m, _ := fs.Glob(f.Conversations, "*.yaml")
		convs = len(m)
	}
	if dir == "" {
		dir = "(demo)"
	}
	fmt.Fprintf(stdout, "%s: %s is ready: %d intents (%d examples), %d FAQ entries, %d flows calling %d functions, %d conversation files\n",
		dir, f.Name, len(intents), len(f.Examples), len(f.Entries), len(f.Flows), len(called), convs)
	return 0
}

func printProblems(w io.Writer, fe *kefu.FolderError) {
	for _, p := range fe.Problems {
		fmt.Fprintln(w, p)
	}
}

// app is the bot with everything it serves.
type app struct {
	folder  *kefu.Folder
	bot     *bot
	chat    *webchat.Server
	handler http.Handler
	sender  *webhook.Sender
	audit   io.Closer
}

// reserved are the paths the app serves itself: a folder's static files
// go elsewhere.
var reserved = []string{"/v1/", "/admin/", "/healthz", "/metrics", "/ws", "/widget.js"}

func newApp(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	f, err := loadFolder(ctx, cfg.bot)
	if err != nil {
		return nil, err
	}
	b, err := newBot(ctx, f, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &app{folder: f, bot: b}
	fail := func(err error) (*app, error) {
		a.close(context.Background())
		return nil, err
	}
	handler := b.Handler
	if cfg.handoffURL != "" {
		red, err := redact.New(redact.Options{})
		if err != nil {
			return fail(err)
		}
		a.sender, err = webhook.New(webhook.Options{URL: cfg.handoffURL, Secret: []byte(cfg.handoffSecret), Redact: red.Redact, Logger: log})
		if err != nil {
			return fail(err)
		}
		handler = channel.Chain(handler, webhook.Handoff(a.sender, webhook.NewRecorder(webhook.RecorderOptions{})))
	}
	var clients channel.ClientLimits
	if cfg.addrRate > 0 {
		clients.PerAddress = channel.NewLimiter(channel.LimiterOptions{Rate: cfg.addrRate, Burst: int(2 * cfg.addrRate)})
	}
	chat := webchat.New(handler, webchat.Options{
		Clients:   clients,
		Greeting:  f.Greetings["zh"], // for languages other than Chinese and English
		Greetings: f.Greetings,
		Logger:    log,
	})
	a.chat = chat
	mux := http.NewServeMux()
	mux.Handle(httpapi.Path, httpapi.New(handler, httpapi.Options{Logger: log, Explain: cfg.explain, Clients: clients}))
	mux.Handle("/healthz", b.HealthHandler())
	mux.Handle("/metrics", promhttp.HandlerFor(b.Registry, promhttp.HandlerOpts{}))
	mux.Handle("/v1/ratings", analytics.RatingHandler(b.Events, analytics.RatingOptions{}))
	if cfg.adminToken != "" {
		if err := a.openAdmin(ctx, cfg, mux, log); err != nil {
			return fail(err)
		}
	}
	for prefix, files := range f.Static {
		for _, r := range reserved {
			if strings.HasPrefix(prefix, r) || strings.HasPrefix(r, prefix) {
				return fail(fmt.Errorf("bot.yaml: static: %s overlaps %s, which the server serves", prefix, r))
			}
		}
		mux.Handle(prefix, http.StripPrefix(prefix, http.FileServerFS(files)))
	}
	mux.Handle("/", chat)
	a.handler = mux
	return a, nil
}

// openAdmin mounts the admin API for one token with every scope; its
// actions go to the audit log, in PostgreSQL with -postgres.
func (a *app) openAdmin(ctx context.Context, cfg config, mux *http.ServeMux, log *slog.Logger) error {
	auth, err := adminauth.New([]adminauth.Token{{Name: "admin", Secret: cfg.adminToken, Scopes: []string{adminauth.ScopeAll}}}, adminauth.Options{})
	if err != nil {
		return err
	}
	al, err := a.bot.Servers.audit(ctx)
	if err != nil {
		return err
	}
	if al == nil {
		fl, err := audit.OpenFile(filepath.Join(cfg.data, "audit.jsonl"), audit.FileOptions{})
		if err != nil {
			return err
		}
		a.audit, al = fl, fl
	}
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
	if a.chat != nil {
		a.chat.Shutdown(ctx)
	}
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

// serve runs the bot on ln until ctx ends.
func serve(ctx context.Context, start time.Time, ln net.Listener, cfg config, log *slog.Logger) error {
	data := cfg.data
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	// Limits against slow and idle clients: headers within 5 s and 16 KiB,
	// idle keep-alive connections closed after 2 minutes, and at most
	// maxConns connections at once (the JSON API bounds the time a body
	// may take, the web chat its connections).
	srv := &http.Server{Handler: a.handler, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	if cfg.maxConns > 0 {
		ln = channel.LimitListener(ln, cfg.maxConns)
	}
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
	fmt.Printf("kefu bot %s ready in %.1f s (intent model %s, heap %d MB)\n", a.folder.Name, time.Since(start).Seconds(), model, ms.HeapAlloc>>20)
	base := browseURL(scheme, ln.Addr())
	fmt.Printf("  web chat:  %s/\n", base)
	fmt.Printf("  JSON API:  curl -s %s/v1/messages -H 'Content-Type: application/json' -d '{\"text\":\"你好\"}'\n", base)
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
