package analytics

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kefuai/kefu/analytics/internal/wal"
	"github.com/kefuai/kefu/internal/backoff"
)

// DurableOptions configure a durable hook: its events go through a
// write-ahead log on disk, so none is lost while the hook fails or the
// process restarts.
type DurableOptions struct {
	// Dir holds the hook's write-ahead log; it is created if needed and
	// must belong to this hook alone. Required.
	Dir string
	// Text is what the log and the hook keep of events' text;
	// TextRedacted by default. The log is storage: redaction happens
	// before anything is written to it.
	Text TextPolicy
	// MaxBytes bounds the log on disk; 1 GiB when zero. Beyond it events
	// are dropped and counted, as for other hooks.
	MaxBytes int64
	// SegmentBytes is the size of the log's files; 16 MiB when zero.
	SegmentBytes int64
	// SyncInterval is how often the log is flushed to stable storage;
	// 1 s when zero. A power failure loses at most this much; a crash of
	// the process alone loses nothing.
	SyncInterval time.Duration
	// RetryMin and RetryMax bound the pause between attempts to deliver a
	// batch the hook failed on: it doubles from RetryMin (100 ms) up to
	// RetryMax (30 s). Delivery is retried until it succeeds or the
	// Dispatcher is closed; the batch stays in the log meanwhile.
	RetryMin, RetryMax time.Duration
	// Linger is how long delivery waits, after a batch smaller than the
	// batch size, for more events to gather: under load, fewer and larger
	// writes to the hook (a store commits once per batch). 5 ms when
	// zero, none when negative.
	Linger time.Duration
}

// AddDurable registers a hook whose events pass through a write-ahead log
// in opts.Dir (see DurableOptions). Events left in the log by an earlier
// process are delivered first.
func (d *Dispatcher) AddDurable(name string, h Hook, opts DurableOptions) error {
	if h == nil || name == "" || opts.Dir == "" {
		return errors.New("analytics: AddDurable needs a name, a hook and a directory")
	}
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = time.Second
	}
	if opts.Linger == 0 {
		opts.Linger = 5 * time.Millisecond
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = 100 * time.Millisecond
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = max(30*time.Second, opts.RetryMin)
	}
	l, err := wal.Open(opts.Dir, wal.Options{SegmentBytes: opts.SegmentBytes, MaxBytes: opts.MaxBytes})
	if err != nil {
		return fmt.Errorf("analytics: durable hook %s: %w", name, err)
	}
	r := &hookRunner{name: name, hook: h, text: opts.Text, wal: l, dur: opts, stop: make(chan struct{})}
	if err := d.register(r); err != nil {
		l.Close()
		return err
	}
	d.wg.Add(1)
	go d.runDurable(r)
	return nil
}

func (d *Dispatcher) appendDurable(r *hookRunner, events []Event) {
	if len(events) == 0 {
		return
	}
	recs := make([][]byte, 0, len(events))
	var err error
	for _, e := range events {
		var b []byte
		if b, err = json.Marshal(r.text.Apply(e, d.redact)); err != nil {
			break
		}
		recs = append(recs, b)
	}
	if err == nil {
		err = r.wal.AppendBatch(recs)
	}
	if err != nil {
		r.dropped.Add(uint64(len(events)))
		if !errors.Is(err, wal.ErrFull) {
			d.log.Warn("analytics: durable hook log", "hook", r.name, "err", err)
		}
	}
}

func (d *Dispatcher) runDurable(r *hookRunner) {
	defer d.wg.Done()
	defer r.wal.Close()
	sync := time.NewTicker(r.dur.SyncInterval)
	defer sync.Stop()
	stopping := false
	bo := backoff.Backoff{Min: r.dur.RetryMin, Max: r.dur.RetryMax}
	// pause waits for d, syncing meanwhile; it reports false when the
	// dispatcher gives up.
	pause := func(dur time.Duration) bool {
		t := time.NewTimer(dur)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				return true
			case <-sync.C:
				r.wal.Sync()
			case <-d.ctx.Done():
				return false
			}
		}
	}
	for {
		recs, next, err := r.wal.Next(d.opts.BatchSize)
		if err != nil {
			d.log.Error("analytics: durable hook log", "hook", r.name, "err", err)
			r.fail(d.now(), err)
			if !pause(bo.Next()) {
				return
			}
			continue
		}
		if len(recs) == 0 {
			if stopping {
				return
			}
			select {
			case <-r.wal.Notify():
			case <-sync.C:
				r.wal.Sync()
			case <-r.stop:
				stopping = true
			case <-d.ctx.Done():
				return
			}
			continue
		}
		batch := make([]Event, 0, len(recs))
		for _, p := range recs {
			var e Event
			if err := json.Unmarshal(p, &e); err != nil {
				r.failed.Add(1)
				d.log.Error("analytics: undecodable record skipped", "hook", r.name, "err", err)
				continue
			}
			batch = append(batch, e)
		}
		for len(batch) > 0 {
			n, err := d.call(r, batch, true)
			d.account(r, len(batch), n, err)
			if err == nil {
				bo.Reset()
				break
			}
			if _, ok := r.hook.(BatchHook); !ok || len(batch) == 1 {
				batch = batch[n:] // the first n were taken
			}
			if !pause(bo.Next()) {
				return // undelivered events stay in the log
			}
		}
		if err := r.wal.Commit(next); err != nil {
			d.log.Error("analytics: durable hook log", "hook", r.name, "err", err)
		}
		if len(recs) < d.opts.BatchSize && r.dur.Linger > 0 && !stopping {
			t := time.NewTimer(r.dur.Linger)
			select {
			case <-t.C:
			case <-r.stop:
				stopping = true
			case <-d.ctx.Done():
				t.Stop()
				return
			}
			t.Stop()
		}
	}
}
