package kefu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/adminauth"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/dialogue"
	"github.com/kefuai/kefu/intent"
	"github.com/kefuai/kefu/kb"
)

// AdminOptions configure an Admin. Auth and Audit are required; the other
// parts enable the endpoints that use them.
type AdminOptions struct {
	// Auth checks the bearer tokens of every request.
	Auth *adminauth.Auth
	// Audit records every action on the operator's data.
	Audit audit.Log
	// Knowledge enables the knowledge-base endpoints.
	Knowledge *kb.Base
	// Transcripts enables reports, accuracy reviews, and the transcripts'
	// part of erasure and export.
	Transcripts analytics.Store
	// Sessions is the session store whose sessions erasure deletes and
	// export includes (the bot's and the dialogue engine's).
	Sessions dialogue.Store
	// Events, when set, is drained before an erasure so that no event of
	// the user still in flight is stored after it.
	Events *analytics.Dispatcher
	// Bot, when set, forgets an erased user's open sessions, so that it
	// emits no more events about them.
	Bot *Bot
	// Reports configure reports (time zone, resolution rule).
	Reports analytics.ReportOptions
	// Logger receives failures; nothing is logged when nil.
	Logger *slog.Logger
}

// Admin is the administration side of a bot: knowledge-base editing,
// reports and accuracy reviews, and the data-protection operations (export
// and erasure of one user's data, full export), each recorded in the audit
// log. Handler serves it over HTTP behind bearer tokens with scopes.
type Admin struct {
	o   AdminOptions
	log *slog.Logger
}

// NewAdmin returns an Admin.
func NewAdmin(o AdminOptions) (*Admin, error) {
	if o.Auth == nil || o.Audit == nil {
		return nil, errors.New("kefu: an admin needs Auth and Audit")
	}
	lg := o.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Admin{o: o, log: lg}, nil
}

// Erasure says what EraseUser deleted.
type Erasure struct {
	UserID   string `json:"user_id"`
	Events   int64  `json:"events"`
	Sessions int    `json:"sessions"`
}

// eachEvent streams the JSON lines export writes and calls fn for each
// event, without holding the export in memory.
func eachEvent(export func(io.Writer) error, fn func(analytics.Event) error) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := export(pw)
		pw.CloseWithError(err)
		done <- err
	}()
	err := analytics.ReadJSONL(pr, fn)
	pr.CloseWithError(errors.New("kefu: export reader stopped"))
	if exportErr := <-done; exportErr != nil && err == nil {
		err = exportErr
	}
	return err
}

// sessionIDs collects the distinct session IDs of events, in order.
type sessionIDs struct {
	seen map[string]bool
	ids  []string
}

func (s *sessionIDs) add(e analytics.Event) {
	if e.SessionID == "" || s.seen[e.SessionID] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[e.SessionID] = true
	s.ids = append(s.ids, e.SessionID)
}

// sessionsOf returns the IDs of the sessions a user's events belong to.
func (a *Admin) sessionsOf(ctx context.Context, userID string) ([]string, error) {
	if a.o.Transcripts == nil {
		return nil, nil
	}
	var ids sessionIDs
	err := eachEvent(func(w io.Writer) error { return a.o.Transcripts.ExportUser(ctx, userID, w) },
		func(e analytics.Event) error { ids.add(e); return nil })
	return ids.ids, err
}

// eventLine and the other line types are what exports write, one JSON
// object a line.
type eventLine struct {
	Type  string          `json:"type"`
	Event analytics.Event `json:"event"`
}

