package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/analytics"
	abolt "github.com/kefuai/kefu/analytics/boltstore"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/boltstore"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
	kbbolt "github.com/kefuai/kefu/kb/boltstore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// BotOptions configure NewBot. The zero value runs everything in memory.
type BotOptions struct {
	// DataDir, when set, keeps the knowledge base and the sessions in bbolt
	// files there (created on first start, filled with the demo entries),
	// and caches the trained intent model, so that edits and conversations
	// survive a restart.
	DataDir string
	// Logger receives the bot's errors; nothing is logged when nil.
	Logger *slog.Logger
	// Tickets receives the tickets the flows open; they are logged when
	// nil.
	Tickets kefu.TicketFunc
	// Options are added to the bot's.
	Options []kefu.Option
	// NoEvents turns the analytics pipeline off (metrics, transcripts).
	NoEvents bool
	// Transcripts, when set, stores the transcripts instead of the
	// default (bbolt in DataDir, memory without); with DataDir it is fed
	// through a write-ahead log there.
	Transcripts analytics.Store
	// Now is the clock of events and sessions; time.Now when nil.
	Now func() time.Time
	// MemorySessions and MemoryKnowledge keep sessions and the knowledge
	// base in memory even with DataDir (which then holds the model and
	// the transcripts).
	MemorySessions, MemoryKnowledge bool
}

// Bot is the demo bot with the parts it runs on.
type Bot struct {
	*kefu.Bot
	// Handler is the bot behind the middleware a deployment wants: a rate
	// limit per customer and a deadline per turn.
	Handler channel.Handler
	// Knowledge is the knowledge base; Sessions the session store.
	Knowledge *kb.Base
	Sessions  dialogue.Store
	// Model is the intent classifier.
	Model *intent.Model
	// ModelCached reports that the model was loaded from DataDir rather
	// than trained.
	ModelCached bool
	// Events fans the bot's events out to Metrics and Transcripts (nil
	// with NoEvents); Registry holds the metrics for /metrics.
	Events      *analytics.Dispatcher
	Metrics     *analytics.Metrics
	Transcripts analytics.Store
	Registry    *prometheus.Registry

	closers []func() error
}

// NewBot builds the demo shop's bot.
func NewBot(ctx context.Context, opts BotOptions) (*Bot, error) {
	lg := opts.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	b := &Bot{}
	ok := false
	defer func() {
		if !ok {
			b.Close()
		}
	}()
	if opts.DataDir != "" {
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
	}

	// The intent model trains (or loads) on one core while the knowledge
	// base opens and learns on the other.
	type trained struct {
		m      *intent.Model
		cached bool
		err    error
	}
	models := make(chan trained, 1)
	go func() {
		m, cached, err := model(ctx, opts.DataDir)
		models <- trained{m, cached, err}
	}()
	kerr := b.openKnowledge(ctx, opts, lg)
	t := <-models
	if kerr != nil {
		return nil, kerr
	}
	if t.err != nil {
		return nil, t.err
	}
	b.Model, b.ModelCached = t.m, t.cached

	// Sessions.
	if opts.DataDir != "" && !opts.MemorySessions {
		ss, err := boltstore.Open(filepath.Join(opts.DataDir, "sessions.db"), boltstore.Options{})
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		b.closers = append(b.closers, ss.Close)
		b.Sessions = ss
	} else {
		b.Sessions = dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	}

	if !opts.NoEvents {
		if err := b.openEvents(opts, lg); err != nil {
			return nil, err
		}
	}

	flows, err := Flows()
	if err != nil {
		return nil, err
	}
	engine, err := dialogue.NewEngine(flows, dialogue.Options{Funcs: Funcs()})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	tickets := opts.Tickets
	if tickets == nil {
		tickets = func(ctx context.Context, t kefu.Ticket) error {
			lg.Info("ticket opened", "queue", t.Queue, "session", t.SessionID, "summary", t.Summary)
			return nil
		}
	}
	bopts := append([]kefu.Option{
		kefu.WithIntents(b.Model), kefu.WithDialogue(engine), kefu.WithKnowledge(b.Knowledge),
		kefu.WithSessionStore(b.Sessions), kefu.WithBilingualIntentTitles(IntentTitles()),
		kefu.WithTickets(tickets), kefu.WithLogger(lg), kefu.WithRating("thanks", "goodbye"),
	}, opts.Options...)
	if b.Events != nil {
		bopts = append(bopts, kefu.WithEvents(b.Events))
	}
	if opts.Now != nil {
		bopts = append(bopts, kefu.WithClock(opts.Now))
	}
	if b.Bot, err = kefu.New(bopts...); err != nil {
		return nil, err
	}
	b.closers = append(b.closers, b.Bot.Close)
	b.Handler = channel.Chain(b.Bot,
		channel.RateLimit(channel.RateLimitOptions{Rate: 5, Burst: 20}),
		channel.Timeout(5*time.Second))
	ok = true
	return b, nil
}

