package adminauth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kefuai/kefu/analytics/adminauth"
)

const (
	opsSecret = "ops-secret-0123456789abcdef"
	dpoSecret = "dpo-secret-0123456789abcdef"
	allSecret = "root-secret-0123456789abcdef"
)

func newAuth(t *testing.T, denied *[]string) *adminauth.Auth {
	a, err := adminauth.New([]adminauth.Token{
		{Name: "ops", Secret: opsSecret, Scopes: []string{adminauth.ScopeReports}},
		{Name: "dpo", Hash: adminauth.HashSecret(dpoSecret), Scopes: []string{adminauth.ScopeExport, adminauth.ScopeErase}},
		{Name: "root", Secret: allSecret, Scopes: []string{adminauth.ScopeAll}},
	}, adminauth.Options{OnDenied: func(r *http.Request, status int, scope, name string) {
		if denied != nil {
			*denied = append(*denied, fmt.Sprint(status, " ", scope, " ", name))
		}
	}})
	require.NoError(t, err)
	return a
}

func TestRequire(t *testing.T) {
	var denied []string
	a := newAuth(t, &denied)
	h := a.Require(adminauth.ScopeErase)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := adminauth.FromContext(r.Context())
		require.True(t, ok)
		fmt.Fprint(w, "hello ", id.Name)
	}))
	do := func(auth string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/admin/erase", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := do("Bearer " + dpoSecret)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "hello dpo", w.Body.String())
	w = do("bearer " + allSecret)
	assert.Equal(t, http.StatusOK, w.Code, "scheme is case-insensitive; * grants all")
	assert.Equal(t, "hello root", w.Body.String())

	w = do("")
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Equal(t, `Bearer realm="kefu-admin"`, w.Header().Get("WWW-Authenticate"))
	for _, bad := range []string{"Bearer wrong-secret-0123456789", "Basic " + dpoSecret, "Bearer", "Bearer  ", dpoSecret, "Bearer " + dpoSecret + "x"} {
		w = do(bad)
		assert.Equal(t, http.StatusUnauthorized, w.Code, bad)
		assert.Contains(t, w.Header().Get("WWW-Authenticate"), "Bearer realm=", bad)
		assert.NotContains(t, w.Body.String(), "hello")
	}
	w = do("Bearer wrong-secret-0123456789")
	assert.Contains(t, w.Header().Get("WWW-Authenticate"), `error="invalid_token"`)

	w = do("Bearer " + opsSecret)
	assert.Equal(t, http.StatusForbidden, w.Code)
	assert.Equal(t, `Bearer realm="kefu-admin", error="insufficient_scope", scope="erase"`, w.Header().Get("WWW-Authenticate"))
	assert.Contains(t, w.Body.String(), "erase")
	assert.Contains(t, denied, "403 erase ops")
	assert.Contains(t, denied, "401 erase ")
}

func TestNewValidates(t *testing.T) {
	for name, tokens := range map[string][]adminauth.Token{
		"no name":      {{Secret: opsSecret, Scopes: []string{"x"}}},
		"twice":        {{Name: "a", Secret: opsSecret, Scopes: []string{"x"}}, {Name: "a", Secret: dpoSecret, Scopes: []string{"x"}}},
		"no scopes":    {{Name: "a", Secret: opsSecret}},
		"both":         {{Name: "a", Secret: opsSecret, Hash: adminauth.HashSecret(opsSecret), Scopes: []string{"x"}}},
		"neither":      {{Name: "a", Scopes: []string{"x"}}},
		"short secret": {{Name: "a", Secret: "short", Scopes: []string{"x"}}},
		"bad hash":     {{Name: "a", Hash: "md5:abcd", Scopes: []string{"x"}}},
		"short hash":   {{Name: "a", Hash: "sha256:abcd", Scopes: []string{"x"}}},
	} {
		_, err := adminauth.New(tokens, adminauth.Options{})
		assert.ErrorIs(t, err, adminauth.ErrInvalidToken, name)
	}
}

func TestIdentityAndSecrets(t *testing.T) {
	a := newAuth(t, nil)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+opsSecret)
	id, ok := a.Authenticate(r)
	require.True(t, ok)
	assert.True(t, id.Has(adminauth.ScopeReports))
	assert.False(t, id.Has(adminauth.ScopeErase))
	_, ok = adminauth.FromContext(r.Context())
	assert.False(t, ok)

	s1, s2 := adminauth.NewSecret(), adminauth.NewSecret()
	assert.NotEqual(t, s1, s2)
	assert.GreaterOrEqual(t, len(s1), adminauth.MinSecretLen)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, adminauth.HashSecret(s1))
}

func BenchmarkAuthenticate(b *testing.B) {
	a, err := adminauth.New([]adminauth.Token{{Name: "a", Secret: opsSecret, Scopes: []string{"x"}}}, adminauth.Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+opsSecret)
	b.ReportAllocs()
	for b.Loop() {
		a.Authenticate(r)
	}
}
