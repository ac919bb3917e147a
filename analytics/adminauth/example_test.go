package adminauth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/kefuai/kefu/analytics/adminauth"
)

func Example() {
	auth, err := adminauth.New([]adminauth.Token{
		{Name: "ops", Hash: adminauth.HashSecret("reports-token-0123456789"), Scopes: []string{adminauth.ScopeReports}},
	}, adminauth.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	reports := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := adminauth.FromContext(r.Context())
		fmt.Fprintf(w, "report for %s", id.Name)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /admin/reports", auth.Require(adminauth.ScopeReports)(reports))
	mux.Handle("POST /admin/erase", auth.Require(adminauth.ScopeErase)(http.NotFoundHandler()))

	for _, c := range []struct{ method, path, token string }{
		{"GET", "/admin/reports", "reports-token-0123456789"},
		{"GET", "/admin/reports", ""},
		{"POST", "/admin/erase", "reports-token-0123456789"},
	} {
		r := httptest.NewRequest(c.method, c.path, nil)
		if c.token != "" {
			r.Header.Set("Authorization", "Bearer "+c.token)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code == http.StatusOK {
			fmt.Println(c.method, c.path, w.Code, w.Body.String())
		} else {
			fmt.Println(c.method, c.path, w.Code, w.Header().Get("WWW-Authenticate"))
		}
	}
	// Output:
	// GET /admin/reports 200 report for ops
	// GET /admin/reports 401 Bearer realm="kefu-admin"
	// POST /admin/erase 403 Bearer realm="kefu-admin", error="insufficient_scope", scope="erase"
}
