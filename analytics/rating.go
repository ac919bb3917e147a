package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// RatingRequest is the JSON body RatingHandler accepts.
type RatingRequest struct {
	SessionID string `json:"session_id"`
	UserID    string `json:"user_id"`
	Rating    int    `json:"rating"`
	Comment   string `json:"comment,omitempty"`
	Channel   string `json:"channel,omitempty"`
}

// RatingOptions configure RatingHandler. The zero value works.
type RatingOptions struct {
	// Check, when not nil, approves a well-formed rating before it is
	// emitted: the root package checks that the session exists, belongs
	// to the user and has not been rated yet. An error answers 403 with
	// the error's text.
	Check func(ctx context.Context, r RatingRequest) error
	// MaxComment bounds the comment in characters; 500 when zero.
	MaxComment int
	// Now stamps the event; time.Now when nil.
	Now func() time.Time
}

// ratingError is the JSON body of a rejected rating.
type ratingError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// RatingHandler returns an http.Handler that accepts a satisfaction
// rating: POST, Content-Type application/json, a body of at most 8 KiB
// holding a RatingRequest. A valid rating (session and user IDs of at most
// 128 bytes, rating 1 to 5, comment within MaxComment) is passed to h as a
// Rating event (the comment in Text, redacted by the hooks' policy) and
// answered 204. Errors are answered with a JSON body {"error", "field"}:
// 400 for a bad field or body, 403 when Check refuses, 405, 413, 415, and
// 503 when h fails (a closed Dispatcher).
func RatingHandler(h Hook, opts RatingOptions) http.Handler {
	maxComment := opts.MaxComment
	if maxComment <= 0 {
		maxComment = 500
	}
	now := nowFunc(opts.Now)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeJSON(w, http.StatusMethodNotAllowed, ratingError{Error: "use POST"})
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			writeJSON(w, http.StatusUnsupportedMediaType, ratingError{Error: "Content-Type must be application/json"})
			return
		}
		var req RatingRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeJSON(w, http.StatusRequestEntityTooLarge, ratingError{Error: "body too large"})
				return
			}
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				writeJSON(w, http.StatusBadRequest, ratingError{Error: "wrong type", Field: typeErr.Field})
				return
			}
			writeJSON(w, http.StatusBadRequest, ratingError{Error: "invalid JSON: " + err.Error()})
			return
		}
		if field, msg := validateRating(&req, maxComment); field != "" {
			writeJSON(w, http.StatusBadRequest, ratingError{Error: msg, Field: field})
			return
		}
		if opts.Check != nil {
			if err := opts.Check(r.Context(), req); err != nil {
				writeJSON(w, http.StatusForbidden, ratingError{Error: err.Error()})
				return
			}
		}
		e := Event{Kind: Rating, Time: now(), SessionID: req.SessionID, UserID: req.UserID, Channel: req.Channel,
			Rating: req.Rating, Text: strings.TrimSpace(req.Comment)}
		if err := h.Handle(r.Context(), e); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, ratingError{Error: "rating not recorded"})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func validateRating(r *RatingRequest, maxComment int) (field, msg string) {
	checkID := func(name, v string) (string, string) {
		switch {
		case v == "":
			return name, name + " is required"
		case len(v) > 128:
			return name, name + " is longer than 128 bytes"
		case !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return name, name + " has invalid characters"
		}
		return "", ""
	}
	if f, m := checkID("session_id", r.SessionID); f != "" {
		return f, m
	}
	if f, m := checkID("user_id", r.UserID); f != "" {
		return f, m
	}
	if r.Rating < 1 || r.Rating > 5 {
		return "rating", fmt.Sprintf("rating must be 1 to 5, not %d", r.Rating)
	}
	if !utf8.ValidString(r.Comment) {
		return "comment", "comment is not valid UTF-8"
	}
	if n := utf8.RuneCountInString(r.Comment); n > maxComment {
		return "comment", fmt.Sprintf("comment has %d characters, more than %d", n, maxComment)
	}
	if len(r.Channel) > 64 {
		return "channel", "channel is longer than 64 bytes"
	}
	return "", ""
}
