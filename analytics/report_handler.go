package analytics

import (
	"bytes"
	"fmt"
	"net/http"
)

// ReportHandler returns an http.Handler that serves reports computed from
// s: GET with the query parameters period ("2026-11" or "2026-Q4") and
// format ("html", the default, "json" or "csv"). It answers 400 for a bad
// period or format, 405 for other methods and 500 when the store fails.
// CSV comes as an attachment named kefu-report-PERIOD.csv.
//
// It does no authentication: mount it behind the admin API's (see
// analytics/adminauth), which also records the download in the audit log.
func ReportHandler(s Store, opts ReportOptions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p, err := ParsePeriod(r.URL.Query().Get("period"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f, err := ParseFormat(r.URL.Query().Get("format"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rep, err := BuildReport(r.Context(), s, p, opts)
		if err != nil {
			http.Error(w, "report failed", http.StatusInternalServerError)
			return
		}
		var buf bytes.Buffer
		if err := rep.Write(&buf, f); err != nil {
			http.Error(w, "report failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", f.ContentType())
		w.Header().Set("Cache-Control", "no-store")
		if f == FormatCSV {
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="kefu-report-%s.csv"`, p))
		}
		w.Write(buf.Bytes())
	})
}