// EraseUser deletes everything kept about a user: the sessions of the
// bot and the dialogue engine, and the transcripts and events. The audit
// log records who did it (the audit record itself names the user ID and
// counts, never content).
func (a *Admin) EraseUser(ctx context.Context, actor, userID string) (Erasure, error) {
	if userID == "" {
		return Erasure{}, errors.New("kefu: erase needs a user ID")
	}
	if a.o.Bot != nil {
		a.o.Bot.hooks.forgetUser(userID)
	}
	if a.o.Events != nil {
		if err := a.drain(ctx); err != nil {
			return Erasure{UserID: userID}, err
		}
	}
	res := Erasure{UserID: userID}
	sessions, err := a.sessionsOf(ctx, userID)
	if err != nil {
		return res, fmt.Errorf("kefu: finding the user's sessions: %w", err)
	}
	if a.o.Sessions != nil {
		for _, id := range sessions {
			for _, key := range []string{id, stateKey(id)} {
				if err := a.o.Sessions.Delete(ctx, key); err != nil {
					return res, fmt.Errorf("kefu: deleting session %s: %w", id, err)
				}
			}
			res.Sessions++
		}
	}
	if a.o.Transcripts != nil {
		if res.Events, err = a.o.Transcripts.EraseUser(ctx, userID); err != nil {
			return res, fmt.Errorf("kefu: erasing transcripts: %w", err)
		}
	}
	_, err = a.o.Audit.Append(ctx, audit.Entry{Actor: actor, Action: audit.ActionEraseUser, Target: userID,
		Details: map[string]string{"events": strconv.FormatInt(res.Events, 10), "sessions": strconv.Itoa(res.Sessions)}})
	return res, err
}

