// Package adminauth protects admin HTTP endpoints (knowledge-base edits,
// reports, exports, erasure, the audit log) with bearer tokens that carry
// scopes.
//
// Tokens are configured by name, scopes and either the secret or its hash
// ("sha256:" and 64 hex digits, from HashSecret), so that a configuration
// file need not hold secrets. Only hashes are kept in memory, and a
// presented token is compared with every configured hash in constant time.
//
//	auth, err := adminauth.New([]adminauth.Token{
//		{Name: "ops", Hash: "sha256:9f86d0…", Scopes: []string{adminauth.ScopeReports}},
//		{Name: "dpo", Hash: "sha256:2c26b4…", Scopes: []string{adminauth.ScopeExport, adminauth.ScopeErase, adminauth.ScopeAudit}},
//	}, adminauth.Options{})
//	mux.Handle("GET /admin/reports", auth.Require(adminauth.ScopeReports)(reports))
//
// A request without a valid token is answered 401 with a
// WWW-Authenticate: Bearer challenge; a valid token without the scope, 403.
// Handlers behind Require find who called with FromContext, to record the
// actor in the audit log. Serve admin endpoints over TLS only: a bearer
// token is a password.
package adminauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Scopes of the admin API. Scopes are plain strings; these are the ones the
// root package uses.
const (
	ScopeKnowledge = "knowledge" // read and edit the knowledge base
	ScopeReports   = "reports"   // read reports and metrics
	ScopeExport    = "export"    // export users' data and all data
	ScopeErase     = "erase"     // erase users' data, purge
	ScopeReview    = "review"    // export and import accuracy reviews
	ScopeAudit     = "audit"     // read and verify the audit log
	ScopeAll       = "*"         // every scope
)

// MinSecretLen is the shortest secret New accepts.
const MinSecretLen = 20

// Token is one admin credential.
type Token struct {
	// Name identifies the holder; it is the actor in audit records.
	Name string
	// Secret is the bearer token itself. Give either Secret or Hash.
	Secret string
	// Hash is HashSecret(secret).
	Hash string
	// Scopes the token grants; ScopeAll grants every scope.
	Scopes []string
}

// HashSecret returns "sha256:" and the hex SHA-256 of secret, the form of
// Token.Hash.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// NewSecret returns a random secret of 26 base32 characters (130 bits).
func NewSecret() string { return rand.Text() }

// Identity is the holder of a token that authenticated a request.
type Identity struct {
	Name   string
	Scopes []string
}

// Has reports whether the identity has scope.
func (id Identity) Has(scope string) bool {
	return slices.Contains(id.Scopes, scope) || slices.Contains(id.Scopes, ScopeAll)
}

type ctxKey struct{}

// FromContext returns the identity Require stored in a request's context.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(Identity)
	return id, ok
}

// Options configure an Auth. The zero value works.
type Options struct {
	// Realm is named in WWW-Authenticate challenges; "kefu-admin" when
	// empty.
	Realm string
	// OnDenied, when not nil, is called for every refused request with the
	// status (401 or 403), the scope required and the token's name when it
	// was valid, for example to log or audit it.
	OnDenied func(r *http.Request, status int, scope, name string)
}

type entry struct {
	id   Identity
	hash [sha256.Size]byte
}

// Auth checks bearer tokens. It is immutable and safe for concurrent use.
type Auth struct {
	tokens []entry
	realm  string
	denied func(r *http.Request, status int, scope, name string)
}

// ErrInvalidToken is matched by the errors New returns for a bad Token.
var ErrInvalidToken = errors.New("adminauth: invalid token configuration")

// New returns an Auth accepting tokens. Each must have a unique name, at
// least one scope, and either a secret of at least MinSecretLen bytes or a
// hash in the form of HashSecret; otherwise New returns an error wrapping
// ErrInvalidToken.
func New(tokens []Token, opts Options) (*Auth, error) {
	a := &Auth{realm: opts.Realm, denied: opts.OnDenied}
	if a.realm == "" {
		a.realm = "kefu-admin"
	}
	names := map[string]bool{}
	for i, t := range tokens {
		bad := func(msg string) error { return fmt.Errorf("%w: token %d (%q): %s", ErrInvalidToken, i, t.Name, msg) }
		switch {
		case t.Name == "":
			return nil, bad("no name")
		case names[t.Name]:
			return nil, bad("name used twice")
		case len(t.Scopes) == 0:
			return nil, bad("no scopes")
		case (t.Secret == "") == (t.Hash == ""):
			return nil, bad("give either a secret or a hash")
		}
		names[t.Name] = true
		var e entry
		e.id = Identity{Name: t.Name, Scopes: slices.Clone(t.Scopes)}
		if t.Secret != "" {
			if len(t.Secret) < MinSecretLen {
				return nil, bad(fmt.Sprintf("secret shorter than %d bytes", MinSecretLen))
			}
			e.hash = sha256.Sum256([]byte(t.Secret))
		} else {
			h, ok := strings.CutPrefix(t.Hash, "sha256:")
			b, err := hex.DecodeString(h)
			if !ok || err != nil || len(b) != sha256.Size {
				return nil, bad(`hash is not "sha256:" and 64 hex digits`)
			}
			copy(e.hash[:], b)
		}
		a.tokens = append(a.tokens, e)
	}
	return a, nil
}

// bearer returns the token of an Authorization: Bearer header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// Authenticate returns the identity of the request's bearer token. Every
// configured token is compared, in constant time, whatever matches.
func (a *Auth) Authenticate(r *http.Request) (Identity, bool) {
	tok, ok := bearer(r)
	if !ok {
		return Identity{}, false
	}
	sum := sha256.Sum256([]byte(tok))
	match := -1
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(sum[:], a.tokens[i].hash[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return Identity{}, false
	}
	return a.tokens[match].id, true
}

// Require returns middleware that lets a request through to next only with
// a valid token granting scope, and puts the identity in its context.
func (a *Auth) Require(scope string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, present := bearer(r)
			id, ok := a.Authenticate(r)
			if !ok {
				challenge := fmt.Sprintf(`Bearer realm=%q`, a.realm)
				if present {
					challenge += `, error="invalid_token"`
				}
				a.deny(w, r, http.StatusUnauthorized, challenge, scope, "")
				return
			}
			if !id.Has(scope) {
				a.deny(w, r, http.StatusForbidden, fmt.Sprintf(`Bearer realm=%q, error="insufficient_scope", scope=%q`, a.realm, scope), scope, id.Name)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
		})
	}
}

func (a *Auth) deny(w http.ResponseWriter, r *http.Request, status int, challenge, scope, name string) {
	if a.denied != nil {
		a.denied(r, status, scope, name)
	}
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	msg := "a valid bearer token is required"
	if status == http.StatusForbidden {
		msg = "the token lacks the scope " + scope
	}
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
