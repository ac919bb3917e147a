// Package audit keeps an append-only, hash-chained record of what
// administrators do with the operator's data: knowledge-base edits,
// exports, erasures, report downloads, changes of settings.
//
// Each Record holds the SHA-256 of the previous record's canonical bytes
// (Prev) and of its own (Hash), so editing, deleting or reordering any
// record breaks the chain from there on; Verify finds the first broken
// record. Cutting records off the end leaves a valid shorter chain: keep
// the Head that Verify returns somewhere else (a report, a ticket) and
// pass it to VerifyHead later to detect that too.
//
// Two logs are provided: FileLog, an append-only file of JSON lines needing
// no server, and pgstore.Log (package audit/pgstore), whose PostgreSQL table
// refuses updates and deletes. Both are safe for concurrent use; audittest
// checks an implementation.
//
// Records name actors and targets (user IDs, entry IDs), never the content
// of conversations, and are not erased with a user's data: they are the
// proof of what was done with it.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Common actions. Any short dotted name may be used.
const (
	ActionKnowledgeCreate = "knowledge.create"
	ActionKnowledgeUpdate = "knowledge.update"
	ActionKnowledgeDelete = "knowledge.delete"
	ActionKnowledgeImport = "knowledge.import"
	ActionReportDownload  = "report.download"
	ActionExportUser      = "data.export_user"
	ActionExportAll       = "data.export_all"
	ActionEraseUser       = "data.erase_user"
	ActionPurge           = "data.purge"
	ActionReviewExport    = "review.export"
	ActionReviewImport    = "review.import"
	ActionSettingsChange  = "settings.change"
)

// Entry is what an administrator did, as given to Log.Append.
type Entry struct {
	// Time is when; the log's clock when zero.
	Time time.Time
	// Actor is who: the name of the admin token or user.
	Actor string
	// Action is what, such as ActionEraseUser.
	Action string
	// Target is what it was done to: a user ID, an entry ID, a period.
	Target string
	// Details are further facts, such as the number of records erased.
	Details map[string]string
}

// Record is an Entry as logged: numbered from 1 and chained.
type Record struct {
	Seq     uint64            `json:"seq"`
	Time    time.Time         `json:"time"`
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Target  string            `json:"target,omitempty"`
	Details map[string]string `json:"details,omitempty"`
	// Prev is the hex SHA-256 of the previous record's canonical bytes,
	// 64 zeros for the first record.
	Prev string `json:"prev"`
	// Hash is the hex SHA-256 of this record's canonical bytes.
	Hash string `json:"hash"`
}

// Genesis is the Prev of the first record.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Canonical returns the bytes the record's hash covers: a JSON object of
// seq, time (UTC, RFC 3339 with nanoseconds), actor, action, target,
// details (keys sorted) and prev, in that order, without hash.
func (r *Record) Canonical() []byte {
	var b bytes.Buffer
	b.WriteString(`{"seq":`)
	fmt.Fprint(&b, r.Seq)
	field := func(name string, v any) {
		b.WriteString(`,"` + name + `":`)
		j, _ := json.Marshal(v) // strings and maps of strings always encode
		b.Write(j)
	}
	field("time", r.Time.UTC().Format(time.RFC3339Nano))
	field("actor", r.Actor)
	field("action", r.Action)
	field("target", r.Target)
	details := r.Details
	if details == nil {
		details = map[string]string{}
	}
	field("details", details)
	field("prev", r.Prev)
	b.WriteByte('}')
	return b.Bytes()
}

// ComputeHash returns the hex SHA-256 of the record's canonical bytes.
func (r *Record) ComputeHash() string {
	sum := sha256.Sum256(r.Canonical())
	return hex.EncodeToString(sum[:])
}