// drain waits (up to 10 s) until the dispatcher's hooks have taken every
// event emitted so far; erasing before would let events in flight be
// stored after the erasure.
func (a *Admin) drain(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pending := false
		for _, s := range a.o.Events.Stats() {
			if s.Queued > 0 || s.Backlog > 0 {
				pending = true
			}
		}
		if !pending {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("kefu: events are still being delivered (a store may be down); erasure not done, try again")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ExportUser writes everything kept about a user as JSON lines: their
// events (type "event"), the current state of their sessions (type
// "session"), and a last line of type "end" with the counts.
func (a *Admin) ExportUser(ctx context.Context, actor, userID string, w io.Writer) error {
	if userID == "" {
		return errors.New("kefu: export needs a user ID")
	}
	enc := json.NewEncoder(w)
	n := 0
	var sessions sessionIDs
	if a.o.Transcripts != nil {
		err := eachEvent(func(w io.Writer) error { return a.o.Transcripts.ExportUser(ctx, userID, w) },
			func(e analytics.Event) error {
				n++
				sessions.add(e)
				return enc.Encode(eventLine{"event", e})
			})
		if err != nil {
			return err
		}
	}
	if a.o.Sessions != nil {
		for _, id := range sessions.ids {
			for _, key := range []string{id, stateKey(id)} {
				b, err := a.o.Sessions.Get(ctx, key)
				if errors.Is(err, dialogue.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if err := enc.Encode(struct {
					Type string          `json:"type"`
					Key  string          `json:"key"`
					Data json.RawMessage `json:"data"`
				}{"session", key, rawJSON(b)}); err != nil {
					return err
				}
			}
		}
	}
	if err := enc.Encode(endLine{Type: "end", Events: n, Sessions: len(sessions.ids)}); err != nil {
		return err
	}
	_, err := a.o.Audit.Append(ctx, audit.Entry{Actor: actor, Action: audit.ActionExportUser, Target: userID,
		Details: map[string]string{"events": strconv.Itoa(n), "sessions": strconv.Itoa(len(sessions.ids))}})
	return err
}

// endLine closes every export, so that a reader can tell a complete export
// from one cut short.
type endLine struct {
	Type     string `json:"type"`
	Events   int    `json:"events"`
	Sessions int    `json:"sessions,omitempty"`
	Entries  int    `json:"entries,omitempty"`
}

func rawJSON(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

// ExportAll writes all the operator's data as JSON lines: every event
// (type "event"), every knowledge-base entry (type "entry"), and a last
// line of type "end" with the counts, so that it can be taken back when a
// contract ends.
func (a *Admin) ExportAll(ctx context.Context, actor string, w io.Writer) error {
	enc := json.NewEncoder(w)
	events, entries := 0, 0
	if a.o.Transcripts != nil {
		err := eachEvent(func(w io.Writer) error { return a.o.Transcripts.ExportAll(ctx, w) },
			func(e analytics.Event) error {
				events++
				return enc.Encode(eventLine{"event", e})
			})
		if err != nil {
			return err
		}
	}
	if a.o.Knowledge != nil {
		es, _, err := a.o.Knowledge.Store().List(ctx)
		if err != nil {
			return err
		}
		for _, e := range es {
			entries++
			if err := enc.Encode(struct {
				Type  string   `json:"type"`
				Entry kb.Entry `json:"entry"`
			}{"entry", e}); err != nil {
				return err
			}
		}
	}
	if err := enc.Encode(endLine{Type: "end", Events: events, Entries: entries}); err != nil {
		return err
	}
	_, err := a.o.Audit.Append(ctx, audit.Entry{Actor: actor, Action: audit.ActionExportAll, Target: "*",
		Details: map[string]string{"events": strconv.Itoa(events), "entries": strconv.Itoa(entries)}})
	return err
}

// Handler serves the admin API. Every route needs a bearer token with the
// scope named:
//
//	GET    /admin/kb/entries                 knowledge  list entries (JSON)
//	GET    /admin/kb/entries/{id}            knowledge  one entry
//	PUT    /admin/kb/entries/{id}            knowledge  create or replace; the body's version is the one last read (0 for new), 409 on a conflict
//	DELETE /admin/kb/entries/{id}?version=N  knowledge  delete that version
//	POST   /admin/kb/import?format=json|csv|xlsx   knowledge  import a file, all or nothing (400 names row and column)
//	GET    /admin/kb/export?format=json|csv|xlsx   knowledge  export
//	GET    /admin/reports?period=2026-11&format=html|json|csv   reports
//	GET    /admin/review/sample?period=2026-Q4&per_intent=20     review  a CSV sheet of recognized turns to label
//	POST   /admin/review/report?format=html|json|text            review  the accuracy report of a labelled sheet
//	GET    /admin/users/{id}/export          export     one user's data (JSON lines)
//	DELETE /admin/users/{id}                 erase      erase one user's data
//	GET    /admin/export                     export     all data (JSON lines)
//	GET    /admin/audit/verify               audit      verify the audit log's chain
func (a *Admin) Handler() http.Handler {
	mux := http.NewServeMux()
	need := func(scope string, h http.HandlerFunc) http.Handler { return a.o.Auth.Require(scope)(h) }
	if a.o.Knowledge != nil {
		mux.Handle("GET /admin/kb/entries", need(adminauth.ScopeKnowledge, a.listEntries))
		mux.Handle("GET /admin/kb/entries/{id}", need(adminauth.ScopeKnowledge, a.getEntry))
		mux.Handle("PUT /admin/kb/entries/{id}", need(adminauth.ScopeKnowledge, a.putEntry))
		mux.Handle("DELETE /admin/kb/entries/{id}", need(adminauth.ScopeKnowledge, a.deleteEntry))
		mux.Handle("POST /admin/kb/import", need(adminauth.ScopeKnowledge, a.importEntries))
		mux.Handle("GET /admin/kb/export", need(adminauth.ScopeKnowledge, a.exportEntries))
	}
	if a.o.Transcripts != nil {
		reports := analytics.ReportHandler(a.o.Transcripts, a.o.Reports)
		mux.Handle("GET /admin/reports", need(adminauth.ScopeReports, func(w http.ResponseWriter, r *http.Request) {
			a.record(r, audit.ActionReportDownload, r.URL.Query().Get("period"), map[string]string{"format": r.URL.Query().Get("format")})
			reports.ServeHTTP(w, r)
		}))
		mux.Handle("GET /admin/review/sample", need(adminauth.ScopeReview, a.reviewSample))
		mux.Handle("POST /admin/review/report", need(adminauth.ScopeReview, a.reviewReport))
	}
	mux.Handle("GET /admin/users/{id}/export", need(adminauth.ScopeExport, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Content-Disposition", `attachment; filename="kefu-user-export.jsonl"`)
		if err := a.ExportUser(r.Context(), actor(r), r.PathValue("id"), w); err != nil {
			a.abort(err)
		}
	}))
	mux.Handle("DELETE /admin/users/{id}", need(adminauth.ScopeErase, func(w http.ResponseWriter, r *http.Request) {
		res, err := a.EraseUser(r.Context(), actor(r), r.PathValue("id"))
		if err != nil {
			a.fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	}))
	mux.Handle("GET /admin/export", need(adminauth.ScopeExport, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Content-Disposition", `attachment; filename="kefu-export.jsonl"`)
		if err := a.ExportAll(r.Context(), actor(r), w); err != nil {
			a.abort(err)
		}
	}))
	mux.Handle("GET /admin/audit/verify", need(adminauth.ScopeAudit, func(w http.ResponseWriter, r *http.Request) {
		head, err := audit.Verify(r.Context(), a.o.Audit)
		if err != nil {
			var be *audit.BrokenError
			if errors.As(err, &be) {
				writeJSON(w, http.StatusConflict, map[string]any{"ok": false, "error": err.Error()})
				return
			}
			a.fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "head": head})
	}))
	return mux
}

func actor(r *http.Request) string {
	if id, ok := adminauth.FromContext(r.Context()); ok {
		return id.Name
	}
	return "unknown"
}

func (a *Admin) record(r *http.Request, action, target string, details map[string]string) {
	if _, err := a.o.Audit.Append(r.Context(), audit.Entry{Actor: actor(r), Action: action, Target: target, Details: details}); err != nil {
		a.log.Error("kefu: audit log append failed", "action", action, "err", err)
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string, details any) {
	body := map[string]any{"error": msg}
	if details != nil {
		body["details"] = details
	}
	writeJSON(w, code, body)
}

// abort ends a streamed response that failed part way: the connection is
// cut, so the client sees an export without its end line, never a
// complete-looking one.
func (a *Admin) abort(err error) {
	a.log.Error("kefu: admin export failed", "err", err)
	panic(http.ErrAbortHandler)
}

func (a *Admin) fail(w http.ResponseWriter, err error) {
	a.log.Error("kefu: admin request failed", "err", err)
	writeError(w, http.StatusInternalServerError, "internal error", nil)
}

const maxUpload = 32 << 20

func (a *Admin) listEntries(w http.ResponseWriter, r *http.Request) {
	es, _, err := a.o.Knowledge.Store().List(r.Context())
	if err != nil {
		a.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, es)
}

func (a *Admin) getEntry(w http.ResponseWriter, r *http.Request) {
	e, err := a.o.Knowledge.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, kb.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such entry", nil)
		return
	}
	if err != nil {
		a.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (a *Admin) writeBatch(w http.ResponseWriter, r *http.Request, b kb.Batch, action, target string) {
	b.Author = actor(r)
	revs, err := a.o.Knowledge.Write(r.Context(), b)
	var conflict *kb.ConflictError
	var invalid *kb.InvalidError
	switch {
	case errors.As(err, &conflict):
		writeError(w, http.StatusConflict, err.Error(), conflict)
		return
	case errors.As(err, &invalid), errors.Is(err, kb.ErrNotFound):
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	case err != nil:
		a.fail(w, err)
		return
	}
	a.record(r, action, target, map[string]string{"revisions": strconv.Itoa(len(revs))})
	writeJSON(w, http.StatusOK, revs)
}

func (a *Admin) putEntry(w http.ResponseWriter, r *http.Request) {
	var e kb.Entry
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON entry: "+err.Error(), nil)
		return
	}
	id := r.PathValue("id")
	if e.ID == "" {
		e.ID = id
	}
	if e.ID != id {
		writeError(w, http.StatusBadRequest, "the entry's id differs from the URL's", nil)
		return
	}
	action := audit.ActionKnowledgeUpdate
	if e.Version == 0 {
		action = audit.ActionKnowledgeCreate
	}
	a.writeBatch(w, r, kb.Batch{Note: "admin API", Put: []kb.Entry{e}}, action, id)
}

func (a *Admin) deleteEntry(w http.ResponseWriter, r *http.Request) {
	v, err := strconv.ParseInt(r.URL.Query().Get("version"), 10, 64)
	if err != nil || v <= 0 {
		writeError(w, http.StatusBadRequest, "version: the version to delete is required", nil)
		return
	}
	id := r.PathValue("id")
	a.writeBatch(w, r, kb.Batch{Note: "admin API", Delete: []kb.Ref{{ID: id, Version: v}}}, audit.ActionKnowledgeDelete, id)
}

func format(r *http.Request) (kb.Format, error) {
	f := r.URL.Query().Get("format")
	if f == "" {
		f = "json"
	}
	return kb.FormatOf("x." + strings.ToLower(f))
}

func (a *Admin) importEntries(w http.ResponseWriter, r *http.Request) {
	f, err := format(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	es, err := kb.ReadEntries(http.MaxBytesReader(w, r.Body, maxUpload), f)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("nothing imported: the file is over %d bytes", maxUpload), nil)
			return
		}
		var problems []string
		for _, e := range unjoin(err) {
			problems = append(problems, e.Error())
		}
		writeError(w, http.StatusBadRequest, "nothing imported: the file has problems", problems)
		return
	}
	a.writeBatch(w, r, kb.Batch{Note: "admin import (" + f.String() + ")", Put: es, Overwrite: true},
		audit.ActionKnowledgeImport, strconv.Itoa(len(es))+" entries")
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (a *Admin) exportEntries(w http.ResponseWriter, r *http.Request) {
	f, err := format(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	es, _, err := a.o.Knowledge.Store().List(r.Context())
	if err != nil {
		a.fail(w, err)
		return
	}
	slices.SortFunc(es, func(x, y kb.Entry) int { return strings.Compare(x.ID, y.ID) })
	var buf bytes.Buffer
	if err := kb.WriteEntries(&buf, f, es); err != nil {
		a.fail(w, err)
		return
	}
	ext := strings.ToLower(f.String())
	w.Header().Set("Content-Disposition", `attachment; filename="kefu-knowledge.`+ext+`"`)
	w.Write(buf.Bytes())
}

func (a *Admin) reviewSample(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, err := analytics.ParsePeriod(q.Get("period"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	per, _ := strconv.Atoi(q.Get("per_intent"))
	seed, _ := strconv.ParseUint(q.Get("seed"), 10, 64)
	turns, err := analytics.SampleTurns(r.Context(), a.o.Transcripts, p, analytics.SampleOptions{
		PerIntent: per, Seed: seed, Location: a.o.Reports.Location})
	if err != nil {
		a.fail(w, err)
		return
	}
	a.record(r, audit.ActionReviewExport, p.String(), map[string]string{"turns": strconv.Itoa(len(turns))})
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="kefu-review-`+p.String()+`.csv"`)
	analytics.WriteLabelCSV(w, turns)
}

func (a *Admin) reviewReport(w http.ResponseWriter, r *http.Request) {
	labeled, err := analytics.ReadLabelCSV(http.MaxBytesReader(w, r.Body, maxUpload))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	a.record(r, audit.ActionReviewImport, "", map[string]string{"rows": strconv.Itoa(len(labeled))})
	rep := ReviewReport(labeled, "")
	if a.o.Bot != nil {
		// The threshold the bot classifies with, and where it came from.
		if m, ok := a.o.Bot.parts.Load().intents.(interface{ Info() intent.Info }); ok {
			info := m.Info()
			rep.Threshold, rep.ThresholdSource, rep.ThresholdWarnings = info.Threshold, info.ThresholdSource, slices.Clone(info.Warnings)
		}
	}
	switch r.URL.Query().Get("format") {
	case "json":
		w.Header().Set("Content-Type", "application/json")
		rep.WriteJSON(w)
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rep.WriteText(w)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		rep.WriteHTML(w)
	}
}

// ReviewReport turns a labelled accuracy-review sheet into the intent
// accuracy report the service contract promises each quarter.
func ReviewReport(labeled []analytics.Labeled, title string) *intent.Report {
	preds := make([]intent.Prediction, len(labeled))
	for i, l := range labeled {
		preds[i] = intent.Prediction{Text: l.Text, Gold: l.Gold, Predicted: l.Predicted, Confidence: l.Confidence}
	}
	if title == "" {
		title = "Intent accuracy review"
	}
	return intent.ReportFromPredictions(preds, intent.EvalOptions{OutOfScope: analytics.OutOfScopeLabel, Title: title})
}
