// Package kb is kefu's knowledge base: FAQ entries with rich answers, the
// stores that keep them, and the search that finds the entry answering a
// customer's question, in Chinese or English.
//
// # Entries and stores
//
// An [Entry] holds a standard question, the other ways customers ask it
// (similar questions), an answer of text, images, links and quick replies,
// a category, tags and an enabled flag. A [Store] keeps entries with their
// history: every write bumps the entry's version and records who, when and
// what in a [Revision]; writes carry the version the editor read, so two
// editors cannot silently overwrite each other ([ErrConflict]).
//
// Three stores pass the same conformance suite (package kb/kbtest):
// [NewMemoryStore] for tests, package kb/boltstore (one local file, no
// server: the default) and package kb/pgstore (PostgreSQL, for several bot
// instances that share one knowledge base).
//
// # Search
//
// An [Index] ranks entries with BM25 over the terms of kefu's shared text
// analyzer: words, and for Chinese also single characters and character
// pairs, so that "花呗还款" finds "怎么还花呗". An entry's score blends its
// best-matching question with all its questions taken together.
// Synonyms given in [IndexOptions] match each other. A search returns the
// top hits with a Confidence from 0 to 1 and drops those under a
// threshold, so a question the knowledge base does not cover gets no
// answer rather than a wrong one; [Index.Calibrate] tunes the threshold on
// real questions. A [Reranker] may rescore the lexical candidates and
// propose other entries, for example with a model trained on the
// entries' questions ([Learner]); the index keeps only proposals it holds
// in the same version.
//
// The index is updated one entry at a time, and searches run concurrently
// with updates without ever seeing half of one.
//
// # Wiring
//
// A [Base] ties a store and an index together: it builds the index at
// Open, applies its own writes at once and follows the store for writes
// made by other instances.
//
//	st, err := boltstore.Open("faq.db", boltstore.Options{})
//	...
//	base, err := kb.Open(ctx, st, kb.Options{Index: kb.IndexOptions{Synonyms: [][]string{{"退款", "退钱"}}}})
//	...
//	hits, err := base.Search(ctx, customerText, kb.SearchOptions{})
//	if len(hits) == 0 {
//		// No good answer: hand off, or ask the customer to rephrase.
//	}
//
// # Files
//
// [ReadEntries] and [WriteEntries] import and export JSON, CSV and Excel
// files. A malformed file is reported row by row and column by column, and
// yields nothing, so an import never half happens.
package kb