// Next returns the record that follows head for entry e, chained and
// hashed. Logs use it to append; now is used when e has no time. Times are
// kept to the microsecond.
func Next(head Head, e Entry, now time.Time) Record {
	t := e.Time
	if t.IsZero() {
		t = now
	}
	prev := head.Hash
	if head.Seq == 0 {
		prev = Genesis
	}
	r := Record{Seq: head.Seq + 1, Time: t.UTC().Truncate(time.Microsecond), Actor: e.Actor, Action: e.Action, Target: e.Target, Details: e.Details, Prev: prev}
	if len(r.Details) == 0 {
		r.Details = nil
	}
	r.Hash = r.ComputeHash()
	return r
}

// Head identifies the last record of a chain: its number and hash. The
// zero Head is the empty log.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// Head returns the head a record makes.
func (r *Record) Head() Head { return Head{Seq: r.Seq, Hash: r.Hash} }

// ErrInvalidEntry is returned by Append for an entry without actor or
// action.
var ErrInvalidEntry = errors.New("audit: entry needs an actor and an action")

// Validate checks that the entry names an actor and an action.
func (e *Entry) Validate() error {
	if e.Actor == "" || e.Action == "" {
		return ErrInvalidEntry
	}
	return nil
}

// Log is an append-only audit log. Implementations are safe for
// concurrent use (also across processes, for a log meant to be shared) and
// keep the chain: Append links each record to the one before.
type Log interface {
	// Append records an entry and returns the record as stored. It returns
	// an error wrapping ErrInvalidEntry for an entry without actor or
	// action.
	Append(ctx context.Context, e Entry) (Record, error)
	// Scan calls fn for the records numbered from from on (1 for all), in
	// the order they are stored, stopping at fn's first error.
	Scan(ctx context.Context, from uint64, fn func(Record) error) error
}

// ErrBroken is matched by every *BrokenError.
var ErrBroken = errors.New("audit: chain broken")

// BrokenError reports the first record that does not fit the chain.
type BrokenError struct {
	// Seq is the position in the chain where the break was found: the
	// number the record there should have had.
	Seq uint64
	// Reason says what is wrong.
	Reason string
}

// Error returns "audit: chain broken at record N: reason".
func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit: chain broken at record %d: %s", e.Seq, e.Reason)
}

// Is reports whether target is ErrBroken.
func (e *BrokenError) Is(target error) bool { return target == ErrBroken }

// Verify reads the whole log and checks the chain: records numbered 1, 2,
// 3 ... without gap, each one's Prev equal to the previous one's Hash, and
// each Hash equal to the hash of its canonical bytes. It returns the head
// of the verified chain, or a *BrokenError for the first record that fails
// (with the head of the part before it).
func Verify(ctx context.Context, l Log) (Head, error) {
	var head Head
	err := l.Scan(ctx, 1, func(r Record) error {
		want := head.Seq + 1
		prev := head.Hash
		if head.Seq == 0 {
			prev = Genesis
		}
		switch {
		case r.Seq != want:
			return &BrokenError{Seq: want, Reason: fmt.Sprintf("found record %d where %d should be (deleted or reordered)", r.Seq, want)}
		case r.Prev != prev:
			return &BrokenError{Seq: want, Reason: "prev does not match the hash of the record before"}
		case r.ComputeHash() != r.Hash:
			return &BrokenError{Seq: want, Reason: "content does not match its hash (edited)"}
		}
		head = r.Head()
		return nil
	})
	return head, err
}

// VerifyHead verifies the log as Verify does and also that it still holds
// a head recorded earlier, so that records cut off the end are noticed.
func VerifyHead(ctx context.Context, l Log, earlier Head) (Head, error) {
	var found bool
	var head Head
	err := l.Scan(ctx, 1, func(r Record) error {
		if r.Seq == earlier.Seq && r.Hash == earlier.Hash {
			found = true
		}
		return nil
	})
	if err != nil {
		return Head{}, err
	}
	head, err = Verify(ctx, l)
	if err != nil {
		return head, err
	}
	if earlier.Seq > 0 && !found {
		return head, &BrokenError{Seq: earlier.Seq, Reason: "the head recorded earlier is gone (records cut off the end or replaced)"}
	}
	return head, nil
}
