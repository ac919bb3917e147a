package kb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kefuai/kefu/internal/backoff"
)

// Options configures a [Base]. The zero value is ready to use.
type Options struct {
	// Index configures the search index.
	Index IndexOptions
	// Logger receives errors met while following the store; nil discards
	// them.
	Logger *slog.Logger
	// PollInterval is how often a store that is not a [Waiter] is asked
	// for new revisions; 0 means one second.
	PollInterval time.Duration
	// NoLearn turns off the [Learner] that a Base otherwise trains on its
	// entries and uses to rerank lexical candidates (when Index.Reranker is
	// not set).
	NoLearn bool
	// Learn configures the Learner; its Words and Synonyms default to the
	// index's.
	Learn LearnOptions
	// RelearnDelay is how long the Base waits after the last change before
	// retraining the Learner; 0 means two seconds.
	RelearnDelay time.Duration
}

// Base is a knowledge base: a [Store] and an [Index] of its entries kept
// up to date. Writes made through the Base are searchable when Write
// returns; writes made elsewhere (another bot instance sharing a
// PostgreSQL store) are picked up by a background follower as soon as the
// store reports them.
//
// If the store becomes unreachable, searches keep answering from the index
// as it was, writes fail, and the follower retries until the store is back,
// then catches up on every revision it missed.
//
// A Base is safe for concurrent use. Close stops the follower; it does not
// close the store.
type Base struct {
	st   Store
	ix   *Index
	log  *slog.Logger
	poll time.Duration

	mu     sync.Mutex // guards seq and serializes catch-ups
	seq    int64
	cancel context.CancelFunc
	done   chan struct{}

	ln      *Learner
	relearn time.Duration
	learnt  chan struct{} // closed after the first training attempt
	lnDone  chan struct{}
}

// Open loads every entry of st into a new index and starts following st's
// revisions. It returns once the index is built.
func Open(ctx context.Context, st Store, opts Options) (*Base, error) {
	ixOpts := opts.Index
	var ln *Learner
	if !opts.NoLearn && ixOpts.Reranker == nil {
		lo := opts.Learn
		if lo.Words == nil && lo.Synonyms == nil {
			lo.Words, lo.Synonyms = ixOpts.Words, ixOpts.Synonyms
		}
		var err error
		if ln, err = NewLearner(lo); err != nil {
			return nil, err
		}
		ixOpts.Reranker = ln
	}
	ix, err := NewIndex(ixOpts)
	if err != nil {
		return nil, err
	}
	entries, seq, err := st.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("kb: loading entries: %w", err)
	}
	for len(entries) > 0 {
		n := min(len(entries), 1000)
		ix.Put(entries[:n]...)
		entries = entries[n:]
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	fctx, cancel := context.WithCancel(context.Background())
	b := &Base{
		st: st, ix: ix, log: lg, seq: seq,
		poll:    positive(opts.PollInterval, time.Second),
		cancel:  cancel,
		done:    make(chan struct{}),
		ln:      ln,
		relearn: positive(opts.RelearnDelay, 2*time.Second),
		learnt:  make(chan struct{}),
		lnDone:  make(chan struct{}),
	}
	go b.follow(fctx)
	if ln != nil {
		go b.learnLoop(fctx)
	} else {
		close(b.learnt)
		close(b.lnDone)
	}
	return b, nil
}

// Learner returns the Learner the Base trains, or nil when learning is
// off.
func (b *Base) Learner() *Learner { return b.ln }