// openKnowledge opens the knowledge base: a bbolt file seeded with the
// demo entries, or memory; it returns once the learner has trained.
func (b *Bot) openKnowledge(ctx context.Context, opts BotOptions, lg *slog.Logger) error {
	var st kb.Store = kb.NewMemoryStore()
	if opts.DataDir != "" && !opts.MemoryKnowledge {
		bs, err := kbbolt.Open(filepath.Join(opts.DataDir, "kb.db"), kbbolt.Options{})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		b.closers = append(b.closers, bs.Close)
		st = bs
	}
	if err := seed(ctx, st); err != nil {
		return err
	}
	kopts := kb.Options{
		Index:  kb.IndexOptions{Words: Words(), Synonyms: Synonyms()},
		Logger: lg,
	}
	if opts.DataDir != "" {
		// A restart on the same entries loads the learned model instead of
		// training it again.
		kopts.Learn.Cache = filepath.Join(opts.DataDir, "kb-learner.model")
	}
	var err error
	b.Knowledge, err = kb.Open(ctx, st, kopts)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	b.closers = append(b.closers, b.Knowledge.Close)
	// The first answers should already be the learned ones: training on
	// the demo's entries takes about a second, loading it from the cache a
	// few milliseconds.
	return b.Knowledge.WaitLearned(ctx)
}

// openEvents builds the analytics pipeline: Prometheus metrics, and the
// transcripts the reports are computed from (a bbolt file behind a
// write-ahead log with DataDir, memory without).
func (b *Bot) openEvents(opts BotOptions, lg *slog.Logger) error {
	dir := opts.DataDir
	d := analytics.NewDispatcher(analytics.DispatcherOptions{Logger: lg, Now: opts.Now})
	b.Events = d
	b.Metrics = analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
	b.Registry = prometheus.NewRegistry()
	b.Registry.MustRegister(b.Metrics, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := d.Add("metrics", b.Metrics, analytics.HookOptions{Text: analytics.TextNone}); err != nil {
		return err
	}
	switch {
	case dir == "":
		st := opts.Transcripts
		if st == nil {
			st = analytics.NewMemoryStore(analytics.StoreOptions{})
		}
		b.Transcripts = st
		if err := d.Add("transcripts", analytics.StoreHook(st), analytics.HookOptions{}); err != nil {
			return err
		}
	default:
		st := opts.Transcripts
		if st == nil {
			bs, err := abolt.Open(filepath.Join(dir, "events.db"), abolt.Options{})
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			b.closers = append(b.closers, bs.Close)
			st = bs
		}
		b.Transcripts = st
		if err := d.AddDurable("transcripts", analytics.StoreHook(st), analytics.DurableOptions{Dir: filepath.Join(dir, "wal")}); err != nil {
			return err
		}
	}
	// Closed before the stores: it drains into them.
	b.closers = append(b.closers, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return d.Close(ctx)
	})
	return nil
}

// Close releases the stores.
func (b *Bot) Close() error {
	var errs []error
	for i := len(b.closers) - 1; i >= 0; i-- {
		errs = append(errs, b.closers[i]())
	}
	b.closers = nil
	return errors.Join(errs...)
}

// model trains the intent classifier, or loads it from dir when it was
// trained on the same examples before.
func model(ctx context.Context, dir string) (*intent.Model, bool, error) {
	raw, err := fs.ReadFile(intentFS, "intents.tsv")
	if err != nil {
		return nil, false, err
	}
	sum := sha256.Sum256(raw)
	path := ""
	if dir != "" {
		path = filepath.Join(dir, "intents-"+hex.EncodeToString(sum[:6])+".model")
		if m, err := intent.LoadFile(path); err == nil {
			return m, true, nil
		}
	}
	ex, err := Intents()
	if err != nil {
		return nil, false, err
	}
	m, err := intent.Train(ctx, ex, intent.Options{Seed: 1, Rules: Rules(), Words: Words(), Synonyms: Synonyms(),
		OutOfScope: OutOfScope})
	if err != nil {
		return nil, false, fmt.Errorf("demo: training intents: %w", err)
	}
	if path != "" {
		if err := m.Save(path); err != nil {
			return nil, false, err
		}
	}
	return m, false, nil
}

// OutOfScope labels the demo's examples of questions the shop does not
// answer (weather, jokes, flights): they are not trained on, and tune the
// out-of-scope threshold.
const OutOfScope = "out_of_scope"

// seed fills an empty store with the demo entries.
func seed(ctx context.Context, st kb.Store) error {
	have, _, err := st.List(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(have) > 0 {
		return nil
	}
	es, err := Entries()
	if err != nil {
		return err
	}
	if _, err := st.Write(ctx, kb.Batch{Author: "demo", Note: "demo knowledge base", Put: es}); err != nil {
		return fmt.Errorf("demo: seeding the knowledge base: %w", err)
	}
	return nil
}

// LoadQuestions are customer messages for load tests: FAQ questions,
// flow openers and answers, small talk and questions the bot cannot
// answer, in both languages.
func LoadQuestions() []string {
	return []string{
		"运费怎么算呀", "包邮吗", "how much is shipping?", "我的快递到哪了", "DD2025061801",
		"我想退货", "退款多久到账", "可以开发票吗", "有优惠券吗", "你好", "谢谢", "会员有什么权益",
		"这件衣服有货吗", "尺码怎么选", "保修多久", "can I change my address?", "where is my order",
		"支持花呗吗", "量子力学是什么", "what's the weather like",
	}
}
