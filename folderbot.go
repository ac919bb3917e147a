package kefu

import (
	"context"
	"errors"
	"fmt"

	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// FolderStores are what Folder.NewBot builds a bot on. The zero value
// keeps everything in memory and trains the classifier.
type FolderStores struct {
	// Sessions keeps the sessions (dialogue/redisstore for several
	// instances); a dialogue.MemoryStore when nil.
	Sessions dialogue.Store
	// Knowledge answers questions: a *kb.Base on a store seeded with
	// Folder.Seed, typically. When nil, an in-memory index of the
	// folder's entries.
	Knowledge Knowledge
	// Intents classifies messages; when nil, Folder.Train trains one.
	Intents intent.Classifier
}

// IntentOptions returns the options the classifier trains with: the
// folder's rules, words, synonyms and out-of-scope label, and a fixed seed
// so that the same folder always trains the same model.
func (f *Folder) IntentOptions() intent.Options {
	return intent.Options{Seed: 1, Rules: f.Rules, Words: f.Words, Synonyms: f.Synonyms, OutOfScope: f.OutOfScope}
}

// IndexOptions returns the knowledge-base index options of the folder's
// vocabulary, for kb.Options.Index or kb.NewIndex.
func (f *Folder) IndexOptions() kb.IndexOptions {
	return kb.IndexOptions{Words: f.Words, Synonyms: f.Synonyms}
}

// Train trains the intent classifier on the folder's examples.
func (f *Folder) Train(ctx context.Context) (*intent.Model, error) {
	m, err := intent.Train(ctx, f.Examples, f.IntentOptions())
	if err != nil {
		return nil, fmt.Errorf("kefu: training on %s: %w", intentsFile, err)
	}
	return m, nil
}

// Seed writes the folder's entries to st when st holds no entry, and
// reports whether it did. A store with entries is left alone: after the
// first start, the knowledge base is edited through the admin API, not
// the folder.
//
// Several instances may seed one shared store (kb/pgstore) at once: each
// entry is written as new (version 0) in one batch, which the store
// applies atomically, so only the first batch is written and the others
// fail with a *kb.ConflictError, which Seed takes as "seeded already".
func (f *Folder) Seed(ctx context.Context, st kb.Store) (bool, error) {
	if len(f.Entries) == 0 {
		return false, nil
	}
	have, _, err := st.List(ctx)
	if err != nil {
		return false, fmt.Errorf("kefu: seeding the knowledge base: %w", err)
	}
	if len(have) > 0 {
		return false, nil
	}
	es := make([]kb.Entry, len(f.Entries))
	for i, e := range f.Entries {
		e.Version = 0
		es[i] = e
	}
	_, err = st.Write(ctx, kb.Batch{Author: "kefu", Note: "seeded from the bot folder " + f.Name, Put: es})
	var ce *kb.ConflictError
	if errors.As(err, &ce) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("kefu: seeding the knowledge base: %w", err)
	}
	return true, nil
}

// NewBot builds a Bot on the folder's parts and s: its flows, calling the
// folder's functions, with the sessions in s.Sessions; its intent titles,
// answer cut-off and rating intents. opts come after those and may override them.
func (f *Folder) NewBot(ctx context.Context, s FolderStores, opts ...Option) (*Bot, error) {
	if s.Sessions == nil {
		s.Sessions = dialogue.NewMemoryStore(dialogue.MemoryOptions{})
	}
	if s.Intents == nil {
		m, err := f.Train(ctx)
		if err != nil {
			return nil, err
		}
		s.Intents = m
	}
	if s.Knowledge == nil {
		ix, err := kb.NewIndex(f.IndexOptions())
		if err != nil {
			return nil, fmt.Errorf("kefu: %w", err)
		}
		ix.Put(f.Entries...)
		s.Knowledge = ix
	}
	engine, err := dialogue.NewEngine(f.Flows, dialogue.Options{Funcs: f.Funcs, MinConfidence: f.MinConfidence})
	if err != nil {
		return nil, fmt.Errorf("kefu: %w", err)
	}
	bopts := []Option{
		WithIntents(s.Intents), WithDialogue(engine), WithKnowledge(s.Knowledge), WithSessionStore(s.Sessions),
		WithFallback(Fallback{MinConfidence: f.AnswerConfidence}),
	}
	if len(f.Titles) > 0 {
		bopts = append(bopts, WithBilingualIntentTitles(f.Titles))
	}
	if len(f.Rating) > 0 {
		bopts = append(bopts, WithRating(f.Rating...))
	}
	return New(append(bopts, opts...)...)
}