// WaitLearned waits until the Learner has been trained on the entries the
// Base started with (or learning is off). Searches do not need to wait:
// until then they use the lexical ranking.
func (b *Base) WaitLearned(ctx context.Context) error {
	select {
	case <-b.learnt:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// learnLoop trains the Learner in the background: once at start, then
// after every burst of changes, when RelearnDelay has passed without one.
func (b *Base) learnLoop(ctx context.Context) {
	defer close(b.lnDone)
	train := func() {
		gen := b.ix.generation()
		err := b.ln.trainGen(ctx, b.ix.Entries(), gen)
		switch {
		case err == nil || ctx.Err() != nil:
		case errors.Is(err, errLearnCache):
			b.log.Warn("kb: the learner is trained but its cache could not be written", "err", err)
		default:
			b.log.Warn("kb: training the learner failed; searches rank lexically", "err", err)
		}
	}
	train()
	close(b.learnt)
	tick := time.NewTicker(max(min(b.relearn/4, 500*time.Millisecond), time.Millisecond))
	defer tick.Stop()
	lastGen, lastChange := b.ix.generation(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			gen := b.ix.generation()
			if gen != lastGen {
				lastGen, lastChange = gen, now
				continue
			}
			if trained, ok := b.ln.generation(); (!ok || trained != gen) && now.Sub(lastChange) >= b.relearn {
				train()
				lastGen = b.ix.generation()
			}
		}
	}
}

// Health reports whether the store answers, when it can tell
// (kb/pgstore's Store has a Health method); nil otherwise: searches run on
// the index in memory whatever the store's state.
func (b *Base) Health(ctx context.Context) error {
	if h, ok := b.st.(interface{ Health(context.Context) error }); ok {
		return h.Health(ctx)
	}
	return nil
}

// Index returns the search index.
func (b *Base) Index() *Index { return b.ix }

// Store returns the store.
func (b *Base) Store() Store { return b.st }

// Search searches the index; see [Index.Search]. It never waits for the
// store.
func (b *Base) Search(ctx context.Context, query string, opts SearchOptions) ([]Hit, error) {
	return b.ix.Search(ctx, query, opts)
}

// Get reads an entry from the store.
func (b *Base) Get(ctx context.Context, id string) (Entry, error) {
	return b.st.Get(ctx, id)
}

// Write writes a batch to the store and applies it to the index before
// returning. See [Store.Write] for versions and conflicts.
func (b *Base) Write(ctx context.Context, batch Batch) ([]Revision, error) {
	revs, err := b.st.Write(ctx, batch)
	if err != nil {
		return nil, err
	}
	b.ix.applyRevs(revs...)
	return revs, nil
}

// Sync applies every revision the store holds that the index has not seen
// yet, and returns the first error met.
func (b *Base) Sync(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		revs, err := b.st.Revisions(ctx, RevQuery{After: b.seq, Limit: 1000})
		if err != nil {
			return err
		}
		if len(revs) == 0 {
			return nil
		}
		b.ix.applyRevs(revs...)
		b.seq = revs[len(revs)-1].Seq
	}
}

// Close stops following the store. It does not close the store.
func (b *Base) Close() error {
	b.cancel()
	<-b.done
	<-b.lnDone
	return nil
}

func (b *Base) follow(ctx context.Context) {
	defer close(b.done)
	w, _ := b.st.(Waiter)
	bo := backoff.Backoff{Max: 2 * time.Second}
	failing := false
	for ctx.Err() == nil {
		b.mu.Lock()
		seq := b.seq
		b.mu.Unlock()
		var err error
		if w != nil {
			err = w.Wait(ctx, seq)
		} else {
			err = backoff.Sleep(ctx, b.poll)
		}
		if err == nil {
			err = b.Sync(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !failing {
				b.log.Warn("kb: following the store failed; searches use the index as it is", "err", err)
			}
			failing = true
			if backoff.Sleep(ctx, bo.Next()) != nil {
				return
			}
			continue
		}
		if failing {
			b.log.Info("kb: following the store again")
		}
		failing = false
		bo.Reset()
	}
}

// positive returns d, or def when d is not positive; at least a
// millisecond either way.
func positive(d, def time.Duration) time.Duration {
	if d <= 0 {
		d = def
	}
	return max(d, time.Millisecond)
}
