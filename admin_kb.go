package kefu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kefuai/kefu/analytics/audit"
	"github.com/kefuai/kefu/kb"
)

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
