package kefu

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/kefuai/kefu/analytics"
	"github.com/kefuai/kefu/analytics/adminauth"
	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/dialogue"
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
