package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/kefuai/kefu"
	"github.com/kefuai/kefu/analytics"
	abolt "github.com/kefuai/kefu/analytics/boltstore"
	"github.com/kefuai/kefu/channel"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/dialogue/boltstore"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
	kbbolt "github.com/kefuai/kefu/kb/boltstore"
)

// bot is a folder's bot with the stores it runs on: bbolt files in the
// data directory, or the shared servers of -redis and -postgres, so that
// several instances serve one bot.
type bot struct {
	*kefu.Bot
	// Handler is the bot behind the middleware a deployment wants: a rate
	// limit per customer and a deadline per turn.
	Handler     channel.Handler
	Knowledge   *kb.Base
	Sessions    dialogue.Store
	ModelCached bool // the intent model was loaded from the data directory
	Events      *analytics.Dispatcher
	Transcripts analytics.Store
	Registry    *prometheus.Registry
	// Servers are the shared servers of -redis and -postgres.
	Servers *servers

	closers []func() error
}

// newBot builds the bot of folder f. The intent model trains (or loads
// from the data directory) on one core while the knowledge base opens and
// learns on the other.
func newBot(ctx context.Context, f *kefu.Folder, cfg config, log *slog.Logger) (_ *bot, err error) {
	b := &bot{}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	if err := os.MkdirAll(cfg.data, 0o700); err != nil {
		return nil, err
	}
	if b.Servers, err = openServers(ctx, cfg); err != nil {
		return nil, err
	}
	b.closers = append(b.closers, b.Servers.Close)

	type trained struct {
		m      *intent.Model
		cached bool
		err    error
	}
	models := make(chan trained, 1)
	go func() {
		m, cached, err := model(ctx, f, cfg.data)
		models <- trained{m, cached, err}
	}()
	kerr := b.openKnowledge(ctx, f, cfg, log)
	t := <-models
	if err := errors.Join(kerr, t.err); err != nil {
		return nil, err
	}
	b.ModelCached = t.cached

	if err := b.openSessions(cfg); err != nil {
		return nil, err
	}
	if err := b.openEvents(ctx, cfg, log); err != nil {
		return nil, err
	}

	tickets := func(ctx context.Context, t kefu.Ticket) error {
		log.Info("ticket opened", "queue", t.Queue, "session", t.SessionID, "summary", t.Summary)
		return nil
	}
	opts := []kefu.Option{kefu.WithTickets(tickets), kefu.WithLogger(log), kefu.WithEvents(b.Events)}
	if cfg.now != nil {
		opts = append(opts, kefu.WithClock(cfg.now))
	}
	b.Bot, err = f.NewBot(ctx, kefu.FolderStores{Sessions: b.Sessions, Knowledge: b.Knowledge, Intents: t.m}, opts...)
	if err != nil {
		return nil, err
	}
	b.closers = append(b.closers, b.Bot.Close)
	b.Handler = channel.Chain(b.Bot,
		channel.RateLimit(channel.RateLimitOptions{Rate: 5, Burst: 20}),
		channel.Timeout(5*time.Second))
	return b, nil
}

// openKnowledge opens the knowledge base (PostgreSQL, or a bbolt file),
// seeds it with the folder's entries when it is empty, and returns once
// the learner has trained (or loaded its model from the data directory):
// the first answers are already the learned ones.
func (b *bot) openKnowledge(ctx context.Context, f *kefu.Folder, cfg config, log *slog.Logger) error {
	st, err := b.Servers.knowledge(ctx)
	if err != nil {
		return err
	}
	if st == nil {
		bs, err := kbbolt.Open(filepath.Join(cfg.data, "kb.db"), kbbolt.Options{})
		if err != nil {
			return err
		}
		b.closers = append(b.closers, bs.Close)
		st = bs
	}
	// Seeding is safe when several instances start at once on a shared
	// store: only one seed is written (see kefu.Folder.Seed).
	if _, err := f.Seed(ctx, st); err != nil {
		return err
	}
	// A restart on the same entries loads the learned model instead of
	// training it again.
	kopts := kb.Options{Index: f.IndexOptions(), Logger: log}
	kopts.Learn.Cache = filepath.Join(cfg.data, "kb-learner.model")
	b.Knowledge, err = kb.Open(ctx, st, kopts)
	if err != nil {
		return err
	}
	b.closers = append(b.closers, b.Knowledge.Close)
	return b.Knowledge.WaitLearned(ctx)
}

// openSessions keeps the sessions in Redis with -redis, else in a bbolt
// file.
func (b *bot) openSessions(cfg config) error {
	shared, err := b.Servers.sessions()
	if shared != nil || err != nil {
		b.Sessions = shared
		return err
	}
	ss, err := boltstore.Open(filepath.Join(cfg.data, "sessions.db"), boltstore.Options{})
	if err != nil {
		return err
	}
	b.closers = append(b.closers, ss.Close)
	b.Sessions = ss
	return nil
}

// openEvents builds the analytics pipeline: Prometheus metrics, and the
// transcripts the reports are computed from (PostgreSQL with -postgres,
// else a bbolt file), fed through a write-ahead log in the data
// directory so that no event is lost while the store is down.
func (b *bot) openEvents(ctx context.Context, cfg config, log *slog.Logger) error {
	d := analytics.NewDispatcher(analytics.DispatcherOptions{Logger: log, Now: cfg.now})
	b.Events = d
	metrics := analytics.NewMetrics(analytics.MetricsOptions{Dispatcher: d})
	b.Registry = prometheus.NewRegistry()
	b.Registry.MustRegister(metrics, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := d.Add("metrics", metrics, analytics.HookOptions{Text: analytics.TextNone}); err != nil {
		return err
	}
	ps, err := b.Servers.transcripts(ctx)
	switch {
	case err != nil:
		return err
	case cfg.transcripts != nil:
		b.Transcripts = cfg.transcripts
	case ps != nil:
		b.Transcripts = ps
	default:
		bs, err := abolt.Open(filepath.Join(cfg.data, "events.db"), abolt.Options{})
		if err != nil {
			return err
		}
		b.closers = append(b.closers, bs.Close)
		b.Transcripts = bs
	}
	if err := d.AddDurable("transcripts", analytics.StoreHook(b.Transcripts), analytics.DurableOptions{Dir: filepath.Join(cfg.data, "wal")}); err != nil {
		return err
	}
	// Closed before the stores: it drains into them.
	b.closers = append(b.closers, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return d.Close(ctx)
	})
	return nil
}

// Close releases the stores, the last opened first.
func (b *bot) Close() error {
	var errs []error
	for i := len(b.closers) - 1; i >= 0; i-- {
		errs = append(errs, b.closers[i]())
	}
	b.closers = nil
	return errors.Join(errs...)
}

// model trains the intent classifier, or loads it from dir when it was
// trained on the same examples and options before.
func model(ctx context.Context, f *kefu.Folder, dir string) (*intent.Model, bool, error) {
	o := f.IntentOptions()
	key, err := json.Marshal([]any{f.Examples, o.Rules, o.Words, o.Synonyms, o.OutOfScope, o.Seed})
	if err != nil {
		return nil, false, err
	}
	sum := sha256.Sum256(key)
	path := filepath.Join(dir, "intents-"+hex.EncodeToString(sum[:6])+".model")
	if m, err := intent.LoadFile(path); err == nil {
		return m, true, nil
	}
	m, err := f.Train(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := m.Save(path); err != nil {
		return nil, false, err
	}
	return m, false, nil
}
