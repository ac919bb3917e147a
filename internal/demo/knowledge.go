package demo

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"

	"github.com/kefuai/kefu/kb"
)

//go:embed faq.json
var faqJSON []byte

//go:embed img/*.svg
var imgFS embed.FS

//go:embed policy/*.html
var policyFS embed.FS

// Entries returns the knowledge-base entries, all enabled.
func Entries() ([]kb.Entry, error) {
	es, err := kb.ReadEntries(bytes.NewReader(faqJSON), kb.JSON)
	if err != nil {
		return nil, fmt.Errorf("demo: faq.json: %w", err)
	}
	return es, nil
}

// Images returns the answer images, to be served under /demo/img/: the
// file size-chart.svg has the URL /demo/img/size-chart.svg.
func Images() fs.FS { return sub(imgFS, "img") }

// Policies returns the policy pages the answers link to, to be served
// under /demo/policy/: returns.html has the URL /demo/policy/returns.html.
func Policies() fs.FS { return sub(policyFS, "policy") }

func sub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		// dir is a constant that exists in the embedded files.
		panic(err)
	}
	return s
}
