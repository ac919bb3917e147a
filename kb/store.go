package kb

import (
	"context"
	"fmt"
	"time"
)

// Store keeps entries and the history of their changes. Implementations
// in this module: [NewMemoryStore] (tests, throw-away bots), package
// kb/boltstore (one local file: the embedded durable default) and package
// kb/pgstore (PostgreSQL: several bot instances sharing one knowledge
// base). Every implementation
// passes the conformance suite in kb/kbtest.
//
// A Store is safe for concurrent use. Searching is not its job: a [Base]
// keeps an in-memory [Index] of the store's entries up to date by following
// its revisions.
type Store interface {
	// Get returns the entry with the given ID, or an error wrapping
	// ErrNotFound.
	Get(ctx context.Context, id string) (Entry, error)
	// List returns every entry, ordered by ID, with the sequence number
	// of the last revision they reflect. A caller that then follows
	// Revisions after that number misses and repeats no change.
	List(ctx context.Context) ([]Entry, int64, error)
	// Write applies a batch atomically: either every change is stored,
	// with its revision, or none is. It returns the revisions written, in
	// the batch's order (puts, then deletes).
	Write(ctx context.Context, b Batch) ([]Revision, error)
	// Revisions returns revisions in increasing Seq order: the change
	// feed and the audit history.
	Revisions(ctx context.Context, q RevQuery) ([]Revision, error)
}

// Waiter is implemented by stores that can tell when revisions are
// written, including by other processes sharing the store. A [Base]
// uses it to pick up changes at once; without it a Base polls.
type Waiter interface {
	// Wait blocks until the store may hold a revision with Seq > after,
	// or ctx is done. It may return early; callers check with Revisions.
	Wait(ctx context.Context, after int64) error
}

// Batch is a set of changes written atomically by [Store.Write].
//
// Optimistic concurrency: each put carries in Entry.Version the version
// the writer last read (0 for an entry that must not exist yet) and each
// delete the version to delete. If a stored version differs, Write fails
// with a [*ConflictError] and writes nothing, so two editors cannot
// silently overwrite each other. Overwrite turns the checks off, for
// imports and restores.
type Batch struct {
	// Author is who made the changes, kept in the history.
	Author string
	// Note says what was done or why ("import faq.xlsx"), kept in the
	// history.
	Note string
	// Put are entries to create or replace.
	Put []Entry
	// Delete are entries to remove.
	Delete []Ref
	// Overwrite skips the version checks.
	Overwrite bool
}

// Ref names one version of an entry.
type Ref struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
}

// Op is the kind of a change.
type Op uint8

// Kinds of change.
const (
	// OpPut creates or replaces an entry.
	OpPut Op = iota + 1
	// OpDelete removes an entry.
	OpDelete
)

// String returns "put" or "delete".
func (o Op) String() string {
	switch o {
	case OpPut:
		return "put"
	case OpDelete:
		return "delete"
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Revision is one change of one entry: who, when and what.
//
// Versions of an ID only grow, across deletes: every put and every delete
// adds one, so an entry recreated after a delete continues its numbering
// and a follower can order any two revisions of the same ID.
type Revision struct {
	// Seq orders all revisions of a store; it increases with every
	// revision written.
	Seq int64 `json:"seq"`
	// Op is what was done.
	Op Op `json:"op"`
	// Entry is the entry after a put; after a delete, the entry as it
	// was, with the deleting revision's Version and Updated.
	Entry Entry `json:"entry"`
	// Author and Note come from the Batch.
	Author string `json:"author,omitempty"`
	Note   string `json:"note,omitempty"`
	// Time is when the revision was written.
	Time time.Time `json:"time"`
}

// RevQuery selects revisions.
type RevQuery struct {
	// After selects revisions with Seq > After.
	After int64
	// ID, if set, selects the revisions of one entry.
	ID string
	// Limit caps the number returned; 0 means no limit.
	Limit int
}

// Check validates b on its own: every entry valid, no ID twice, versions
// not negative. Stores call it before looking at stored versions.
func (b *Batch) Check() error {
	seen := make(map[string]bool, len(b.Put)+len(b.Delete))
	for i := range b.Put {
		e := &b.Put[i]
		if err := e.Validate(); err != nil {
			return err
		}
		if seen[e.ID] {
			return &InvalidError{ID: e.ID, Field: "id", Reason: "appears more than once in one batch"}
		}
		seen[e.ID] = true
	}
	for _, r := range b.Delete {
		if r.ID == "" {
			return &InvalidError{Field: "id", Reason: "empty"}
		}
		if r.Version < 0 {
			return &InvalidError{ID: r.ID, Field: "version", Reason: "negative"}
		}
		if seen[r.ID] {
			return &InvalidError{ID: r.ID, Field: "id", Reason: "appears more than once in one batch"}
		}
		seen[r.ID] = true
	}
	return nil
}

// Plan computes the revisions a batch writes, for Store implementations.
// state reports an ID's stored entry (if it exists) and the last version
// the ID ever had, deleted or not. Plan checks versions unless
// b.Overwrite, and returns revisions numbered from seq+1 at time now.
// It returns ErrNotFound for a delete of an absent entry.
func (b *Batch) Plan(seq int64, now time.Time, state func(id string) (cur *Entry, last int64, err error)) ([]Revision, error) {
	if err := b.Check(); err != nil {
		return nil, err
	}
	now = now.UTC().Round(time.Microsecond)
	revs := make([]Revision, 0, len(b.Put)+len(b.Delete))
	add := func(op Op, e Entry) {
		seq++
		revs = append(revs, Revision{Seq: seq, Op: op, Entry: e, Author: b.Author, Note: b.Note, Time: now})
	}
	for _, e := range b.Put {
		cur, last, err := state(e.ID)
		if err != nil {
			return nil, err
		}
		have := int64(0)
		if cur != nil {
			have = cur.Version
		}
		if !b.Overwrite && e.Version != have {
			return nil, &ConflictError{ID: e.ID, Want: e.Version, Have: have}
		}
		e = e.Clone()
		e.Version = last + 1
		e.Updated = now
		add(OpPut, e)
	}
	for _, r := range b.Delete {
		cur, last, err := state(r.ID)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, fmt.Errorf("kb: delete %q: %w", r.ID, ErrNotFound)
		}
		if !b.Overwrite && r.Version != cur.Version {
			return nil, &ConflictError{ID: r.ID, Want: r.Version, Have: cur.Version}
		}
		e := cur.Clone()
		e.Version = last + 1
		e.Updated = now
		add(OpDelete, e)
	}
	return revs, nil
}

func notFound(id string) error { return fmt.Errorf("kb: entry %q: %w", id, ErrNotFound) }
